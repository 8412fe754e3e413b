"""Running the rules on an event (called by ``automation.listeners``, in the transaction of the
event's delivery), each action in a savepoint of its own, and retrying a failed action.

Loops. The events an action makes while it runs are recorded as that run's (``EventOrigin``,
with the chain's depth: the run's plus one). A rule never fires on an event its own run made
(logged as skipped), and a chain of automatic runs stops at ``LOOP_LIMIT``: a rule whose
conditions hold on an event of that depth is logged "stopped: loop limit", its actions skipped.
Which events an action made: those written after it started, in this database transaction
(on PostgreSQL the events' ``txid`` is the transaction's; SQLite has one writer at a time).

Retries. A failed action is kept with its error, and ``automation.action_failed`` is emitted
for it: the outbox hands that event to ``listeners.action_retry``, which runs the action again
and raises while it still fails, so the outbox retries it with its own backoff (10 s doubling,
at most an hour, ``EVENTS_MAX_ATTEMPTS`` attempts; the sweeper picks up a lost message) and
then marks its delivery failed. Until it succeeds the action shows as failed on the rule's
page, with its error and a retry button (``services.action_run_retry``)."""

from __future__ import annotations

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import MembershipRole
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError
from marketplace.events.models import Event
from marketplace.events.services import event_emit

from .conditions import conditions_hold
from .executors import EXECUTORS, Context, Skip
from .models import ActionRun, ActionStatus, EventOrigin, Rule, Run, RunStatus
from .subjects import Subject, facts_of, subject_resolve
from .triggers import parties_of, trigger_get

LOOP_LIMIT = 3
LOOP_NOTE = "stopped: loop limit"
OWN_NOTE = "skipped: its own action's event"
ERROR_MAX = 2000


def _last_event_id() -> int:
    return Event.objects.aggregate(last=Max("id"))["last"] or 0


def _txid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return cursor.fetchone()[0]


