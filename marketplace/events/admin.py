"""The outbox in the admin: events (read-only) and deliveries, with the failed ones to retry."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .models import DeliveryStatus, Event, EventDelivery


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = EventDelivery
    extra = 0
    can_delete = False
    fields = ("listener", "status", "attempts", "next_attempt_at", "done_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["id", "type", "occurred_at", "company", "platform", "public"]
    list_filter = ["type", "public"]
    search_fields = ["=id", "type", "company__legal_name"]
    readonly_fields = [
        "type",
        "occurred_at",
        "company",
        "platform",
        "public",
        "actor",
        "payload",
        "txid",
    ]
    inlines = [DeliveryInline]
    list_select_related = ["company", "platform"]


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "listener", "status", "attempts", "next_attempt_at", "done_at"]
    list_filter = ["status", "listener"]
    search_fields = ["=event__id", "listener", "event__type"]
    readonly_fields = [
        "event",
        "listener",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "done_at",
    ]
    list_select_related = ["event"]
    actions = ["retry"]

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff  # the retry action; every field stays read-only

    @admin.action(description=gettext_lazy("Retry the selected deliveries now"))
    def retry(self, request, queryset):
        count = services.deliveries_retry(delivery_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            _("%(count)d deliveries handed out again.") % {"count": count},
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        if "status__exact" not in request.GET and not request.GET.get("q"):
            failed = EventDelivery.objects.filter(status=DeliveryStatus.FAILED).count()
            if failed:
                self.message_user(
                    request,
                    _("%(count)d deliveries have failed for good: filter by status to see them.")
                    % {"count": failed},
                    messages.WARNING,
                )
        return super().changelist_view(request, extra_context)
