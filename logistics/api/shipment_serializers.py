"""The shipments API's shapes: a shipment with its lines, events and acceptance; the inputs of
making one, adding an event, accepting it, a carrier's push; the carriers' API keys. Input
serializers check types; the rules (quantities, status moves, who may) are the services'."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.core.ids import IdField

from ..models import (
    CarrierApiKey,
    ClaimPhoto,
    DeliveryAcceptance,
    EventSource,
    Shipment,
    ShipmentEvent,
    ShipmentStatus,
)
from ..shipment_outbox import label
from ..shipment_selectors import acceptance_of
from ..shipments import EVENT_STATUSES, MAX_LINES, MAX_PHOTOS
from .schema import EnumField
from .serializers import RefSerializer


def _number(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


def _status(**kwargs) -> EnumField:
    return EnumField(enum_name="ShipmentStatusEnum", choices=ShipmentStatus.choices, **kwargs)


def _event_status(**kwargs) -> EnumField:
    choices = [(value, ShipmentStatus(value).label) for value in EVENT_STATUSES]
    return EnumField(enum_name="ShipmentEventStatusEnum", choices=choices, **kwargs)


# --- Output ----------------------------------------------------------------------------------


class ShipmentLineSerializer(serializers.Serializer):
    order_line = serializers.IntegerField(source="order_line_id")
    position = serializers.IntegerField(source="order_line.position")
    item = serializers.CharField(source="order_line.item")
    unit = serializers.CharField(source="order_line.unit")
    quantity = serializers.DecimalField(max_digits=18, decimal_places=3)


class ShipmentEventSerializer(serializers.ModelSerializer):
    status = _status()
    # A field named like a Field attribute: the serializer's metaclass takes it out of the class.
    source = EnumField(  # type: ignore[assignment]
        enum_name="ShipmentEventSourceEnum", choices=EventSource.choices
    )

    class Meta:
        model = ShipmentEvent
        fields = [
            "id",
            "status",
            "occurred_at",
            "location",
            "note",
            "internal",
            "source",
            "external_id",
            "created_at",
        ]


class ClaimPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimPhoto
        fields = ["id", "filename", "content_type", "size", "sha256", "url"]

    def get_url(self, photo) -> str:
        return reverse("api:logistics-claim-photo", args=[photo.acceptance.shipment_id, photo.pk])


class AcceptanceSerializer(serializers.ModelSerializer):
    claim = serializers.BooleanField(source="has_claim")
    photos = ClaimPhotoSerializer(many=True)

    class Meta:
        model = DeliveryAcceptance
        fields = [
            "accepted_at",
            "delivered_on",
            "promised_on",
            "days_late",
            "quantity_ok",
            "quality_ok",
            "claim",
            "claim_reason",
            "photos",
        ]


class ShipmentSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    order_number = serializers.CharField(source="order.number")
    carrier = serializers.SerializerMethodField()
    carrier_name = serializers.SerializerMethodField()
    status = _status()
    tracking_url = serializers.SerializerMethodField()
    lines = ShipmentLineSerializer(many=True)
    events = ShipmentEventSerializer(many=True)
    acceptance = serializers.SerializerMethodField()

    class Meta:
        model = Shipment
        fields = [
            "id",
            "order",
            "order_number",
            "number",
            "label",
            "carrier",
            "carrier_name",
            "tracking_number",
            "planned_pickup",
            "planned_arrival",
            "status",
            "delivered_at",
            "tracking_url",
            "lines",
            "events",
            "acceptance",
            "created_at",
        ]

    def get_label(self, shipment) -> str:
        return label(shipment)

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_carrier(self, shipment) -> dict | None:
        carrier = shipment.carrier
        return None if carrier is None else {"id": carrier.pk, "name": carrier.name}

    def get_carrier_name(self, shipment) -> str:
        """The chosen carrier's name, or the name typed."""
        return shipment.carrier.name if shipment.carrier else shipment.carrier_name

    def get_tracking_url(self, shipment) -> str:
        return reverse("frontend:tracking", args=[shipment.tracking_token])

    @extend_schema_field(AcceptanceSerializer(allow_null=True))
    def get_acceptance(self, shipment) -> dict | None:
        acceptance = acceptance_of(shipment)
        return None if acceptance is None else AcceptanceSerializer(acceptance).data


class CarrierApiKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = CarrierApiKey
        fields = ["id", "carrier", "name", "prefix", "created_at", "last_used_at", "revoked_at"]


class CarrierApiKeyCreatedSerializer(CarrierApiKeySerializer):
    key = serializers.CharField(help_text="The key itself: shown this once, never again.")

    class Meta(CarrierApiKeySerializer.Meta):
        fields = [*CarrierApiKeySerializer.Meta.fields, "key"]


class CarrierPushResultSerializer(serializers.Serializer):
    shipment = serializers.IntegerField()
    status = _status(help_text="The shipment's status after the event")
    duplicate = serializers.BooleanField(help_text="The event's external_id was already recorded")
    event = ShipmentEventSerializer()


# --- Input -------------------------------------------------------------------------------------


class ShipmentQuerySerializer(serializers.Serializer):
    order = IdField(help_text="The order whose shipments to list")


class ShipmentLineInputSerializer(serializers.Serializer):
    order_line = IdField()
    quantity = _number()


class ShipmentCreateSerializer(serializers.Serializer):
    order = IdField()
    carrier = IdField(required=False, allow_null=True, help_text="One of the supplier's carriers")
    carrier_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Or the carrier's name"
    )
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    planned_pickup = serializers.DateField(required=False, allow_null=True)
    planned_arrival = serializers.DateField(required=False, allow_null=True)
    lines = ShipmentLineInputSerializer(many=True, max_length=MAX_LINES)  # type: ignore[call-arg]


class ShipmentUpdateSerializer(serializers.Serializer):
    carrier = IdField(required=False, allow_null=True)
    carrier_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tracking_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    planned_pickup = serializers.DateField(required=False, allow_null=True)
    planned_arrival = serializers.DateField(required=False, allow_null=True)


class ShipmentEventInputSerializer(serializers.Serializer):
    status = _event_status()
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Now if empty"
    )
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    internal = serializers.BooleanField(
        required=False,
        default=True,
        help_text="The note is for the order's two sides only (false: the public tracking "
        "page shows it too)",
    )


class CarrierPushSerializer(ShipmentEventInputSerializer):
    shipment = IdField(required=False, allow_null=True, help_text="The shipment's id, or …")
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="… its tracking number"
    )
    external_id = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Your own id of the event: pushed again, it is recorded once",
    )


class AcceptanceInputSerializer(serializers.Serializer):
    quantity_ok = serializers.BooleanField()
    quality_ok = serializers.BooleanField()
    claim_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    delivered_on = serializers.DateField(
        required=False, allow_null=True, help_text="When the goods came on another day"
    )
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_PHOTOS,
        help_text="JPEG, PNG or WebP photos of the claim",
    )


class CarrierApiKeyInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
