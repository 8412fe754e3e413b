"""The forms of the procurement plan pages. They only parse; ``planning.services`` checks, and
its refusals go next to the fields (``add_service_error``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.categories.models import Category
from marketplace.core.models import CURRENCIES
from marketplace.platforms.models import AuctionFormat
from planning.models import QUARTERS, YEAR_MAX, YEAR_MIN


class PlanForm(forms.Form):
    buyer = forms.TypedChoiceField(label=_("Company"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = forms.CharField(label=_("Title"), max_length=300)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="UAH")

    def __init__(self, *args, buyers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = [(b.pk, b.legal_name) for b in buyers]
        if len(self.fields["buyer"].choices) < 2:
            self.fields["buyer"].widget = forms.HiddenInput()


class PlanEditForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    title = forms.CharField(label=_("Title"), max_length=300)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)


class LineForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("path"), label=_("Category")
    )
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    description = forms.CharField(label=_("What is to be bought"), max_length=500)
    budget = forms.DecimalField(label=_("Budget"), max_digits=18, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    auction_format = forms.ChoiceField(
        label=_("Planned auction format"),
        choices=[("", _("Not decided")), *AuctionFormat.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: f"{c.code} {c.name}"

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "category_id": data["category"].pk,
            "quarter": data["quarter"],
            "description": data["description"],
            "budget": data["budget"],
            "currency": data["currency"],
            "auction_format": data.get("auction_format") or "",
        }
