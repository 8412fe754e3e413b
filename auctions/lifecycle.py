"""A lot's life as an auction: start, pause and resume, the deadlines (the next turn or round,
or the close with its final ranking), the award with its deal, and the suspension and restart
after a scheduler outage.

Each function takes the lot's row lock first (``lock_objects.lot_lock``), re-checks the lot's
state and the server's clock under it, asks the lot's format what happens
(``auctions.formats``), writes the lot's rows and events, saves the lot once, and schedules the
broadcast and the domain events for after the commit. All are safe to call twice: the scheduler
(``auctions.scheduler``) only finds the lots whose moment has come and calls these."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError

from . import outbox
from .bidding.writer import record_initial_offer
from .events import event_append, lot_save
from .formats import format_of
from .formats.base import Advance
from .lock_objects import lot_lock
from .models import Award, Bid, Deal, Lot, LotStatus, ProxyBid
from .notices import enqueue_rescheduled_email
from .participation import admitted, best_refresh, final_ranking, require_buyer
from .protocol.tasks import protocol_schedule
from .realtime.broadcast import lot_changed_on_commit
from .states import lot_transition

DEFAULT_MAX_LAG_SECONDS = 120
DEFAULT_NOTICE_SECONDS = 600


def max_lag() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "AUCTION_SCHEDULER_MAX_LAG_SECONDS", DEFAULT_MAX_LAG_SECONDS)
    )


def notice_period() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "AUCTION_RESCHEDULE_NOTICE_SECONDS", DEFAULT_NOTICE_SECONDS)
    )


def final_phase(lot: Lot) -> timedelta:
    """How long a lot that was live bids again after an outage (its format says: the English
    and sealed formats their soft-close window, or 5 minutes without one; the rounds format the
    interrupted turn or pause again, in full)."""
    return format_of(lot).final_phase(lot)


def _advance(lot: Lot, advance: Advance, now: datetime) -> None:
    """Carry out a format's move of the lot's clock: its position and the stages' events."""
    lot.ends_at = advance.ends_at
    lot.current_round = advance.current_round
    lot.current_turn = advance.current_turn
    lot.turn_order = advance.turn_order
    for stage in advance.stages:
        event_append(lot=lot, kind=stage.kind, payload=stage.payload, at=now)


