"""What a search backend does. Both backends take the same documents (``search.documents``) and
the same queries (``search.query``) and answer the same ``SearchResult``; the tests run one set
of cases against each."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from ..query import SearchQuery
from ..results import SearchResult


class BackendUnavailable(Exception):
    """The backend cannot answer now (the cluster is down, times out, or refuses)."""


class Backend(Protocol):
    name: str

    def index(self, documents: Iterable[dict]) -> int:
        """Add or replace ``documents``; the number written."""
        ...

    def remove(self, kind: str, ids: Iterable[int]) -> None: ...

    def search(self, query: SearchQuery, *, user) -> SearchResult:
        """The page of ``query`` that ``user`` may read (None or anonymous: the public)."""
        ...
