"""The Japanese reverse auction (SAP Ariba's definition): the price falls by the step at each
level, and each supplier still in must confirm the level's price within the level's time to
stay in; whoever does not is out. The last one standing wins at the level it alone confirmed.

* Level 1 is the start price: confirming it enters the auction. Level ``n`` is the start price
  less ``n - 1`` steps (the lot's step at the start price), never below the floor price (or one
  step, without one).
* A confirmation is a bid at the level's price (so the standings, the log and the protocol
  read it as any bid); the lot's ``current_round`` is the level, ``turn_order`` the suppliers
  still in.
* At a level's end: two or more confirmed it, and a lower level exists: the next level, with
  them; one confirmed: it wins at that price; nobody confirmed it: the auction is over, and
  those who confirmed the level before rank by price and then by who confirmed first (the
  earliest wins); two or more at the floor: the same, the earliest confirmation first.
* Ranked by price only: a weighted or landed-cost lot cannot be Japanese (validation)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money

from .. import rules
from ..bidding.outcomes import BidRejected
from ..models import Application, Lot
from .base import Advance, Format, Stage, live_end
from .clock import current_level, level_step, next_level_end, schedule_levels


def floor(lot: Lot) -> Decimal:
    """The lowest level's price: the floor price, or one step."""
    return lot.floor_price if lot.floor_price is not None else level_step(lot)


def level_price(lot: Lot, level: int) -> Decimal:
    return (lot.start_price - (level - 1) * level_step(lot)).quantize(rules.CENT)


def levels(lot: Lot) -> int:
    """How many levels the clock can run: down to the floor."""
    return int((lot.start_price - floor(lot)) // level_step(lot)) + 1


def schedule(lot: Lot, bidders: int, now: datetime) -> tuple[datetime, datetime]:
    """The first level's end, and the end if the clock ran down to the floor."""
    return schedule_levels(lot, levels(lot), now)


def _level_started(lot: Lot, level: int, ends_at: datetime, still_in: list[Application]) -> Stage:
    return Stage(
        "level_started",
        {
            "level": level,
            "price": level_price(lot, level),
            "ends_at": ends_at,
            "in": sorted(a.label or 0 for a in still_in),
        },
    )


def begin(lot: Lot, ranking: list[rules.Standing], applications: list[Application]) -> Advance:
    """Level 1, the start price, open to every admitted supplier."""
    ends_at = live_end(lot)
    return Advance(
        ends_at=ends_at,
        current_round=1,
        current_turn=0,
        turn_order=sorted(a.pk for a in applications),
        stages=[_level_started(lot, 1, ends_at, applications)],
    )


def confirmed(lot: Lot, applications: list[Application], level: int) -> list[Application]:
    """The suppliers still in who confirmed ``level`` (their price is its price)."""
    price = level_price(lot, level)
    still_in = set(lot.turn_order)
    return [a for a in applications if a.pk in still_in and a.current_amount == price]


def advance(lot: Lot, applications: list[Application], now: datetime) -> Advance:
    """At a level's end: the next level with those who confirmed it, or the end."""
    level = lot.current_round
    stayed = confirmed(lot, applications, level)
    out = sorted(
        a.label or 0 for a in applications if a.pk in set(lot.turn_order) and a not in stayed
    )
    state = Advance(
        ends_at=live_end(lot),
        current_round=level,
        current_turn=0,
        turn_order=list(lot.turn_order),
        stages=[],
    )
    if len(stayed) >= 2 and level < levels(lot):
        # A late scheduler still gives the next level its whole time.
        ends_at = next_level_end(lot, state.ends_at, now)
        started = _level_started(lot, level + 1, ends_at, stayed)
        started.payload["out"] = out
        return replace(
            state,
            ends_at=ends_at,
            current_round=level + 1,
            turn_order=sorted(a.pk for a in stayed),
            stages=[started],
        )
    if len(stayed) == 1:
        why = "last_standing"
    elif stayed:
        why = "floor_reached"
    else:
        why = "all_out"
    ended = Stage(
        "clock_ended",
        {"level": level, "price": level_price(lot, level), "why": why, "out": out},
    )
    return replace(state, stages=[ended], over=True)


def check_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    confirm: bool,
) -> None:
    level = current_level(lot)
    if application.pk not in set(lot.turn_order):
        raise BidRejected(
            _("You are out of this auction: you did not confirm an earlier price."),
            code="dropped_out",
        )
    price = level_price(lot, level)
    if amount != price:
        raise BidRejected(
            _("The price is now %(price)s: confirm that price to stay in.")
            % {"price": format_money(price, lot.tender.currency)},
            code="price_moved",
        )
    if application.current_amount == price:
        raise BidRejected(
            _("You have already confirmed this price; wait for the next one."),
            code="already_confirmed",
            status_code=409,
        )


FORMAT = Format(
    check_bid=check_bid,
    schedule=schedule,
    begin=begin,
    advance=advance,
    final_phase=lambda lot: timedelta(seconds=lot.level_seconds),
    initial_offers=False,
)
