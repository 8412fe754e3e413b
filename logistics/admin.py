"""Places, carriers and rate cards in Django's admin, to read: their changes go through the
services (``/api/logistics/...``), which check who acts and that a card's bands do not
overlap."""

from django.contrib import admin

from .models import (
    Carrier,
    CarrierApiKey,
    ClaimPhoto,
    DeliveryAcceptance,
    Place,
    RateBand,
    RateCard,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
)


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Place)
class PlaceAdmin(_ReadOnly):
    list_display = ["name", "kind", "owner", "country", "city", "latitude", "longitude"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city", "address"]


@admin.register(Carrier)
class CarrierAdmin(_ReadOnly):
    list_display = ["name", "platform", "company", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class RateBandInline(admin.TabularInline):
    model = RateBand
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RateCard)
class RateCardAdmin(_ReadOnly):
    list_display = ["carrier", "name", "currency", "basis", "valid_from", "valid_to"]
    list_filter = ["basis", "currency"]
    inlines = [RateBandInline]


# --- Shipments: read here, written through logistics.shipments (and carrier_keys) ---------------


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ShipmentEventInline(ShipmentLineInline):
    model = ShipmentEvent  # type: ignore[assignment]
    exclude = ["external_id"]


@admin.register(Shipment)
class ShipmentAdmin(_ReadOnly):
    list_display = ["__str__", "order", "number", "carrier", "carrier_name", "status"]
    list_filter = ["status"]
    search_fields = ["tracking_number", "order__number"]
    exclude = ["tracking_token"]
    inlines = [ShipmentLineInline, ShipmentEventInline]


@admin.register(DeliveryAcceptance)
class DeliveryAcceptanceAdmin(_ReadOnly):
    list_display = [
        "shipment",
        "buyer",
        "supplier",
        "accepted_at",
        "days_late",
        "quantity_ok",
        "quality_ok",
    ]
    list_filter = ["quantity_ok", "quality_ok"]


@admin.register(ClaimPhoto)
class ClaimPhotoAdmin(_ReadOnly):
    list_display = ["acceptance", "filename", "content_type", "size"]


@admin.register(CarrierApiKey)
class CarrierApiKeyAdmin(_ReadOnly):
    list_display = ["carrier", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_sha256"]
