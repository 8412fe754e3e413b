"""The auction scheduler: the server's clock starts auctions, switches turns and rounds, closes
lots and closes applications.

``tick`` does one pass. It finds the lots whose moment has come (a scheduled lot's start, a live
lot's end, a published lot's applications deadline), oldest due first and at most a batch of them,
and handles each in its own short transaction: it first *claims* the lot row with
``SELECT ... FOR UPDATE SKIP LOCKED`` (a row another scheduler, or a bid, holds is skipped this
pass, not waited for), re-checking in that same statement that the lot is still due, and then calls
the service (``lot_start``; ``lot_close``, which in the rounds format moves on to the next turn or
round; ``lot_applications_close``) inside the transaction; the
service's own ``lot_lock`` re-locks the row this transaction already holds. Several schedulers can
therefore run at once and never act twice on one lot, and every service is safe to call twice.

The outage rule: when a start or a close is more than ``AUCTION_SCHEDULER_MAX_LAG_SECONDS`` late
(default 120), nobody can tell what the participants could or could not do meanwhile, so the lot
is neither started nor closed on that stale state. ``lot_suspend_for_outage`` suspends it and
reschedules it ``AUCTION_RESCHEDULE_NOTICE_SECONDS`` (default 600) later, and the participants are
e-mailed. A lot that was live keeps its bids and, at the new start, ``lot_restart_after_outage``
reopens it for a final phase as long as its soft-close window (5 minutes without one).

``manage.py run_scheduler`` calls ``tick`` in a loop; see docs/scheduler.md.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.companies.models import Membership
from marketplace.core.exceptions import ApplicationError
from marketplace.platforms.models import AuctionFormat

from .broadcast import lot_changed_on_commit
from .events import LOT_CHAIN_FIELDS
from .lock_objects import lot_lock
from .models import ApplicationStatus, Lot, LotEvent, LotStatus
from .services import BIDDER_ROLES, lot_close, lot_start
from .states import lot_transition
from .tender_selectors import BUYER_MANAGER_ROLES

logger = logging.getLogger(__name__)

DEFAULT_MAX_LAG_SECONDS = 120
DEFAULT_NOTICE_SECONDS = 600
DEFAULT_BATCH = 100
FINAL_PHASE_WITHOUT_SOFT_CLOSE = timedelta(minutes=5)
HEARTBEAT_KEY = "auctions:scheduler:heartbeat"

START = "start"
RESTART = "restart"
CLOSE = "close"
APPLICATIONS_CLOSE = "applications_close"


def max_lag() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "AUCTION_SCHEDULER_MAX_LAG_SECONDS", DEFAULT_MAX_LAG_SECONDS)
    )


def notice_period() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "AUCTION_RESCHEDULE_NOTICE_SECONDS", DEFAULT_NOTICE_SECONDS)
    )


def final_phase(lot: Lot) -> timedelta:
    """How long a lot that was live bids again after an outage: its soft-close window (in the
    rounds format: the interrupted turn or pause again, in full)."""
    if lot.auction_format == AuctionFormat.ROUNDS:
        return timedelta(seconds=lot.turn_seconds)
    if lot.soft_close_window_seconds:
        return timedelta(seconds=lot.soft_close_window_seconds)
    return FINAL_PHASE_WITHOUT_SOFT_CLOSE


# --- selectors ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    lot_id: int
    action: str
    due_at: datetime


def lots_due(*, now: datetime, batch: int = DEFAULT_BATCH, exclude=()) -> list[Due]:
    """The lots whose scheduled moment has come by ``now``, oldest due first, at most ``batch``.

    Read without locks: ``tick`` claims each one and re-checks it under the claim."""
    found: list[Due] = []
    scheduled = (
        Lot.objects.filter(status=LotStatus.AUCTION_SCHEDULED, starts_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("starts_at", "pk")
        .values_list("pk", "starts_at", "paused_remaining")[:batch]
    )
    for pk, due_at, remaining in scheduled:
        found.append(Due(pk, RESTART if remaining is not None else START, due_at))
    live = (
        Lot.objects.filter(status=LotStatus.LIVE, ends_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("ends_at", "pk")
        .values_list("pk", "ends_at")[:batch]
    )
    found.extend(Due(pk, CLOSE, due_at) for pk, due_at in live)
    published = (
        Lot.objects.filter(status=LotStatus.PUBLISHED, tender__applications_deadline__lte=now)
        .exclude(pk__in=exclude)
        .order_by("tender__applications_deadline", "pk")
        .values_list("pk", "tender__applications_deadline")[:batch]
    )
    found.extend(Due(pk, APPLICATIONS_CLOSE, due_at) for pk, due_at in published)
    found.sort(key=lambda d: (d.due_at, d.lot_id))
    return found[:batch]


def _lot_claim(*, due: Due, now: datetime) -> Lot | None:
    """Lock the lot for this scheduler if it is still due and nobody else holds it (inside a
    transaction). ``None``: another scheduler or a bid holds the row, or it is no longer due."""
    lots = Lot.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=due.lot_id)
    if due.action in (START, RESTART):
        lots = lots.filter(status=LotStatus.AUCTION_SCHEDULED, starts_at__lte=now)
    elif due.action == CLOSE:
        lots = lots.filter(status=LotStatus.LIVE, ends_at__lte=now)
    else:
        lots = lots.filter(status=LotStatus.PUBLISHED, tender__applications_deadline__lte=now)
    return lots.first()


def _applications_close_service():
    """``tender_services.lot_applications_close``, or ``None`` while it does not exist."""
    try:
        from . import tender_services
    except ImportError:
        return None
    return getattr(tender_services, "lot_applications_close", None)


# --- the pass -----------------------------------------------------------------------------


def _due_at(lot: Lot, action: str) -> datetime:
    if action in (START, RESTART):
        return lot.starts_at
    if action == CLOSE:
        return lot.ends_at
    return lot.tender.applications_deadline


def _act(
    *, lot: Lot, action: str, now: datetime | None, clock: datetime, actor, close_applications
):
    """Call the service for a claimed lot. Returns what was done (a key of ``tick``'s result)
    and the lot as the service left it."""
    if action != APPLICATIONS_CLOSE and clock - _due_at(lot, action) > max_lag():
        return "suspended", lot_suspend_for_outage(lot_id=lot.pk, now=now, actor=actor)
    if action == START:
        return "started", lot_start(lot_id=lot.pk, now=now, actor=actor)
    if action == RESTART:
        return "restarted", lot_restart_after_outage(lot_id=lot.pk, now=now, actor=actor)
    if action == CLOSE:  # in the rounds format, the end of a turn or pause moves the lot on
        lot = lot_close(lot_id=lot.pk, now=now, actor=actor)
        return ("advanced" if lot.status == LotStatus.LIVE else "closed"), lot
    return "applications_closed", close_applications(lot_id=lot.pk, now=now)


def tick(
    now: datetime | None = None, *, batch: int = DEFAULT_BATCH, exclude=(), actor=None
) -> dict[str, list[int]]:
    """One pass of the scheduler. ``now`` fixes the clock (tests); without it each service reads
    the server's clock under the lot's lock. Returns the lot ids acted on, by what was done, and
    those that failed (logged; the pass goes on with the next lot)."""
    clock = now or timezone.now()
    result: dict[str, list[int]] = {
        "started": [], "restarted": [], "advanced": [], "closed": [],
        "applications_closed": [], "suspended": [], "errors": [],
    }  # fmt: skip
    close_applications = _applications_close_service()
    for due in lots_due(now=clock, batch=batch, exclude=exclude):
        if due.action == APPLICATIONS_CLOSE and close_applications is None:
            logger.info(
                "lot %s: applications deadline passed, but tender_services has no "
                "lot_applications_close yet; skipped",
                due.lot_id,
            )
            continue
        try:
            with transaction.atomic():
                claimed = _lot_claim(due=due, now=clock)
                if claimed is None:
                    continue  # another scheduler has it, or it is no longer due
                due_at = _due_at(claimed, due.action)
                key, lot = _act(
                    lot=claimed, action=due.action, now=now, clock=clock, actor=actor,
                    close_applications=close_applications,
                )  # fmt: skip
                if lot.event_seq == claimed.event_seq:
                    continue  # the service found nothing to do (e.g. the lot was extended)
                Lot.objects.filter(pk=lot.pk).update(last_scheduler_tick=clock)
        except (OperationalError, InterfaceError):
            raise  # the database is gone: the loop reconnects and retries
        except ApplicationError as exc:
            logger.warning("lot %s: %s refused: %s (%s)", due.lot_id, due.action, exc, exc.code)
            result["errors"].append(due.lot_id)
            continue
        except Exception:
            logger.exception("lot %s: %s failed", due.lot_id, due.action)
            result["errors"].append(due.lot_id)
            continue
        result[key].append(lot.pk)
        logger.info(
            "lot %s: %s (due %s, %.3f s late)", lot.pk, key, due_at.isoformat(),
            (clock - due_at).total_seconds(),
        )  # fmt: skip
    return result


def heartbeat_record(*, now: datetime | None = None) -> None:
    """Note in the cache that a scheduler finished a pass (for monitoring); never fails."""
    now = now or timezone.now()
    try:
        cache.set(
            HEARTBEAT_KEY,
            {"at": now.isoformat(), "host": socket.gethostname(), "pid": os.getpid()},
            timeout=24 * 3600,
        )
    except Exception:
        logger.warning("scheduler heartbeat not recorded", exc_info=True)


def heartbeat_get() -> dict | None:
    """The last pass any scheduler finished: ``{"at", "host", "pid"}``, or ``None``."""
    return cache.get(HEARTBEAT_KEY)


# --- the outage rule ----------------------------------------------------------------------


def _save(lot: Lot, fields: list[str]) -> None:
    lot.save(update_fields=sorted(set(fields) | set(LOT_CHAIN_FIELDS)))


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
            due_at, action = lot.starts_at, START
        elif lot.status == LotStatus.LIVE:
            due_at, action = lot.ends_at, CLOSE
        else:
            return lot
        if due_at is None or now - due_at <= max_lag():
            return lot
        lag_seconds = int((now - due_at).total_seconds())
        reason = _("scheduler outage of %(seconds)s seconds") % {"seconds": lag_seconds}
        lot_transition(
            lot=lot, to=LotStatus.SUSPENDED, actor=actor, reason=reason,
            payload={"missed": action, "due_at": due_at, "lag_seconds": lag_seconds},
        )  # fmt: skip
        if action == CLOSE:
            lot.paused_remaining = final_phase(lot)
        # a lot rescheduled after an earlier outage keeps its final phase (paused_remaining)
        lot.starts_at = now + notice_period()
        if lot.paused_remaining is not None:
            lot.ends_at = lot.starts_at + lot.paused_remaining
        lot.pause_reason = reason
        lot.last_scheduler_tick = now
        lot_transition(
            lot=lot, to=LotStatus.AUCTION_SCHEDULED, actor=actor, reason=reason,
            payload={
                "starts_at": lot.starts_at,
                "final_phase_seconds": (
                    int(lot.paused_remaining.total_seconds()) if lot.paused_remaining else None
                ),
                "bids_kept": lot.bid_count,
                "lag_seconds": lag_seconds,
            },
        )  # fmt: skip
        _save(
            lot, ["status", "starts_at", "ends_at", "paused_remaining", "pause_reason",
                  "last_scheduler_tick"],
        )  # fmt: skip
        lot_changed_on_commit(lot_id=lot.pk, kinds=["suspended", "rescheduled"])
        seq = lot.event_seq
        transaction.on_commit(lambda: _enqueue_rescheduled_email(lot_id, seq), robust=True)
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
            lot=lot, to=LotStatus.LIVE, actor=actor,
            payload={"ends_at": lot.ends_at, "after_outage": True},
        )  # fmt: skip
        lot.paused_remaining = None
        lot.pause_reason = ""
        _save(lot, ["status", "ends_at", "paused_remaining", "pause_reason"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["resumed"])
    return lot


# --- notice to the participants -----------------------------------------------------------


def _enqueue_rescheduled_email(lot_id: int, seq: int) -> None:
    send_lot_rescheduled_email.delay(lot_id, seq)


def _recipients(lot: Lot) -> list:
    suppliers = list(
        lot.applications.filter(status=ApplicationStatus.ADMITTED).values_list(
            "supplier_id", flat=True
        )
    )
    people: dict[int, object] = {}
    for m in (
        Membership.objects.filter(
            user__is_active=True, company_id__in=suppliers, role__in=list(BIDDER_ROLES)
        )
        .select_related("user")
        .order_by("user_id")
    ):
        people.setdefault(m.user_id, m.user)
    for m in (
        Membership.objects.filter(
            user__is_active=True, company_id=lot.tender.buyer_id, role__in=list(BUYER_MANAGER_ROLES)
        )
        .select_related("user")
        .order_by("user_id")
    ):
        people.setdefault(m.user_id, m.user)
    return list(people.values())


@shared_task(acks_late=True)
def send_lot_rescheduled_email(lot_id: int, seq: int) -> int:
    """E-mail the admitted suppliers' bidders and the buyer's officers that the lot was
    suspended after a scheduler outage and when it starts again. The text comes from the
    rescheduling event ``seq``, so a late or repeated run tells what was decided then."""
    event = LotEvent.objects.filter(lot_id=lot_id, seq=seq, kind="status_changed").first()
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if event is None or lot is None:
        return 0
    starts_at = datetime.fromisoformat(event.payload["starts_at"])
    phase = event.payload.get("final_phase_seconds")
    fmt = "%Y-%m-%d %H:%M:%S"
    sent = 0
    for user in _recipients(lot):
        with translation.override(getattr(user, "language", "") or settings.LANGUAGE_CODE):
            names = {"lot": lot.title, "title": lot.tender.title}
            subject = _("Auction rescheduled: %(lot)s") % names
            body = _(
                'The auction for lot "%(lot)s" of the tender "%(title)s" was suspended because '
                "the auction scheduler could not act for %(seconds)s seconds; it was neither "
                "started nor closed on that state."
            ) % {**names, "seconds": event.payload.get("lag_seconds", "?")}
            if phase:
                body += " " + _(
                    "All bids are kept. Bidding reopens at %(start)s (UTC) for a final phase "
                    "until %(end)s (UTC)."
                ) % {
                    "start": starts_at.strftime(fmt),
                    "end": (starts_at + timedelta(seconds=phase)).strftime(fmt),
                }
            else:
                body += " " + _("The auction now starts at %(start)s (UTC).") % {
                    "start": starts_at.strftime(fmt)
                }
        sent += send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return sent
