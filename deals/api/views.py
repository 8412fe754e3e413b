"""The orders API (``/api/orders/...``): both sides' orders, one order with its lines,
documents, history and the moves the reader may make, the moves themselves, the documents'
files. Thin views over ``deals.orders``, ``deals.documents`` and ``deals.selectors``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from marketplace.core.files import download_response
from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer, input_valid

from .. import documents, orders, selectors
from ..models import Order
from . import serializers as s

TAGS = ["orders"]
ERR = ErrorResponseSerializer
E400 = OpenApiResponse(ERR, description=gettext_lazy("Invalid input or a rule refused it"))
E403 = OpenApiResponse(ERR, description=gettext_lazy("Not this side's move"))
E404 = OpenApiResponse(ERR, description=gettext_lazy("Not found, or not your company's order"))
E409 = OpenApiResponse(ERR, description=gettext_lazy("The order's status has changed meanwhile"))


def order_detail_data(*, user, order: Order) -> dict:
    order = selectors.order_get(user=user, order_id=order.pk)
    data = s.OrderSerializer(order).data
    data["lines"] = s.OrderLineSerializer(order.lines.order_by("position"), many=True).data
    data["documents"] = s.OrderDocumentSerializer(
        selectors.order_documents(order=order), many=True
    ).data
    data["history"] = s.OrderHistorySerializer(selectors.order_history(order=order), many=True).data
    data["moves"] = [m.action for m in orders.moves_for(user=user, order=order)]
    data["contract_accepted_sha256"] = order.contract_accepted_sha256
    data["contract_accepted_at"] = order.contract_accepted_at
    return data


class OrderListApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.OrderSerializer
    queryset = Order.objects.none()
    filter_backends: list = []

    @extend_schema(
        tags=TAGS,
        operation_id="orders_list",
        summary="The orders of your companies, as buyer or supplier, newest first",
        parameters=[s.OrderQuerySerializer],
        responses={200: s.OrderSerializer(many=True), 400: E400},
    )
    def get(self, request):
        query = input_valid(s.OrderQuerySerializer, request.query_params)
        rows = selectors.order_list(user=request.user, **query)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(s.OrderSerializer(page, many=True).data)


class OrderDetailApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.OrderDetailSerializer
    queryset = Order.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="orders_get",
        summary="An order with its lines, documents, history and the moves you may make",
        responses={200: s.OrderDetailSerializer, 404: E404},
    )
    def get(self, request, order_id: int):
        order = selectors.order_get(user=request.user, order_id=order_id)
        return Response(order_detail_data(user=request.user, order=order))


class OrderMoveApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.OrderMoveSerializer
    queryset = Order.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="orders_move",
        summary="Move the order: send, accept (with the contract's SHA-256), decline, start, "
        "deliver, receive, close, dispute, resolve, cancel",
        request=s.OrderMoveSerializer,
        responses={200: s.OrderDetailSerializer, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, order_id: int):
        data = input_valid(s.OrderMoveSerializer, request.data)
        order = orders.order_move(user=request.user, order_id=order_id, **data)
        return Response(order_detail_data(user=request.user, order=order))


class OrderDocumentsApi(PathIdsInRange, GenericAPIView):
    serializer_class = s.DocumentRequestSerializer
    queryset = Order.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="orders_documents_request",
        summary="Ask for a new version of a document (rendered in the background)",
        request=s.DocumentRequestSerializer,
        responses={202: None, 400: E400, 403: E403, 404: E404, 409: E409},
    )
    def post(self, request, order_id: int):
        data = input_valid(s.DocumentRequestSerializer, request.data)
        orders.document_regenerate(user=request.user, order_id=order_id, kind=data["kind"])
        return Response(status=status.HTTP_202_ACCEPTED)


class OrderDocumentFileApi(PathIdsInRange, GenericAPIView):
    queryset = Order.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="orders_documents_file",
        summary="A document's PDF (its SHA-256 in X-Document-SHA256)",
        responses={(200, "application/pdf"): bytes, 404: E404, 409: E409},
    )
    def get(self, request, order_id: int, document_id: int):
        stored = documents.document_file(
            user=request.user, order_id=order_id, document_id=document_id
        )
        return download_response(
            stored.content,
            filename=stored.filename,
            content_type="application/pdf",
            headers={"X-Document-SHA256": stored.sha256},
        )
