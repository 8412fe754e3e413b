"""The supplier directory and the catalogue across suppliers: the search with its facets
(``search.selectors.search``), for signed-in people; the directory's cards carry the buyer's
"Add to shortlist" button (``sourcing_views.directory_context``). The tender search is the
landing page (``views.home``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from search.hits import products_in_order, suppliers_in_order
from search.query import Kind

from .search_pages import search_page_context
from .sourcing_views import directory_context


def _page(request, kind: str, hits, template: str):
    return render(request, template, search_page_context(request, kind=kind, hits=hits))


@login_required
def supplier_directory(request):
    """The directory; a buyer's managers also get each card's "Add to shortlist" button."""
    context = search_page_context(request, kind=Kind.SUPPLIERS, hits=suppliers_in_order)
    context.update(directory_context(request.user, list(context["page"].object_list)))
    return render(request, "frontend/search/suppliers.html", context)


@login_required
def catalogue(request):
    return _page(request, Kind.PRODUCTS, products_in_order, "frontend/search/products.html")
