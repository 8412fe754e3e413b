"""Forms of the CRM pages (accounts, contacts, activities, imports): they parse what was typed
and nothing more. The rules (identifiers per country, phones, e-mails, custom values by type,
who may own an account or be assigned an activity, duplicates) are the CRM services'; a
service's ``ApplicationError`` goes on the form next to the fields it names
(``add_crm_error``), its ``custom.<key>`` fields on the form's ``custom_<key>``."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import ActivityKind, CustomField, CustomFieldType, ImportJob, Lifecycle, Segment
from marketplace.core.exceptions import ApplicationError

from .onboarding_forms import country_choices

LIST_SPLIT = re.compile(r"[\n,;]+")
DATETIME_INPUT = "%Y-%m-%dT%H:%M"
LANGUAGE_CHOICES = [("", "—"), ("uk", "Українська"), ("ru", "Русский"), ("en", "English")]
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def custom_name(key: str) -> str:
    """The form field of a custom field's value."""
    return f"custom_{key}"


def field_name_of(name: str) -> str:
    """A service's field name as the form calls it (``custom.vip`` -> ``custom_vip``, the ids
    without their ``_id``)."""
    if name.startswith("custom."):
        return custom_name(name.removeprefix("custom."))
    return {"owner_id": "owner", "assignee_id": "assignee", "user_id": "user"}.get(name, name)


def add_crm_error(form: forms.Form, exc: ApplicationError) -> None:
    """A service's refusal on ``form``: each field's messages next to it, the message above
    the form unless a field already says it."""
    shown: set[str] = set()
    for name, messages in (exc.fields or {}).items():
        field = field_name_of(name)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
            shown.add(str(message))
    if exc.message not in shown:
        form.add_error(None, exc.message)


def split_list(text: str) -> list[str]:
    """Several values typed one a line, or separated by commas or semicolons."""
    return [part.strip() for part in LIST_SPLIT.split(text or "") if part.strip()]


# --- Custom fields ---------------------------------------------------------------------------


