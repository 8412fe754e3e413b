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
reopens it for a final phase as long as its soft-close window (5 minutes without one). The
services are the lot's lifecycle (``auctions.lifecycle``); this module only finds and claims.

``manage.py run_scheduler`` calls ``tick`` in a loop; see docs/scheduler.md.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from marketplace.core.exceptions import ApplicationError

from .lifecycle import (
    lot_close,
    lot_restart_after_outage,
    lot_start,
    lot_suspend_for_outage,
    max_lag,
)
from .lock_objects import lot_claim
from .models import Lot, LotStatus
from .tenders.scheduling import lot_applications_close

logger = logging.getLogger(__name__)

DEFAULT_BATCH = 100
HEARTBEAT_KEY = "auctions:scheduler:heartbeat"

START = "start"
RESTART = "restart"
CLOSE = "close"
APPLICATIONS_CLOSE = "applications_close"


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
        if due_at is not None:  # always: the filter leaves NULL out
            found.append(Due(pk, RESTART if remaining is not None else START, due_at))
    live = (
        Lot.objects.filter(status=LotStatus.LIVE, ends_at__lte=now)
        .exclude(pk__in=exclude)
        .order_by("ends_at", "pk")
        .values_list("pk", "ends_at")[:batch]
    )
    found.extend(Due(pk, CLOSE, due_at) for pk, due_at in live if due_at is not None)
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
    if due.action in (START, RESTART):
        still_due = Q(status=LotStatus.AUCTION_SCHEDULED, starts_at__lte=now)
    elif due.action == CLOSE:
        still_due = Q(status=LotStatus.LIVE, ends_at__lte=now)
    else:
        still_due = Q(status=LotStatus.PUBLISHED, tender__applications_deadline__lte=now)
    return lot_claim(lot_id=due.lot_id, still_due=still_due)


# --- the pass -----------------------------------------------------------------------------


def _due_at(lot: Lot, action: str) -> datetime:
    """When ``action`` fell due for a claimed lot (set: ``_lot_claim`` found it passed)."""
    if action in (START, RESTART):
        due = lot.starts_at
    elif action == CLOSE:
        due = lot.ends_at
    else:
        return lot.tender.applications_deadline
    if due is None:
        raise ValueError(f"lot {lot.pk} was claimed to {action} without that moment set")
    return due


def _act(*, lot: Lot, action: str, now: datetime | None, clock: datetime, actor):
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
    return "applications_closed", lot_applications_close(lot_id=lot.pk, now=now)


def tick(
    now: datetime | None = None, *, batch: int = DEFAULT_BATCH, exclude=(), actor=None
) -> dict[str, list[int]]:
    """One pass of the scheduler. ``now`` fixes the clock (tests); without it each service reads
    the server's clock under the lot's lock. Returns the lot ids acted on, by what was done, and
    those that failed (logged; the pass goes on with the next lot)."""
    clock = now or timezone.now()
    result: dict[str, list[int]] = {
        "started": [],
        "restarted": [],
        "advanced": [],
        "closed": [],
        "applications_closed": [],
        "suspended": [],
        "errors": [],
    }
    for due in lots_due(now=clock, batch=batch, exclude=exclude):
        try:
            with transaction.atomic():
                claimed = _lot_claim(due=due, now=clock)
                if claimed is None:
                    continue  # another scheduler has it, or it is no longer due
                due_at = _due_at(claimed, due.action)
                key, lot = _act(lot=claimed, action=due.action, now=now, clock=clock, actor=actor)
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
            "lot %s: %s (due %s, %.3f s late)",
            lot.pk,
            key,
            due_at.isoformat(),
            (clock - due_at).total_seconds(),
        )
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
