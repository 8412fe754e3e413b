"""The supplier directory and the catalogue across suppliers: the search with its facets
(``search.selectors.search``), for signed-in people. The tender search is the landing page
(``views.home``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from marketplace.core.exceptions import ApplicationError
from search.hits import products_in_order, suppliers_in_order
from search.query import Kind, search_query
from search.selectors import search

from .views import _Hits


def _page(request, kind: str, hits, template: str):
    try:
        query = search_query(request.GET, kind=kind)
        problem = ""
    except ApplicationError as exc:
        query = search_query({"q": request.GET.get("q", "")}, kind=kind)
        problem = exc.message
    result = search(query, user=request.user)
    page = Paginator(_Hits(result.total, query.offset, hits(result.ids)), query.page_size).get_page(
        query.page
    )
    return render(
        request,
        template,
        {
            "page": page,
            "query": query.text.strip(),
            "search": query,
            "facets": [f for f in result.facets if f.buckets],
            "notice": result.notice or problem,
        },
    )


@login_required
def supplier_directory(request):
    return _page(request, Kind.SUPPLIERS, suppliers_in_order, "frontend/search/suppliers.html")


@login_required
def catalogue(request):
    return _page(request, Kind.PRODUCTS, products_in_order, "frontend/search/products.html")
