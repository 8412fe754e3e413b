"""The service desk's domain events (``marketplace.events``), written in the transaction of each
change; read by the workspace only (``case.opened``, ``case.status_changed``,
``case.sla_breached``, ``case.closed``)."""

from __future__ import annotations

from datetime import datetime

from marketplace.events.services import event_emit, iso

from .models import Case


def case_opened(*, case: Case, actor) -> None:
    event_emit(
        "case.opened",
        company=case.workspace_id,
        actor=actor,
        now=case.opened_at,
        payload={
            "case": case.pk,
            "workspace": case.workspace_id,
            "number": case.number,
            "kind": case.kind,
            "priority": case.priority,
            "channel": case.channel,
            "queue": case.queue_id,
            "account": case.account_id,
            "contact": case.contact_id,
            "subject": case.subject,
            "unmatched": case.unmatched,
            "first_response_due": iso(case.first_response_due),
            "resolution_due": iso(case.resolution_due),
        },
    )


def status_changed(*, case: Case, old: str, actor, now: datetime) -> None:
    event_emit(
        "case.status_changed",
        company=case.workspace_id,
        actor=actor,
        now=now,
        payload={
            "case": case.pk,
            "workspace": case.workspace_id,
            "account": case.account_id,
            "old": old,
            "new": case.status,
        },
    )


def case_closed(*, case: Case, actor) -> None:
    event_emit(
        "case.closed",
        company=case.workspace_id,
        actor=actor,
        now=case.closed_at,
        payload={
            "case": case.pk,
            "workspace": case.workspace_id,
            "account": case.account_id,
            "opened_at": iso(case.opened_at),
            "closed_at": iso(case.closed_at),
        },
    )


def sla_breached(*, case: Case, target: str, due: datetime, now: datetime) -> None:
    queue = case.queue
    event_emit(
        "case.sla_breached",
        company=case.workspace_id,
        now=now,
        once_key=f"case.sla_breached:{case.pk}:{target}",
        payload={
            "case": case.pk,
            "workspace": case.workspace_id,
            "account": case.account_id,
            "target": target,
            "due": iso(due),
            "priority": case.priority,
            "escalation_to": queue.escalation_to_id,
        },
    )
