"""The outbox: what happened in the marketplace, written in the transaction of the change.

An ``Event`` row is the one record other domains hear of a change by. Its id increases with each
event; ``txid`` (PostgreSQL) is the writing transaction's id, so a reader of the change feed can
tell which ids are final (see ``selectors.feed_horizon``). Who may read an event: the members of
its ``company``, of each company in its audience (``EventAudience``), and, for a public event,
every signed-in user. Each listener's handling of an event is an ``EventDelivery`` row, created
with the event, so nothing is lost between the commit and the worker.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    type = models.CharField(_("type"), max_length=64, db_index=True)
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("company"),
        help_text=_("The company the event belongs to"),
    )
    platform = models.ForeignKey(
        "platforms.Platform",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("platform"),
    )
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Every signed-in user may read it")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    payload = models.JSONField(_("payload"), default=dict)
    # Set for an event that may happen only once (``event_emit(once_key=...)``): a second
    # emission with the same key writes nothing.
    once_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    # The writing transaction's id on PostgreSQL (services.event_emit), for the change feed.
    txid = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.type}"


class EventAudience(models.Model):
    """A company besides the event's own that may read it (the supplier of an admitted
    application, say)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audience")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "company"], name="event_audience_unique"),
        ]
        indexes = [models.Index(fields=["company", "event"])]

    def __str__(self) -> str:
        return f"{self.event_id} → company {self.company_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, retries exhausted")


class EventDelivery(models.Model):
    """One listener's handling of one event: unique per (event, listener), so a listener runs
    at most once to completion per event however often the event is handed out."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    listener = models.CharField(_("listener"), max_length=128)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "listener"], name="event_delivery_once_per_listener"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="event_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listener} ← {self.event}"
