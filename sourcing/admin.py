from django.contrib import admin

from .models import Shortlist, ShortlistEntry, SupplierInvitation


class ShortlistEntryInline(admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    raw_id_fields = ["supplier", "added_by"]


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ["name", "buyer", "tender", "updated_at"]
    search_fields = ["name", "buyer__legal_name"]
    raw_id_fields = ["buyer", "tender", "created_by"]
    inlines = [ShortlistEntryInline]


@admin.register(SupplierInvitation)
class SupplierInvitationAdmin(admin.ModelAdmin):
    """Read-only: the funnel is moved by the domain events."""

    list_display = ["tender", "origin", "company_name", "email", "invited_at", "verified_at"]
    list_filter = ["origin"]
    search_fields = ["company_name", "email", "identifier", "tender__title"]
    readonly_fields = [f.name for f in SupplierInvitation._meta.fields]

    def has_add_permission(self, request):
        return False
