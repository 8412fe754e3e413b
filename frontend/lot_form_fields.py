"""The lot form's own fields: durations typed in minutes (``MinutesField``) and tables of rows
(step bands, weighted criteria with their options) posted as ``<prefix>-<i>-<column>`` cells
and read into the lists the services take (``bands_of``, ``criteria_of``). They shape what was
typed; the rules are the services'."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from auctions.models import LotCriterion
from marketplace.core.spreadsheets import parse_decimal

EXTRA_BANDS = 2  # empty rows offered (the script adds more)
EXTRA_OPTIONS = 1
NEW_CRITERION_OPTIONS = 3
MAX_ROWS = 50  # read at most this many rows of a table (the services allow far fewer)


# --- Minutes ---------------------------------------------------------------------------------


def duration_text(seconds: int) -> str:
    """``seconds`` as people say it: "30 min", "2 min 30 s", "1 h 30 min", "45 s"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(_gettext("%(n)s h") % {"n": hours})
    if minutes:
        parts.append(_gettext("%(n)s min") % {"n": minutes})
    if secs or not parts:
        parts.append(_gettext("%(n)s s") % {"n": secs})
    return " ".join(parts)


def minutes_text(seconds: int) -> str:
    """How the field shows ``seconds``: whole minutes ("30"), else minutes:seconds ("2:30")."""
    minutes, secs = divmod(int(seconds), 60)
    return str(minutes) if not secs else f"{minutes}:{secs:02d}"


_MINUTES_SECONDS = re.compile(r"^(\d{1,6}):([0-5]\d)$")


class MinutesField(forms.Field):
    """A lot's seconds typed in minutes: ``30``, ``2:30`` (minutes and seconds) or ``1.5`` (a
    fraction of a minute that comes to whole seconds; ``1.01`` does not and is refused).
    Cleans to seconds; the bounds are the model field's, said in minutes and seconds."""

    widget = forms.TextInput(attrs={"size": 8, "autocomplete": "off", "spellcheck": "false"})

    def __init__(self, *, model_field, **kwargs):
        self.low, self.high = 0, None
        for validator in model_field.validators:
            if isinstance(validator, MinValueValidator):
                self.low = max(self.low, validator.limit_value)
            elif isinstance(validator, MaxValueValidator):
                limit = validator.limit_value
                self.high = limit if self.high is None else min(self.high, limit)
        kwargs.setdefault("required", not model_field.blank)
        if model_field.has_default():
            kwargs.setdefault("initial", model_field.get_default())
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return minutes_text(value) if isinstance(value, int) else value

    def to_python(self, value) -> int | None:
        text = str(value if value is not None else "").strip()
        if not text:
            return None
        if match := _MINUTES_SECONDS.match(text):
            seconds = int(match[1]) * 60 + int(match[2])
        else:
            try:
                minutes = parse_decimal(text)
            except ValueError:
                raise forms.ValidationError(
                    _("Write minutes, e.g. 30, or minutes and seconds, e.g. 2:30."),
                    code="invalid",
                ) from None
            exact = minutes * 60
            if exact != exact.to_integral_value():
                raise forms.ValidationError(
                    _(
                        "%(value)s minutes is not a whole number of seconds: write minutes "
                        "and seconds instead, e.g. 2:30."
                    )
                    % {"value": text},
                    code="fraction",
                )
            seconds = int(exact)
        if seconds < self.low:
            raise forms.ValidationError(
                _("At least %(limit)s.") % {"limit": duration_text(self.low)}, code="min_value"
            )
        if self.high is not None and seconds > self.high:
            raise forms.ValidationError(
                _("At most %(limit)s.") % {"limit": duration_text(self.high)}, code="max_value"
            )
        return seconds


# --- Rows of cells ---------------------------------------------------------------------------


@dataclass
class Row:
    """One row of a table of the form: its cells as typed, under ``<prefix>-<column>``
    names; a criterion's options are rows too. ``missing`` (cells left empty in a row that is
    not) is quiet while the form is being filled in; ``errors`` is not."""

    prefix: str
    values: dict[str, str]
    options: list[Row] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def messages(self) -> list[str]:
        return self.missing + self.errors

    @property
    def next_option(self) -> int:
        return next_index(self.options)

    def is_empty(self) -> bool:
        typed = any(str(v).strip() for v in self.values.values())
        return not typed and all(option.is_empty() for option in self.options)

    def cell(self, column: str) -> str:
        return str(self.values.get(column, "")).strip()


def next_index(rows: list[Row]) -> int:
    return max((int(row.prefix.rsplit("-", 1)[1]) for row in rows), default=-1) + 1


BAND_CELL = re.compile(r"^bands-(\d{1,4})-(below|step)$")
CRITERION_CELL = re.compile(r"^criteria-(\d{1,4})-(code|title)$")
OPTION_CELL = re.compile(r"^criteria-(\d{1,4})-options-(\d{1,4})-(title|value)$")
BAND_COLUMNS = ("below", "step")
CRITERION_COLUMNS = ("code", "title")
OPTION_COLUMNS = ("title", "value")


