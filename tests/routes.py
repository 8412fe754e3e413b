"""The project's URL routes, for crawls that must reach every page and endpoint of an area."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


def url_routes(*prefixes: str, containing: str = "") -> list[str]:
    """Every route (its pattern text, e.g. ``api/crm/accounts/<int:pk>/``) that starts with one
    of ``prefixes`` and contains ``containing``, sorted, each once."""
    found: list[str] = []

    def walk(patterns, at: str) -> None:
        for p in patterns:
            route = at + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith(prefixes) and containing in route:
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))
