"""What every auction format provides (``Format``) and the decisions formats hand back.

A format decides and never writes: it says whether a bid is accepted (raising ``BidRejected``
with the rule's code when not), when the auction ends, and which stages the lot goes through.
The bid path (``auctions.bidding``) and the lot's lifecycle (``auctions.lifecycle``) carry the
decisions out under the lot's lock: they write the rows and the lot's events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from .. import rules
from ..models import Application, Lot, StepReference
from ..participation import coeff, delivery


@dataclass(frozen=True)
class Stage:
    """An event a format decided the lot goes through: its kind and payload."""

    kind: str
    payload: dict


@dataclass(frozen=True)
class Advance:
    """Where the lot's clock stands after a format's move, and the stages on the way."""

    ends_at: datetime
    current_round: int
    current_turn: int
    turn_order: list[int]
    stages: list[Stage] = field(default_factory=list)
    over: bool = False  # the last stage is over: the lot closes


def live_end(lot: Lot) -> datetime:
    """The end of a lot that has started (``schedule`` set it; None only before the start)."""
    if lot.ends_at is None:
        raise ValueError(f"lot {lot.pk} has not started: it has no end")
    return lot.ends_at


def no_begin(
    lot: Lot, ranking: list[rules.Standing], applications: list[Application]
) -> Advance | None:
    return None


def no_advance(lot: Lot, applications: list[Application], now: datetime) -> Advance | None:
    return None


def no_stages(lot: Lot) -> list[Stage]:
    return []


def no_extension(lot: Lot, *, now: datetime, rank: int) -> datetime | None:
    return None


FINAL_PHASE_WITHOUT_SOFT_CLOSE = timedelta(minutes=5)


def soft_close_phase(lot: Lot) -> timedelta:
    """A final phase as long as the soft-close window, or 5 minutes without one."""
    if lot.soft_close_window_seconds:
        return timedelta(seconds=lot.soft_close_window_seconds)
    return FINAL_PHASE_WITHOUT_SOFT_CLOSE


@dataclass(frozen=True)
class Format:
    """One auction format's rules, as the engine asks for them.

    - ``check_bid(lot=, application=, applications=, amount=, confirm=)``: raise ``BidRejected``
      unless the rules accept the bid now (the lot is live, the bidder may trade);
    - ``schedule(lot, bidders, now)``: the end and the original end as the lot starts;
    - ``begin(lot, ranking, applications)``: the first stage after the initial offers (rounds:
      round one; Japanese: level 1 with every admitted application);
    - ``advance(lot, applications, now)``: at a deadline, the next stage, or None to close;
    - ``extension(lot, now=, rank=)``: a later end for a bid of ``rank`` now, or None;
    - ``closing(lot)``: the stages the close goes through first (sealed: the opening);
    - ``final_phase(lot)``: how long a lot that was live bids again after an outage;
    - ``sealed``: offers are kept sealed until the close (recorded as commitments);
    - ``proxies``: proxy bids act after each bid;
    - ``initial_offers``: the applications' initial offers open the standing (not in the
      clock formats, where the clock sets every price);
    - ``ends_on_bid``: the first accepted bid ends the auction (Dutch)."""

    check_bid: Callable[..., None]
    schedule: Callable[[Lot, int, datetime], tuple[datetime, datetime]]
    begin: Callable[[Lot, list[rules.Standing], list[Application]], Advance | None] = no_begin
    advance: Callable[[Lot, list[Application], datetime], Advance | None] = no_advance
    extension: Callable[..., datetime | None] = no_extension
    closing: Callable[[Lot], list[Stage]] = no_stages
    final_phase: Callable[[Lot], timedelta] = soft_close_phase
    sealed: bool = False
    proxies: bool = False
    initial_offers: bool = True
    ends_on_bid: bool = False


def timed_schedule(lot: Lot, bidders: int, now: datetime) -> tuple[datetime, datetime]:
    """A lot that runs for its duration from the start (the English and sealed formats)."""
    ends_at = now + timedelta(seconds=lot.duration_seconds)
    return ends_at, ends_at


def step(lot: Lot, reference: Decimal | None) -> Decimal:
    """The lot's minimum step from ``reference`` (its step kind, value and bands)."""
    return rules.min_step(
        step_kind=lot.step_kind,
        step_value=lot.step_value,
        start_price=lot.start_price,
        bands=lot.step_bands,
        reference=reference,
    )


def step_rule(lot: Lot) -> rules.StepRule:
    return rules.StepRule(
        kind=lot.step_kind,
        value=lot.step_value,
        start_price=lot.start_price,
        bands=lot.step_bands,
        own_reference=lot.step_reference == StepReference.OWN,
    )


def nominal_limit(lot: Lot, application: Application, ranking: list[rules.Standing]):
    """The highest amount ``application`` may bid now, and the reference it must beat
    (``rules.bid_limit``, the rule the room's quick bids are made by too).

    Returns (limit, reference amount in the bidder's own terms or None, step)."""
    return rules.bid_limit(
        step_rule(lot),
        own_amount=application.current_amount,
        best_weighted=ranking[0].weighted if ranking else None,
        coeff=coeff(application),
        delivery=delivery(application),
    )
