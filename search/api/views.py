"""The search API (docs/api/search.md): ``GET /api/search/tenders/``, ``.../suppliers/``,
``.../products/`` (what the reader may see, by text, filters and facets) and
``.../suggest/`` (names by their first letters, for autocomplete). Thin views over
``search.selectors``."""

from __future__ import annotations

from dataclasses import replace

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from marketplace.core.exceptions import ApplicationError
from marketplace.core.serializers import ErrorResponseSerializer
from marketplace.platforms.hosts import scope_filters

from ..backends import BackendUnavailable
from ..hits import products_in_order, suppliers_in_order, tenders_in_order
from ..models import SearchEntry
from ..query import Kind, search_query
from ..selectors import search, suggest
from .serializers import (
    ProductSearchSerializer,
    SearchQuerySerializer,
    SuggestionSerializer,
    SupplierSearchSerializer,
    TenderSearchSerializer,
)

E400 = OpenApiResponse(ErrorResponseSerializer, description="A parameter is not valid")
E503 = OpenApiResponse(ErrorResponseSerializer, description="The search engine is not answering")


def _unavailable(exc: Exception) -> ApplicationError:
    return ApplicationError(
        _("The search engine is not answering; try again in a minute."),
        code="search_unavailable",
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
    )


class _SearchApi(GenericAPIView):
    kind = Kind.TENDERS
    hits = staticmethod(tenders_in_order)
    queryset = SearchEntry.objects.none()
    pagination_class = None
    filter_backends: list = []

    def get(self, request):
        query = search_query(request.query_params, kind=self.kind)
        if self.kind == Kind.TENDERS:  # a brand's host: only its platform's tenders
            query = replace(query, filters=scope_filters(request, query.filters))
        user = request.user if request.user.is_authenticated else None
        try:
            result = search(query, user=user, fallback=False)
        except BackendUnavailable as exc:
            raise _unavailable(exc) from exc
        body = {
            "count": result.total,
            "page": query.page,
            "page_size": query.page_size,
            "results": self.hits(result.ids),
            "facets": result.facets,
            "backend": result.backend,
            "notice": result.notice,
        }
        return Response(self.get_serializer(body).data)


class TenderSearchApi(_SearchApi):
    permission_classes = [AllowAny]
    serializer_class = TenderSearchSerializer

    @extend_schema(
        tags=["search"],
        operation_id="search_tenders",
        summary="Search the tenders you may see: words in any language or in Latin, filters, "
        "facets with counts, sorting",
        parameters=[SearchQuerySerializer],
        responses={200: TenderSearchSerializer, 400: E400, 503: E503},
    )
    def get(self, request):
        return super().get(request)


class SupplierSearchApi(_SearchApi):
    """The supplier directory: verified suppliers, for signed-in people."""

    permission_classes = [IsAuthenticated]
    serializer_class = SupplierSearchSerializer
    kind = Kind.SUPPLIERS
    hits = staticmethod(suppliers_in_order)

    @extend_schema(
        tags=["search"],
        operation_id="search_suppliers",
        summary="The supplier directory: verified suppliers by words (name, profile, "
        "categories, certificates, products), categories, regions served, standing",
        parameters=[SearchQuerySerializer],
        responses={200: SupplierSearchSerializer, 400: E400, 503: E503},
    )
    def get(self, request):
        return super().get(request)


class ProductSearchApi(_SearchApi):
    """The catalogue across verified suppliers, for signed-in people."""

    permission_classes = [IsAuthenticated]
    serializer_class = ProductSearchSerializer
    kind = Kind.PRODUCTS
    hits = staticmethod(products_in_order)

    @extend_schema(
        tags=["search"],
        operation_id="search_products",
        summary="The catalogue across suppliers: products by words (name, SKU, description, "
        "unit, category), category, supplier, currency, region, price",
        parameters=[SearchQuerySerializer],
        responses={200: ProductSearchSerializer, 400: E400, 503: E503},
    )
    def get(self, request):
        return super().get(request)


class SuggestApi(GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = SuggestionSerializer
    queryset = SearchEntry.objects.none()
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        tags=["search"],
        operation_id="search_suggest",
        summary="Autocomplete: supplier or product names by the first letters of their words",
        parameters=[
            OpenApiParameter("q", str, required=True, description="what is typed so far"),
            OpenApiParameter("kind", str, enum=[Kind.SUPPLIERS, Kind.PRODUCTS], required=True),
        ],
        responses={200: SuggestionSerializer(many=True), 400: E400},
    )
    def get(self, request):
        kind = request.query_params.get("kind", "")
        if kind not in (Kind.SUPPLIERS, Kind.PRODUCTS):
            message = _("Say which: kind=suppliers or kind=products.")
            raise ApplicationError(message, code="invalid_search", fields={"kind": [message]})
        rows = suggest(kind, request.query_params.get("q", ""), user=request.user)
        return Response(SuggestionSerializer(rows, many=True).data)
