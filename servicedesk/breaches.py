"""Flagging SLA breaches: the periodic sweep (``tasks.flag_breaches``) finds the active cases
whose first-response or resolution due time has passed and, for each, under the case's row
lock (re-checked there, so two sweeps flag a breach once), stamps the breach, raises the
priority one step (urgent stays urgent) and emits ``case.sla_breached`` (its listener tells the
queue's escalation person)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import outbox
from .models import PRIORITY_ORDER, Case, CaseStatus, Priority

ACTIVE = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.WAITING)


def priority_raised(priority: str) -> str:
    """One step up (urgent stays urgent)."""
    index = PRIORITY_ORDER.index(Priority(priority))
    return PRIORITY_ORDER[min(index + 1, len(PRIORITY_ORDER) - 1)]


def _due_first_response(now: datetime) -> Q:
    return Q(
        first_responded_at__isnull=True,
        first_response_breached_at__isnull=True,
        first_response_due__lte=now,
    )


def _due_resolution(now: datetime) -> Q:
    return Q(resolution_breached_at__isnull=True, resolution_due__lte=now)


def breaches_flag(*, now: datetime | None = None, limit: int = 500) -> int:
    """Flag and escalate the breaches due at ``now``; returns how many were flagged."""
    now = now or timezone.now()
    candidates = list(
        Case.objects.filter(status__in=ACTIVE)
        .filter(_due_first_response(now) | _due_resolution(now))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    flagged = 0
    for case_id in candidates:
        flagged += _flag_one(case_id, now)
    return flagged


def _flag_one(case_id: int, now: datetime) -> int:
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("queue")
            .filter(pk=case_id, status__in=ACTIVE)
            .first()
        )
        if case is None:
            return 0
        targets = []
        if (
            case.first_responded_at is None
            and case.first_response_breached_at is None
            and case.first_response_due is not None
            and case.first_response_due <= now
        ):
            case.first_response_breached_at = now
            targets.append(("first_response", case.first_response_due))
        if (
            case.resolution_breached_at is None
            and case.resolution_due is not None
            and case.resolution_due <= now
        ):
            case.resolution_breached_at = now
            targets.append(("resolution", case.resolution_due))
        if not targets:
            return 0
        case.priority = priority_raised(case.priority)
        case.save()
        for target, due in targets:
            outbox.sla_breached(case=case, target=target, due=due, now=now)
        return len(targets)
