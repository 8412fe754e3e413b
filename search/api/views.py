"""``GET /api/search/tenders/``: the tenders the reader may see, by text, filters and facets
(docs/api/search.md). A thin view over ``search.selectors.search``."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from auctions.models import Tender
from marketplace.core.exceptions import ApplicationError
from marketplace.core.serializers import ErrorResponseSerializer

from ..backends import BackendUnavailable
from ..hits import tenders_in_order
from ..query import tender_query
from ..selectors import search
from .serializers import SearchQuerySerializer, TenderSearchSerializer


class TenderSearchApi(GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = TenderSearchSerializer
    queryset = Tender.objects.none()
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        tags=["search"],
        operation_id="search_tenders",
        summary="Search the tenders you may see: words in any language or in Latin, filters, "
        "facets with counts, sorting",
        parameters=[SearchQuerySerializer],
        responses={
            200: TenderSearchSerializer,
            400: OpenApiResponse(ErrorResponseSerializer, description="A parameter is not valid"),
            503: OpenApiResponse(
                ErrorResponseSerializer, description="The search engine is not answering"
            ),
        },
    )
    def get(self, request):
        query = tender_query(request.query_params)
        user = request.user if request.user.is_authenticated else None
        try:
            result = search(query, user=user, fallback=False)
        except BackendUnavailable as exc:
            raise ApplicationError(
                _("The search engine is not answering; try again in a minute."),
                code="search_unavailable",
                status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            ) from exc
        body = {
            "count": result.total,
            "page": query.page,
            "page_size": query.page_size,
            "results": tenders_in_order(result.ids),
            "facets": result.facets,
            "backend": result.backend,
            "notice": result.notice,
        }
        return Response(TenderSearchSerializer(body).data)
