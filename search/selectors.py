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
    if query.kind not in getattr(engine, "kinds", (query.kind,)):
        engine = database_backend()  # a kind the search engine does not hold yet
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


def suggest(kind: str, text: str, *, user, limit: int = 10) -> list[dict]:
    """Names of ``kind`` whose words start with what is typed (``{"id", "title"}``), from the
    database's index (fast enough for a few keystrokes; Elasticsearch is not asked)."""
    from .backends.database import DatabaseBackend

    return DatabaseBackend().suggest(kind, text, user=user, limit=limit)
