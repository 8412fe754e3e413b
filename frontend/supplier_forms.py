"""Forms of the supplier's pages (``supplier_views.py``, ``supplier_catalogue_views.py``): they
parse what was typed (numbers as people write them, ``1 234,50``; dates; region codes split at
commas and spaces; categories ticked) and nothing more. Every rule (a region code's validity, a
certificate's period and file, a SKU's uniqueness, a price above zero, a tier met twice) is
``suppliers.services``'s; its ``ApplicationError`` goes next to the fields it names
(``add_service_error``)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.categories.models import Category
from marketplace.core.models import CURRENCIES
from suppliers.models import Certificate, CustomerKind, PriceList, PriceListKind, Product

from .logistics_forms import DATE_WIDGET, NumberField, add_service_error

__all__ = [
    "CertificateForm",
    "ItemChangeForm",
    "ItemCreateForm",
    "PriceListFileForm",
    "PriceListForm",
    "ProductForm",
    "ProfileForm",
    "add_service_error",
    "category_label",
    "split_codes",
]

SPLIT = re.compile(r"[\s,;]+")
PRICE_PLACES = 2
QUANTITY_PLACES = 3


def split_codes(text: str) -> list[str]:
    """``"UA, ua-30; PL"``: ``["UA", "ua-30", "PL"]`` as typed (the service normalises and
    checks them)."""
    return [code for code in SPLIT.split(text or "") if code]


def category_label(category: Category) -> str:
    return f"{category.code} {category.name}"


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class ProfileForm(forms.Form):
    """What the supplier publishes: its description, the categories it supplies (ticked; more
    found with ``category_search``) and the regions it serves (ISO 3166 codes)."""

    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you supply, to whom and how: buyers read it in the supplier directory."),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories supplied"),
        queryset=Category.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.CharField(
        label=_("Regions served"),
        required=False,
        max_length=2000,
        help_text=_(
            "ISO 3166 codes separated by commas: a country (UA) or a region of it (UA-30)."
        ),
    )
    category_search = forms.CharField(
        label=_("Find a category"),
        required=False,
        max_length=100,
        help_text=_("Type a code or a few letters of the name, then tick what you supply."),
    )

    def clean_regions(self) -> list[str]:
        return split_codes(self.cleaned_data.get("regions", ""))

    def service_values(self) -> dict[str, Any]:
        return {
            "description": self.cleaned_data["description"],
            "categories": list(self.cleaned_data["categories"]),
            "regions": self.cleaned_data["regions"],
        }


class CertificateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=_max_length(Certificate, "name"))
    issuer = forms.CharField(
        label=_("Issuer"), required=False, max_length=_max_length(Certificate, "issuer")
    )
    number = forms.CharField(
        label=_("Number"), required=False, max_length=_max_length(Certificate, "number")
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DATE_WIDGET)
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, JPEG or PNG, 10 MB at most. Readers of your profile may download it."),
    )

    FIELDS = ("name", "issuer", "number", "valid_from", "valid_until")

    @classmethod
    def initial_for(cls, certificate: Certificate) -> dict[str, Any]:
        return {name: getattr(certificate, name) for name in cls.FIELDS}

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ProductForm(forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=_max_length(Product, "sku"))
    name = forms.CharField(label=_("Name"), max_length=_max_length(Product, "name"))
    unit = forms.CharField(
        label=_("Unit of measure"),
        max_length=_max_length(Product, "unit"),
        help_text=_("For example: pcs, kg, m, l, pack"),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.order_by("path"),
        required=False,
        empty_label=_("— none —"),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_active = forms.BooleanField(
        label=_("Active (shown to buyers)"), required=False, initial=True
    )

    FIELDS = ("sku", "name", "unit", "category", "description", "is_active")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ModelChoiceField)
        field.label_from_instance = category_label  # type: ignore[method-assign]

    @classmethod
    def initial_for(cls, product: Product) -> dict[str, Any]:
        return {name: getattr(product, name) for name in cls.FIELDS}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class PriceListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=_max_length(PriceList, "name"))
    kind = forms.ChoiceField(label=_("Kind"), choices=PriceListKind.choices)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Leave empty: until further notice."),
    )

    FIELDS = ("name", "kind", "currency", "valid_from", "valid_until")

    def __init__(self, *args, supplier=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if supplier is not None:  # the supplier's own kinds of customer, the defaults first
            named = list(CustomerKind.objects.filter(supplier=supplier).values_list("code", "name"))
            codes = {code for code, _name in named}
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                *((c, n) for c, n in PriceListKind.choices if c not in codes),
                *named,
            ]

    @classmethod
    def initial_for(cls, price_list: PriceList) -> dict[str, Any]:
        return {name: getattr(price_list, name) for name in cls.FIELDS}

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ItemChangeForm(forms.Form):
    """A price list item's tier: from which quantity on, at which price."""

    min_quantity = NumberField(
        label=_("From quantity"),
        places=QUANTITY_PLACES,
        whole=11,
        help_text=_("The price applies from this quantity on. Empty: 1."),
    )
    price = NumberField(label=_("Price"), places=PRICE_PLACES, whole=16, required=True)

    def service_values(self) -> dict[str, Any]:
        values = {"price": self.cleaned_data["price"]}
        if self.cleaned_data.get("min_quantity") is not None:
            values["min_quantity"] = self.cleaned_data["min_quantity"]
        return values


class ItemCreateForm(ItemChangeForm):
    """A new item: a product of the catalogue (an id; the selector finds it in the supplier's
    catalogue or not at all) and its tier."""

    field_order = ["product", "min_quantity", "price"]

    def __init__(self, *args, products=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"] = forms.IntegerField(
            label=_("Product"),
            min_value=1,
            widget=forms.Select(
                choices=[("", _("— choose a product —")), *((p.pk, str(p)) for p in products)]
            ),
        )
        self.order_fields(self.field_order)


class PriceListFileForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("5 MB and 5,000 rows at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
