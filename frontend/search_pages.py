"""What every search page shows (the tender search on the landing page, the supplier directory,
the catalogue): the query read from the request (a bad parameter told on the page, the words
kept), the search as the reader may see it, one page of hits and the facets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.core.paginator import Paginator

from marketplace.core.exceptions import ApplicationError
from marketplace.platforms.hosts import scope_filters
from search.query import Kind, search_query
from search.selectors import search


class _Hits:
    """The page of hits as a sequence of ``total`` items for Django's Paginator, which reads
    only the current page's slice (the hits in hand)."""

    def __init__(self, total: int, offset: int, rows: list):
        self.total, self.offset, self.rows = total, offset, rows

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            start = (index.start or 0) - self.offset
            return self.rows[max(0, start) : max(0, start) + (index.stop - index.start)]
        return self.rows[index - self.offset]


def search_page_context(
    request, *, kind: str, hits: Callable[[list[int]], list], hide_cancelled: bool = False
) -> dict:
    try:
        query = search_query(request.GET, kind=kind, hide_cancelled=hide_cancelled)
        problem = ""
    except ApplicationError as exc:
        query = search_query(
            {"q": request.GET.get("q", "")}, kind=kind, hide_cancelled=hide_cancelled
        )
        problem = exc.message
    if kind == Kind.TENDERS:  # a brand's host lists only its platform's tenders
        query = replace(query, filters=scope_filters(request, query.filters))
    user = request.user if request.user.is_authenticated else None
    result = search(query, user=user)
    rows = hits(result.ids)
    page = Paginator(_Hits(result.total, query.offset, rows), query.page_size).get_page(query.page)
    return {
        "page": page,
        "query": query.text.strip(),
        "search": query,
        "facets": [f for f in result.facets if f.buckets],
        "notice": result.notice or problem,
    }
