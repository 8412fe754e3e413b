"""The translation orders in the operator's admin: to look, not to drive the flow (the pages and
the API do, through the services)."""

from django.contrib import admin

from .models import PlatformTranslator, TranslationOrder, TranslationOrderStep, TranslationRate


@admin.register(PlatformTranslator)
class PlatformTranslatorAdmin(admin.ModelAdmin):
    list_display = ["user", "platform", "granted_at", "revoked_at"]
    list_filter = ["platform"]
    raw_id_fields = ["user", "granted_by", "revoked_by"]


@admin.register(TranslationRate)
class TranslationRateAdmin(admin.ModelAdmin):
    list_display = [
        "platform",
        "source_language",
        "target_language",
        "price_per_word",
        "currency",
        "minimum_fee",
    ]
    list_filter = ["platform"]


class StepInline(admin.TabularInline):
    model = TranslationOrderStep
    extra = 0
    can_delete = False
    fields = ["action", "status_before", "status_after", "actor", "at", "words", "fee", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TranslationOrder)
class TranslationOrderAdmin(admin.ModelAdmin):
    list_display = ["pk", "company", "platform", "source_language", "target_language", "status"]
    list_filter = ["status", "platform"]
    readonly_fields = [f.name for f in TranslationOrder._meta.fields]
    inlines = [StepInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
