"""The service desk: a CRM workspace's cases (requests, complaints, disputes, questions), its
queues, SLA policies and support mailboxes, and each case's messages.

A case belongs to a workspace (the company whose people serve it) and, when known, to one of its
CRM accounts and a contact there; a case opened by an e-mail from an unknown sender is kept with
the sender's address and marked ``unmatched``. Due times are computed by ``servicedesk.sla``
from the policy in force when the case was opened and stored on the case; the periodic sweep
(``servicedesk.tasks``) marks the breaches.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseKind(models.TextChoices):
    REQUEST = "request", _("Request")
    COMPLAINT = "complaint", _("Complaint")
    DISPUTE = "dispute", _("Dispute about an order or a delivery")
    QUESTION = "question", _("Question about the platform")


class Priority(models.TextChoices):
    LOW = "low", pgettext_lazy("case priority", "Low")
    NORMAL = "normal", pgettext_lazy("case priority", "Normal")
    HIGH = "high", pgettext_lazy("case priority", "High")
    URGENT = "urgent", pgettext_lazy("case priority", "Urgent")


PRIORITY_ORDER = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]


class CaseStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("case status", "New")
    OPEN = "open", pgettext_lazy("case status", "Open")
    WAITING = "waiting", pgettext_lazy("case status", "Waiting on the customer")
    RESOLVED = "resolved", pgettext_lazy("case status", "Resolved")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class Channel(models.TextChoices):
    WEB = "web", _("Page")
    EMAIL = "email", _("E-mail")
    API = "api", _("API")


class Queue(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="servicedesk_queues"
    )
    name = models.CharField(_("name"), max_length=100)
    escalation_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("escalation person"),
        help_text=_("Told when a case of the queue breaches its SLA"),
    )
    is_default = models.BooleanField(_("default queue"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="servicedesk_queue_name"),
            models.UniqueConstraint(
                fields=["workspace"],
                condition=Q(is_default=True),
                name="servicedesk_queue_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets in working minutes, and the working calendar they are counted in. A policy with
    a ``priority`` applies to cases of that priority; the one without, to the others."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="servicedesk_policies"
    )
    name = models.CharField(_("name"), max_length=100)
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, blank=True, default=""
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (working minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (working minutes)"), validators=[MinValueValidator(1)]
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Kyiv")
    # Monday is 0.
    weekdays = models.JSONField(_("working days"), default=list)
    day_start = models.TimeField(_("working day starts"))
    day_end = models.TimeField(_("working day ends"))
    holiday_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2; empty: the workspace company's country"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workspace_id", "priority", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "priority"], name="servicedesk_policy_per_priority"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SupportMailbox(models.Model):
    """An address the workspace's customers write to: mail to it (or to its plus-addresses)
    opens or continues cases of the workspace."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="servicedesk_mailboxes"
    )
    address = models.EmailField(_("address"), unique=True)
    queue = models.ForeignKey(
        Queue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["address"]

    def __str__(self) -> str:
        return self.address


class Case(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="servicedesk_cases"
    )
    number = models.PositiveIntegerField(_("number"), help_text=_("1, 2, … within the workspace"))
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    priority = models.CharField(
        _("priority"), max_length=16, choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requester_email = models.EmailField(_("requester's e-mail"), blank=True)
    requester_name = models.CharField(_("requester's name"), max_length=200, blank=True)
    unmatched = models.BooleanField(
        _("sender not matched"), default=False, help_text=_("Opened by an unknown e-mail sender")
    )
    order = models.ForeignKey(
        "deals.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipment = models.ForeignKey(
        "logistics.Shipment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    policy = models.ForeignKey(
        SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    first_response_due = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(null=True, blank=True)
    first_responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    resolution_breached_at = models.DateTimeField(null=True, blank=True)
    survey_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    survey_comment = models.TextField(blank=True)
    surveyed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="servicedesk_case_number"),
            models.CheckConstraint(
                condition=Q(survey_rating__isnull=True)
                | (Q(survey_rating__gte=1) & Q(survey_rating__lte=5)),
                name="servicedesk_case_rating_range",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "-opened_at"], name="servicedesk_case_st"),
            models.Index(fields=["account", "-opened_at"], name="servicedesk_case_account"),
            models.Index(fields=["status", "first_response_due"], name="servicedesk_case_frd"),
            models.Index(fields=["status", "resolution_due"], name="servicedesk_case_rd"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_breached(self) -> bool:
        return bool(self.first_response_breached_at or self.resolution_breached_at)


class MessageKind(models.TextChoices):
    CUSTOMER = "customer", _("From the customer")
    REPLY = "reply", _("Reply to the customer")
    NOTE = "note", _("Internal note")


class CaseMessage(models.Model):
    """A message on a case: the customer's, a staff reply (public, e-mailed), or an internal
    note (never shown to the customer). ``message_id`` is the e-mail's Message-ID (ours for a
    reply we sent, the sender's for a message that came in), for threading replies."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_email = models.EmailField(blank=True)
    body = models.TextField()
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="servicedesk_message_id_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"

    @property
    def is_public(self) -> bool:
        return self.kind != MessageKind.NOTE
