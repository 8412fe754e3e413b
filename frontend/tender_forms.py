"""Forms of the tender pages. They only parse input (types, choices, required fields); the rules
are the services' (``auctions.tenders``), whose errors the views put next to the fields
(``add_service_errors``). Fields are made from the models' own fields, so labels, choices and
limits are the models'."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auctions.models import Lot, Participation, Tender
from marketplace.categories.models import Category
from marketplace.core.exceptions import ApplicationError
from marketplace.core.spreadsheets import parse_decimal

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ZonedDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read and shown in the reader's time zone (the one its profile
    sets, activated by ``marketplace.users.middleware``; UTC for anyone without one)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value


def _from_model(model, name: str, **overrides) -> forms.Field:
    field = model._meta.get_field(name).formfield(**overrides)
    return field


class ServiceErrorsMixin:
    """Puts an ``ApplicationError``'s field errors next to the fields (others on top)."""

    service_checked = False

    def service_fields(self) -> dict:
        """The cleaned data as the service takes it."""
        return dict(self.cleaned_data)

    def add_service_errors(self, exc: ApplicationError) -> None:
        self.service_checked = True
        for name, messages in (exc.fields or {}).items():
            key = name if name in self.fields else None
            for message in messages:
                self.add_error(key, message)
        if not exc.fields:
            self.add_error(None, exc.message)

    def quiet_empty(self) -> None:
        """While the form is being filled in: no "required" (or other parsing) errors for
        fields left empty. The service's errors, once it has looked, all stay."""
        if self.service_checked:
            return
        for name in list(self.errors):
            if name in self.fields and self.data.get(self.add_prefix(name), "") in ("", None):
                del self.errors[name]


class TenderForm(ServiceErrorsMixin, forms.Form):
    """A draft tender's own fields (``TENDER_FIELDS``)."""

    title = _from_model(Tender, "title")
    description = _from_model(Tender, "description", widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("path"), label=_("Category")
    )
    currency = _from_model(Tender, "currency")
    questions_deadline = ZonedDateTimeField(label=_("Questions deadline"))
    applications_deadline = ZonedDateTimeField(label=_("Applications deadline"))
    auction_start = ZonedDateTimeField(label=_("Auction start"))
    participation = _from_model(Tender, "participation")
    reveal_identities = _from_model(Tender, "reveal_identities")
    public_live = _from_model(Tender, "public_live")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: f"{c.code} {c.name}"
        self.fields["participation"].initial = Participation.OPEN


class TenderCreateForm(TenderForm):
    """A new tender: also whose (the buyer) and where (the platform)."""

    buyer = forms.ModelChoiceField(queryset=None, label=_("Buyer"))
    platform = forms.ModelChoiceField(queryset=None, label=_("Platform"))
    field_order = ["buyer", "platform"]

    def service_fields(self) -> dict:
        fields = super().service_fields()
        fields["currency"] = fields["currency"] or None  # the platform's
        return fields

    def __init__(self, *args, buyers, platforms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].queryset = buyers
        self.fields["platform"].queryset = platforms
        self.fields["buyer"].label_from_instance = lambda c: c.legal_name
        self.fields["platform"].label_from_instance = lambda p: p.name
        if buyers.count() == 1:
            self.fields["buyer"].initial = buyers.get().pk
        if platforms.count() == 1:
            self.fields["platform"].initial = platforms.get().pk
        self.fields["currency"].required = False
        self.fields["currency"].choices = [("", _("The platform's currency"))] + [
            c for c in self.fields["currency"].choices if c[0]
        ]


