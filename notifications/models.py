"""Notifications: one row per person and thing they are told, in their language, with what to
open. ``key`` makes each unique per person (an event delivered twice tells nobody twice).
Preferences say, per kind and channel, whether to tell at once, in a daily digest (e-mail) or
not at all; without a row the kind's default applies (``kinds.py``). Tender subscriptions are
a supplier's saved search: each new published tender that matches is told once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, MoneyAmountField


class Kind(models.TextChoices):
    AUCTION_SOON = "auction_soon", _("An auction starts soon")
    OUTBID = "outbid", _("You were outbid while away")
    AUCTION_RESULT = "auction_result", _("An auction's result")
    QUESTION_ANSWERED = "question_answered", _("A question was answered")
    APPLICATION_DECIDED = "application_decided", _("Your application was decided")
    TENDER_INVITATION = "tender_invitation", _("An invitation to a tender")
    TENDER_MATCH = "tender_match", _("A new tender matches your subscription")
    VERIFICATION_SUBMITTED = "verification_submitted", _("A verification waits for review")
    VERIFICATION_DECIDED = "verification_decided", _("Your company's verification was decided")
    DOCUMENT_EXPIRING = "document_expiring", _("A verification document expires soon")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook endpoint was switched off")
    CRM_REMINDER = "crm_reminder", _("A CRM activity of mine is due")
    ORDER_UPDATE = (
        "order_update",
        _("An order of my company changed its status or has a new document"),
    )
    PAYMENT_UPDATE = "payment_update", _("An invoice or a bid security of my company changed")
    SHIPMENT_UPDATE = (
        "shipment_update",
        _("A shipment of my company's order moved, or its delivery was accepted"),
    )
    TENDER_APPROVAL = (
        "tender_approval",
        _("A tender waits for my approval, or my request for approval was decided"),
    )
    CASE_ESCALATED = (
        "case_escalated",
        _("A service-desk case I look after missed its SLA target"),
    )
    AUTOMATION = "automation", _("An automation rule of my company tells me something")
    TRANSLATION_ORDER = (
        "translation_order",
        _("A translation order of my company, or one I translate, moved on"),
    )


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")


class Mode(models.TextChoices):
    INSTANT = "instant", _("At once")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("Off")


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=200, help_text="unique per user: what this tells of")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    in_app = models.BooleanField(default=True, help_text="listed in the app (preference)")
    email_mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.OFF)
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user"),
        ]
        indexes = [
            models.Index(
                fields=["user", "id"],
                condition=models.Q(read_at__isnull=True, in_app=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["email_mode", "emailed_at"],
                condition=models.Q(email_mode="digest", emailed_at__isnull=True),
                name="notification_digest_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.title}"


class Preference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    mode = models.CharField(max_length=16, choices=Mode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_preference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}: {self.mode}"


class TenderSubscription(models.Model):
    """What a supplier wants to hear about. Every criterion given must match: a category (or
    one below it), a region, a keyword in the title or description, the budget range (the sum
    of the lots' start prices, in ``currency``), a platform."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="tender_subscriptions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    categories = models.ManyToManyField("categories.Category", blank=True, related_name="+")
    regions = models.JSONField(_("regions"), default=list, blank=True)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    budget_min = MoneyAmountField(_("budget from"), null=True, blank=True)
    budget_max = MoneyAmountField(_("budget to"), null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    platforms = models.ManyToManyField("platforms.Platform", blank=True, related_name="+")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
