"""Host names: which brand a request came for, and the rule a brand's host name follows.

``BrandHostMiddleware`` reads the request's host (Django has checked it against
``ALLOWED_HOSTS`` first: a brand host must be allowed there too, see docs/api/branding.md) and
sets ``request.brand`` (the ``PlatformBrand`` or None) and ``request.platform_scope`` (its
platform's id, or None on Tradefloor's own hosts). Tradefloor's own hosts (``own_hosts``) are
never looked up, so they cost no query; an unknown host is Tradefloor's own too.

What a scope narrows is said where it is read: ``scope_filter`` for lists, and the tender
pages' and API's guard (``frontend.brand_scope``) for one tender or lot.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.http.request import split_domain_port
from django.utils.translation import gettext as _

from .models import PlatformBrand

_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_HOSTS = 5


def own_hosts() -> set[str]:
    """Tradefloor's own host names: never a brand's (``PLATFORM_OWN_HOSTS`` and SITE_URL's)."""
    hosts = {"localhost", "127.0.0.1", "testserver", "[::1]"}
    hosts.update(h.lower() for h in getattr(settings, "PLATFORM_OWN_HOSTS", []) if h)
    site = urlsplit(getattr(settings, "SITE_URL", "")).hostname
    if site:
        hosts.add(site.lower())
    return hosts


def host_normalise(value: object) -> tuple[str, str | None]:
    """``(host, None)`` for a valid brand host name (lower case, no trailing dot, an
    internationalised name in its ASCII form), or ``("", message)`` saying what is wrong."""
    raw = str(value or "").strip().lower().rstrip(".")
    if not raw:
        return "", _("Write a host name, for example procurement.example.com.")
    if ":" in raw or "/" in raw or "@" in raw:
        return "", _(
            "Write the host name alone: no scheme, port or path (procurement.example.com)."
        )
    try:
        host = raw.encode("idna").decode("ascii")
    except UnicodeError:
        return "", _("“%(host)s” is not a valid host name.") % {"host": raw}
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        return "", _(
            "“%(host)s” is not a valid host name: it needs at least two parts of letters, "
            "digits and hyphens (procurement.example.com), and no IP address."
        ) % {"host": raw}
    if host in own_hosts():
        return "", _("“%(host)s” is Tradefloor's own address; a brand needs its own.") % {
            "host": host
        }
    return host, None


def request_host(request) -> str:
    """The request's host name, lower case, without port or trailing dot."""
    domain, _port = split_domain_port(request.get_host())
    return domain.lower().rstrip(".")


def scope_host(scope) -> str:
    """An ASGI scope's (a websocket's) host name from its ``Host`` header, as
    ``request_host`` reads a request's: lower case, without port or trailing dot."""
    for name, value in scope.get("headers") or ():
        if name == b"host":
            domain, _port = split_domain_port(value.decode("latin-1"))
            return domain.lower().rstrip(".")
    return ""


def brand_for_host(host: str) -> PlatformBrand | None:
    if not host or host in own_hosts():
        return None
    return PlatformBrand.objects.select_related("platform").filter(hosts__host=host).first()


class BrandHostMiddleware:
    """Sets ``request.brand`` and ``request.platform_scope`` from the request's host."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        brand = brand_for_host(request_host(request))
        request.brand = brand
        request.platform_scope = brand.platform_id if brand is not None else None
        return self.get_response(request)


def platform_scope(request) -> int | None:
    """The platform a request is confined to (a brand's host), or None."""
    return getattr(request, "platform_scope", None)


def scope_filter(request, queryset: QuerySet, field: str = "platform_id") -> QuerySet:
    """``queryset`` narrowed to the request's brand's platform (by ``field``) on a brand's
    host; as it is elsewhere."""
    scope = platform_scope(request)
    return queryset if scope is None else queryset.filter(**{field: scope})


def scope_filters(request, filters: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """A search's filters (``{"platform": ("3",), ...}``) with the platform forced to the
    brand's on a brand's host, whatever platform was asked for; as they are elsewhere."""
    scope = platform_scope(request)
    return filters if scope is None else {**filters, "platform": (str(scope),)}
