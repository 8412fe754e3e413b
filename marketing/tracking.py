"""The e-mail provider's tracking events (django-anymail's ``tracking`` signal, sent by its
webhook at ``/anymail/<esp>/tracking/``) applied to the campaign's recipient rows.

The recipient is found by the ``marketing_recipient`` metadata every campaign message carries
(``delivery``), else by the provider's message id; an event for another message (not a campaign's)
is left alone. Each timestamp is set once (the first delivered, opened, clicked); a click counts
as an open too (images off). ``bounced``, ``rejected`` and ``complained`` (and the provider's own
``unsubscribed``) suppress the address in the campaign's workspace (``suppression``)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from .delivery import METADATA_RECIPIENT
from .models import Recipient, SuppressionReason
from .suppression import address_suppress

STAMPS = {
    "delivered": ("delivered_at",),
    "opened": ("opened_at",),
    "clicked": ("clicked_at", "opened_at"),
}
SUPPRESSING = {
    "bounced": SuppressionReason.BOUNCED,
    "rejected": SuppressionReason.REJECTED,
    "complained": SuppressionReason.COMPLAINED,
    "unsubscribed": SuppressionReason.UNSUBSCRIBED,
}


def _recipient_id(metadata) -> int | None:
    value = (metadata or {}).get(METADATA_RECIPIENT)
    return int(value) if isinstance(value, str | int) and str(value).isdigit() else None


def _find(event) -> Recipient | None:
    address = (getattr(event, "recipient", None) or "").strip().lower()
    qs = Recipient.objects.select_related("campaign")
    recipient_id = _recipient_id(getattr(event, "metadata", None))
    found = None
    if recipient_id is not None:
        found = qs.filter(pk=recipient_id).first()
    elif getattr(event, "message_id", None):
        found = qs.filter(message_id=event.message_id).first()
    if found is None or (address and found.address != address):
        return None  # not a campaign's message, or metadata that names someone else
    return found


def tracking_apply(*, event, now: datetime | None = None) -> Recipient | None:
    """Apply one anymail ``AnymailTrackingEvent``; the recipient it was about, if any."""
    recipient = _find(event)
    if recipient is None:
        return None
    when = getattr(event, "timestamp", None) or now or timezone.now()
    if event.event_type in STAMPS:
        fields = STAMPS[event.event_type]
        for field in fields:
            Recipient.objects.filter(Q(pk=recipient.pk) & Q(**{f"{field}__isnull": True})).update(
                **{field: when}
            )
        if "delivered_at" not in fields:  # opened or clicked: it was delivered
            Recipient.objects.filter(pk=recipient.pk, delivered_at__isnull=True).update(
                delivered_at=when
            )
    elif event.event_type in SUPPRESSING:
        address_suppress(recipient=recipient, reason=SUPPRESSING[event.event_type], now=when)
    return recipient


def on_tracking(sender, event, esp_name, **kwargs) -> None:
    """The receiver of ``anymail.signals.tracking`` (connected in ``MarketingConfig.ready``)."""
    tracking_apply(event=event)
