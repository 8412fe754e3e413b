"""Switching an address off: by its owner (the signed unsubscribe link of every message) or by the
provider's tracking webhook (a bounce, a complaint, a rejection). Either way the address is
suppressed for every campaign of the workspace (one ``Suppression`` row per workspace and
address) and the recipient row of the campaign it came from is marked.

The unsubscribe token is the recipient's id signed with ``django.core.signing.Signer`` (salted,
the same token each time; no expiry: a link in an old message keeps working); a tampered or made-up token is refused with a
400 (``unsubscribe_link_invalid``) and changes nothing."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError

from . import outbox
from .models import Recipient, Suppression, SuppressionReason

SALT = "marketing.unsubscribe"
# Which recipient timestamp each reason sets.
STAMP = {
    SuppressionReason.UNSUBSCRIBED: "unsubscribed_at",
    SuppressionReason.BOUNCED: "bounced_at",
    SuppressionReason.REJECTED: "bounced_at",
    SuppressionReason.COMPLAINED: "complained_at",
}


def unsubscribe_token(*, recipient_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(recipient_id))


def unsubscribe_url(*, recipient_id: int) -> str:
    path = reverse(
        "frontend:marketing-unsubscribe",
        kwargs={"token": unsubscribe_token(recipient_id=recipient_id)},
    )
    return settings.SITE_URL.rstrip("/") + path


def recipient_from_token(token: str) -> Recipient:
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        value = ""
    recipient_id = int(value) if value.isdigit() else None
    recipient = (
        Recipient.objects.select_related("campaign", "campaign__workspace")
        .filter(pk=recipient_id)
        .first()
        if isinstance(recipient_id, int)
        else None
    )
    if recipient is None:
        raise ApplicationError(
            _("This unsubscribe link is not valid. Copy the whole link from the message."),
            code="unsubscribe_link_invalid",
        )
    return recipient


@transaction.atomic
def address_suppress(*, recipient: Recipient, reason: str, now: datetime | None = None) -> bool:
    """Suppress the recipient's address in its campaign's workspace (``reason``); mark the
    recipient. True when the address was not suppressed before (a repeat changes nothing)."""
    now = now or timezone.now()
    campaign = recipient.campaign
    field = STAMP[SuppressionReason(reason)]
    Recipient.objects.filter(pk=recipient.pk, **{f"{field}__isnull": True}).update(**{field: now})
    if Suppression.objects.filter(
        workspace_id=campaign.workspace_id, address=recipient.address
    ).exists():
        return False
    try:
        with transaction.atomic():
            Suppression.objects.create(
                workspace_id=campaign.workspace_id,
                address=recipient.address,
                reason=reason,
                campaign=campaign,
            )
    except IntegrityError:  # suppressed by a racing request: once is enough
        return False
    outbox.address_suppressed(
        workspace_id=campaign.workspace_id,
        campaign_id=campaign.pk,
        contact_id=recipient.contact_id,
        reason=reason,
    )
    return True


def unsubscribe(*, token: str, now: datetime | None = None) -> Recipient:
    """The owner of the address clicked the link of a message (or its mail program sent the
    one-click List-Unsubscribe POST)."""
    recipient = recipient_from_token(token)
    address_suppress(recipient=recipient, reason=SuppressionReason.UNSUBSCRIBED, now=now)
    return recipient
