"""A rule's conditions: checked against its trigger's fields when the rule is saved, and
evaluated on an event's facts when it fires. Pure functions, no ORM, no ``eval``.

A condition is ``{"field": <a field of the trigger>, "operator": <op>, "value": <value>}``;
a rule fires when every condition holds (none: always). The operators a field allows depend on
its type:

| type      | operators                               | value                        |
|-----------|-----------------------------------------|------------------------------|
| id        | eq, ne, in                              | a positive integer (a list)  |
| text      | eq, ne, in, contains                    | text, case-insensitive       |
| choice    | eq, ne, in                              | one of the field's choices   |
| decimal   | eq, ne, gt, gte, lt, lte, in            | a decimal number ("1000.00") |
| number    | eq, ne, gt, gte, lt, lte, in            | an integer                   |
| bool      | eq, ne                                  | true or false                |

A fact the event does not have (null) holds only for ``ne``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .triggers import BOOL, CHOICE, DECIMAL, ID, NUMBER, TEXT, Field

MAX_CONDITIONS = 20
MAX_IN = 50
MAX_TEXT = 200
ORDERED = ("gt", "gte", "lt", "lte")
OPERATORS: dict[str, tuple[str, ...]] = {
    ID: ("eq", "ne", "in"),
    TEXT: ("eq", "ne", "in", "contains"),
    CHOICE: ("eq", "ne", "in"),
    DECIMAL: ("eq", "ne", *ORDERED, "in"),
    NUMBER: ("eq", "ne", *ORDERED, "in"),
    BOOL: ("eq", "ne"),
}
ALL_OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "contains")


class Refused(ValueError):
    """A value a condition may not hold (its message is for people)."""


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Refused(_("Give a whole number."))
    try:
        return int(value)
    except ValueError:
        raise Refused(_("Give a whole number.")) from None


def _scalar(f: Field, value: Any) -> Any:
    """One value of field ``f``'s type, as it is stored."""
    if f.type == ID:
        number = _int(value)
        if number < 1:
            raise Refused(_("Give a positive id."))
        return number
    if f.type == NUMBER:
        return _int(value)
    if f.type == DECIMAL:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise Refused(_("Give a number such as 1000.00."))
        try:
            decimal = Decimal(str(value).strip())
        except InvalidOperation:
            raise Refused(_("Give a number such as 1000.00.")) from None
        if not decimal.is_finite():
            raise Refused(_("Give a number such as 1000.00."))
        return str(decimal)
    if f.type == BOOL:
        if not isinstance(value, bool):
            raise Refused(_("Give true or false."))
        return value
    if not isinstance(value, str):
        raise Refused(_("Give a text."))
    text = " ".join(value.split())
    if not text or len(text) > MAX_TEXT:
        raise Refused(_("Give a text of 1 to %(n)d characters.") % {"n": MAX_TEXT})
    if f.type == CHOICE and text not in f.choices:
        raise Refused(_("Choose one of: %(choices)s.") % {"choices": ", ".join(f.choices)})
    return text


def condition_clean(condition: Any, fields: Mapping[str, Field]) -> tuple[dict, dict[str, str]]:
    """One condition as it is stored, or the problems by part (field, operator, value)."""
    if not isinstance(condition, dict) or set(condition) - {"field", "operator", "value"}:
        return {}, {"field": _("A condition is a field, an operator and a value.")}
    name, op = condition.get("field"), condition.get("operator")
    f = fields.get(name) if isinstance(name, str) else None
    if f is None:
        choices = ", ".join(sorted(fields))
        return {}, {"field": _("This trigger has no such field: %(fields)s.") % {"fields": choices}}
    if op not in OPERATORS[f.type]:
        allowed = ", ".join(OPERATORS[f.type])
        return {}, {
            "operator": _("A %(type)s field allows: %(ops)s.") % {"type": f.type, "ops": allowed}
        }
    value = condition.get("value")
    try:
        if op == "in":
            if not isinstance(value, list) or not 1 <= len(value) <= MAX_IN:
                raise Refused(_("Give a list of 1 to %(n)d values.") % {"n": MAX_IN})
            clean: Any = list(dict.fromkeys(_scalar(f, v) for v in value))
        else:
            clean = _scalar(f, value)
    except Refused as exc:
        return {}, {"value": str(exc)}
    return {"field": f.name, "operator": op, "value": clean}, {}


def conditions_clean(conditions: Any, fields: Mapping[str, Field]) -> tuple[list[dict], dict]:
    """The conditions as they are stored, and the problems keyed ``conditions.<i>.<part>``."""
    if conditions is None:
        return [], {}
    if not isinstance(conditions, list):
        return [], {"conditions": [_("Give a list of conditions.")]}
    if len(conditions) > MAX_CONDITIONS:
        return [], {"conditions": [_("At most %(n)d conditions.") % {"n": MAX_CONDITIONS}]}
    out, errors = [], {}
    for i, condition in enumerate(conditions):
        clean, problems = condition_clean(condition, fields)
        out.append(clean)
        errors.update({f"conditions.{i}.{part}": [msg] for part, msg in problems.items()})
    return out, errors


def _comparable(kind: str, value: Any) -> Any:
    """A fact or a stored value as the operators compare it (None: the fact is missing or not
    of the field's type)."""
    if value is None:
        return None
    try:
        if kind == DECIMAL:
            return Decimal(str(value))
        if kind in (ID, NUMBER):
            return None if isinstance(value, bool) else int(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if kind == BOOL:
        return value if isinstance(value, bool) else None
    return value.casefold() if isinstance(value, str) else None


def holds(kind: str, op: str, actual: Any, expected: Any) -> bool:
    """Whether ``actual`` (the event's fact) ``op`` ``expected`` (the condition's value)."""
    fact = _comparable(kind, actual)
    if op == "ne":
        return fact is None or fact != _comparable(kind, expected)
    if fact is None:
        return False
    if op == "in":
        return any(fact == _comparable(kind, v) for v in expected)
    want = _comparable(kind, expected)
    if want is None:
        return False
    if op == "eq":
        return fact == want
    if op == "contains":
        return isinstance(fact, str) and want in fact
    if op in ORDERED and kind in (DECIMAL, NUMBER):
        return {"gt": fact > want, "gte": fact >= want, "lt": fact < want, "lte": fact <= want}[op]
    return False


def conditions_hold(conditions: list[dict], facts: Mapping[str, Any], fields: Mapping) -> bool:
    """Every condition holds on ``facts`` (a condition on a field the trigger no longer has
    does not hold)."""
    for c in conditions:
        f = fields.get(c.get("field"))
        op = str(c.get("operator"))
        if f is None or not holds(f.type, op, facts.get(f.name), c.get("value")):
            return False
    return True
