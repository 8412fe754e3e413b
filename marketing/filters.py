"""A segment's filter: JSON of a fixed schema, checked here before it is stored.

Every key is optional; an empty filter is every account of the workspace. Conditions of
different keys must all hold (AND); the values of one list key are alternatives (OR).

| key                   | value                                   | an account matches when ...                                  |
|-----------------------|-----------------------------------------|--------------------------------------------------------------|
| ``stages``            | lifecycle stages (``prospect``, ...)    | its lifecycle stage is one of them                           |
| ``segments``          | ``customer``, ``supplier``, ``both``    | its segment field is one of them                             |
| ``tags``              | tag ids of the workspace                | it carries any of the tags                                   |
| ``categories``        | category ids                            | its marketplace company supplies one of them or one under it |
| ``countries``         | ISO 3166-1 alpha-2 codes                | its country is one of them                                   |
| ``regions``           | ISO 3166 codes (``UA``, ``UA-30``)      | its marketplace supplier serves one of those regions         |
| ``rating_bands``      | ``blocked``, ``warning``, ``average``, ``excellent`` | its supplier's standing band (with this workspace as buyer, else platform-wide) is one of them |
| ``active_within_days``| 1..3650                                 | an activity was logged on it in the last N days              |
| ``inactive_for_days`` | 1..3650                                 | no activity was logged on it in the last N days              |
| ``languages``         | language codes (``uk``, ``en``)         | (contacts only) the contact's language is one of them        |

Unknown keys, wrong types and values a workspace does not have are refused (400)."""

from __future__ import annotations

from typing import Any

import pycountry
from django.utils.translation import gettext as _

from crm.models import Lifecycle, Tag
from crm.models import Segment as AccountSegment
from marketplace.categories.models import Category
from marketplace.core.exceptions import ApplicationError
from marketplace.standings.models import Band
from suppliers.regions import is_valid_region_code, normalize_region_code

LIST_KEYS = (
    "stages",
    "segments",
    "tags",
    "categories",
    "countries",
    "regions",
    "rating_bands",
    "languages",
)
DAY_KEYS = ("active_within_days", "inactive_for_days")
KEYS = (*LIST_KEYS, *DAY_KEYS)
DAYS_MAX = 3650
LIST_MAX = 200


def _refuse(fields: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        _("The segment's filter is not valid."), code="invalid_filters", fields=fields
    )


def _choice_list(value: list, allowed: set[str]) -> tuple[list[str], str | None]:
    if not all(isinstance(v, str) for v in value):
        return [], _("Give a list of texts.")
    bad = sorted({v for v in value if v not in allowed})
    if bad:
        return [], _("Unknown values: %(values)s.") % {"values": ", ".join(bad)}
    return sorted(set(value)), None


def _id_list(value: list) -> tuple[list[int], str | None]:
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [], _("Give a list of ids.")
    return sorted(set(value)), None


def filters_clean(*, workspace_id: int, data: Any) -> dict[str, Any]:
    """``data`` checked against the schema and the workspace's own rows, in a canonical form
    (sorted lists, empty keys dropped); raises ``ApplicationError`` (400, ``invalid_filters``)
    naming each offending key."""
    if data in (None, ""):
        return {}
    if not isinstance(data, dict):
        raise _refuse({"filters": [_("The filter must be a JSON object.")]})
    errors: dict[str, list[str]] = {}
    for key in sorted(set(data) - set(KEYS)):
        errors[str(key)] = [_("Unknown filter.")]
    out: dict[str, Any] = {}
    for key in LIST_KEYS:
        value = data.get(key)
        if value in (None, []):
            continue
        if not isinstance(value, list) or len(value) > LIST_MAX:
            errors[key] = [_("Give a list of at most %(n)d values.") % {"n": LIST_MAX}]
            continue
        cleaned, problem = _list_clean(key, value, workspace_id=workspace_id)
        if problem:
            errors[key] = [problem]
        elif cleaned:
            out[key] = cleaned
    for key in DAY_KEYS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= DAYS_MAX:
            errors[key] = [_("Give a whole number of days from 1 to %(n)d.") % {"n": DAYS_MAX}]
            continue
        out[key] = value
    if errors:
        raise _refuse(errors)
    return out


def _list_clean(key: str, value: list, *, workspace_id: int) -> tuple[list, str | None]:
    if key == "stages":
        return _choice_list(value, set(Lifecycle.values))
    if key == "segments":
        return _choice_list(value, set(AccountSegment.values))
    if key == "rating_bands":
        return _choice_list(value, set(Band.values))
    if key == "countries":
        if not all(isinstance(v, str) for v in value):
            return [], _("Give a list of texts.")
        codes = sorted({v.strip().upper() for v in value})
        bad = [c for c in codes if len(c) != 2 or pycountry.countries.get(alpha_2=c) is None]
        if bad:
            return [], _("Not ISO 3166 country codes: %(values)s.") % {"values": ", ".join(bad)}
        return codes, None
    if key == "regions":
        if not all(isinstance(v, str) for v in value):
            return [], _("Give a list of texts.")
        codes = sorted({normalize_region_code(v) for v in value})
        bad = [c for c in codes if not is_valid_region_code(c)]
        if bad:
            return [], _("Not ISO 3166 region codes: %(values)s.") % {"values": ", ".join(bad)}
        return codes, None
    if key == "languages":
        if not all(isinstance(v, str) and 0 < len(v) <= 8 for v in value):
            return [], _("Give a list of language codes.")
        return sorted({v.strip().lower() for v in value}), None
    ids, problem = _id_list(value)
    if problem:
        return [], problem
    if key == "tags":
        known = set(
            Tag.objects.filter(workspace_id=workspace_id, pk__in=ids).values_list("pk", flat=True)
        )
    else:
        known = set(Category.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [str(i) for i in ids if i not in known]
    if missing:
        return [], _("No such ids here: %(values)s.") % {"values": ", ".join(missing)}
    return ids, None
