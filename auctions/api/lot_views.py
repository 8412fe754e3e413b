"""The lots API: a tender's lots (list, add), a lot (read, change, delete), cancelling a lot,
closing its applications and scheduling its auction. Reserve prices for the buyer's side only."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from ..models import Lot
from ..tenders import drafting, scheduling, selectors
from ._tender_common import E400, E403, E404, E409, TAGS
from .tender_serializers import (
    LotBuyerOutputSerializer,
    LotInputSerializer,
    LotOutputSerializer,
    ReasonInputSerializer,
    ScheduleOutputSerializer,
)


def _lot_out(request, lot: Lot) -> dict:
    lot = Lot.objects.select_related("tender").prefetch_related("criteria").get(pk=lot.pk)
    if selectors.tender_is_buyer_side(user=request.user, tender=lot.tender):
        return LotBuyerOutputSerializer(lot).data
    return LotOutputSerializer(lot).data


class TenderLotListCreateApi(GenericAPIView):
    serializer_class = LotOutputSerializer
    queryset = Lot.objects.none()
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_lots_list",
        summary="A tender's lots",
        responses={200: LotBuyerOutputSerializer(many=True), 403: E403, 404: E404},
    )
    def get(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id, explain=True)
        lots = selectors.lot_list_for_tender(tender=tender)
        serializer = (
            LotBuyerOutputSerializer
            if selectors.tender_is_buyer_side(user=request.user, tender=tender)
            else LotOutputSerializer
        )
        return Response(serializer(lots, many=True).data)

    @extend_schema(
        tags=TAGS,
        operation_id="tenders_lots_create",
        summary="Add a lot to a draft tender (its rules start from the platform's defaults)",
        request=LotInputSerializer,
        responses={201: LotBuyerOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, tender_id: int):
        tender = selectors.tender_get_visible(user=request.user, tender_id=tender_id)
        data = LotInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = drafting.lot_create(actor=request.user, tender=tender, **data.validated_data)
        return Response(_lot_out(request, lot), status=status.HTTP_201_CREATED)


class LotDetailApi(GenericAPIView):
    serializer_class = LotOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_retrieve",
        summary="A lot (the reserve price for the buyer's side only)",
        responses={200: LotBuyerOutputSerializer, 403: E403, 404: E404},
    )
    def get(self, request, lot_id: int):
        return Response(
            _lot_out(
                request, selectors.lot_get_visible(user=request.user, lot_id=lot_id, explain=True)
            )
        )

    @extend_schema(
        tags=TAGS,
        operation_id="lots_update",
        summary="Change a lot of a draft tender",
        request=LotInputSerializer,
        responses={200: LotBuyerOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def patch(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        data = LotInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        lot = drafting.lot_update(actor=request.user, lot=lot, **data.validated_data)
        return Response(_lot_out(request, lot))

    @extend_schema(
        tags=TAGS,
        operation_id="lots_delete",
        summary="Delete a lot of a draft tender",
        request=None,
        responses={204: None, 403: E403, 404: E404, 409: E409},
    )
    def delete(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        drafting.lot_delete(actor=request.user, lot=lot)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LotCancelApi(GenericAPIView):
    serializer_class = LotBuyerOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_cancel",
        summary="Cancel one lot with a reason",
        request=ReasonInputSerializer,
        responses={200: LotBuyerOutputSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lot = drafting.lot_cancel(actor=request.user, lot=lot, **data.validated_data)
        return Response(_lot_out(request, lot))


class LotCloseApplicationsApi(GenericAPIView):
    serializer_class = LotBuyerOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_close_applications",
        summary="Close a lot's applications once the deadline has passed",
        request=None,
        responses={200: LotBuyerOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        lot = scheduling.lot_applications_close(lot_id=lot.pk, actor=request.user)
        return Response(_lot_out(request, lot))


class LotScheduleApi(GenericAPIView):
    serializer_class = ScheduleOutputSerializer
    queryset = Lot.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="lots_schedule",
        summary="Schedule a lot's auction, or fail it when too few suppliers were admitted",
        request=None,
        responses={200: ScheduleOutputSerializer, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, lot_id: int):
        lot = selectors.lot_get_visible(user=request.user, lot_id=lot_id)
        lot, outcome = scheduling.lot_schedule(lot_id=lot.pk, actor=request.user)
        return Response({"outcome": outcome, "lot": _lot_out(request, lot)})
