"""Approval chains of a buyer's tenders, and the tender's history.

A buyer company's admins set rules (``ApprovalRule``): "when the tender's total (the sum of its
lots' start prices) is above the threshold set for the tender's currency, or its category is
one of the chosen ones or lies under one, then these approvers must approve it, in order or any
one of them". Several rules may apply to one tender: every one of them must be satisfied.

The officer asks for approval (``ApprovalRequest``): the request keeps a snapshot of the values
the approvers decide on, the chains of the rules that applied (each rule's approvers and mode)
and a fingerprint of the values. Each approver's decision is an ``ApprovalDecision`` (one per
person and request). Publishing needs an approved request whose fingerprint is still the
tender's. ``auctions.tenders.approvals`` holds the rules; these are the tables.

``TenderHistoryEntry`` is the tender's own history: who asked, who approved or rejected and
why, an approval voided by a change, the publication that used it. Rows are only appended.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, MoneyAmountField


class ApprovalMode(models.TextChoices):
    IN_ORDER = "in_order", _("In order: each approver after the one before")
    ANY_OF = "any_of", _("Any one of them")


class ApprovalRule(models.Model):
    buyer = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="tender_approval_rules",
        verbose_name=_("buyer"),
    )
    name = models.CharField(_("name"), max_length=200)
    mode = models.CharField(
        _("approvers decide"), max_length=16, choices=ApprovalMode.choices, default="in_order"
    )
    categories = models.ManyToManyField(
        "categories.Category",
        blank=True,
        related_name="+",
        verbose_name=_("categories"),
        help_text=_("A tender in one of these categories, or under one, needs the approval"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["buyer_id", "pk"]

    def __str__(self) -> str:
        return self.name


class ApprovalThreshold(models.Model):
    """A tender in ``currency`` whose total is above ``amount`` needs the rule's approval."""

    rule = models.ForeignKey(ApprovalRule, on_delete=models.CASCADE, related_name="thresholds")
    currency = CurrencyField(_("currency"))
    amount = MoneyAmountField(_("above"), validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["rule_id", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "currency"], name="approval_threshold_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="approval_threshold_amount"),
        ]

    def __str__(self) -> str:
        return f"> {self.amount} {self.currency}"


class ApprovalRuleApprover(models.Model):
    rule = models.ForeignKey(ApprovalRule, on_delete=models.CASCADE, related_name="approvers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rule_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "user"], name="approval_approver_once"),
            models.UniqueConstraint(fields=["rule", "position"], name="approval_approver_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.user_id}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    VOIDED = "voided", _("Void: the tender changed after the request")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApprovalRequest(models.Model):
    tender = models.ForeignKey(
        "auctions.Tender", on_delete=models.CASCADE, related_name="approval_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApprovalStatus.choices,
        default=ApprovalStatus.PENDING,
        db_index=True,
    )
    # The tender's values when asked: {"currency", "total", "category": {...}, "lots": [...]}.
    snapshot = models.JSONField(default=dict)
    # The rules that applied: [{"rule", "name", "mode", "approvers": [user ids in order]}].
    chains = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(status="pending"),
                name="approval_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"approval of tender {self.tender_id}: {self.status}"


class ApprovalDecisionKind(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REJECT = "reject", _("Rejected")


class ApprovalDecision(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=ApprovalDecisionKind.choices)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField()
    # The chains (indexes into the request's ``chains``) this decision counted for.
    chains = models.JSONField(default=list)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "approver"], name="approval_decision_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.approver_id} {self.decision} request {self.request_id}"


class TenderHistoryKind(models.TextChoices):
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    APPROVAL_APPROVED = "approval_approved", _("Approved")
    APPROVAL_REJECTED = "approval_rejected", _("Rejected")
    APPROVAL_GRANTED = "approval_granted", _("Approval complete")
    APPROVAL_VOIDED = "approval_voided", _("Approval void")
    APPROVAL_WITHDRAWN = "approval_withdrawn", _("Approval request withdrawn")
    PUBLISHED = "published", _("Published")


class TenderHistoryEntry(models.Model):
    """One line of a tender's history, appended in the transaction of the change."""

    tender = models.ForeignKey("auctions.Tender", on_delete=models.CASCADE, related_name="history")
    kind = models.CharField(max_length=32, choices=TenderHistoryKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    request = models.ForeignKey(
        ApprovalRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("tender history entry")
        verbose_name_plural = _("tender history")
        ordering = ["tender_id", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.tender_id} {self.kind}"