def lot_start(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """Open a scheduled lot for bidding (the scheduler calls this at ``starts_at``).

    Initial offers made with the applications become the opening standing (in the rounds
    format they fix the first round's order; in the sealed format they are sealed offers).
    Safe to call twice.
    """
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.status != LotStatus.AUCTION_SCHEDULED or (lot.starts_at and now < lot.starts_at):
            return lot
        if lot.paused_remaining is not None:
            # Rescheduled after a scheduler outage while live: it goes on from its standing
            # for its final phase only.
            return lot_restart_after_outage(lot_id=lot.pk, now=now, actor=actor)
        applications = admitted(lot)
        fmt = format_of(lot)
        lot.ends_at, lot.original_ends_at = fmt.schedule(lot, len(applications), now)
        lot_transition(
            lot=lot, to=LotStatus.LIVE, actor=actor, payload={"ends_at": lot.ends_at}, at=now
        )
        for app in applications:
            if not fmt.initial_offers:
                break
            if app.initial_amount is None or app.current_amount is not None:
                continue
            record_initial_offer(lot=lot, application=app, applications=applications, now=now)
        first = fmt.begin(lot, best_refresh(lot, applications), applications)
        if first is not None:
            _advance(lot, first, now)
        lot_save(
            lot,
            [
                "status",
                "ends_at",
                "original_ends_at",
                "best_amount",
                "best_application",
                "bid_count",
                "current_round",
                "current_turn",
                "turn_order",
            ],
        )
        lot_changed_on_commit(lot_id=lot.pk, kinds=["started"])
        outbox.lot_started(lot=lot, actor=actor)
    return lot


def lot_pause(*, lot_id: int, user, reason: str, now: datetime | None = None) -> Lot:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the auction is paused; the participants will see it."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        require_buyer(user=user, lot=lot)
        now = now or timezone.now()
        if lot.status == LotStatus.LIVE and lot.now_passed(now):
            raise ConflictError(
                _("The auction has already reached its end."), code="auction_closed"
            )
        remaining = lot.ends_at - now if lot.ends_at else None
        lot_transition(
            lot=lot,
            to=LotStatus.PAUSED,
            actor=user,
            reason=reason,
            payload={"remaining_seconds": remaining.total_seconds() if remaining else None},
            at=now,
        )
        lot.paused_remaining = remaining
        lot.pause_reason = reason
        lot_save(lot, ["status", "paused_remaining", "pause_reason"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["paused"])
    return lot


def lot_resume(*, lot_id: int, user, now: datetime | None = None) -> Lot:
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        require_buyer(user=user, lot=lot)
        now = now or timezone.now()
        if lot.status != LotStatus.PAUSED:
            raise ConflictError(_("The auction is not paused."), code="not_paused")
        lot.ends_at = now + (lot.paused_remaining or timedelta(0))
        lot_transition(
            lot=lot, to=LotStatus.LIVE, actor=user, payload={"ends_at": lot.ends_at}, at=now
        )
        lot.paused_remaining = None
        lot.pause_reason = ""
        lot_save(lot, ["status", "ends_at", "paused_remaining", "pause_reason"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["resumed"])
    return lot


def lot_close(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """Act on a live lot whose current deadline has come: in the rounds format move on to the
    next turn or round; otherwise (and after the last turn) close it with its final ranking
    (a sealed lot's offers are opened first). Safe to call twice; a lot extended meanwhile is
    left open."""
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.status != LotStatus.LIVE or not lot.now_passed(now):
            return lot
        applications = admitted(lot)
        fmt = format_of(lot)
        advance = fmt.advance(lot, applications, now)
        if advance is not None:
            _advance(lot, advance, now)
            if not advance.over:
                lot_save(lot, ["ends_at", "current_round", "current_turn", "turn_order"])
                lot_changed_on_commit(lot_id=lot.pk, kinds=["turn"])
                return lot
        for stage in fmt.closing(lot):  # a sealed lot's offers are opened
            event_append(lot=lot, kind=stage.kind, payload=stage.payload, at=now)
        ranking = final_ranking(lot, applications)
        ProxyBid.objects.filter(application__lot=lot, active=True).update(active=False)
        lot.closed_at = now
        if not ranking:
            lot.failure_reason = _("No bids were placed.")
            lot_transition(
                lot=lot, to=LotStatus.FAILED, actor=actor, reason=lot.failure_reason, at=now
            )
        else:
            lot_transition(
                lot=lot, to=LotStatus.CLOSED, actor=actor, payload={"ranking": ranking}, at=now
            )
        lot_save(lot, ["status", "closed_at", "failure_reason"])
        protocol_schedule(lot.pk)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["closed"])
        bidders = sum(1 for a in applications if a.current_amount is not None)
        outbox.lot_closed(lot=lot, bidders=bidders, actor=actor)
    return lot


def lot_award(*, lot_id: int, user, application_id: int | None = None, reason: str = "") -> Award:
    """The buyer awards a closed lot: to the best ranked by default, to another with a reason.

    A lot with exactly one admitted participant and ``allow_single_award`` may be awarded
    straight after applications close, at that participant's initial offer."""
    reason = (reason or "").strip()
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        require_buyer(user=user, lot=lot)
        now = timezone.now()
        applications = admitted(lot)
        if Award.objects.filter(lot=lot).exists():
            raise ConflictError(_("This lot has already been awarded."), code="already_awarded")
        if lot.status == LotStatus.CLOSED:
            ranking = final_ranking(lot, applications)
            best = ranking[0]["application"] if ranking else None
            chosen_id = application_id or best
            chosen = next((a for a in applications if a.pk == chosen_id), None)
            if chosen is None or chosen.current_amount is None:
                raise ApplicationError(
                    _("Award the lot to an admitted bidder that made an offer."),
                    code="not_a_bidder",
                )
            if chosen.pk != best and not reason:
                raise ApplicationError(
                    _("Say why the lot is not awarded to the best ranked offer."),
                    code="reason_required",
                    fields={"reason": [_("This field is required.")]},
                )
            amount = chosen.current_amount
            bid = (
                Bid.objects.filter(lot=lot, application=chosen, amount=amount)
                .order_by("-placed_at")
                .first()
            )
        elif lot.status == LotStatus.APPLICATIONS_CLOSED:
            if not lot.allow_single_award or len(applications) != 1:
                raise ConflictError(
                    _(
                        "Only a lot with exactly one admitted participant may be awarded "
                        "without an auction."
                    ),
                    code="direct_award_not_allowed",
                )
            chosen = applications[0]
            if application_id and application_id != chosen.pk:
                raise ApplicationError(_("No such participant."), code="not_a_bidder")
            if chosen.initial_amount is None:
                raise ApplicationError(
                    _("The only participant made no offer to award."), code="no_offer"
                )
            amount, bid = chosen.initial_amount, None
        else:
            raise ConflictError(
                _("Only a closed lot can be awarded (this one is %(status)s).")
                % {"status": LotStatus(lot.status).label},
                code="invalid_transition",
            )
        if lot.reserve_price is not None and amount > lot.reserve_price:
            raise ApplicationError(
                _("The offer is above the lot's reserve price; it cannot be awarded."),
                code="above_reserve",
            )
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    lot=lot,
                    application=chosen,
                    bid=bid,
                    amount=amount,
                    reason=reason,
                    awarded_by=user,
                    awarded_at=now,
                )
        except IntegrityError:
            raise ConflictError(
                _("This lot has already been awarded."), code="already_awarded"
            ) from None
        deal = Deal.objects.create(
            award=award,
            lot=lot,
            buyer_id=lot.tender.buyer_id,
            supplier_id=chosen.supplier_id,
            price=amount,
            currency=lot.tender.currency,
            quantity=lot.quantity,
            unit=lot.unit,
            terms={
                "delivery_place": lot.delivery_place,
                "delivery_date": lot.delivery_date.isoformat() if lot.delivery_date else None,
                "incoterms": lot.incoterms,
                "tender": lot.tender_id,
                "lot_number": lot.number,
            },
        )
        lot_transition(
            lot=lot,
            to=LotStatus.AWARDED,
            actor=user,
            reason=reason,
            payload={"application": chosen.pk, "label": chosen.label, "amount": amount},
        )
        lot_save(lot, ["status"])
        protocol_schedule(lot.pk)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["awarded"])
        outbox.lot_awarded(lot=lot, award=award, deal=deal, actor=user)
    return award


def lot_suspend_for_outage(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """Suspend a lot whose start or end the scheduler missed by more than the allowed lag, and
    reschedule it after the notice period; the participants are e-mailed after the commit.

    A live lot keeps its bids and standing and is marked to reopen for a final phase
    (``paused_remaining``; see ``lot_restart_after_outage``). Does nothing to a lot that is not
    (or no longer) that late, so it is safe to call twice."""
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.status == LotStatus.AUCTION_SCHEDULED:
            due_at, missed = lot.starts_at, "start"
        elif lot.status == LotStatus.LIVE:
            due_at, missed = lot.ends_at, "close"
        else:
            return lot
        if due_at is None or now - due_at <= max_lag():
            return lot
        lag_seconds = int((now - due_at).total_seconds())
        reason = _("scheduler outage of %(seconds)s seconds") % {"seconds": lag_seconds}
        lot_transition(
            lot=lot,
            to=LotStatus.SUSPENDED,
            actor=actor,
            reason=reason,
            payload={"missed": missed, "due_at": due_at, "lag_seconds": lag_seconds},
        )
        if missed == "close":
            lot.paused_remaining = final_phase(lot)
        # a lot rescheduled after an earlier outage keeps its final phase (paused_remaining)
        lot.starts_at = now + notice_period()
        if lot.paused_remaining is not None:
            lot.ends_at = lot.starts_at + lot.paused_remaining
        lot.pause_reason = reason
        lot.last_scheduler_tick = now
        lot_transition(
            lot=lot,
            to=LotStatus.AUCTION_SCHEDULED,
            actor=actor,
            reason=reason,
            payload={
                "starts_at": lot.starts_at,
                "final_phase_seconds": (
                    int(lot.paused_remaining.total_seconds()) if lot.paused_remaining else None
                ),
                "bids_kept": lot.bid_count,
                "lag_seconds": lag_seconds,
            },
        )
        lot_save(
            lot,
            [
                "status",
                "starts_at",
                "ends_at",
                "paused_remaining",
                "pause_reason",
                "last_scheduler_tick",
            ],
        )
        lot_changed_on_commit(lot_id=lot.pk, kinds=["suspended", "rescheduled"])
        seq = lot.event_seq
        transaction.on_commit(lambda: enqueue_rescheduled_email(lot_id, seq), robust=True)
    return lot


def lot_restart_after_outage(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """Reopen, at its new start, a lot that was live when the outage suspended it: bidding goes
    on from the standing it had, for the final phase kept in ``paused_remaining``, ending at
    ``starts_at`` plus that phase as announced. Safe to call twice; does nothing before the
    start or to a lot that was not suspended while live."""
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if (
            lot.status != LotStatus.AUCTION_SCHEDULED
            or lot.paused_remaining is None
            or (lot.starts_at and now < lot.starts_at)
        ):
            return lot
        phase = lot.paused_remaining
        lot.ends_at = (lot.starts_at or now) + phase
        if lot.ends_at <= now:  # started later than the phase is long: give the whole phase
            lot.ends_at = now + phase
        lot_transition(
            lot=lot,
            to=LotStatus.LIVE,
            actor=actor,
            payload={"ends_at": lot.ends_at, "after_outage": True},
        )
        lot.paused_remaining = None
        lot.pause_reason = ""
        lot_save(lot, ["status", "ends_at", "paused_remaining", "pause_reason"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["resumed"])
    return lot
