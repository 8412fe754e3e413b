"""The history of an account (and its contacts): activities, generated documents, merges, and
what the marketplace did that concerns the counterparty, written by listeners of the domain
events (once per event, per account)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimelineKind(models.TextChoices):
    ACTIVITY = "activity", _("Activity")
    EVENT = "event", _("Marketplace")
    DOCUMENT = "document", _("Document")
    STAGE = "stage", _("Opportunity stage")
    MERGE = "merge", _("Merge")
    NOTE = "note", _("Note")


class TimelineEntry(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_timeline"
    )
    account = models.ForeignKey("crm.Account", on_delete=models.CASCADE, related_name="timeline")
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="timeline"
    )
    kind = models.CharField(max_length=16, choices=TimelineKind.choices)
    # The domain event's type for marketplace entries ("lot.awarded"), else the entry's own.
    type = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True, help_text="the source, in the app")
    payload = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity = models.ForeignKey(
        "crm.Activity", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "crm.GeneratedDocument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["account", "-at", "-id"], name="crm_timeline_account"),
            models.Index(fields=["contact", "-at", "-id"], name="crm_timeline_contact"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "event"],
                condition=Q(event__isnull=False),
                name="crm_timeline_once_per_event",
            ),
        ]

    def __str__(self) -> str:
        return self.title