def _blank(columns) -> dict[str, str]:
    return dict.fromkeys(columns, "")


def band_rows_posted(data) -> list[Row]:
    cells: dict[int, dict[str, str]] = {}
    for key in data:
        if match := BAND_CELL.match(key):
            cells.setdefault(int(match[1]), _blank(BAND_COLUMNS))[match[2]] = data.get(key, "")
    return [Row(f"bands-{i}", cells[i]) for i in sorted(cells)]


def criterion_rows_posted(data) -> list[Row]:
    heads: dict[int, dict[str, str]] = {}
    options: dict[int, dict[int, dict[str, str]]] = {}
    for key in data:
        if match := CRITERION_CELL.match(key):
            heads.setdefault(int(match[1]), _blank(CRITERION_COLUMNS))[match[2]] = data.get(key)
        elif match := OPTION_CELL.match(key):
            i, j = int(match[1]), int(match[2])
            heads.setdefault(i, _blank(CRITERION_COLUMNS))
            row = options.setdefault(i, {}).setdefault(j, _blank(OPTION_COLUMNS))
            row[match[3]] = data.get(key)
    return [
        Row(
            f"criteria-{i}",
            heads[i],
            [
                Row(f"criteria-{i}-options-{j}", cells)
                for j, cells in sorted(options.get(i, {}).items())
            ],
        )
        for i in sorted(heads)
    ]


def _text(value) -> str:
    return "" if value is None else str(value)


def band_rows_initial(bands) -> list[Row]:
    rows = [
        Row(f"bands-{i}", {"below": _text(b.get("below")), "step": _text(b.get("step"))})
        for i, b in enumerate(bands or [])
    ]
    start = len(rows)
    rows += [Row(f"bands-{start + k}", _blank(BAND_COLUMNS)) for k in range(EXTRA_BANDS)]
    return rows


def _option_rows(prefix: str, options, extra: int) -> list[Row]:
    rows = [
        Row(
            f"{prefix}-options-{j}",
            {"title": _text(o.get("title")), "value": _text(o.get("value"))},
        )
        for j, o in enumerate(options or [])
    ]
    start = len(rows)
    rows += [Row(f"{prefix}-options-{start + k}", _blank(OPTION_COLUMNS)) for k in range(extra)]
    return rows


def new_criterion_row(prefix: str) -> Row:
    return Row(prefix, _blank(CRITERION_COLUMNS), _option_rows(prefix, [], NEW_CRITERION_OPTIONS))


def criterion_rows_initial(criteria) -> list[Row]:
    rows = [
        Row(
            f"criteria-{i}",
            {"code": _text(c.get("code")), "title": _text(c.get("title"))},
            _option_rows(f"criteria-{i}", c.get("options"), EXTRA_OPTIONS),
        )
        for i, c in enumerate(criteria or [])
    ]
    rows.append(new_criterion_row(f"criteria-{len(rows)}"))
    return rows


def _number(row: Row, column: str) -> Decimal | None:
    text = row.cell(column)
    try:
        return parse_decimal(text)
    except ValueError:
        row.errors.append(_gettext("“%(value)s” is not a number.") % {"value": text})
        return None


def bands_of(rows: list[Row]) -> list[dict]:
    """The typed bands as the service takes them; rows left empty are dropped."""
    bands = []
    for row in rows:
        if row.is_empty():
            continue
        if not row.cell("below") or not row.cell("step"):
            row.missing.append(_gettext("Give both the price and the step."))
            continue
        below, step = _number(row, "below"), _number(row, "step")
        if below is not None and step is not None:
            bands.append({"below": below, "step": step})
    return bands


def criteria_of(rows: list[Row]) -> list[dict]:
    """The typed criteria with their options as the service takes them; empty rows dropped."""
    criteria = []
    for row in rows:
        if row.is_empty():
            continue
        if not row.cell("code"):
            row.missing.append(_gettext("Give the criterion a code."))
        if not row.cell("title"):
            row.missing.append(_gettext("Give the criterion a title."))
        for column in CRITERION_COLUMNS:
            limit = LotCriterion._meta.get_field(column).max_length
            if limit and len(row.cell(column)) > limit:
                row.errors.append(
                    _gettext("At most %(n)s characters: “%(value)s”.")
                    % {"n": limit, "value": row.cell(column)}
                )
        options = []
        for option in row.options:
            if option.is_empty():
                continue
            if not option.cell("title"):
                option.missing.append(_gettext("Give the option a name."))
            if not option.cell("value"):
                option.missing.append(_gettext("Give the option a value."))
                continue
            value = _number(option, "value")
            if value is not None:
                options.append({"title": option.cell("title"), "value": value})
        criteria.append({"code": row.cell("code"), "title": row.cell("title"), "options": options})
    return criteria


class RowsField(forms.Field):
    """A table of rows (bands, criteria): the form reads its cells (``LotForm.clean``); the
    field carries the table's own messages (the service's, and "see the rows")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        return None
