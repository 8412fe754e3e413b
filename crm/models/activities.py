"""Activities (calls, meetings, tasks, notes, e-mails) and each person's calendar feed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    TASK = "task", _("Task")
    NOTE = "note", _("Note")
    EMAIL = "email", _("E-mail")


class Activity(models.Model):
    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_activities"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    opportunity = models.ForeignKey(
        "crm.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=300, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_activities",
        verbose_name=_("assignee"),
    )
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # A meeting's iCalendar UID and sequence: the same invitation updated, not a new one.
    ical_uid = models.CharField(max_length=120, blank=True)
    ical_sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["workspace", "assignee", "done_at", "due_at"], name="crm_act_due"),
            models.Index(fields=["remind_at", "reminded_at"], name="crm_act_remind"),
        ]

    def __str__(self) -> str:
        return self.subject


class CalendarFeed(models.Model):
    """A person's private iCalendar feed URL (its token): their activities and the auctions
    they take part in. Revocable: a new token replaces the old one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crm_calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
