"""Marketing's domain events (``marketplace.events``), written in the transaction of each change:
``campaign.sent`` and ``marketing.address_suppressed``, both the workspace's own."""

from __future__ import annotations

from marketplace.events.services import event_emit

from .models import Campaign


def campaign_sent(*, campaign: Campaign, recipients: int, actor) -> None:
    event_emit(
        "campaign.sent",
        company=campaign.workspace_id,
        actor=actor,
        now=campaign.sent_at,
        payload={
            "campaign": campaign.pk,
            "segment": campaign.segment_id,
            "channel": campaign.channel,
            "recipients": recipients,
        },
    )


def address_suppressed(
    *, workspace_id: int, campaign_id: int, contact_id: int | None, reason: str
) -> None:
    event_emit(
        "marketing.address_suppressed",
        company=workspace_id,
        payload={"contact": contact_id, "campaign": campaign_id, "reason": reason},
    )
