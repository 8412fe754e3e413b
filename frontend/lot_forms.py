"""The lot form, guided by the auction format: the format first, then only the groups of fields
that format uses (``LOT_GROUPS``, the one table that says which format uses which fields; the
template marks each fieldset with it and ``lot-form.js`` shows the chosen format's groups);
durations typed in minutes; step bands and weighted criteria as rows of cells
(``lot_form_fields``) read into what ``lot_create``/``lot_update`` take.

The form only converts units and shapes the rows: the rules are the services'
(``auctions.tenders.validation``). What the chosen format does not use is not read at all (a
hidden group's leftovers never block saving) and goes back to its neutral value: the platform's
default, else the model's, with the soft close off outside the English format."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from auctions.models import AuctionFormat, Lot
from marketplace.core.exceptions import ApplicationError

from .lot_form_fields import (
    MAX_ROWS,
    MinutesField,
    Row,
    RowsField,
    band_rows_initial,
    band_rows_posted,
    bands_of,
    criteria_of,
    criterion_rows_initial,
    criterion_rows_posted,
    new_criterion_row,
    next_index,
)
from .tender_forms import ServiceErrorsMixin, _from_model

ENGLISH, ROUNDS, SEALED = AuctionFormat.ENGLISH, AuctionFormat.ROUNDS, AuctionFormat.SEALED
JAPANESE, DUTCH = AuctionFormat.JAPANESE, AuctionFormat.DUTCH
ALL_FORMATS = (ENGLISH, ROUNDS, SEALED, JAPANESE, DUTCH)


@dataclass(frozen=True)
class LotGroup:
    key: str
    legend: str
    fields: tuple[str, ...]
    formats: tuple[str, ...]


# Which formats use which fields (from the formats' modules: the step moves English and rounds
# bids and the clock formats' levels, sealed offers have none; the bidding rules and the soft
# close are English only; rounds and the price clock their own; the clock formats rank by
# price alone). Durations are the form's minutes fields (``MINUTES``).
LOT_GROUPS = (
    LotGroup("format", _("Auction format"), ("auction_format",), ALL_FORMATS),
    LotGroup(
        "item",
        _("Item"),
        ("title", "description", "quantity", "unit", "start_price", "reserve_price"),
        ALL_FORMATS,
    ),
    LotGroup(
        "delivery",
        _("Delivery"),
        (
            "delivery_place",
            "delivery_latitude",
            "delivery_longitude",
            "delivery_date",
            "incoterms",
            "unit_weight_kg",
        ),
        ALL_FORMATS,
    ),
    LotGroup(
        "step",
        _("Minimum step"),
        ("step_kind", "step_value", "step_bands"),
        (ENGLISH, ROUNDS, JAPANESE, DUTCH),
    ),
    LotGroup(
        "bidding",
        _("Bidding rules"),
        ("step_reference", "max_step_percent", "tie_rule"),
        (ENGLISH,),
    ),
    LotGroup("duration", _("Duration"), ("duration_minutes",), (ENGLISH, SEALED)),
    LotGroup(
        "soft_close",
        _("Soft close"),
        (
            "soft_close_window_minutes",
            "soft_close_extension_minutes",
            "soft_close_max_rank",
            "soft_close_max_extensions",
        ),
        (ENGLISH,),
    ),
    LotGroup(
        "rounds",
        _("Rounds"),
        ("rounds", "turn_seconds", "first_pause_minutes", "round_pause_minutes"),
        (ROUNDS,),
    ),
    LotGroup(
        "clock",
        _("The price clock"),
        ("level_seconds", "floor_price"),
        (JAPANESE, DUTCH),
    ),
    LotGroup(
        "participation",
        _("Participation"),
        ("visibility", "min_participants", "allow_single_award", "stagger_minutes"),
        ALL_FORMATS,
    ),
    LotGroup(
        "weighted",
        _("Weighted ranking (price and other criteria)"),
        ("weighted", "criteria"),
        (ENGLISH, ROUNDS, SEALED),
    ),
    LotGroup(
        "landed",
        _("Ranking by landed cost (price plus delivery)"),
        ("landed_cost",),
        (ENGLISH, ROUNDS, SEALED),
    ),
)
LOT_FORM_FIELDS = tuple(name for group in LOT_GROUPS for name in group.fields)
GROUP_OF = {name: group for group in LOT_GROUPS for name in group.fields}

FORMAT_EXPLANATIONS = {
    ENGLISH: _(
        "Suppliers bid the price down in the open until the time runs out; a bid at the end "
        "extends it."
    ),
    ROUNDS: _(
        "As Prozorro runs it: after the initial offers, each supplier bids in its own turn, "
        "round after round."
    ),
    SEALED: _("Each supplier makes one sealed offer; all are opened together at the end."),
    JAPANESE: _(
        "The price falls level by level; suppliers confirm each level to stay in; the last "
        "one standing wins."
    ),
    DUTCH: _(
        "The price rises level by level from a floor until a supplier accepts it; the lot "
        "runs alone."
    ),
}

# The form's minutes fields and the lot's seconds they stand for, with their labels.
MINUTES = {
    "duration_minutes": ("duration_seconds", _("Auction duration, minutes")),
    "soft_close_window_minutes": ("soft_close_window_seconds", _("Soft close window, minutes")),
    "soft_close_extension_minutes": (
        "soft_close_extension_seconds",
        _("Soft close extension, minutes"),
    ),
    "first_pause_minutes": ("first_pause_seconds", _("First pause, minutes")),
    "round_pause_minutes": ("round_pause_seconds", _("Pause between rounds, minutes")),
    "stagger_minutes": ("stagger_seconds", _("Starts this many minutes after the previous lot")),
}
SERVICE_NAMES = {name: seconds for name, (seconds, _label) in MINUTES.items()}
FORM_NAMES = {seconds: name for name, seconds in SERVICE_NAMES.items()}

# What a group the chosen format does not use saves instead of the platform's default.
OFF = {"soft_close_window_seconds": 0, "soft_close_extension_seconds": 0, "criteria": None}


# --- The form --------------------------------------------------------------------------------


class LotForm(ServiceErrorsMixin, forms.Form):
    """A lot as the services take it. ``initial`` and ``defaults`` (the platform's, which
    groups the chosen format does not use go back to) are in the lot's own names (seconds);
    ``initial`` may hold ``step_bands`` and ``criteria`` as lists."""

    def __init__(self, data=None, *, initial=None, defaults=None, **kwargs):
        initial = dict(initial or {})
        for name, (seconds, _label) in MINUTES.items():
            if seconds in initial:
                initial[name] = initial.pop(seconds)
        super().__init__(data, initial=initial, **kwargs)
        self.defaults = dict(defaults or {})
        for name in LOT_FORM_FIELDS:
            self.fields[name] = self._make_field(name)
        if self.is_bound:
            self.band_rows = band_rows_posted(self.data)
            self.criterion_rows = criterion_rows_posted(self.data)
        else:
            self.band_rows = band_rows_initial(initial.get("step_bands"))
            self.criterion_rows = criterion_rows_initial(initial.get("criteria"))

    @staticmethod
    def _make_field(name: str) -> forms.Field:
        if name in MINUTES:
            seconds, label = MINUTES[name]
            return MinutesField(model_field=Lot._meta.get_field(seconds), label=label)
        if name == "step_bands":
            return RowsField(
                label=_("Minimum step by price band"),
                help_text=_(
                    "Optional: while the price a bid must beat is below a row's price, that "
                    "row's step applies (in the step's kind)."
                ),
            )
        if name == "criteria":
            return RowsField(
                label=_("Criteria"),
                help_text=_(
                    "Each criterion with its options and their values (e.g. within 10 days: "
                    "0.05); each criterion's largest values must add up to less than 1."
                ),
            )
        overrides: dict = {}
        if name == "auction_format":
            overrides["widget"] = forms.RadioSelect
        elif name == "description":
            overrides["widget"] = forms.Textarea(attrs={"rows": 2})
        elif name == "delivery_date":
            overrides["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        elif name == "level_seconds":  # left empty, the default
            overrides["required"] = False
        return _from_model(Lot, name, **overrides)

    # --- What the template shows ---

    def groups(self) -> list[dict]:
        return [
            {
                "key": group.key,
                "legend": group.legend,
                "formats": " ".join(group.formats),
                "fields": [self[name] for name in group.fields],
            }
            for group in LOT_GROUPS
        ]

    def format_choices(self) -> list[tuple]:
        return [
            (radio, FORMAT_EXPLANATIONS.get(radio.data["value"], ""))
            for radio in self["auction_format"]
        ]

    @property
    def band_next(self) -> int:
        return next_index(self.band_rows)

    @property
    def criterion_next(self) -> int:
        return next_index(self.criterion_rows)

    # The rows the script adds (``<template>``s: it puts the row's number for __i__, an
    # option's for __o__).
    band_template = Row("bands-__i__", {"below": "", "step": ""})
    criterion_template = new_criterion_row("criteria-__i__")
    option_template = Row("criteria-__i__-options-__o__", {"title": "", "value": ""})

    def error_slots(self) -> list[Row]:
        """Every row of the tables, each with its messages (htmx's answer swaps them in)."""
        return self.band_rows + self._criterion_slots()

    def _criterion_slots(self) -> list[Row]:
        return [slot for row in self.criterion_rows for slot in (row, *row.options)]

    # --- Reading it ---

    def chosen_format(self) -> str | None:
        data = getattr(self, "cleaned_data", {})
        return data.get("auction_format")

    def uses(self, name: str, chosen: str | None = None) -> bool:
        """Whether the chosen format (unknown: every format) uses the form's field ``name``."""
        chosen = chosen or self.chosen_format()
        return chosen is None or chosen in GROUP_OF[name].formats

    def clean(self):
        data = super().clean()
        chosen = data.get("auction_format")
        for name in LOT_FORM_FIELDS:
            if not self.uses(name, chosen):  # not read: nothing hidden blocks saving
                self._errors.pop(name, None)
                data.pop(name, None)
        if len(self.band_rows) > MAX_ROWS or len(self.criterion_rows) > MAX_ROWS:
            raise forms.ValidationError(_("Too many rows."))
        if self.uses("step_bands", chosen):
            data["step_bands"] = bands_of(self.band_rows)
            self._mark_rows("step_bands", self.band_rows)
        if self.uses("criteria", chosen):
            data["criteria"] = criteria_of(self.criterion_rows)
            self._mark_rows("criteria", self._criterion_slots())
        return data

    def _mark_rows(self, name: str, rows: list[Row], *, quiet: bool = False) -> None:
        if any(row.errors if quiet else row.messages for row in rows) and name not in self.errors:
            self.add_error(name, _("Put right the rows marked above."))

    def quiet_empty(self) -> None:
        """As for the other fields' "required": cells left empty in a row say nothing yet."""
        if self.service_checked:
            return
        super().quiet_empty()  # (the tables' own marks go too: they have no input of their own)
        for row in self.error_slots():
            row.missing = []
        self._mark_rows("step_bands", self.band_rows, quiet=True)
        self._mark_rows("criteria", self._criterion_slots(), quiet=True)

    def _neutral(self, name: str):
        if name in OFF:
            return OFF[name]
        if name in self.defaults:
            return self.defaults[name]
        return Lot._meta.get_field(name).get_default()

    def service_fields(self) -> dict:
        """The cleaned values as ``lot_create``/``lot_update`` take them: seconds, the bands
        and criteria as lists (``criteria`` only for a weighted lot, so that the service says
        when they are missing), and the neutral value of whatever the format does not use."""
        data = self.cleaned_data
        chosen = data["auction_format"]
        fields: dict = {}
        for name in LOT_FORM_FIELDS:
            target = SERVICE_NAMES.get(name, name)
            fields[target] = data.get(name) if self.uses(name, chosen) else self._neutral(target)
        for name in ("reserve_price", "delivery_date"):
            if fields.get(name) == "":
                fields[name] = None
        if fields.get("level_seconds") is None:
            fields.pop("level_seconds", None)
        criteria = fields.pop("criteria", None) or None
        fields["criteria"] = criteria if fields.get("weighted") or criteria else None
        if fields.get("weighted") and criteria is None:
            fields["criteria"] = []
        return fields

    def add_service_errors(self, exc: ApplicationError) -> None:
        """The service's messages next to the fields (its seconds fields are the form's minutes
        fields); a message about a field the chosen format does not show goes on top."""
        self.service_checked = True
        for name, messages in (exc.fields or {}).items():
            key: str | None = FORM_NAMES.get(name, name)
            prefix = ""
            if key not in self.fields:
                key = None
            elif not self.uses(key):
                prefix = f"{self.fields[key].label}: "
                key = None
            for message in messages:
                self.add_error(key, f"{prefix}{message}")
        if not exc.fields:
            self.add_error(None, exc.message)

    @staticmethod
    def initial_for(lot: Lot) -> dict:
        """A lot's values as the form's ``initial`` (in the lot's own names)."""
        names = [SERVICE_NAMES.get(n, n) for n in LOT_FORM_FIELDS if n not in ("criteria",)]
        initial = {name: getattr(lot, name) for name in names}
        initial["criteria"] = [
            {"code": c.code, "title": c.title, "options": c.options}
            for c in lot.criteria.order_by("pk")
        ]
        return initial