def _custom_form_field(definition: CustomField) -> forms.Field:
    label = definition.label
    if definition.type == CustomFieldType.CHOICE:
        return forms.ChoiceField(
            label=label,
            required=False,
            choices=[("", "—"), *((c, c) for c in definition.choices or [])],
        )
    if definition.type == CustomFieldType.BOOLEAN:
        return forms.ChoiceField(label=label, required=False, choices=YES_NO)
    if definition.type == CustomFieldType.DATE:
        return forms.CharField(
            label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
    if definition.type == CustomFieldType.NUMBER:
        return forms.CharField(
            label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
        )
    return forms.CharField(label=label, required=False, max_length=1000)


def custom_initial(definitions, values: dict) -> dict:
    """A row's custom values as the form shows them."""
    out = {}
    for definition in definitions:
        value = (values or {}).get(definition.key)
        if value is None:
            continue
        if definition.type == CustomFieldType.BOOLEAN:
            value = "yes" if value else "no"
        out[custom_name(definition.key)] = value
    return out


class CustomFieldsMixin:
    """Adds a field per custom field of the workspace; ``custom_values`` gives them as the
    services take them (an empty one removes the value)."""

    fields: dict
    cleaned_data: dict

    def add_custom_fields(self, definitions) -> None:
        self.custom_definitions = list(definitions)
        for definition in self.custom_definitions:
            self.fields[custom_name(definition.key)] = _custom_form_field(definition)

    def custom_values(self) -> dict:
        values: dict = {}
        for definition in self.custom_definitions:
            value = self.cleaned_data.get(custom_name(definition.key))
            if value in (None, ""):
                values[definition.key] = None
            elif definition.type == CustomFieldType.BOOLEAN:
                values[definition.key] = value == "yes"
            else:
                values[definition.key] = value
        return values

    def custom_bound_fields(self):
        return [self[custom_name(d.key)] for d in self.custom_definitions]  # type: ignore[index]


# --- Accounts --------------------------------------------------------------------------------


class AccountForm(CustomFieldsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    country = forms.ChoiceField(label=_("Country"), required=False)
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
        help_text=_("The tax number in Ukraine, INN in Russia, the VAT number in the EU"),
    )
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        help_text=_("With its country code, or as dialled in the account's country"),
    )
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    segment = forms.ChoiceField(label=_("Segment"), choices=Segment.choices)
    stage = forms.ChoiceField(label=_("Lifecycle stage"), choices=Lifecycle.choices)
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        help_text=_("Separated by commas; new ones are made"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    # Checked together as they are typed: a change to one re-checks them all.
    IDENTIFIER_FIELDS = ("country", "registration_number", "tax_id")

    def __init__(self, *args, owners=(), custom_fields=(), check_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose the country")), *country_choices()]
        self.fields["owner"].choices = [("", "—"), *((u.pk, _person(u)) for u in owners)]
        self.add_custom_fields(custom_fields)
        if check_url:
            for name in (*self.IDENTIFIER_FIELDS, "website", "email", "phone"):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-post": check_url,
                        "hx-trigger": "change, keyup changed delay:600ms",
                        # One check at a time, the newest next: each answer replaces every
                        # box it checks, and an older answer arriving last would undo a newer
                        # one. (Not "replace": htmx logs each request it aborts as an error.)
                        "hx-sync": "closest form:queue last",
                        "hx-swap": "none",
                        "hx-include": "closest form",
                        "aria-describedby": f"id_{name}-errors",
                    }
                )

    def service_fields(self) -> dict:
        """The fields as ``account_create`` takes them (``account_update``'s changes)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "country": data.get("country") or "",
            "registration_number": data.get("registration_number") or "",
            "tax_id": data.get("tax_id") or "",
            "website": data.get("website") or "",
            "email": data.get("email") or "",
            "phone": data.get("phone") or "",
            "address": data.get("address") or "",
            "city": data.get("city") or "",
            "owner_id": data.get("owner"),
            "segment": data.get("segment") or "",
            "stage": data.get("stage") or "",
            "tags": split_list(data.get("tags") or ""),
            "notes": data.get("notes") or "",
            "custom": self.custom_values(),
        }

    @staticmethod
    def initial_for(account, custom_fields) -> dict:
        return {
            "name": account.name,
            "country": account.country,
            "registration_number": account.registration_number,
            "tax_id": account.tax_id,
            "website": account.website,
            "email": account.email,
            "phone": account.phone,
            "address": account.address,
            "city": account.city,
            "owner": account.owner_id,
            "segment": account.segment,
            "stage": account.stage,
            "tags": ", ".join(t.name for t in account.tags.all()),
            "notes": account.notes,
            **custom_initial(custom_fields, account.custom),
        }


def _person(user) -> str:
    name = getattr(user, "full_name", "") or ""
    return f"{name} <{user.email}>" if name else user.email


class AccountFilterForm(forms.Form):
    """The account list's filters, as ``account_list`` takes them."""

    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    tag = forms.TypedChoiceField(label=_("Tag"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, owners=(), tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("Any stage")), *Lifecycle.choices]
        self.fields["segment"].choices = [("", _("Any segment")), *Segment.choices]
        self.fields["owner"].choices = [("", _("Anyone")), *((u.pk, _person(u)) for u in owners)]
        self.fields["tag"].choices = [("", _("Any tag")), *((t.pk, t.name) for t in tags)]
        self.fields["country"].choices = [("", _("Any country")), *country_choices()]

    def selector_filters(self) -> dict:
        """The filters for ``account_list`` (an invalid one is left out)."""
        self.is_valid()  # the invalid ones are not in cleaned_data: shown, not applied
        data = self.cleaned_data
        return {
            "q": data.get("q") or "",
            "stage": data.get("stage") or "",
            "segment": data.get("segment") or "",
            "owner_id": data.get("owner"),
            "tag_id": data.get("tag"),
            "country": data.get("country") or "",
        }


