"""The sealed-bid format: each supplier makes one offer (a later one replaces it), which nobody
sees until the close; the log records a salted SHA-256 commitment of each offer, and at the
close the offers are opened with their salts, so anyone can check them against the log."""

from __future__ import annotations

import hashlib
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money

from .. import rules
from ..bidding.outcomes import BidRejected
from ..models import Application, Bid, Lot
from .base import Format, Stage, timed_schedule


def seal_commitment(*, lot_id: int, application_id: int, amount: Decimal, seal: str) -> str:
    """What the event log shows of a sealed offer until the opening: a salted SHA-256."""
    body = f"{lot_id}:{application_id}:{Decimal(amount).quantize(rules.CENT)}:{seal}"
    return hashlib.sha256(body.encode()).hexdigest()


def check_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    confirm: bool,
) -> None:
    if amount > lot.start_price:
        raise BidRejected(
            _("An offer may not exceed the start price of %(price)s.")
            % {"price": format_money(lot.start_price, lot.tender.currency)},
            code="above_start_price",
        )


def closing(lot: Lot) -> list[Stage]:
    """The opening: every offer with its salt, in the order they were made."""
    offers = Bid.objects.filter(lot=lot).select_related("application").order_by("placed_at", "pk")
    opened = [
        {
            "bid": b.pk,
            "application": b.application_id,
            "label": b.application.label,
            "amount": b.amount,
            "seal": b.seal,
        }
        for b in offers
    ]
    return [Stage("offers_opened", {"offers": opened})]


FORMAT = Format(check_bid=check_bid, schedule=timed_schedule, closing=closing, sealed=True)
