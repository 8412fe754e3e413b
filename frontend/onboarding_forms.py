"""Forms of the onboarding and platform admin pages: they parse the input and nothing more.

The rules (identifiers per country, who may do what, which decision needs a reason) are the
services'; ``add_service_error`` puts an ``ApplicationError``'s message and field errors on the
form, next to the fields they name."""

from __future__ import annotations

import pycountry
from babel import Locale, UnknownLocaleError
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import MembershipRole
from marketplace.core.exceptions import ApplicationError
from marketplace.platforms.models import Platform
from marketplace.platforms.services import UPDATABLE_FIELDS
from marketplace.verification.models import DocumentType, SignatoryBasis


def add_service_error(form: forms.Form, exc: ApplicationError) -> None:
    """Show a service's refusal on ``form``: each field error next to its field, the message
    above the form (unless it only repeats a field's error)."""
    shown: set[str] = set()
    for field, messages in (exc.fields or {}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            shown.add(str(message))
    if exc.message not in shown:
        form.add_error(None, exc.message)


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166 countries named in the reader's language, in its alphabetical order."""
    try:
        names = Locale.parse((get_language() or "en").replace("-", "_")).territories
    except (UnknownLocaleError, ValueError):
        names = {}
    countries = [(c.alpha_2, names.get(c.alpha_2) or c.name) for c in pycountry.countries]
    return sorted(countries, key=lambda pair: pair[1].casefold())


class CompanyRegisterForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=300)
    country = forms.ChoiceField(label=_("Country"))
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=40,
        required=False,
        help_text=_("EDRPOU in Ukraine, OGRN in Russia, the trade register number elsewhere"),
    )
    tax_id = forms.CharField(
        label=_("Tax identifier"),
        max_length=40,
        required=False,
        help_text=_("INN in Russia, the VAT number in the EU"),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    is_buyer = forms.BooleanField(label=_("We buy (publish tenders)"), required=False)
    is_supplier = forms.BooleanField(label=_("We supply (bid in auctions)"), required=False)

    # Fields whose errors depend on one another: a change to one re-checks them all.
    IDENTIFIER_FIELDS = ("country", "registration_number", "tax_id")
    ROLE_FIELDS = ("is_buyer", "is_supplier")

    def __init__(self, *args, check_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose the country")), *country_choices()]
        if check_url:
            # Checked field by field as the person types (htmx): see onboarding_views.
            for name, field in self.fields.items():
                field.widget.attrs.update(
                    {
                        "hx-post": check_url,
                        "hx-trigger": "change, keyup changed delay:600ms",
                        # One check at a time, the newest next: each answer replaces every
                        # box it checks, and an older answer arriving last would undo a newer
                        # one. (Not "replace": htmx logs each request it aborts as an error.)
                        "hx-sync": "closest form:queue last",
                        "hx-swap": "none",
                        "hx-include": "closest form",
                        "aria-describedby": f"err-{name}",
                    }
                )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"placeholder": _("colleague@example.com")}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=MembershipRole.choices, widget=forms.CheckboxSelectMultiple
    )


class PlatformApplyForm(forms.Form):
    platform = forms.TypedChoiceField(label=_("Platform"), coerce=int)
    message = forms.CharField(
        label=_("Message to the platform's admins"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, platforms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [(p.pk, p.name) for p in platforms]


class DocumentUploadForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document type"), choices=DocumentType.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    expiry_date = forms.DateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty if the document does not expire."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class SubmissionForm(forms.Form):
    signatory_name = forms.CharField(label=_("Who signs for the company"), max_length=200)
    signatory_position = forms.CharField(label=_("Their position"), max_length=200)
    signatory_basis = forms.ChoiceField(label=_("Acting under"), choices=SignatoryBasis.choices)


class DecisionForm(forms.Form):
    DECISIONS = (
        ("approve", _("Approve")),
        ("request_info", _("Request more information")),
        ("reject", _("Reject")),
    )
    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(
        label=_("Reason (shown to the company)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject or to request more information."),
    )


class ParticipationDecisionForm(forms.Form):
    ACTIONS = (("accept", _("Accept")), ("refuse", _("Refuse")), ("suspend", _("Suspend")))
    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(required=False, max_length=4000)


class PlatformRulesForm(forms.ModelForm):
    """Parses the platform's name, description and default auction rules; ``platform_update``
    checks them (the form does not save)."""

    class Meta:
        model = Platform
        fields = list(UPDATABLE_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # No model validation here: the service validates the platform as a whole.
        pass
