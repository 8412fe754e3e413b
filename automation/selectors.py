"""Reads of the automation rules and their runs, each behind ``access.automation_require``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError
from marketplace.events.models import EventDelivery

from .access import automation_require
from .models import ActionRun, Rule, Run


def rule_list(*, user, workspace_id: int) -> QuerySet[Rule]:
    automation_require(user=user, workspace_id=workspace_id)
    return Rule.objects.filter(workspace_id=workspace_id).order_by("name", "pk")


def rule_get(*, user, workspace_id: int, rule_id: int) -> Rule:
    rule = rule_list(user=user, workspace_id=workspace_id).filter(pk=rule_id).first()
    if rule is None:
        raise NotFoundError(_("No such automation rule."), code="rule_not_found")
    return rule


def run_list(
    *, user, workspace_id: int, rule_id: int | None = None, status: str | None = None
) -> QuerySet[Run]:
    """The workspace's runs, newest first (of one rule; of one outcome), with their actions."""
    automation_require(user=user, workspace_id=workspace_id)
    runs = Run.objects.filter(workspace_id=workspace_id)
    if rule_id is not None:
        runs = runs.filter(rule_id=rule_id)
    if status:
        runs = runs.filter(status=status)
    return (
        runs.select_related("rule", "event")
        .prefetch_related(Prefetch("actions", ActionRun.objects.order_by("index")))
        .order_by("-created_at", "-pk")
    )


def retry_state(action: ActionRun) -> dict | None:
    """The automatic retry of a failed action: its delivery's status, attempts, next time and
    last error (None: none was scheduled)."""
    if action.retry_event_id is None:
        return None
    delivery = EventDelivery.objects.filter(
        event_id=action.retry_event_id, listener="automation.action_retry"
    ).first()
    if delivery is None:
        return None
    return {
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_error": delivery.last_error.strip().splitlines()[-1] if delivery.last_error else "",
    }
