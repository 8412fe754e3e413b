"""The orders and payments in Django's admin: platform fees are set here; orders, invoices and
the ledger are read here (their changes go through the services: moves, payments, a transfer
recorded through ``POST /api/payments/invoices/<id>/mark-paid/``)."""

from django.contrib import admin

from .models import Invoice, LedgerEntry, Order, OrderDocument, OrderHistory, PlatformFee


@admin.register(PlatformFee)
class PlatformFeeAdmin(admin.ModelAdmin):
    list_display = ["platform", "percent", "minimum", "maximum", "currency", "payer"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(_ReadOnly):
    list_display = ["number", "title", "buyer", "supplier", "total", "currency", "status"]
    list_filter = ["status"]
    search_fields = ["number", "title"]


@admin.register(OrderDocument)
class OrderDocumentAdmin(_ReadOnly):
    list_display = ["number", "kind", "version", "order", "sha256", "created_at"]


@admin.register(OrderHistory)
class OrderHistoryAdmin(_ReadOnly):
    list_display = ["order", "action", "status_before", "status_after", "side", "actor", "at"]


@admin.register(Invoice)
class InvoiceAdmin(_ReadOnly):
    list_display = ["number", "company", "amount", "currency", "status", "provider", "paid_at"]
    list_filter = ["status", "provider"]
    search_fields = ["number", "paid_reference", "provider_ref"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(_ReadOnly):
    list_display = ["company", "kind", "amount", "currency", "invoice", "reference", "at"]
