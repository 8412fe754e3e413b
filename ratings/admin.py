from django.contrib import admin

from .models import RatingSettings, Review, Scorecard


@admin.register(Scorecard)
class ScorecardAdmin(admin.ModelAdmin):
    list_display = ["supplier", "buyer", "period_kind", "period_start", "total", "band"]
    list_filter = ["period_kind", "band"]
    search_fields = ["supplier__legal_name", "buyer__legal_name"]
    readonly_fields = [f.name for f in Scorecard._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(RatingSettings)
class RatingSettingsAdmin(admin.ModelAdmin):
    list_display = ["buyer", "blocked_below", "warning_below", "excellent_from", "updated_at"]
    search_fields = ["buyer__legal_name"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["order", "buyer", "supplier", "submitted_at", "updated_at"]
    search_fields = ["buyer__legal_name", "supplier__legal_name"]
    readonly_fields = [f.name for f in Review._meta.fields]

    def has_add_permission(self, request):
        return False
