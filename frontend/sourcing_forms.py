"""The forms of the buyer's sourcing pages: a shortlist's name, and a company to invite that is
not registered yet. They only parse; the services check (``sourcing.shortlists``,
``sourcing.invitations``) and their refusals go next to the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .onboarding_forms import country_choices


class ShortlistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    buyer = forms.TypedChoiceField(label=_("Company"), coerce=int, required=False)

    def __init__(self, *args, buyers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].choices = [(b.pk, b.legal_name) for b in buyers]
        if len(self.fields["buyer"].choices) < 2:
            self.fields["buyer"].widget = forms.HiddenInput()


class ProspectForm(forms.Form):
    # Checked by the service with the rest (one validation path: every field's problem at once).
    email = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    country = forms.ChoiceField(label=_("Country"))
    identifier = forms.CharField(
        label=_("Tax identifier"),
        max_length=40,
        help_text=_("EDRPOU in Ukraine, INN in Russia, the VAT number in the EU"),
    )
    company_name = forms.CharField(label=_("Company name"), max_length=300, required=False)
    person_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose the country")), *country_choices()]
