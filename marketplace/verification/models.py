"""Company verification (KYB): what a company submits, the documents, and the decisions.

* ``VerificationDocument``: a file a company uploaded (kept in the *private* storage, never under
  ``MEDIA_URL``; its name there is ``storage_name``). Documents belong to the company and are
  attached to every submission made while they are valid.
* ``VerificationSubmission``: one request for verification with a snapshot of the company's
  identifiers and its authorised signatory. Its ``status`` follows the decision taken on it.
* ``VerificationDecision``: an append-only record of every decision (by a platform admin, or by
  the system when a document expires). Never edited or deleted: the ORM refuses, and on
  PostgreSQL a trigger refuses too (see migration 0001).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company, VerificationStatus
from marketplace.core.models import ImmutableModel


class DocumentType(models.TextChoices):
    REGISTRATION_CERTIFICATE = "registration_certificate", _("Registration certificate")
    TAX_CERTIFICATE = "tax_certificate", _("Tax certificate")
    CHARTER = "charter", _("Charter")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    BANK_LETTER = "bank_letter", _("Bank letter")
    OTHER = "other", _("Other")


class SignatoryBasis(models.TextChoices):
    CHARTER = "charter", _("Charter")
    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney")
    OTHER = "other", _("Other")


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INFO_REQUESTED = "info_requested", _("More information requested")


class DecisionKind(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    INFO_REQUESTED = "info_requested", _("More information requested")
    REVERIFICATION_NEEDED = "reverification_needed", _("Re-verification needed")


class VerificationDocument(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="verification_documents",
        verbose_name=_("company"),
    )
    document_type = models.CharField(
        _("document type"), max_length=32, choices=DocumentType.choices
    )
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    storage_name = models.CharField(_("file in private storage"), max_length=300, editable=False)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    expiry_warning_sent_at = models.DateTimeField(
        _("expiry warning sent at"), null=True, blank=True
    )

    class Meta:
        db_table = "verification_document"
        verbose_name = _("verification document")
        verbose_name_plural = _("verification documents")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["expiry_date"], name="verification_doc_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()}: {self.original_name}"


class VerificationSubmission(models.Model):
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="verification_submissions",
        verbose_name=_("company"),
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
        db_index=True,
    )
    # Identifiers as they were when the company submitted.
    country = models.CharField(_("country"), max_length=2)
    registration_number = models.CharField(_("registration number"), max_length=40, blank=True)
    tax_id = models.CharField(_("tax identifier"), max_length=40, blank=True)
    signatory_name = models.CharField(_("signatory's name"), max_length=200)
    signatory_position = models.CharField(_("signatory's position"), max_length=200)
    signatory_basis = models.CharField(
        _("signatory's authority"), max_length=32, choices=SignatoryBasis.choices
    )
    documents = models.ManyToManyField(
        VerificationDocument, related_name="submissions", verbose_name=_("documents")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        db_table = "verification_submission"
        verbose_name = _("verification submission")
        verbose_name_plural = _("verification submissions")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=Q(status="pending"),
                name="verification_one_pending_submission",
                violation_error_message=_("This company already has a submission under review."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} — {self.submitted_at:%Y-%m-%d} ({self.get_status_display()})"


class VerificationDecision(ImmutableModel):
    """One decision on a company's verification. ``decided_by`` empty means the system."""

    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="verification_decisions",
        verbose_name=_("company"),
    )
    submission = models.ForeignKey(
        VerificationSubmission,
        null=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("submission"),
    )
    kind = models.CharField(_("decision"), max_length=32, choices=DecisionKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    status_before = models.CharField(
        _("status before"), max_length=32, choices=VerificationStatus.choices
    )
    status_after = models.CharField(
        _("status after"), max_length=32, choices=VerificationStatus.choices
    )
    document = models.ForeignKey(
        VerificationDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expired document"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        db_table = "verification_decision"
        verbose_name = _("verification decision")
        verbose_name_plural = _("verification decisions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.company}: {self.get_kind_display()}"

    @property
    def is_system(self) -> bool:
        return self.decided_by_id is None
