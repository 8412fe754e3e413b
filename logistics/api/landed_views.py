"""A supplier's delivery cost to a lot ranked by landed cost (``/api/logistics/...``): a thin
view over ``logistics.landed``."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from auctions.models import Application
from marketplace.core.ids import IdField, PathIdsInRange
from marketplace.core.serializers import input_valid

from .. import landed
from . import serializers as s
from .common import E400, E404, TAGS


class DeliveryInputSerializer(serializers.Serializer):
    warehouse = IdField(help_text="one of your company's warehouses")


class ApplicationDeliverySerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk")
    delivery_cost = serializers.DecimalField(
        source="application.delivery_cost", max_digits=20, decimal_places=2
    )
    currency = serializers.CharField(source="application.lot.tender.currency")
    delivery_basis = serializers.JSONField(source="application.delivery_basis")
    quote = s.QuoteSerializer()


class ApplicationDeliveryApi(PathIdsInRange, GenericAPIView):
    serializer_class = ApplicationDeliverySerializer
    queryset = Application.objects.none()

    @extend_schema(
        tags=TAGS,
        operation_id="logistics_application_delivery_quote",
        summary="Quote your delivery to a lot ranked by landed cost from one of your warehouses "
        "and record it on your application (until the buyer admits it)",
        request=DeliveryInputSerializer,
        responses={200: ApplicationDeliverySerializer, 400: E400, 404: E404},
    )
    def post(self, request, application_id: int):
        data = input_valid(DeliveryInputSerializer, request.data)
        application, quote = landed.delivery_quote_for_application(
            user=request.user, application_id=application_id, warehouse_id=data["warehouse"]
        )
        return Response(
            ApplicationDeliverySerializer({"application": application, "quote": quote}).data
        )
