"""Carriers, their rate cards and a rate card's bands from a file (``/api/logistics/...``):
thin views over ``logistics.services``, ``logistics.selectors`` and ``logistics.rate_import``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from marketplace.core.exceptions import error_body
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import input_valid

from .. import rate_import, selectors, services
from ..access import default_company_id
from ..models import Carrier, RateCard
from . import serializers as s
from .common import E400, E403, E404, TAGS


class CarrierListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.CarrierSerializer
    queryset = Carrier.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carriers_list",
        summary="Your companies' carriers and the partners of the platforms they trade on",
        parameters=[s.CarrierQuerySerializer],
        responses={200: s.CarrierSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.CarrierQuerySerializer, request.query_params)
        page = self.paginate_queryset(selectors.carrier_list(user=request.user, **query))
        return self.get_paginated_response(s.CarrierSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carriers_create",
        summary="A company's own carrier (its admins) or a platform's partner (its admins)",
        request=s.CarrierCreateSerializer,
        responses={201: s.CarrierSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request):
        data = input_valid(s.CarrierCreateSerializer, request.data)
        company_id, platform_id = data.get("company"), data.get("platform")
        if company_id is None and platform_id is None:
            company_id = default_company_id(user=request.user)
        carrier = services.carrier_create(
            user=request.user,
            name=data["name"],
            company_id=company_id,
            platform_id=platform_id,
            is_active=data["is_active"],
        )
        return Response(s.CarrierSerializer(carrier).data, status=status.HTTP_201_CREATED)


class CarrierDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.CarrierSerializer
    queryset = Carrier.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carriers_get",
        summary="A carrier",
        responses={200: s.CarrierSerializer, 404: E404},
    )
    def get(self, request, carrier_id: int):
        carrier = selectors.carrier_get(user=request.user, carrier_id=carrier_id)
        return Response(s.CarrierSerializer(carrier).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carriers_update",
        summary="Rename a carrier, or switch it off or on",
        request=s.CarrierUpdateSerializer,
        responses={200: s.CarrierSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, carrier_id: int):
        selectors.carrier_get(user=request.user, carrier_id=carrier_id)
        data = input_valid(s.CarrierUpdateSerializer, request.data, partial=True)
        carrier = services.carrier_update(user=request.user, carrier_id=carrier_id, **data)
        return Response(s.CarrierSerializer(carrier).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_carriers_delete",
        summary="Remove a carrier and its rate cards",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, carrier_id: int):
        services.carrier_delete(user=request.user, carrier_id=carrier_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RateCardListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.RateCardSerializer
    queryset = RateCard.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_rate_cards_list",
        summary="A carrier's rate cards with their bands, the newest first",
        responses={200: s.RateCardSerializer(many=True), 404: E404},
    )
    def get(self, request, carrier_id: int):
        cards = selectors.rate_card_list(user=request.user, carrier_id=carrier_id)
        page = self.paginate_queryset(cards)
        return self.get_paginated_response(s.RateCardSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_rate_cards_create",
        summary="A rate card for the carrier, with its bands (checked: none may overlap)",
        request=s.RateCardCreateSerializer,
        responses={201: s.RateCardSerializer, 400: E400, 403: E403, 404: E404},
    )
    def post(self, request, carrier_id: int):
        selectors.carrier_get(user=request.user, carrier_id=carrier_id)
        data = input_valid(s.RateCardCreateSerializer, request.data)
        bands = s.bands_in(data.pop("bands", []))
        card = services.rate_card_create(
            user=request.user, carrier_id=carrier_id, bands=bands, **data
        )
        card = selectors.rate_card_get(user=request.user, card_id=card.pk)
        return Response(s.RateCardSerializer(card).data, status=status.HTTP_201_CREATED)


class RateCardDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.RateCardSerializer
    queryset = RateCard.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_rate_cards_get",
        summary="A rate card with its bands",
        responses={200: s.RateCardSerializer, 404: E404},
    )
    def get(self, request, card_id: int):
        card = selectors.rate_card_get(user=request.user, card_id=card_id)
        return Response(s.RateCardSerializer(card).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_rate_cards_update",
        summary="Change a rate card; bands, when given, replace all of its bands",
        request=s.RateCardUpdateSerializer,
        responses={200: s.RateCardSerializer, 400: E400, 403: E403, 404: E404},
    )
    def patch(self, request, card_id: int):
        selectors.rate_card_get(user=request.user, card_id=card_id)
        data = input_valid(s.RateCardUpdateSerializer, request.data, partial=True)
        bands = s.bands_in(data.pop("bands")) if "bands" in data else None
        card = services.rate_card_update(user=request.user, card_id=card_id, bands=bands, **data)
        return Response(s.RateCardSerializer(card).data)

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_rate_cards_delete",
        summary="Remove a rate card",
        responses={204: None, 403: E403, 404: E404},
    )
    def delete(self, request, card_id: int):
        services.rate_card_delete(user=request.user, card_id=card_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RateCardImportApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.RateImportReportSerializer
    queryset = RateCard.objects.none()
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "upload"

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_rate_cards_import",
        summary="A rate card's bands from XLSX: a dry run's row-by-row report, or the import "
        "(all rows valid, or nothing written)",
        request={"multipart/form-data": s.RateImportInputSerializer},
        responses={
            200: s.RateImportReportSerializer,
            400: OpenApiResponse(
                s.RateImportErrorSerializer,
                description="The file has problems (code rate_import_invalid, with the report; "
                "nothing written) or the request is malformed (code invalid)",
            ),
            403: E403,
            404: E404,
        },
    )
    def post(self, request, card_id: int):
        selectors.rate_card_get(user=request.user, card_id=card_id)
        data = input_valid(s.RateImportInputSerializer, request.data)
        upload = data["file"]
        # One byte past the limit is enough to tell the file is too large.
        content = upload.read(rate_import.MAX_FILE_BYTES + 1)
        try:
            report = rate_import.rate_card_import(
                user=request.user,
                card_id=card_id,
                data=content,
                filename=upload.name,
                dry_run=data["dry_run"],
            )
        except rate_import.RateImportError as exc:
            body = error_body(exc.code, exc.message)
            body["error"]["report"] = exc.report.as_dict()
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return Response(report.as_dict())
