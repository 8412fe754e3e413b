"""The review queue in the Django admin, for platform admins (operator staff).

Every staff user may work the queue (no model permissions needed): the admin actions go
through the same services as the API. Decisions are read-only; documents are downloaded only
through the authorised download view."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.core.exceptions import ApplicationError

from . import selectors, services
from .models import VerificationDecision, VerificationDocument, VerificationSubmission


class _ReviewerAccess:
    """Staff see the verification models and may act on submissions; nobody edits rows."""

    def has_module_permission(self, request):
        return selectors.user_is_reviewer(user=request.user)

    def has_view_permission(self, request, obj=None):
        return selectors.user_is_reviewer(user=request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _download_link(document: VerificationDocument) -> str:
    url = reverse("api:verification-document-download", kwargs={"document_id": document.pk})
    return format_html('<a href="{}">{}</a>', url, document.original_name)


class DocumentInline(_ReviewerAccess, admin.TabularInline):
    model = VerificationSubmission.documents.through
    verbose_name = gettext_lazy("document")
    verbose_name_plural = gettext_lazy("documents")
    extra = 0
    can_delete = False
    fields = ("document_type", "download", "expiry_date", "size", "sha256", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("document type"))
    def document_type(self, obj):
        return obj.verificationdocument.get_document_type_display()

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj):
        return _download_link(obj.verificationdocument)

    @admin.display(description=gettext_lazy("expiry date"))
    def expiry_date(self, obj):
        return obj.verificationdocument.expiry_date

    @admin.display(description=gettext_lazy("size in bytes"))
    def size(self, obj):
        return obj.verificationdocument.size

    @admin.display(description=gettext_lazy("SHA-256"))
    def sha256(self, obj):
        return obj.verificationdocument.sha256

    @admin.display(description=gettext_lazy("uploaded at"))
    def uploaded_at(self, obj):
        return obj.verificationdocument.uploaded_at


class DecisionInline(_ReviewerAccess, admin.TabularInline):
    model = VerificationDecision
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "reason", "status_before", "status_after", "decided_by")
    readonly_fields = fields


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (shown to the company)"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        max_length=services.REASON_MAX_LENGTH,
    )


def _decide_each(modeladmin, request, queryset, decide, **kwargs) -> None:
    done = 0
    for submission in queryset.order_by("pk"):
        try:
            decide(submission=submission, reviewer=request.user, **kwargs)
            done += 1
        except ApplicationError as error:
            modeladmin.message_user(
                request, f"{submission.company}: {error.message}", level=messages.ERROR
            )
    if done:
        modeladmin.message_user(
            request,
            _("%(count)d submission(s) decided.") % {"count": done},
            level=messages.SUCCESS,
        )


def _decide_with_reason(modeladmin, request, queryset, decide, title: str):
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        _decide_each(modeladmin, request, queryset, decide, reason=form.cleaned_data["reason"])
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "submissions": queryset,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(
        request, "admin/verification/verificationsubmission/decision_reason.html", context
    )


@admin.register(VerificationSubmission)
class VerificationSubmissionAdmin(_ReviewerAccess, admin.ModelAdmin):
    list_display = ["company", "status", "country", "registration_number", "submitted_at"]
    list_filter = ["status", "country", "signatory_basis"]
    search_fields = ["company__legal_name", "registration_number", "tax_id"]
    ordering = ["submitted_at", "pk"]
    list_select_related = ["company"]
    date_hierarchy = "submitted_at"
    fields = (
        "company",
        "status",
        "country",
        "registration_number",
        "tax_id",
        "signatory_name",
        "signatory_position",
        "signatory_basis",
        "submitted_by",
        "submitted_at",
        "decided_at",
    )
    readonly_fields = fields
    inlines = [DocumentInline, DecisionInline]
    actions = ["approve", "reject", "request_info"]

    def has_review_permission(self, request):
        return selectors.user_is_reviewer(user=request.user)

    @admin.action(description=gettext_lazy("Approve selected submissions"), permissions=["review"])
    def approve(self, request, queryset):
        _decide_each(self, request, queryset, services.submission_approve)

    @admin.action(
        description=gettext_lazy("Reject selected submissions (asks for a reason)"),
        permissions=["review"],
    )
    def reject(self, request, queryset):
        return _decide_with_reason(
            self, request, queryset, services.submission_reject, _("Reject submissions")
        )

    @admin.action(
        description=gettext_lazy("Request more information (asks for a reason)"),
        permissions=["review"],
    )
    def request_info(self, request, queryset):
        return _decide_with_reason(
            self,
            request,
            queryset,
            services.submission_request_info,
            _("Request more information"),
        )


@admin.register(VerificationDecision)
class VerificationDecisionAdmin(_ReviewerAccess, admin.ModelAdmin):
    list_display = ["created_at", "company", "kind", "status_after", "decided_by"]
    list_filter = ["kind"]
    search_fields = ["company__legal_name", "reason"]
    ordering = ["-created_at", "-pk"]
    list_select_related = ["company", "decided_by"]
    readonly_fields = (
        "company",
        "submission",
        "kind",
        "reason",
        "status_before",
        "status_after",
        "document",
        "decided_by",
        "created_at",
    )
    fields = readonly_fields


@admin.register(VerificationDocument)
class VerificationDocumentAdmin(_ReviewerAccess, admin.ModelAdmin):
    list_display = ["original_name", "company", "document_type", "expiry_date", "uploaded_at"]
    list_filter = ["document_type"]
    search_fields = ["company__legal_name", "original_name", "sha256"]
    list_select_related = ["company"]
    fields = (
        "company",
        "document_type",
        "download",
        "expiry_date",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "expiry_warning_sent_at",
    )
    readonly_fields = fields

    @admin.display(description=gettext_lazy("file"))
    def download(self, obj):
        return _download_link(obj)
