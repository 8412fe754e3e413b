"""Searching: the configured backend, or the database when Elasticsearch cannot answer."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from .backends import BackendUnavailable, backend, database_backend
from .query import SearchQuery
from .results import SearchResult

log = logging.getLogger(__name__)


def search(query: SearchQuery, *, user, fallback: bool = True) -> SearchResult:
    """``query`` as ``user`` may read it. When the search engine is away: the database's answer
    with a notice (``fallback``, the pages), or ``BackendUnavailable`` (the API's 503)."""
    engine = backend()
    try:
        return engine.search(query, user=user)
    except BackendUnavailable:
        if not fallback or engine.name == "database":
            raise
        log.warning("search: %s is unavailable; the database answers", engine.name)
        result = database_backend().search(query, user=user)
        result.notice = _(
            "The search engine is not answering; these results come from the simpler database "
            "search."
        )
        return result
