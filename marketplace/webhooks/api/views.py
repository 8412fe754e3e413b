"""Webhook endpoints over HTTP, for a company's admins: register, change, switch on and off,
rotate the secret, see each delivery with its attempts, and send one again."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.ids import PathIdsInRange
from marketplace.core.serializers import ErrorResponseSerializer
from marketplace.events import catalogue

from .. import services
from ..models import WebhookDelivery, WebhookEndpoint

ERR = ErrorResponseSerializer
TYPES = sorted(catalogue.TYPES)


class EndpointInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500)
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=TYPES),
        required=False,
        max_length=len(TYPES),
        help_text="Empty or left out: every event type the company may read.",
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    active = serializers.BooleanField(required=False)


class EndpointOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "company",
            "url",
            "description",
            "event_types",
            "active",
            "disabled_at",
            "disabled_reason",
            "consecutive_failures",
            "created_at",
        ]


class EndpointWithSecretSerializer(EndpointOutputSerializer):
    class Meta(EndpointOutputSerializer.Meta):
        fields = [*EndpointOutputSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    duration_ms = serializers.IntegerField()
    error = serializers.CharField()
    manual = serializers.BooleanField()


class DeliveryOutputSerializer(serializers.ModelSerializer):
    event_type = serializers.CharField(source="event.type")
    log = AttemptSerializer(many=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_type",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_duration_ms",
            "last_error",
            "created_at",
            "delivered_at",
            "log",
        ]


class CompanyEndpointsApi(PathIdsInRange, APIView):
    @extend_schema(
        operation_id="webhooks_list",
        summary="A company's webhook endpoints (its admins)",
        responses={200: EndpointOutputSerializer(many=True), 403: ERR},
    )
    def get(self, request, company_id: int):
        rows = services.endpoints_of(user=request.user, company_id=company_id)
        return Response(EndpointOutputSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="webhooks_create",
        summary="Register an HTTPS endpoint; the answer carries its signing secret",
        request=EndpointInputSerializer,
        responses={201: EndpointWithSecretSerializer, 400: ERR, 403: ERR},
    )
    def post(self, request, company_id: int):
        data = EndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("active", None)
        endpoint = services.endpoint_create(actor=request.user, company_id=company_id, **fields)
        return Response(EndpointWithSecretSerializer(endpoint).data, status=201)


class EndpointApi(PathIdsInRange, APIView):
    @extend_schema(
        operation_id="webhooks_retrieve",
        summary="One endpoint, with its secret (its company's admins only)",
        responses={200: EndpointWithSecretSerializer, 404: ERR},
    )
    def get(self, request, endpoint_id: int):
        endpoint = services.endpoint_get(user=request.user, endpoint_id=endpoint_id)
        return Response(EndpointWithSecretSerializer(endpoint).data)

    @extend_schema(
        operation_id="webhooks_update",
        summary="Change an endpoint, or switch it on (a fresh start) or off",
        request=EndpointInputSerializer(partial=True),
        responses={200: EndpointOutputSerializer, 400: ERR, 404: ERR},
    )
    def patch(self, request, endpoint_id: int):
        data = EndpointInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        endpoint = services.endpoint_update(
            actor=request.user, endpoint_id=endpoint_id, **data.validated_data
        )
        return Response(EndpointOutputSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_delete", responses={204: None, 404: ERR})
    def delete(self, request, endpoint_id: int):
        services.endpoint_delete(actor=request.user, endpoint_id=endpoint_id)
        return Response(status=204)


class RotateSecretApi(PathIdsInRange, APIView):
    @extend_schema(
        operation_id="webhooks_rotate_secret",
        request=None,
        summary="A new signing secret (the old one stops at once)",
        responses={200: EndpointWithSecretSerializer, 404: ERR},
    )
    def post(self, request, endpoint_id: int):
        endpoint = services.endpoint_rotate_secret(actor=request.user, endpoint_id=endpoint_id)
        return Response(EndpointWithSecretSerializer(endpoint).data)


class DeliveriesApi(PathIdsInRange, APIView):
    @extend_schema(
        operation_id="webhooks_deliveries",
        summary="An endpoint's latest deliveries (at most 100), each with its attempts",
        responses={200: DeliveryOutputSerializer(many=True), 404: ERR},
    )
    def get(self, request, endpoint_id: int):
        endpoint = services.endpoint_get(user=request.user, endpoint_id=endpoint_id)
        rows = (
            endpoint.deliveries.select_related("event")
            .prefetch_related("log")
            .order_by("-id")[:100]
        )
        return Response(DeliveryOutputSerializer(rows, many=True).data)


class ReplayApi(PathIdsInRange, APIView):
    @extend_schema(
        operation_id="webhooks_delivery_replay",
        request=None,
        summary="Send a delivery again now (logged as a manual attempt)",
        responses={200: DeliveryOutputSerializer, 404: ERR},
    )
    def post(self, request, delivery_id: int):
        services.delivery_replay(actor=request.user, delivery_id=delivery_id)
        delivery = WebhookDelivery.objects.select_related("event").get(pk=delivery_id)
        return Response(DeliveryOutputSerializer(delivery).data)
