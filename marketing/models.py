"""The marketing app's rows.

A *segment* is a saved filter over a workspace's CRM accounts and contacts (the filter is JSON of
a fixed schema, ``marketing.filters``; ``marketing.segments`` evaluates it). A *campaign* is one
message (an e-mail or an SMS) sent once to a segment's reachable contacts: one *recipient* row per
contact, unique per campaign, written before anything is sent, so a retried send never sends twice.
A *suppression* switches an address off for every campaign of the workspace (an unsubscribe, a
bounce, a complaint). An *attribution* is a supplier's later step (applied to a tender, bid, won)
counted for a campaign that reached that company shortly before.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Segment(models.Model):
    """A saved filter over a workspace's accounts and contacts."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="marketing_segments"
    )
    name = models.CharField(_("name"), max_length=200)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["workspace", "name"], name="marketing_segment_name")]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")


class Campaign(models.Model):
    """One message to a segment. ``body`` is a sandboxed template (the CRM's document engine)
    rendered per recipient with its contact and account; ``subject`` only for e-mail."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="marketing_campaigns"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("segment")
    )
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="marketing_campaign_recent"),
        ]

    def __str__(self) -> str:
        return self.name


class RecipientStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")


class Recipient(models.Model):
    """One contact a campaign goes to, at one address; unique per campaign, so that a retried
    send finds the row already sent and sends nothing again."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The account's marketplace company when it has one (the supplier a tender step is
    # attributed to), kept so attribution survives an account's unlinking.
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    address = models.CharField(_("address"), max_length=254)
    status = models.CharField(
        max_length=16, choices=RecipientStatus.choices, default=RecipientStatus.PENDING
    )
    message_id = models.CharField(max_length=200, blank=True, db_index=True)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "contact"],
                condition=Q(contact__isnull=False),
                name="marketing_recipient_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["campaign", "address"], name="marketing_recipient_once_per_address"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="marketing_recipient_status"),
            models.Index(fields=["company", "sent_at"], name="marketing_recipient_company"),
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.campaign_id})"


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    BOUNCED = "bounced", _("Bounced")
    COMPLAINED = "complained", _("Marked as spam")
    REJECTED = "rejected", _("Rejected by the provider")


class Suppression(models.Model):
    """An address (an e-mail, lower case, or an E.164 phone) no campaign of the workspace
    writes to any more."""

    workspace = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="marketing_suppressions"
    )
    address = models.CharField(_("address"), max_length=254)
    reason = models.CharField(_("reason"), max_length=16, choices=SuppressionReason.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "address"], name="marketing_suppression_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address}: {self.reason}"


class AttributionKind(models.TextChoices):
    APPLIED = "applied", _("Applied to a tender")
    BID = "bid", _("Bid")
    WON = "won", _("Won")


class Attribution(models.Model):
    """A supplier's step on the marketplace (from a domain event) counted for a campaign that
    reached its company within the attribution window before it; one row per campaign, event,
    kind and company (a ``lot.closed`` names every bidder of the lot), so a redelivered event
    counts once."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="attributions")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=AttributionKind.choices)
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "event", "kind", "company"],
                name="marketing_attribution_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.company_id} for {self.campaign_id}"