# --- Contacts --------------------------------------------------------------------------------


class ContactForm(CustomFieldsMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=120, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=120)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    emails = forms.CharField(
        label=_("E-mails"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line, or separated by commas"),
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line; without the country code, read in the account's country"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES)
    consent = forms.BooleanField(label=_("Consents to be contacted"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, custom_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_custom_fields(custom_fields)

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data.get("first_name") or "",
            "last_name": data["last_name"],
            "position": data.get("position") or "",
            "emails": split_list(data.get("emails") or ""),
            "phones": split_list(data.get("phones") or ""),
            "language": data.get("language") or "",
            "consent": bool(data.get("consent")),
            "notes": data.get("notes") or "",
            "custom": self.custom_values(),
        }

    @staticmethod
    def initial_for(contact, custom_fields) -> dict:
        return {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "position": contact.position,
            "emails": "\n".join(contact.emails or []),
            "phones": "\n".join(contact.phones or []),
            "language": contact.language,
            "consent": contact.consent,
            "notes": contact.notes,
            **custom_initial(custom_fields, contact.custom),
        }


# --- Activities ------------------------------------------------------------------------------


def _when(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )


class ActivityForm(forms.Form):
    """An activity on an account (the account comes from the page). Times in UTC."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    contact = forms.TypedChoiceField(
        label=_("Contact"), required=False, coerce=int, empty_value=None
    )
    opportunity = forms.TypedChoiceField(
        label=_("Opportunity"), required=False, coerce=int, empty_value=None
    )
    due_at = _when(_("Due (UTC)"))
    starts_at = _when(_("Starts (UTC)"))
    ends_at = _when(_("Ends (UTC)"))
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), required=False, coerce=int, empty_value=None
    )
    remind_at = _when(_("Remind me at (UTC)"))
    done = forms.BooleanField(label=_("Done"), required=False)

    def __init__(self, *args, contacts=(), opportunities=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].choices = [("", "—"), *((c.pk, str(c)) for c in contacts)]
        self.fields["opportunity"].choices = [
            ("", "—"),
            *((o.pk, o.title) for o in opportunities),
        ]
        self.fields["assignee"].choices = [
            ("", _("Nobody")),
            *((u.pk, _person(u)) for u in members),
        ]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "subject": data["subject"],
            "body": data.get("body") or "",
            "contact_id": data.get("contact"),
            "opportunity_id": data.get("opportunity"),
            "due_at": data.get("due_at"),
            "starts_at": data.get("starts_at"),
            "ends_at": data.get("ends_at"),
            "location": data.get("location") or "",
            "assignee_id": data.get("assignee"),
            "remind_at": data.get("remind_at"),
            "done": bool(data.get("done")),
        }

    @staticmethod
    def initial_for(activity) -> dict:
        return {
            "kind": activity.kind,
            "subject": activity.subject,
            "body": activity.body,
            "contact": activity.contact_id,
            "opportunity": activity.opportunity_id,
            "due_at": activity.due_at,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "location": activity.location,
            "assignee": activity.assignee_id,
            "remind_at": activity.remind_at,
            "done": activity.done_at is not None,
        }


# --- Imports ---------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
    entity = forms.ChoiceField(label=_("What the file holds"), choices=ImportJob.Entity.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1251) or XLSX, up to 20 MB and 50,000 rows"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )

    def mapping(self, data) -> dict[str, str]:
        """The columns' mapping the page's column step posted (``column_<n>`` names the file's
        column, ``field_<n>`` the field it fills): empty when the step was not shown, and the
        import recognises the columns by their names."""
        mapping: dict[str, str] = {}
        for key in data:
            if not key.startswith("column_"):
                continue
            index = key.removeprefix("column_")
            column = (data.get(key) or "").strip()
            if column and f"field_{index}" in data:
                mapping[column] = (data.get(f"field_{index}") or "").strip()
        return mapping