# What the lot form edits, in groups. Step bands and weighted criteria are typed as text, one
# band or one criterion a line (see StepBandsField and CriteriaField).
LOT_FIELDSETS = (
    (_("Item"), ("title", "description", "quantity", "unit", "start_price", "reserve_price")),
    (
        _("Delivery"),
        (
            "delivery_place",
            "delivery_latitude",
            "delivery_longitude",
            "delivery_date",
            "incoterms",
            "unit_weight_kg",
        ),
    ),
    (
        _("Auction rules"),
        (
            "auction_format",
            "step_kind",
            "step_value",
            "step_reference",
            "max_step_percent",
            "tie_rule",
            "duration_seconds",
            "stagger_seconds",
            "visibility",
            "min_participants",
            "allow_single_award",
            "step_bands",
        ),
    ),
    (
        _("Soft close"),
        (
            "soft_close_window_seconds",
            "soft_close_extension_seconds",
            "soft_close_max_rank",
            "soft_close_max_extensions",
        ),
    ),
    (
        _("Rounds format"),
        ("rounds", "turn_seconds", "first_pause_seconds", "round_pause_seconds"),
    ),
    (_("Japanese and Dutch formats (a clock of prices)"), ("level_seconds", "floor_price")),
    (_("Weighted ranking (price and other criteria)"), ("weighted", "criteria")),
    (_("Ranking by landed cost (price plus delivery)"), ("landed_cost",)),
)
LOT_FORM_FIELDS = tuple(name for _legend, names in LOT_FIELDSETS for name in names)
TEXT_FIELDS = ("step_bands", "criteria")


def _number(text: str, line: int) -> Decimal:
    try:
        return parse_decimal(text)
    except ValueError:
        raise forms.ValidationError(
            _("Line %(line)s: “%(value)s” is not a number.") % {"line": line, "value": text}
        ) from None


