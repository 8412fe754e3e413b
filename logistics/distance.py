"""The road distance between two points.

By default an **estimate**: the great-circle distance (haversine, on a sphere of the Earth's
mean radius, 6371.0088 km) times ``LOGISTICS_ROAD_FACTOR`` (default 1.3: roads are longer than
the straight line, by about a quarter to a third across Europe's road networks). When
``LOGISTICS_OSRM_URL`` names an OSRM server, its ``/route/v1/driving/`` answer is the road
distance instead; if that server cannot be reached in ``OSRM_TIMEOUT_SECONDS``, or answers
anything but a route, the estimate is used and the answer says why.
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import urllib3
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
DEFAULT_ROAD_FACTOR = Decimal("1.3")
OSRM_TIMEOUT_SECONDS = 3.0
ESTIMATE = "estimate"
OSRM = "osrm"
_TENTH = Decimal("0.1")

_http = urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(total=OSRM_TIMEOUT_SECONDS))


@dataclass(frozen=True)
class Point:
    latitude: Decimal
    longitude: Decimal


@dataclass(frozen=True)
class Distance:
    km: Decimal
    method: str  # ESTIMATE or OSRM
    great_circle_km: Decimal
    note: str = ""


def haversine_km(a: Point, b: Point) -> float:
    """The great-circle distance between two points, in km."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = math.radians(b.longitude - a.longitude) / 2
    h = math.sin(half_dlat) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def road_factor() -> Decimal:
    factor = Decimal(str(getattr(settings, "LOGISTICS_ROAD_FACTOR", DEFAULT_ROAD_FACTOR)))
    if not factor.is_finite() or factor < 1:
        raise ImproperlyConfigured("LOGISTICS_ROAD_FACTOR must be a number of at least 1")
    return factor


def _km(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(_TENTH, ROUND_HALF_UP)


class RoutingFailed(Exception):
    pass


def osrm_route_km(base_url: str, a: Point, b: Point) -> Decimal:
    """The driving distance from an OSRM server (``GET /route/v1/driving/{lon},{lat};{lon},
    {lat}``), in km. Raises RoutingFailed when there is none."""
    url = (
        f"{base_url.rstrip('/')}/route/v1/driving/"
        f"{a.longitude},{a.latitude};{b.longitude},{b.latitude}?overview=false"
    )
    try:
        response = _http.request("GET", url, redirect=False, preload_content=True)
    except urllib3.exceptions.HTTPError as exc:
        raise RoutingFailed(type(exc).__name__) from exc
    if response.status != 200:
        raise RoutingFailed(f"HTTP {response.status}")
    try:
        body = json.loads(response.data)
        if body.get("code") != "Ok" or not body.get("routes"):
            raise RoutingFailed(str(body.get("code") or "no route"))
        meters = float(body["routes"][0]["distance"])
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        raise RoutingFailed("not an OSRM answer") from exc
    if not math.isfinite(meters) or meters < 0:
        raise RoutingFailed("not an OSRM answer")
    return _km(meters / 1000)


def road_distance(a: Point, b: Point) -> Distance:
    """The road distance from ``a`` to ``b``: OSRM's when it is configured and answers, else
    the great-circle distance times the road factor."""
    great_circle = _km(haversine_km(a, b))
    estimate = _km(great_circle * road_factor())
    base_url = getattr(settings, "LOGISTICS_OSRM_URL", "")
    if not base_url:
        return Distance(km=estimate, method=ESTIMATE, great_circle_km=great_circle)
    try:
        km = osrm_route_km(base_url, a, b)
    except RoutingFailed as exc:
        logger.warning("OSRM routing failed (%s); the distance is estimated", exc)
        return Distance(
            km=estimate,
            method=ESTIMATE,
            great_circle_km=great_circle,
            note=_(
                "The routing server gave no route (%(why)s): the distance is the great-circle "
                "distance times the road factor."
            )
            % {"why": exc},
        )
    return Distance(km=km, method=OSRM, great_circle_km=great_circle)
