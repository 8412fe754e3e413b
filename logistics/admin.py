"""Places, carriers and rate cards in Django's admin, to read: their changes go through the
services (``/api/logistics/...``), which check who acts and that a card's bands do not
overlap."""

from django.contrib import admin

from .models import Carrier, Place, RateBand, RateCard


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
