"""A rule's actions: each kind's schema, checked when the rule is saved (against the trigger,
and the workspace's own rows: a template, a stage, a person of the company). What each kind does
is in ``automation.executors``.

| kind         | fields                                                                    |
|--------------|---------------------------------------------------------------------------|
| create_task  | subject, body?, due_in_days (0-365, default 1), assignee ("owner",        |
|              | "author" or a person's id)                                                |
| send_email   | template (a document template's id), subject, to ("contact", "owner" or   |
|              | "address"), address (with to=address)                                     |
| move_stage   | stage (a stage's id), lost_reason (for a lost stage)                      |
| assign_owner | target ("lead", "opportunity" or "account"), user (a person's id)         |
| notify       | to ("owner" or a person's id), title, body?                               |
| open_case    | subject, body?, case_kind, priority                                       |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.account_checks import email_clean
from crm.models import DocumentTemplate, LostReason, Stage, StageKind
from marketplace.companies.models import Membership

from .triggers import PARTY_BUYER, PARTY_SUPPLIER, Trigger

MAX_ACTIONS = 10
CASE_KINDS = ("request", "complaint", "dispute", "question")
PRIORITIES = ("low", "normal", "high", "urgent")
TARGETS = ("lead", "opportunity", "account")

KINDS: dict[str, Any] = {
    "create_task": gettext_lazy("Create a CRM task"),
    "send_email": gettext_lazy("Send a templated e-mail"),
    "move_stage": gettext_lazy("Move the opportunity to a stage"),
    "assign_owner": gettext_lazy("Assign an owner"),
    "notify": gettext_lazy("Notify a person"),
    "open_case": gettext_lazy("Open a service desk case"),
}


class Problem(ValueError):
    def __init__(self, part: str, message: str):
        super().__init__(message)
        self.part, self.message = part, message


def subjects_of(trigger: Trigger) -> set[str]:
    """The CRM rows an event of ``trigger`` may name, for a workspace: its own ``rows``; for a
    marketplace event, the account of the other party and the opportunity of its lot or
    tender."""
    found = set(trigger.rows)
    if any(party in (PARTY_BUYER, PARTY_SUPPLIER) for party, _where in trigger.parties):
        found.add("account")
        names = {f.name for f in trigger.fields}
        if names & {"lot", "tender"}:
            found.add("opportunity")
    return found


def _text(spec: dict, name: str, limit: int, *, required: bool = True) -> str:
    value = spec.get(name, "")
    if not isinstance(value, str):
        raise Problem(name, _("Give a text."))
    value = value.strip()
    if required and not value:
        raise Problem(name, _("This is required."))
    if len(value) > limit:
        raise Problem(name, _("At most %(n)d characters.") % {"n": limit})
    return value


def _choice(spec: dict, name: str, choices, default: str | None = None) -> str:
    value = spec.get(name, default)
    if not isinstance(value, str) or value not in choices:
        raise Problem(name, _("Choose one of: %(c)s.") % {"c": ", ".join(choices)})
    return value


def _id(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        raise Problem(name, _("Give an id."))
    return value


def _member(workspace_id: int, value: Any, name: str) -> int:
    user_id = _id(value, name)
    if not Membership.objects.filter(
        company_id=workspace_id, user_id=user_id, user__is_active=True
    ).exists():
        raise Problem(name, _("Not a person of this company."))
    return user_id


def _person(workspace_id: int, spec: dict, name: str, words: tuple[str, ...]) -> str | int:
    value = spec.get(name, words[0])
    if isinstance(value, str) and value in words:
        return value
    if isinstance(value, str):
        raise Problem(name, _("Choose one of %(w)s, or a person's id.") % {"w": ", ".join(words)})
    return _member(workspace_id, value, name)


def _create_task(ws: int, spec: dict, subjects: set[str]) -> dict:
    if "account" not in subjects:
        raise Problem("kind", _("A task is kept on an account: this trigger names none."))
    due = spec.get("due_in_days", 1)
    if isinstance(due, bool) or not isinstance(due, int) or not 0 <= due <= 365:
        raise Problem("due_in_days", _("From 0 to 365 days."))
    return {
        "subject": _text(spec, "subject", 300),
        "body": _text(spec, "body", 2000, required=False),
        "due_in_days": due,
        "assignee": _person(ws, spec, "assignee", ("owner", "author")),
    }


def _send_email(ws: int, spec: dict, subjects: set[str]) -> dict:
    if "account" not in subjects:
        raise Problem(
            "kind", _("A templated e-mail is filled from an account: this trigger names none.")
        )
    template_id = _id(spec.get("template"), "template")
    template = DocumentTemplate.objects.filter(
        workspace_id=ws, pk=template_id, is_active=True
    ).first()
    if template is None or not template.versions.exists():
        raise Problem("template", _("No such document template (active, with a version)."))
    out = {
        "template": template_id,
        "subject": _text(spec, "subject", 200),
        "to": _choice(spec, "to", ("contact", "owner", "address")),
    }
    if out["to"] == "address":
        try:
            out["address"] = email_clean(_text(spec, "address", 254))
        except ValueError as exc:
            raise Problem("address", str(exc)) from None
    return out


def _move_stage(ws: int, spec: dict, subjects: set[str]) -> dict:
    if "opportunity" not in subjects:
        raise Problem("kind", _("This trigger names no opportunity to move."))
    stage_id = _id(spec.get("stage"), "stage")
    stage = Stage.objects.filter(pk=stage_id, pipeline__workspace_id=ws).first()
    if stage is None:
        raise Problem("stage", _("No such stage in this CRM."))
    out: dict[str, Any] = {"stage": stage_id}
    if stage.kind == StageKind.LOST:
        out["lost_reason"] = _choice(spec, "lost_reason", LostReason.values)
    return out


def _assign_owner(ws: int, spec: dict, subjects: set[str]) -> dict:
    target = _choice(spec, "target", [t for t in TARGETS if t in subjects])
    return {"target": target, "user": _member(ws, spec.get("user"), "user")}


def _notify(ws: int, spec: dict, subjects: set[str]) -> dict:
    return {
        "to": _person(ws, spec, "to", ("owner",)),
        "title": _text(spec, "title", 200),
        "body": _text(spec, "body", 2000, required=False),
    }


def _open_case(ws: int, spec: dict, subjects: set[str]) -> dict:
    return {
        "subject": _text(spec, "subject", 300),
        "body": _text(spec, "body", 5000, required=False),
        "case_kind": _choice(spec, "case_kind", CASE_KINDS, "request"),
        "priority": _choice(spec, "priority", PRIORITIES, "normal"),
    }


CLEANERS: dict[str, Callable[[int, dict, set[str]], dict]] = {
    "create_task": _create_task,
    "send_email": _send_email,
    "move_stage": _move_stage,
    "assign_owner": _assign_owner,
    "notify": _notify,
    "open_case": _open_case,
}


def actions_clean(*, workspace_id: int, trigger: Trigger, actions: Any) -> tuple[list[dict], dict]:
    """The actions as they are stored (``kind`` first), and the problems keyed
    ``actions.<i>.<part>``."""
    if not isinstance(actions, list) or not 1 <= len(actions) <= MAX_ACTIONS:
        return [], {"actions": [_("Give 1 to %(n)d actions.") % {"n": MAX_ACTIONS}]}
    subjects = subjects_of(trigger)
    out, errors = [], {}
    for i, spec in enumerate(actions):
        kind = spec.get("kind") if isinstance(spec, dict) else None
        if kind not in CLEANERS:
            errors[f"actions.{i}.kind"] = [
                _("Unknown kind of action: %(kinds)s.") % {"kinds": ", ".join(CLEANERS)}
            ]
            continue
        try:
            out.append({"kind": kind, **CLEANERS[kind](workspace_id, spec, subjects)})
        except Problem as exc:
            errors[f"actions.{i}.{exc.part}"] = [exc.message]
    return out, errors
