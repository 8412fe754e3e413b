"""Document templates (versioned) and the documents made from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    OFFER = "offer", _("Commercial offer")
    CONTRACT = "contract", _("Contract")
    INVOICE = "invoice", _("Invoice")
    LETTER = "letter", _("Letter")
    SPECIFICATION = "specification", _("Specification")
    DELIVERY_NOTE = "delivery_note", _("Delivery note")


class DocumentTemplate(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_templates"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TemplateKind.choices)
    language = models.CharField(_("language"), max_length=8, default="uk")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class DocumentTemplateVersion(models.Model):
    """A template's text at one version: HTML with placeholders for the PDF, and optionally a
    DOCX with the same placeholders (docxtpl). A version is never changed, only added."""

    template = models.ForeignKey(
        DocumentTemplate, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField()
    body = models.TextField(_("text (HTML with placeholders)"))
    docx_name = models.CharField(max_length=300, blank=True, help_text="in private storage")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "version"], name="crm_template_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.version}"


class GeneratedDocument(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_documents"
    )
    template_version = models.ForeignKey(
        DocumentTemplateVersion, on_delete=models.PROTECT, related_name="documents"
    )
    account = models.ForeignKey("crm.Account", on_delete=models.CASCADE, related_name="documents")
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.CharField(max_length=40)
    file_format = models.CharField(max_length=8)  # pdf | docx
    storage_name = models.CharField(max_length=300, help_text="in private storage")
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number"], name="crm_document_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.number
