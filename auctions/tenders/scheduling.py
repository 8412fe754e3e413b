"""Closing a lot's applications once the deadline has passed, and scheduling its auction (or
failing the lot when too few suppliers were admitted)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ConflictError

from ..events import event_append
from ..lock_objects import lot_lock
from ..models import ApplicationStatus, Lot, LotStatus
from ..states import lot_transition
from . import selectors
from ._common import current_time, require_manager, save_lot


def lot_applications_close(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """published -> applications_closed, at or after the tender's applications deadline.

    Raises ``invalid_transition`` (409) when the lot is not published (so a second run changes
    nothing) and ``applications_still_open`` (409) before the deadline."""
    now = current_time(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        if actor is not None:
            require_manager(actor=actor, tender=lot.tender)
        if lot.status == LotStatus.PUBLISHED and now < lot.tender.applications_deadline:
            raise ConflictError(
                _("Applications are open until the deadline."), code="applications_still_open"
            )
        # At ``now``: the course of the auction is told in the chain's order, which must be the
        # order of the times it shows (a lot closed for a past deadline, as the demo's history).
        lot_transition(lot=lot, to=LotStatus.APPLICATIONS_CLOSED, actor=actor, at=now)
        save_lot(lot, "status")
    return lot


class ScheduleOutcome:
    SCHEDULED = "scheduled"
    FAILED = "failed"
    AWAITING_DIRECT_AWARD = "awaiting_direct_award"


def lot_schedule(*, lot_id: int, actor=None, now: datetime | None = None) -> tuple[Lot, str]:
    """applications_closed -> auction_scheduled at the tender's auction start plus the stagger
    of the lots before it; or failed when too few suppliers were admitted. Exactly one admitted
    with ``allow_single_award`` leaves the lot applications_closed awaiting a direct award.

    Returns the lot and the outcome (``ScheduleOutcome``); its entry in the chain is at ``now``."""
    now = current_time(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        tender = lot.tender
        if actor is not None:
            require_manager(actor=actor, tender=tender)
        if lot.status != LotStatus.APPLICATIONS_CLOSED:
            raise ConflictError(
                _("Only a lot whose applications are closed can be scheduled."),
                code="lot_not_closed_for_applications",
            )
        if lot.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
            raise ConflictError(
                _("Admit or reject every application first."), code="applications_undecided"
            )
        admitted = selectors.lot_admitted_count(lot=lot)
        if admitted < lot.min_participants:
            if admitted == 1 and lot.allow_single_award:
                event_append(
                    lot=lot,
                    kind="awaiting_direct_award",
                    actor=actor,
                    payload={"admitted": admitted, "min_participants": lot.min_participants},
                    at=now,
                )
                save_lot(lot)
                return lot, ScheduleOutcome.AWAITING_DIRECT_AWARD
            lot.failure_reason = _(
                "Only %(admitted)s supplier(s) admitted; the lot needs at least %(min)s."
            ) % {"admitted": admitted, "min": lot.min_participants}
            lot_transition(
                lot=lot,
                to=LotStatus.FAILED,
                actor=actor,
                reason=lot.failure_reason,
                payload={"admitted": admitted, "min_participants": lot.min_participants},
                at=now,
            )
            save_lot(lot, "status", "failure_reason")
            return lot, ScheduleOutcome.FAILED
        offset = (
            Lot.objects.filter(tender_id=tender.pk, number__lt=lot.number).aggregate(
                s=Sum("stagger_seconds")
            )["s"]
            or 0
        )
        lot.starts_at = tender.auction_start + timedelta(seconds=offset)
        lot_transition(
            lot=lot,
            to=LotStatus.AUCTION_SCHEDULED,
            actor=actor,
            payload={"starts_at": lot.starts_at, "admitted": admitted},
            at=now,
        )
        save_lot(lot, "status", "starts_at")
    return lot, ScheduleOutcome.SCHEDULED
