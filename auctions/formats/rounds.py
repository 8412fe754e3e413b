"""The rounds format (Prozorro's): after the initial offers, a first pause, then a fixed number
of rounds; in each round every bidder has one turn, in the order of the standings as the round
begins (the highest price first), and may bid only in its own turn, at least a step below its
own price as the turn began."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.money import format_money
from marketplace.platforms.models import AuctionFormat

from .. import rules
from ..bidding.outcomes import BidRejected
from ..models import Application, Bid, Lot
from ..participation import standings
from .base import Advance, Format, Stage, live_end, step


def duration(lot: Lot, bidders: int) -> int:
    """The whole auction's length in seconds: the first pause, the pauses between rounds, and
    every bidder's turn in every round."""
    turns = lot.rounds * bidders * lot.turn_seconds
    return lot.first_pause_seconds + (lot.rounds - 1) * lot.round_pause_seconds + turns


def schedule(lot: Lot, bidders: int, now: datetime) -> tuple[datetime, datetime]:
    """The first pause's end, and the end the whole auction would have."""
    ends_at = now + timedelta(seconds=lot.first_pause_seconds)
    return ends_at, now + timedelta(seconds=duration(lot, bidders))


def _round_started(order: list[rules.Standing], *, round_number: int, pause_ends_at) -> Stage:
    return Stage(
        "round_started",
        {"round": round_number, "order": [s.label for s in order], "pause_ends_at": pause_ends_at},
    )


def begin(lot: Lot, ranking: list[rules.Standing], applications: list[Application]) -> Advance:
    """Round one, with its pause, in the order of the initial offers; fixed for the round."""
    order = rules.turn_order(ranking)
    ends_at = live_end(lot)
    return Advance(
        ends_at=ends_at,
        current_round=1,
        current_turn=0,
        turn_order=[s.key for s in order],
        stages=[_round_started(order, round_number=1, pause_ends_at=ends_at)],
    )


def advance(lot: Lot, applications: list[Application], now: datetime) -> Advance:
    """Every stage whose deadline has passed by ``now``: the next turns, and the next rounds
    with their pauses (each round's order from the standings as it begins). ``over`` when the
    last turn of the last round is over: the lot closes."""
    by_id = {a.pk: a for a in applications}
    state = Advance(
        ends_at=live_end(lot),
        current_round=lot.current_round,
        current_turn=lot.current_turn,
        turn_order=list(lot.turn_order),
        stages=[],
    )
    while now >= state.ends_at:
        if state.current_turn < len(state.turn_order):
            turn = state.current_turn + 1
            ends_at = state.ends_at + timedelta(seconds=lot.turn_seconds)
            owner = by_id.get(state.turn_order[turn - 1])
            started = Stage(
                "turn_started",
                {
                    "round": state.current_round,
                    "turn": turn,
                    "application": owner.pk if owner else None,
                    "label": owner.label if owner else None,
                    "ends_at": ends_at,
                },
            )
            state = replace(
                state, current_turn=turn, ends_at=ends_at, stages=[*state.stages, started]
            )
        elif state.current_round < lot.rounds:
            ends_at = state.ends_at + timedelta(seconds=lot.round_pause_seconds)
            order = rules.turn_order(standings(applications))
            number = state.current_round + 1
            started = _round_started(order, round_number=number, pause_ends_at=ends_at)
            state = replace(
                state,
                ends_at=ends_at,
                current_round=number,
                current_turn=0,
                turn_order=[s.key for s in order],
                stages=[*state.stages, started],
            )
        else:
            return replace(state, over=True)
    return state


def turn_owner(lot: Lot) -> int | None:
    """The application whose turn it is, or None (a pause, or not the rounds format)."""
    if lot.auction_format != AuctionFormat.ROUNDS:
        return None
    if not 0 < lot.current_turn <= len(lot.turn_order):
        return None
    return lot.turn_order[lot.current_turn - 1]


def turn_start_bid(*, lot: Lot, application: Application) -> Bid | None:
    """The bidder's price as its turn began: its latest standing bid from earlier rounds."""
    return (
        Bid.objects.filter(application=application, withdrawal__isnull=True)
        .exclude(round=lot.current_round)
        .order_by("-placed_at", "-pk")
        .first()
    )


def check_turn(*, lot: Lot, application: Application) -> None:
    """Refused unless it is ``application``'s turn."""
    owner = turn_owner(lot)
    if owner is None:
        raise BidRejected(
            _("The round is in its pause; bids are taken in turns."),
            code="not_your_turn",
            status_code=409,
        )
    if owner != application.pk:
        raise BidRejected(
            _("It is not your turn; wait until the engine calls you."),
            code="not_your_turn",
            status_code=409,
        )


def turn_limit(lot: Lot, start_amount: Decimal) -> tuple[Decimal, Decimal]:
    """The highest bid allowed in a turn that began at ``start_amount``, and the step."""
    lot_step = step(lot, start_amount)
    return rules.max_allowed(own_amount=start_amount, step=lot_step), lot_step


def check_step(*, lot: Lot, amount: Decimal, start_amount: Decimal | None) -> None:
    """Refused unless ``amount`` is at least a step below the price the turn began at
    (``start_amount``; None: the bidder made no initial offer)."""
    if start_amount is None:
        raise BidRejected(
            _("Your company made no initial offer, so it has no turn."),
            code="not_admitted",
            status_code=403,
        )
    limit, lot_step = turn_limit(lot, start_amount)
    if amount > limit:
        raise BidRejected(
            _("The bid must be at most %(limit)s: your price %(own)s less the step %(step)s.")
            % {
                "limit": format_money(limit, lot.tender.currency),
                "own": format_money(start_amount, lot.tender.currency),
                "step": format_money(lot_step, lot.tender.currency),
            },
            code="step_too_small",
        )


def check_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    confirm: bool,
) -> None:
    check_turn(lot=lot, application=application)
    start = turn_start_bid(lot=lot, application=application)
    check_step(lot=lot, amount=amount, start_amount=start.amount if start else None)


def final_phase(lot: Lot) -> timedelta:
    """After an outage, the interrupted turn or pause again, in full."""
    return timedelta(seconds=lot.turn_seconds)


FORMAT = Format(
    check_bid=check_bid, schedule=schedule, begin=begin, advance=advance, final_phase=final_phase
)
