"""The rule editor's form, read from the page's rows: the name, the trigger, a row per
condition (field, operator, value as typed) and a row per action (its kind and that kind's
inputs). Parsing only turns text into the JSON the services check; every rule of what may be
stored is the services' (``automation.services``), whose refusals come back by row."""

from __future__ import annotations

from django.http import QueryDict

from automation.triggers import BOOL, DECIMAL, ID, NUMBER, Trigger

# Each kind's inputs on the page, and how each is read.
ACTION_INPUTS: dict[str, tuple[str, ...]] = {
    "create_task": ("subject", "body", "due_in_days", "assignee"),
    "send_email": ("template", "subject", "to", "address"),
    "move_stage": ("stage", "lost_reason"),
    "assign_owner": ("target", "user"),
    "notify": ("to", "title", "body"),
    "open_case": ("subject", "body", "case_kind", "priority"),
}
INTEGERS = {"due_in_days", "template", "stage", "user"}
PEOPLE = {"assignee", "to"}  # a word ("owner", "author", "contact"...) or a person's id
MAX_ROWS = 20


def _number(text: str):
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        return text


def _value(kind: str, text: str):
    text = text.strip()
    if kind in (ID, NUMBER):
        return _number(text)
    if kind == BOOL:
        return {"true": True, "yes": True, "false": False, "no": False}.get(text.lower(), text)
    if kind == DECIMAL:
        return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
    return text


def conditions_read(post: QueryDict, trigger: Trigger | None) -> list[dict]:
    fields = trigger.field_map() if trigger else {}
    out = []
    names, ops, values = (post.getlist(k) for k in ("c-field", "c-operator", "c-value"))
    for name, op, text in list(zip(names, ops, values, strict=False))[:MAX_ROWS]:
        if not name:
            continue
        f = fields.get(name)
        kind = f.type if f else "text"
        value = (
            [_value(kind, v) for v in text.split(",") if v.strip()]
            if op == "in"
            else _value(kind, text)
        )
        out.append({"field": name, "operator": op, "value": value})
    return out


def actions_read(post: QueryDict) -> list[dict]:
    out = []
    for i in range(MAX_ROWS):
        kind = post.get(f"a{i}-kind", "")
        if kind not in ACTION_INPUTS:
            continue
        spec: dict = {"kind": kind}
        for name in ACTION_INPUTS[kind]:
            text = post.get(f"a{i}-{kind}-{name}", "").strip()
            if not text:
                continue
            spec[name] = _number(text) if name in INTEGERS | PEOPLE else text
        out.append(spec)
    return out


def condition_rows(conditions: list[dict]) -> list[dict]:
    """The rows the editor shows: the rule's conditions, and one empty row."""
    rows = []
    for c in conditions:
        value = c.get("value")
        text = ", ".join(str(v) for v in value) if isinstance(value, list) else value
        if isinstance(text, bool):
            text = "true" if text else "false"
        rows.append({"field": c.get("field", ""), "operator": c.get("operator", ""), "value": text})
    return [*rows, {"field": "", "operator": "eq", "value": ""}]


def action_rows(actions: list[dict]) -> list[dict]:
    return [*actions, {"kind": ""}]
