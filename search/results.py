"""One result shape for every backend: the page of hits (ids, best first), the total, and the
facets with their counts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bucket:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    buckets: list[Bucket]


@dataclass
class SearchResult:
    total: int
    ids: list[int]  # the page's documents, in order
    facets: list[Facet] = field(default_factory=list)
    backend: str = "database"
    # Said to the reader when the answer is not the usual one (the search engine was away and
    # the database answered).
    notice: str = ""
