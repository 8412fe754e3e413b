"""Crediting a supplier's later steps on the marketplace to the campaigns that reached it.

The rule (simple, and said in docs/api/marketing.md): a supplier's step (it applied to a lot,
bid in a lot's auction, won a lot) counts for a campaign when

* the campaign's workspace is the buyer of that tender (a campaign invites suppliers to its own
  company's tenders; a step on another buyer's tender is not its doing), and
* a message of the campaign went to a contact of that supplier company (a recipient row sent,
  its account linked to the company), the campaign sent at most ``WINDOW`` before the step.

Every such campaign gets the credit (no splitting between campaigns). One ``Attribution`` row per
campaign, event, kind and company (a ``lot.closed`` credits each of its bidders): a redelivered
event counts once, and the results read the rows."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from auctions.models import Bid, Tender
from marketplace.events.models import Event

from .models import Attribution, AttributionKind, Campaign, RecipientStatus

WINDOW = timedelta(days=30)


def campaigns_reaching(*, workspace_id: int, company_id: int, at: datetime) -> list[int]:
    """The campaigns of ``workspace_id`` sent to ``company_id`` within the window before ``at``."""
    return list(
        Campaign.objects.filter(
            workspace_id=workspace_id,
            recipients__company_id=company_id,
            recipients__status=RecipientStatus.SENT,
            sent_at__gte=at - WINDOW,
            sent_at__lte=at,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def attribute(*, event: Event, tender_id: int, company_id: int, kind: str) -> int:
    """Credit ``kind`` by ``company_id`` (from ``event``) to the campaigns reaching it; the
    number of rows written."""
    buyer_id = Tender.objects.filter(pk=tender_id).values_list("buyer_id", flat=True).first()
    if buyer_id is None or buyer_id == company_id:
        return 0
    written = 0
    for campaign_id in campaigns_reaching(
        workspace_id=buyer_id, company_id=company_id, at=event.occurred_at
    ):
        try:
            with transaction.atomic():
                Attribution.objects.create(
                    campaign_id=campaign_id,
                    company_id=company_id,
                    kind=kind,
                    event=event,
                    occurred_at=event.occurred_at,
                )
            written += 1
        except IntegrityError:  # this event credited this company to this campaign already
            pass
    return written


def attribute_event(event: Event) -> int:
    """The listeners' one entry: an ``application.submitted``, ``lot.closed`` or ``lot.awarded``
    event credited to the campaigns that reached its supplier(s)."""
    payload = event.payload
    if event.type == "application.submitted":
        return attribute(
            event=event,
            tender_id=payload["tender"],
            company_id=payload["supplier"],
            kind=AttributionKind.APPLIED,
        )
    if event.type == "lot.awarded":
        return attribute(
            event=event,
            tender_id=payload["tender"],
            company_id=payload["supplier"],
            kind=AttributionKind.WON,
        )
    if event.type == "lot.closed":
        bidders = (
            Bid.objects.filter(lot_id=payload["lot"])
            .values_list("application__supplier_id", flat=True)
            .distinct()
        )
        return sum(
            attribute(
                event=event, tender_id=payload["tender"], company_id=c, kind=AttributionKind.BID
            )
            for c in sorted(set(bidders))
        )
    return 0