def _events_mark(*, run: Run, after: int) -> None:
    """Record the events written since ``after`` in this transaction as ``run``'s."""
    made = Event.objects.filter(pk__gt=after)
    txid = _txid()
    if txid is not None:
        made = made.filter(txid=txid)
    EventOrigin.objects.bulk_create(
        [
            EventOrigin(event_id=pk, run=run, depth=run.depth + 1)
            for pk in made.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def error_text(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        details = [m for msgs in (exc.fields or {}).values() for m in msgs if m != exc.message]
        text = " ".join([exc.message, *details])
    else:
        text = f"{type(exc).__name__}: {exc}"
    return text[:ERROR_MAX]


def _actor(rule: Rule):
    """The person the rule's actions act as: its last editor, while a company admin."""
    actor = rule.updated_by
    if (
        actor is None
        or not actor.is_active
        or not user_has_company_role(
            user=actor, company=rule.workspace_id, roles=[MembershipRole.COMPANY_ADMIN]
        )
    ):
        raise ApplicationError(
            _("The rule's author is no longer a company admin: an admin must save it again."),
            code="rule_author_gone",
        )
    return actor


def attempt(
    *, action: ActionRun, subject: Subject, rule: Rule, event: Event, now: datetime
) -> None:
    """Run ``action`` once, in a savepoint (undone if it fails), and record its outcome on
    it (not saved: the caller saves)."""
    run = action.run
    before = _last_event_id()
    try:
        with transaction.atomic():
            ctx = Context(
                rule_id=rule.pk,
                rule_name=rule.name,
                workspace_id=run.workspace_id,
                event_id=event.pk,
                key=f"automation:{run.pk}:{action.index}",
                subject=subject,
                actor=_actor(rule),
                now=now,
            )
            action.result = EXECUTORS[action.kind](ctx, action.spec) or {}
            _events_mark(run=run, after=before)
        action.status, action.error = ActionStatus.OK, ""
    except Skip as exc:
        action.status, action.error = ActionStatus.SKIPPED, str(exc)[:ERROR_MAX]
    except Exception as exc:  # any failure is kept, shown and retried, never lost
        action.status, action.error = ActionStatus.FAILED, error_text(exc)
    action.updated_at = now


def _failed_emit(action: ActionRun, rule: Rule) -> None:
    action.retry_event = event_emit(
        "automation.action_failed",
        company=rule.workspace_id,
        payload={
            "rule": rule.pk,
            "run": action.run_id,
            "action": action.pk,
            "kind": action.kind,
            "error": action.error[:500],
        },
    )
    action.save(update_fields=["retry_event"])


def run_status_refresh(run: Run) -> None:
    if run.status in (RunStatus.OK, RunStatus.FAILED):
        failed = run.actions.filter(status=ActionStatus.FAILED).exists()
        run.status = RunStatus.FAILED if failed else RunStatus.OK
        run.save(update_fields=["status"])


def _run_new(rule: Rule, event: Event, depth: int, status: str, note: str, now) -> Run:
    return Run.objects.create(
        rule=rule,
        workspace_id=rule.workspace_id,
        event=event,
        depth=depth,
        status=status,
        note=note,
        created_at=now,
    )


def rules_fire(*, event: Event, now: datetime | None = None) -> list[Run]:
    """Run every enabled rule of the workspaces ``event`` concerns whose conditions hold; one
    logged run per rule (a redelivered event runs nothing twice)."""
    now = now or timezone.now()
    trigger = trigger_get(event.type)
    if trigger is None:
        return []
    parties = parties_of(trigger=trigger, company_id=event.company_id, payload=event.payload or {})
    if not parties:
        return []
    origin = EventOrigin.objects.filter(event=event).select_related("run").first()
    depth = origin.depth if origin else 0
    rules = (
        Rule.objects.filter(trigger=event.type, enabled=True, workspace_id__in=list(parties))
        .exclude(runs__event=event)
        .select_related("updated_by")
        .order_by("pk")
    )
    fields = trigger.field_map()
    runs = []
    for rule in rules:
        subject = subject_resolve(
            trigger=trigger,
            event=event,
            workspace_id=rule.workspace_id,
            party=parties[rule.workspace_id],
        )
        if not conditions_hold(
            rule.conditions, facts_of(payload=event.payload or {}, subject=subject), fields
        ):
            continue
        if origin is not None and origin.run.rule_id == rule.pk:
            runs.append(_run_new(rule, event, depth, RunStatus.SKIPPED, OWN_NOTE, now))
            continue
        stopped = depth >= LOOP_LIMIT
        run = _run_new(
            rule,
            event,
            depth,
            RunStatus.STOPPED if stopped else RunStatus.OK,
            LOOP_NOTE if stopped else "",
            now,
        )
        for index, spec in enumerate(rule.actions):
            action = ActionRun(
                run=run,
                index=index,
                kind=spec.get("kind", ""),
                spec=spec,
                status=ActionStatus.SKIPPED,
                error=LOOP_NOTE if stopped else "",
                updated_at=now,
            )
            if not stopped:
                action.save()
                attempt(action=action, subject=subject, rule=rule, event=event, now=now)
            action.save()
            if action.status == ActionStatus.FAILED:
                _failed_emit(action, rule)
        run_status_refresh(run)
        runs.append(run)
    return runs


def action_retry(*, action: ActionRun, now: datetime | None = None) -> ActionRun:
    """Run a failed action again as its run meant it (its copy of the action, the event's
    rows as they are now). Saves its outcome."""
    now = now or timezone.now()
    run = action.run
    rule, event = run.rule, run.event
    trigger = trigger_get(event.type)
    if trigger is None:
        action.status, action.error = ActionStatus.SKIPPED, _("The trigger is no longer offered.")
    else:
        parties = parties_of(
            trigger=trigger, company_id=event.company_id, payload=event.payload or {}
        )
        subject = subject_resolve(
            trigger=trigger,
            event=event,
            workspace_id=run.workspace_id,
            party=parties.get(run.workspace_id, "workspace"),
        )
        attempt(action=action, subject=subject, rule=rule, event=event, now=now)
    action.attempts += 1
    action.save()
    run_status_refresh(run)
    return action
