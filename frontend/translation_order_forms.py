"""The forms of the translation order pages. They only parse; ``translation_orders.services``
and ``platform_settings`` check, and their refusals go next to the fields
(``add_service_error``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.models import CURRENCIES
from translation_orders.models import Language


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class OrderForm(forms.Form):
    """The documents (``t-<tender document>`` or ``c-<certificate>``) of the companies the person
    orders for; the company and the side follow from the documents chosen."""

    documents = forms.MultipleChoiceField(
        label=_("Documents to translate"), widget=forms.CheckboxSelectMultiple
    )
    source_language = forms.ChoiceField(
        label=pgettext_lazy("translation", "From language"), choices=Language.choices
    )
    target_language = forms.ChoiceField(
        label=pgettext_lazy("translation", "Into language"), choices=Language.choices
    )
    platform = forms.TypedChoiceField(
        label=_("Platform (certificates)"),
        coerce=int,
        required=False,
        help_text=_("Certificates are translated by a platform your company trades on."),
    )
    instructions = forms.CharField(
        label=_("Instructions for the translator"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, documents=(), platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = list(documents)
        self.fields["platform"].choices = [("", "—"), *platforms]
        self.fields["target_language"].initial = Language.EN


class QuoteForm(forms.Form):
    words = forms.IntegerField(label=_("Words"), min_value=1, required=False)
    reason = forms.CharField(
        label=_("Why the count differs"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeliverForm(forms.Form):
    files = forms.FileField(
        label=_("Translated files"),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.txt"}),
        required=False,
        help_text=_("PDF, DOCX, XLSX or plain text; at most 20 files of 20 MB each."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class GrantForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of a registered person"))


class RateForm(forms.Form):
    source_language = forms.ChoiceField(
        label=pgettext_lazy("translation", "From language"), choices=Language.choices
    )
    target_language = forms.ChoiceField(
        label=pgettext_lazy("translation", "Into language"), choices=Language.choices
    )
    price_per_word = forms.DecimalField(
        label=_("Price per word"), max_digits=10, decimal_places=4, min_value=0
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="UAH")
    minimum_fee = forms.DecimalField(
        label=_("Minimum fee"), max_digits=18, decimal_places=2, min_value=0, initial=0
    )
