"""Forms of the tender pages. They only parse input (types, choices, required fields); the rules
are the services' (``auctions.tenders``), whose errors the views put next to the fields
(``add_service_errors``). Fields are made from the models' own fields, so labels, choices and
limits are the models'."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auctions.models import Lot, Participation, Tender
from marketplace.categories.models import Category
from marketplace.core.exceptions import ApplicationError
from marketplace.translation.models import LANGUAGE_CHOICES

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
    original_language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES,
        label=_("Original language"),
        required=False,
        help_text=_(
            "The language the tender's texts are written in: it governs, whatever versions in "
            "other languages are added. Yours by default."
        ),
    )
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

    def service_fields(self) -> dict:
        fields = super().service_fields()
        if not fields.get("original_language"):
            fields.pop("original_language", None)  # a new tender's: its author's language
        return fields


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
        self.fields["original_language"].choices = [
            ("", _("Mine (my profile's language)")),
            *LANGUAGE_CHOICES,
        ]
        self.fields["currency"].choices = [("", _("The platform's currency"))] + [
            c for c in self.fields["currency"].choices if c[0]
        ]


# The lot form is lot_forms.LotForm.


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