class StepBandsField(forms.CharField):
    """Step bands as text, one a line: ``50000; 500`` (below 50,000 the step is 500)."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Minimum step by price band"))
        kwargs.setdefault(
            "help_text",
            _(
                "Optional, one band a line: the bound and the step, e.g. “50000; 500”: "
                "below 50,000 the step is 500 (in the step's kind)."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        bands = []
        for line, row in enumerate((text or "").splitlines(), start=1):
            if not row.strip():
                continue
            parts = [p.strip() for p in row.split(";")]
            if len(parts) != 2:
                raise forms.ValidationError(
                    _("Line %(line)s: write the bound and the step, e.g. “50000; 500”.")
                    % {"line": line}
                )
            bands.append({"below": _number(parts[0], line), "step": _number(parts[1], line)})
        return bands

    @staticmethod
    def as_text(bands) -> str:
        return "\n".join(f"{b['below']}; {b['step']}" for b in bands or [])


class CriteriaField(forms.CharField):
    """Weighted criteria as text, one a line:
    ``delivery | Delivery time | within 10 days = 0.05; within 20 days = 0.02; later = 0``."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Criteria"))
        kwargs.setdefault(
            "help_text",
            _(
                "Weighted lots only, one criterion a line: code | title | option = value; "
                "option = value. E.g. “delivery | Delivery time | within 10 days = 0.05; "
                "later = 0”. Each criterion's largest values must add up to less than 1."
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        criteria = []
        for line, row in enumerate((text or "").splitlines(), start=1):
            if not row.strip():
                continue
            parts = [p.strip() for p in row.split("|")]
            if len(parts) != 3:
                raise forms.ValidationError(
                    _("Line %(line)s: write code | title | option = value; option = value.")
                    % {"line": line}
                )
            code, title, options_text = parts
            options = []
            for option in filter(None, (o.strip() for o in options_text.split(";"))):
                option_title, sep, option_value = option.rpartition("=")
                if not sep:
                    raise forms.ValidationError(
                        _("Line %(line)s: give each option a value, e.g. “later = 0”.")
                        % {"line": line}
                    )
                options.append(
                    {"title": option_title.strip(), "value": _number(option_value.strip(), line)}
                )
            criteria.append({"code": code, "title": title, "options": options})
        return criteria

    @staticmethod
    def as_text(criteria) -> str:
        return "\n".join(
            f"{c['code']} | {c['title']} | "
            + "; ".join(f"{o['title']} = {o['value']}" for o in c["options"])
            for c in criteria or []
        )


class LotForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LOT_FORM_FIELDS:
            if name == "step_bands":
                self.fields[name] = StepBandsField()
                continue
            if name == "criteria":
                self.fields[name] = CriteriaField()
                continue
            overrides = {}
            if name == "description":
                overrides["widget"] = forms.Textarea(attrs={"rows": 2})
            elif name == "delivery_date":
                overrides["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif name == "level_seconds":  # the clock formats' only; left empty, the default
                overrides["required"] = False
            self.fields[name] = _from_model(Lot, name, **overrides)

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in LOT_FIELDSETS]

    def service_fields(self) -> dict:
        """The cleaned values as ``lot_create``/``lot_update`` take them (``criteria`` only
        for a weighted lot, so that the service says when they are missing)."""
        data = dict(self.cleaned_data)
        for name in ("reserve_price", "delivery_date"):
            if data.get(name) in ("",):
                data[name] = None
        if data.get("level_seconds") is None:
            data.pop("level_seconds", None)
        criteria = data.pop("criteria", None) or None
        data["criteria"] = criteria if data.get("weighted") or criteria else None
        if data.get("weighted") and criteria is None:
            data["criteria"] = []
        return data

    @staticmethod
    def initial_for(lot) -> dict:
        initial = {name: getattr(lot, name) for name in LOT_FORM_FIELDS if name not in TEXT_FIELDS}
        initial["step_bands"] = StepBandsField.as_text(lot.step_bands)
        initial["criteria"] = CriteriaField.as_text(
            [{"code": c.code, "title": c.title, "options": c.options} for c in lot.criteria.all()]
        )
        return initial


class ApplyForm(forms.Form):
    """A supplier's application to a lot; ``criteria`` (weighted lots) adds one choice each."""

    supplier = forms.ModelChoiceField(queryset=None, label=_("For"))
    terms_accepted = forms.BooleanField(
        required=False, label=_("I accept the tender's terms and conditions")
    )
    initial_amount = forms.DecimalField(
        required=False, max_digits=18, decimal_places=2, label=_("Initial offer (optional)")
    )

    def __init__(self, *args, lot: Lot, suppliers, **kwargs):
        kwargs.setdefault("prefix", f"lot{lot.pk}")
        super().__init__(*args, **kwargs)
        self.lot = lot
        self.fields["supplier"].queryset = suppliers
        self.fields["supplier"].label_from_instance = lambda c: c.legal_name
        if suppliers.count() == 1:
            self.fields["supplier"].initial = suppliers.get().pk
            self.fields["supplier"].widget = forms.HiddenInput()
        self.criteria = list(lot.criteria.all().order_by("pk")) if lot.weighted else []
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.code}"] = forms.ChoiceField(
                label=criterion.title,
                choices=[("", "—")] + [(str(o["value"]), o["title"]) for o in criterion.options],
                required=False,
            )

    def criteria_values(self) -> dict:
        values = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"criterion_{criterion.code}")
            if value:
                values[criterion.code] = value
        return values

    def add_service_errors(self, exc: ApplicationError) -> None:
        fields = {"criteria_values": None}
        placed = False
        for name, messages in (exc.fields or {}).items():
            key = name if name in self.fields and name not in fields else None
            for message in messages:
                self.add_error(key, message)
                placed = True
        if not placed:
            self.add_error(None, exc.message)


class QuestionForm(forms.Form):
    supplier = forms.ModelChoiceField(queryset=None, label=_("Asking for"))
    lot = forms.ModelChoiceField(queryset=None, required=False, label=_("About lot"))
    text = forms.CharField(
        max_length=5000, label=_("Your question"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, tender: Tender, suppliers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supplier"].queryset = suppliers
        self.fields["supplier"].label_from_instance = lambda c: c.legal_name
        if suppliers.count() == 1:
            self.fields["supplier"].initial = suppliers.get().pk
            self.fields["supplier"].widget = forms.HiddenInput()
        self.fields["lot"].queryset = tender.lots.order_by("number")
        self.fields["lot"].empty_label = _("The whole tender")
        self.fields["lot"].label_from_instance = lambda lot: f"{lot.number}. {lot.title}"


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, required=False, label=_("Title"))
    file = forms.FileField(label=_("File (PDF, PNG, JPEG, XLSX, DOCX)"))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
