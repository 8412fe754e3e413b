from django.contrib import admin

from .models import (
    Certificate,
    PriceList,
    PriceListItem,
    Product,
    SupplierProfile,
    SupplierRegion,
)


class SupplierRegionInline(admin.TabularInline):
    model = SupplierRegion
    extra = 0


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ["name", "issuer", "number", "valid_from", "valid_until", "original_file_name"]
    readonly_fields = ["original_file_name"]


@admin.register(SupplierProfile)
class SupplierProfileAdmin(admin.ModelAdmin):
    list_display = ["company", "updated_at"]
    search_fields = ["company__legal_name", "description"]
    autocomplete_fields = ["company"]
    filter_horizontal = ["categories"]
    inlines = [SupplierRegionInline, CertificateInline]
    list_select_related = ["company"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["name", "profile", "issuer", "number", "valid_from", "valid_until"]
    search_fields = ["name", "number", "issuer", "profile__company__legal_name"]
    list_filter = ["valid_until"]
    readonly_fields = ["file_name", "original_file_name", "content_type", "created_by"]
    list_select_related = ["profile__company"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["sku", "name", "supplier", "category", "unit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["sku", "name", "supplier__legal_name"]
    raw_id_fields = ["supplier", "category"]
    list_select_related = ["supplier", "category"]


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    extra = 0
    raw_id_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "supplier", "kind", "currency", "valid_from", "valid_until"]
    list_filter = ["kind", "currency"]
    search_fields = ["name", "supplier__legal_name"]
    raw_id_fields = ["supplier"]
    inlines = [PriceListItemInline]
    list_select_related = ["supplier"]
