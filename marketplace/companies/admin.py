from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Company, Invitation, InvitationStatus, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = [
        "legal_name",
        "country",
        "registration_number",
        "tax_id",
        "is_buyer",
        "is_supplier",
        "verification_status",
        "created_at",
    ]
    list_filter = ["verification_status", "country", "is_buyer", "is_supplier"]
    search_fields = ["legal_name", "registration_number", "tax_id", "email"]
    # The verification status changes only through the verification services
    # (marketplace.verification.services): they record the decision and its audit row and emit
    # the events that close the company's auction sockets. Editing it here would bypass them.
    readonly_fields = ["created_at", "created_by", "verification_status", "verified_at"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "company", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "company__legal_name"]
    autocomplete_fields = ["user", "company"]
    list_select_related = ["user", "company"]


class InvitationStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return InvitationStatus.choices

    def queryset(self, request, queryset):
        value = self.value()
        now = timezone.now()
        if value == InvitationStatus.ACCEPTED:
            return queryset.filter(accepted_at__isnull=False)
        if value == InvitationStatus.REVOKED:
            return queryset.filter(revoked_at__isnull=False)
        unanswered = queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        if value == InvitationStatus.EXPIRED:
            return unanswered.filter(Q(expired_at__isnull=False) | Q(expires_at__lte=now))
        if value == InvitationStatus.OPEN:
            return unanswered.filter(expired_at__isnull=True, expires_at__gt=now)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "company", "role", "status", "created_at", "expires_at"]
    list_filter = [InvitationStatusFilter, "role"]
    search_fields = ["email", "company__legal_name"]
    autocomplete_fields = ["company"]
    list_select_related = ["company"]
    readonly_fields = [
        "token",
        "invited_by",
        "created_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
        "revoked_by",
        "expired_at",
    ]

    @admin.display(description=_("status"))
    def status(self, obj):
        return InvitationStatus(obj.status).label
