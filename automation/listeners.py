"""The automation's listeners: one for every trigger type (``triggers.TRIGGERS``) runs the
rules, and one retries a failed action (``automation.action_failed``) until it succeeds, the
outbox's backoff between attempts (``engine``'s docstring says why the outbox's)."""

from __future__ import annotations

from marketplace.events.registry import listener

from . import engine
from .models import ActionRun, ActionStatus
from .triggers import TRIGGERS


@listener(*TRIGGERS, name="automation.rules_fire")
def rules_fire(event) -> None:
    engine.rules_fire(event=event)


class ActionStillFailing(RuntimeError):
    """Raised so the outbox retries the delivery later (its writes are undone)."""


@listener("automation.action_failed", name="automation.action_retry")
def action_retry(event) -> None:
    action = (
        ActionRun.objects.select_related("run__rule__updated_by", "run__event")
        .filter(pk=event.payload.get("action"))
        .first()
    )
    if action is None or action.status != ActionStatus.FAILED:
        return  # deleted with its rule, or done meanwhile (a person's retry)
    engine.action_retry(action=action)
    if action.status == ActionStatus.FAILED:
        raise ActionStillFailing(action.error)
