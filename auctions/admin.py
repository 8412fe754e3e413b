"""Admin site for the tender lifecycle: tenders with their lots, applications and questions.

States, labels, decisions and the lots' live state are read-only here: they change only through
the services (which write the lot's hash-chained events), never by editing a row.
"""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Application,
    Lot,
    LotCriterion,
    Question,
    Tender,
    TenderDocument,
    TenderInvitation,
)

LOT_STATE_FIELDS = [
    "status",
    "starts_at",
    "ends_at",
    "original_ends_at",
    "extensions",
    "paused_remaining",
    "pause_reason",
    "best_amount",
    "best_application",
    "bid_count",
    "current_round",
    "current_turn",
    "turn_order",
    "event_seq",
    "last_hash",
    "last_scheduler_tick",
    "failure_reason",
    "closed_at",
]


class LotInline(admin.StackedInline):
    model = Lot
    extra = 0
    show_change_link = True
    can_delete = False
    fields = (
        "number",
        "title",
        "quantity",
        "unit",
        "start_price",
        "reserve_price",
        "incoterms",
        "auction_format",
        "status",
        "starts_at",
        "failure_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TenderInvitationInline(admin.TabularInline):
    model = TenderInvitation
    extra = 0
    can_delete = False
    fields = ("supplier", "invited_by", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class TenderDocumentInline(admin.TabularInline):
    model = TenderDocument
    extra = 0
    can_delete = False
    fields = ("title", "original_name", "content_type", "size", "sha256", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "platform", "status", "participation", "auction_start"]
    list_filter = ["status", "participation", "platform"]
    search_fields = ["title", "buyer__legal_name"]
    date_hierarchy = "created_at"
    readonly_fields = ["platform", "buyer", "created_by", "status", "created_at", "published_at"]
    autocomplete_fields = ["category"]
    inlines = [LotInline, TenderInvitationInline, TenderDocumentInline]


class LotCriterionInline(admin.TabularInline):
    model = LotCriterion
    extra = 0
    can_delete = False
    readonly_fields = ["code", "title", "options"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "status", "auction_format", "start_price", "starts_at"]
    list_filter = ["status", "auction_format"]
    search_fields = ["title", "tender__title"]
    readonly_fields = ["tender", "number", *LOT_STATE_FIELDS]
    inlines = [LotCriterionInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["supplier", "lot", "status", "label", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["supplier__legal_name", "lot__title", "lot__tender__title"]
    readonly_fields = [
        "lot",
        "supplier",
        "submitted_by",
        "status",
        "terms_accepted_at",
        "initial_amount",
        "criteria_values",
        "coefficient",
        "label",
        "reason",
        "decided_by",
        "decided_at",
        "created_at",
        "current_amount",
        "current_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tender", "asked_by_company", "asked_at", "answered_at"]
    list_filter = ["answered_at"]
    search_fields = ["text", "answer", "tender__title"]
    readonly_fields = [
        "tender",
        "lot",
        "asked_by_company",
        "asked_by",
        "asked_at",
        "answered_by",
        "answered_at",
    ]

    def has_add_permission(self, request):
        return False
