from django.contrib import admin

from .models import PlanLine, PlanLineTender, ProcurementPlan


class PlanLineInline(admin.TabularInline):
    model = PlanLine
    extra = 0
    raw_id_fields = ["category"]


@admin.register(ProcurementPlan)
class ProcurementPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "buyer", "year", "status", "published_at"]
    list_filter = ["status", "year"]
    search_fields = ["title", "buyer__legal_name"]
    raw_id_fields = ["buyer", "created_by"]
    inlines = [PlanLineInline]


@admin.register(PlanLineTender)
class PlanLineTenderAdmin(admin.ModelAdmin):
    list_display = ["line", "tender", "lot", "linked_at"]
    raw_id_fields = ["line", "tender", "lot", "linked_by"]
