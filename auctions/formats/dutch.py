"""The Dutch auction of a reverse auction (Prozorro.Sale's Dutch part, turned around): the clock
opens at the floor price and raises it by the step at each level until a supplier accepts; the
first to accept wins at that price and the auction ends at once. No extensions; nobody
accepting up to the start price fails the lot.

* Level 1 is the floor price; level ``n`` the floor plus ``n - 1`` steps (the lot's step at the
  start price), never above the start price.
* An acceptance is a bid at the level's price; the first one ends the lot (``ends_on_bid``),
  and any other, even in the same instant, is refused under the lot's lock.
* Ranked by price only: a weighted or landed-cost lot cannot be Dutch (validation)."""

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


def opening(lot: Lot) -> Decimal:
    """The first level's price: the floor price, or one step."""
    return lot.floor_price if lot.floor_price is not None else level_step(lot)


def level_price(lot: Lot, level: int) -> Decimal:
    return (opening(lot) + (level - 1) * level_step(lot)).quantize(rules.CENT)


def levels(lot: Lot) -> int:
    """How many levels the clock can run: up to the start price."""
    return int((lot.start_price - opening(lot)) // level_step(lot)) + 1


def schedule(lot: Lot, bidders: int, now: datetime) -> tuple[datetime, datetime]:
    return schedule_levels(lot, levels(lot), now)


def _level_started(lot: Lot, level: int, ends_at: datetime) -> Stage:
    return Stage(
        "level_started",
        {"level": level, "price": level_price(lot, level), "ends_at": ends_at},
    )


def begin(lot: Lot, ranking: list[rules.Standing], applications: list[Application]) -> Advance:
    ends_at = live_end(lot)
    return Advance(
        ends_at=ends_at,
        current_round=1,
        current_turn=0,
        turn_order=[],
        stages=[_level_started(lot, 1, ends_at)],
    )


def advance(lot: Lot, applications: list[Application], now: datetime) -> Advance:
    """At a level's end: accepted, the end; else the next level, or the end past the start
    price."""
    level = lot.current_round
    state = Advance(
        ends_at=live_end(lot),
        current_round=level,
        current_turn=0,
        turn_order=[],
        stages=[],
    )
    if lot.best_application_id is not None:
        return replace(state, over=True)
    if level < levels(lot):
        ends_at = next_level_end(lot, state.ends_at, now)
        return replace(
            state,
            ends_at=ends_at,
            current_round=level + 1,
            stages=[_level_started(lot, level + 1, ends_at)],
        )
    ended = Stage(
        "clock_ended", {"level": level, "price": level_price(lot, level), "why": "none_accepted"}
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
    if lot.best_application_id is not None:
        raise BidRejected(
            _("Another supplier has already accepted a price: the auction is over."),
            code="already_accepted",
            status_code=409,
        )
    price = level_price(lot, level)
    if amount != price:
        raise BidRejected(
            _("The price is now %(price)s: accept that price or wait for a higher one.")
            % {"price": format_money(price, lot.tender.currency)},
            code="price_moved",
        )


FORMAT = Format(
    check_bid=check_bid,
    schedule=schedule,
    begin=begin,
    advance=advance,
    final_phase=lambda lot: timedelta(seconds=lot.level_seconds),
    initial_offers=False,
    ends_on_bid=True,
)
