"""The CRM in the Django admin: for the platform's staff, read mostly; people work in the app."""

from django.contrib import admin

from . import models


@admin.register(models.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "company", "segment", "stage", "owner")
    list_filter = ("segment", "stage")
    search_fields = ("name", "tax_id", "domain")
    raw_id_fields = ("workspace", "company", "owner", "created_by")


@admin.register(models.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "account", "workspace", "position")
    search_fields = ("last_name", "first_name")
    raw_id_fields = ("workspace", "account", "user", "created_by")


@admin.register(models.Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("title", "workspace", "source", "status", "owner")
    list_filter = ("source", "status")
    raw_id_fields = ("workspace", "account", "owner", "lot", "event", "opportunity", "created_by")


@admin.register(models.Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "kind", "is_default")
    raw_id_fields = ("workspace",)


@admin.register(models.Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("title", "workspace", "account", "stage", "status", "amount", "currency")
    list_filter = ("status",)
    raw_id_fields = ("workspace", "account", "owner", "lot", "tender", "created_by")


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "workspace", "assignee", "due_at", "done_at")
    list_filter = ("kind",)
    raw_id_fields = ("workspace", "account", "contact", "opportunity", "assignee", "created_by")


@admin.register(models.TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "type", "account", "at")
    list_filter = ("kind",)
    raw_id_fields = ("workspace", "account", "contact", "event", "activity", "document", "actor")


@admin.register(models.DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "workspace", "language", "is_active")
    raw_id_fields = ("workspace",)


@admin.register(models.ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("file_name", "entity", "workspace", "status", "rows_total", "created_at")
    raw_id_fields = ("workspace", "created_by")
