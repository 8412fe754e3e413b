"""The one writer of bid rows: an accepted bid (manual, proxy, surrogate), a sealed offer, an
initial offer as the lot starts, and a withdrawal, each with its consequences (the bidder's
standing, the lot's best, a soft-close extension) and its event on the lot's chain.

Called under the lot's lock with what the lot's format decided (``auctions.formats``). With
``writes`` (a batch's, ``store``) the rows join the batch and are written by its ``flush``;
otherwise at once."""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

from .. import rules
from ..events import event_append
from ..formats import format_of
from ..formats.sealed import seal_commitment
from ..models import Application, Bid, BidKind, BidWithdrawal, Lot
from ..participation import admitted, best_refresh, comparable
from .batch import ImmediateWrites


def record_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    kind: str,
    user,
    client_bid_id: str,
    now: datetime,
    note: str = "",
    writes=None,
) -> tuple[Bid, bool]:
    """Write an accepted bid and its consequences (standing, soft close, event). Returns the
    bid and whether it extended the lot."""
    own = writes is None
    writes = writes or ImmediateWrites()
    bid = Bid(
        lot=lot,
        application=application,
        amount=amount,
        weighted_amount=rules.as_decimal(comparable(amount, application)),
        kind=kind,
        placed_by=user,
        client_bid_id=client_bid_id,
        round=lot.current_round,
        placed_at=now,
        note=note,
    )
    writes.bid(bid)
    application.current_amount = amount
    application.current_at = now
    writes.standing(application)
    lot.bid_count += 1
    ranking = best_refresh(lot, applications)
    position = next(i for i, s in enumerate(ranking, 1) if s.key == application.pk)
    event_append(
        lot=lot,
        kind="bid_placed",
        payload={
            "bid": bid.pk,
            "application": application.pk,
            "label": application.label,
            "amount": amount,
            "weighted": bid.weighted_amount,
            "kind": kind,
            "rank": position,
            "round": lot.current_round,
            **({"note": note} if note else {}),
        },
        actor=user,
        at=now,
        pending=writes.events,
    )
    fmt = format_of(lot)
    if fmt.ends_on_bid:  # Dutch: the first acceptance ends the auction now
        lot.ends_at = now
        if own:
            writes.flush()
        return bid, False
    new_end = fmt.extension(lot, now=now, rank=position)
    if new_end is not None:
        previous, lot.ends_at = lot.ends_at, new_end
        lot.extensions += 1
        event_append(
            lot=lot,
            kind="extended",
            payload={"from": previous, "to": lot.ends_at, "extensions": lot.extensions},
            at=now,
            pending=writes.events,
        )
    if own:
        writes.flush()
    return bid, new_end is not None


def record_sealed_offer(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    kind: str,
    user,
    client_bid_id: str,
    now: datetime,
    note: str = "",
    placed_at: datetime | None = None,
) -> tuple[Bid, bool]:
    """A sealed offer replaces the bidder's earlier one; the log records only a commitment."""
    seal = secrets.token_hex(16)
    at = placed_at or now
    bid = Bid.objects.create(
        lot=lot,
        application=application,
        amount=amount,
        weighted_amount=rules.as_decimal(comparable(amount, application)),
        kind=BidKind.SEALED if kind == BidKind.MANUAL else kind,
        placed_by=user,
        client_bid_id=client_bid_id,
        placed_at=at,
        note=note,
        seal=seal,
    )
    application.current_amount = amount
    application.current_at = at
    Application.objects.filter(pk=application.pk).update(current_amount=amount, current_at=at)
    lot.bid_count += 1
    best_refresh(lot, applications)
    event_append(
        lot=lot,
        kind="sealed_offer",
        payload={
            "bid": bid.pk,
            "application": application.pk,
            "label": application.label,
            "commitment": seal_commitment(
                lot_id=lot.pk, application_id=application.pk, amount=amount, seal=seal
            ),
        },
        actor=user,
        at=now,
    )
    return bid, False


def record_initial_offer(
    *, lot: Lot, application: Application, applications: list[Application], now: datetime
) -> None:
    """The offer made with the application, as the lot starts: the opening standing (a sealed
    offer in the sealed format)."""
    if format_of(lot).sealed:
        record_sealed_offer(
            lot=lot,
            application=application,
            applications=applications,
            amount=application.initial_amount,
            kind=BidKind.INITIAL,
            user=None,
            client_bid_id="",
            now=now,
            placed_at=application.created_at,
        )
        return
    Bid.objects.create(
        lot=lot,
        application=application,
        amount=application.initial_amount,
        weighted_amount=rules.as_decimal(comparable(application.initial_amount, application)),
        kind=BidKind.INITIAL,
        placed_at=application.created_at,
        round=0,
    )
    application.current_amount = application.initial_amount
    application.current_at = application.created_at
    Application.objects.filter(pk=application.pk).update(
        current_amount=application.current_amount, current_at=application.current_at
    )
    lot.bid_count += 1


def record_withdrawal(
    *,
    lot: Lot,
    application: Application,
    bids: list[Bid],
    restored: Bid,
    user,
    now: datetime,
) -> None:
    """Take back ``bids`` (the bidder's in its current turn): ``restored``, its price before the
    turn, stands again, and the lot's best follows."""
    for bid in bids:
        BidWithdrawal.objects.create(bid=bid, withdrawn_by=user, withdrawn_at=now)
    Application.objects.filter(pk=application.pk).update(
        current_amount=restored.amount, current_at=restored.placed_at
    )
    best_refresh(lot, admitted(lot))
    event_append(
        lot=lot,
        kind="bid_withdrawn",
        payload={
            "application": application.pk,
            "label": application.label,
            "bids": [b.pk for b in bids],
            "amount": restored.amount,
        },
        actor=user,
        at=now,
    )
