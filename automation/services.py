"""Writes of the automation rules (a company admin's): a rule made, changed, switched on or off,
deleted; a failed action retried by hand. Each checks who may (``access``), then the rule
whole: its trigger from the allow-list, its conditions against the trigger's fields
(``conditions``), its actions against their kinds' schemas (``actions``). A refusal is a 400
naming every problem by field (``conditions.0.value``, ``actions.1.stage``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from . import engine
from .access import automation_require
from .actions import actions_clean
from .conditions import conditions_clean
from .models import ActionRun, ActionStatus, Rule
from .triggers import TRIGGERS, trigger_get

NAME_MAX = 200
_UNSET: Any = object()


def _rule_locked(*, workspace_id: int, rule_id: int) -> Rule:
    rule = Rule.objects.select_for_update().filter(workspace_id=workspace_id, pk=rule_id).first()
    if rule is None:
        raise NotFoundError(_("No such automation rule."), code="rule_not_found")
    return rule


def _clean(*, workspace_id: int, name, trigger, conditions, actions, enabled) -> dict:
    errors: dict[str, list[str]] = {}
    name = " ".join(str(name or "").split()) if isinstance(name, str) else ""
    if not name or len(name) > NAME_MAX:
        errors["name"] = [_("Give the rule a name of 1 to %(n)d characters.") % {"n": NAME_MAX}]
    if not isinstance(enabled, bool):
        errors["enabled"] = [_("Give true or false.")]
    found = trigger_get(trigger) if isinstance(trigger, str) else None
    if found is None:
        errors["trigger"] = [
            _("Choose a trigger from the list: %(types)s.") % {"types": ", ".join(TRIGGERS)}
        ]
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid_rule", fields=errors)
    clean_conditions, problems = conditions_clean(conditions, found.field_map())
    errors.update(problems)
    clean_actions, problems = actions_clean(
        workspace_id=workspace_id, trigger=found, actions=actions
    )
    errors.update(problems)
    if errors:
        raise ApplicationError(next(iter(errors.values()))[0], code="invalid_rule", fields=errors)
    return {
        "name": name,
        "trigger": trigger,
        "conditions": clean_conditions,
        "actions": clean_actions,
        "enabled": enabled,
    }


def rule_create(
    *,
    user,
    workspace_id: int,
    name: str,
    trigger: str,
    conditions: list | None = None,
    actions: list,
    enabled: bool = True,
) -> Rule:
    automation_require(user=user, workspace_id=workspace_id, edit=True)
    values = _clean(
        workspace_id=workspace_id,
        name=name,
        trigger=trigger,
        conditions=conditions or [],
        actions=actions,
        enabled=enabled,
    )
    return Rule.objects.create(
        workspace_id=workspace_id, created_by=user, updated_by=user, **values
    )


def rule_update(
    *,
    user,
    workspace_id: int,
    rule_id: int,
    name: Any = _UNSET,
    trigger: Any = _UNSET,
    conditions: Any = _UNSET,
    actions: Any = _UNSET,
    enabled: Any = _UNSET,
) -> Rule:
    """Change a rule (the fields given); the whole rule is checked again, and its actions act
    as ``user`` from now on."""
    automation_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        rule = _rule_locked(workspace_id=workspace_id, rule_id=rule_id)
        given = {
            "name": name,
            "trigger": trigger,
            "conditions": conditions,
            "actions": actions,
            "enabled": enabled,
        }
        merged = {k: getattr(rule, k) if v is _UNSET else v for k, v in given.items()}
        for field, value in _clean(workspace_id=workspace_id, **merged).items():
            setattr(rule, field, value)
        rule.updated_by = user
        rule.save()
    return rule


def rule_delete(*, user, workspace_id: int, rule_id: int) -> None:
    """Delete a rule with its runs' log."""
    automation_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        _rule_locked(workspace_id=workspace_id, rule_id=rule_id).delete()


def action_run_retry(*, user, workspace_id: int, action_id: int) -> ActionRun:
    """Run a failed action again now (a company admin's button). Its outcome is kept either
    way: done, or failed with the new error (the automatic retries go on meanwhile)."""
    automation_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        action = (
            ActionRun.objects.select_for_update(of=("self",))
            .select_related("run__rule__updated_by", "run__event")
            .filter(run__workspace_id=workspace_id, pk=action_id)
            .first()
        )
        if action is None:
            raise NotFoundError(_("No such action of a run."), code="action_not_found")
        if action.status != ActionStatus.FAILED:
            raise ConflictError(_("Only a failed action is retried."), code="action_not_failed")
        engine.action_retry(action=action, now=timezone.now())
    return action
