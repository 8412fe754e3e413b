"""Webhooks in the admin: endpoints and their deliveries with every attempt (read-only)."""

from django.contrib import admin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "duration_ms", "error", "manual")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "url", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["url", "company__legal_name"]
    readonly_fields = [
        "company",
        "url",
        "event_types",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "created_by",
        "created_at",
    ]
    fields = [*readonly_fields, "description", "active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "endpoint",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "last_duration_ms",
        "next_attempt_at",
    ]
    list_filter = ["status"]
    search_fields = ["=event__id", "endpoint__url"]
    readonly_fields = [
        "endpoint",
        "event",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_duration_ms",
        "last_error",
        "created_at",
        "delivered_at",
    ]
    inlines = [AttemptInline]

    def has_add_permission(self, request):
        return False
