"""Forms of the CRM's pipeline, leads, analytics and documents pages: they parse what was typed
and nothing more. The rules (who may, which stage needs a reason, what a lead may become, a
period's overlap, a template that does not compile) are the services'; their refusals come
back on the form through ``onboarding_forms.add_service_error``."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.analytics import AUCTION_GROUPS, SAVINGS_GROUPS, WIN_RATE_GROUPS
from crm.forecast import PIPELINE_GROUPS
from crm.models import (
    CustomFieldType,
    LeadStatus,
    LostReason,
    OpportunityStatus,
    PipelineKind,
    StageKind,
    TemplateKind,
)
from crm.pipeline_leads import LEAD_FORM_MAX_DAYS
from crm.pipeline_selectors import OpportunityFilters
from crm.pipelines import AUTO_PURCHASE, AUTO_SALES
from marketplace.core.models import CURRENCIES, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from marketplace.users.models import LANGUAGE_CHOICES

MAX_ID = 2**63 - 1  # a bigger id is nobody's (and would overflow the query)
ANY = [("", _("Any"))]
NONE = [("", "—")]


def id_field(label, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_ID, **kwargs)


def money_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        min_value=0,
        **kwargs,
    )


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}), **kwargs
    )


def person_choices(people) -> list[tuple[int, str]]:
    return [(p.pk, p.full_name or p.email) for p in people]


def stage_choices(pipelines) -> list[tuple[str, list[tuple[int, str]]]]:
    """Stages grouped by pipeline, for a select's optgroups."""
    return [(p.name, [(s.pk, s.name) for s in p.stages.all()]) for p in pipelines]


class IdSelect(forms.IntegerField):
    """A select of rows too many to list whole (accounts, contacts): the page lists some, and
    any id is taken; the service says "No such account." of one that is not the workspace's."""

    widget = forms.Select

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)

    def set_options(self, rows, label=str) -> None:
        self.widget.choices = NONE + [(r.pk, label(r)) for r in rows]


class ChoiceIds(forms.TypedChoiceField):
    """A select of ids: the value is an int, or None when left empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)


# --- Opportunities -------------------------------------------------------------------------------


class OpportunityFilterForm(forms.Form):
    """The list's and the board's filters (``crm.pipeline_selectors.OpportunityFilters``)."""

    q = forms.CharField(label=_("Title or account"), required=False, max_length=200)
    pipeline = ChoiceIds(label=_("Pipeline"))
    stage = ChoiceIds(label=_("Stage"))
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ANY + list(OpportunityStatus.choices)
    )
    owner = ChoiceIds(label=_("Owner"))
    account = id_field(_("Account"), widget=forms.HiddenInput)
    lot = id_field(_("Lot"), widget=forms.HiddenInput)
    tender = id_field(_("Tender"), widget=forms.HiddenInput)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=ANY + CURRENCIES)
    expected_close_from = date_field(_("Expected close from"))
    expected_close_to = date_field(_("Expected close to"))
    amount_min = money_field(_("Amount from"))
    amount_max = money_field(_("Amount to"))

    def __init__(self, *args, pipelines=(), people=(), board: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pipeline"].choices = ANY + [(p.pk, p.name) for p in pipelines]
        self.fields["stage"].choices = ANY + stage_choices(pipelines)
        self.fields["owner"].choices = ANY + person_choices(people)
        if board:  # the board is one pipeline, a column per stage
            del self.fields["pipeline"], self.fields["stage"]

    def filters(self, **fixed) -> OpportunityFilters:
        """The valid filters (an invalid one is shown with its error and narrows nothing)."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        values = {k: v for k, v in data.items() if v not in (None, "")}
        return OpportunityFilters(**{**values, **fixed})


def custom_form_fields(definitions) -> dict[str, forms.Field]:
    """A form field per custom field of opportunities (``custom__<key>``), typed loosely: the
    service checks each value against its field's type."""
    out: dict[str, forms.Field] = {}
    for d in definitions:
        name = f"custom__{d.key}"
        if d.type == CustomFieldType.CHOICE:
            choices = NONE + [(c, c) for c in d.choices or []]
            out[name] = forms.ChoiceField(label=d.label, required=False, choices=choices)
        elif d.type == CustomFieldType.BOOLEAN:
            choices = [*NONE, ("yes", _("Yes")), ("no", _("No"))]
            out[name] = forms.ChoiceField(label=d.label, required=False, choices=choices)
        elif d.type == CustomFieldType.DATE:
            widget = forms.DateInput(attrs={"type": "date"})
            out[name] = forms.CharField(label=d.label, required=False, widget=widget)
        else:
            out[name] = forms.CharField(label=d.label, required=False, max_length=1000)
    return out


class OpportunityForm(forms.Form):
    """A new opportunity, or an opportunity's values (its stage changes by a move)."""

    account = IdSelect(label=_("Account"), required=True)
    title = forms.CharField(label=_("Title"), max_length=300)
    pipeline = ChoiceIds(label=_("Pipeline"), help_text=_("Empty: the default sales pipeline."))
    stage = ChoiceIds(label=_("Stage"), help_text=_("Empty: the pipeline's first open stage."))
    amount = money_field(_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="UAH")
    probability = forms.IntegerField(
        label=_("Probability, %"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Empty: the stage's."),
    )
    expected_close = date_field(_("Expected close"))
    owner = ChoiceIds(label=_("Owner"))
    competitors = forms.CharField(
        label=_("Competitors"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One name a line."),
    )
    lot = id_field(_("Lot number (id)"), help_text=_("A lot your company applied to: a sale."))
    tender = id_field(_("Tender number (id)"), help_text=_("One of your tenders: a purchase."))

    def __init__(self, *args, accounts=(), pipelines=(), people=(), custom=(), edit=False, **kw):
        super().__init__(*args, **kw)
        self.fields["account"].set_options(accounts, lambda a: a.name)
        self.fields["pipeline"].choices = NONE + [(p.pk, p.name) for p in pipelines]
        self.fields["stage"].choices = NONE + stage_choices(pipelines)
        self.fields["owner"].choices = NONE + person_choices(people)
        self.custom_names = []
        for name, field in custom_form_fields(custom).items():
            self.fields[name] = field
            self.custom_names.append(name)
        if edit:
            del self.fields["pipeline"], self.fields["stage"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        custom = {n.removeprefix("custom__"): data.pop(n) for n in self.custom_names}
        out = {
            "account_id": data.pop("account"),
            "owner_id": data.pop("owner"),
            "lot_id": data.pop("lot"),
            "tender_id": data.pop("tender"),
            "competitors": [c for c in data.pop("competitors").splitlines() if c.strip()],
        }
        if "pipeline" in data:
            out["pipeline_id"], out["stage_id"] = data.pop("pipeline"), data.pop("stage")
        if custom:
            out["custom"] = custom
        return {**data, **out}


class MoveForm(forms.Form):
    """A move to a stage: after or before a card of it (else the bottom); a lost stage needs
    a reason, a won one may say the amount won."""

    stage = forms.TypedChoiceField(label=_("Move to"), coerce=int)
    after = id_field(_("After card"), widget=forms.HiddenInput)
    before = id_field(_("Before card"), widget=forms.HiddenInput)
    lost_reason = forms.ChoiceField(
        label=_("Why it was lost"), required=False, choices=NONE + list(LostReason.choices)
    )
    lost_note = forms.CharField(label=_("Note"), required=False, max_length=500)
    won_amount = money_field(_("Amount won"), help_text=_("Empty: the opportunity's amount."))

    def __init__(self, *args, stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, s.name) for s in stages]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        out = {"stage_id": data.pop("stage")}
        return out | {k: v for k, v in data.items() if v not in (None, "")}


# --- Pipelines, stages, targets ------------------------------------------------------------------


class PipelineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PipelineKind.choices)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)


# The auction moments (``crm.pipelines.AUTO_SALES``, ``AUTO_PURCHASE``) in words.
AUTO_LABELS = {
    "applied": _("our company applies to the lot"),
    "admitted": _("it is admitted"),
    "bid": _("it bids"),
    "won": _("it wins the lot"),
    "lost": _("it loses the lot"),
    "published": _("the tender is published"),
    "auction": _("the auction starts"),
    "awarded": _("the tender is awarded"),
    "cancelled": _("the tender is cancelled"),
}


class StageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    probability = forms.IntegerField(label=_("Probability, %"), min_value=0, max_value=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StageKind.choices, initial=StageKind.OPEN)
    auto = forms.ChoiceField(
        label=_("Moved here by the auction when"),
        required=False,
        help_text=_("Auction-linked opportunities come here by themselves at this moment."),
    )

    def __init__(self, *args, pipeline_kind: str = PipelineKind.SALES, **kwargs):
        super().__init__(*args, **kwargs)
        moments = AUTO_PURCHASE if pipeline_kind == PipelineKind.PURCHASE else AUTO_SALES
        self.fields["auto"].choices = NONE + [(m, AUTO_LABELS.get(m, m)) for m in moments]


class TargetForm(forms.Form):
    owner = ChoiceIds(label=_("Whose"), help_text=_("Empty: the whole workspace's."))
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = money_field(_("Target"))
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="UAH")

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Whole workspace")), *person_choices(people)]
        self.fields["amount"].required = True

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {"owner_id": data.pop("owner"), **data}


# --- Leads ---------------------------------------------------------------------------------------


class LeadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    company_name = forms.CharField(label=_("Company"), required=False, max_length=300)
    person_name = forms.CharField(label=_("Person"), required=False, max_length=200)
    email = forms.CharField(label=_("E-mail"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    owner = ChoiceIds(label=_("Owner"))
    account = IdSelect(label=_("Account"), help_text=_("When it is a counterparty you keep."))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, people=(), accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = NONE + person_choices(people)
        self.fields["account"].set_options(accounts, lambda a: a.name)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {"owner_id": data.pop("owner"), "account_id": data.pop("account"), **data}


class LeadFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=ANY + list(LeadStatus.choices))
    q = forms.CharField(label=_("Search"), required=False, max_length=200)


class DisqualifyForm(forms.Form):
    reason = forms.CharField(label=_("Why"), max_length=300)


class ConvertForm(forms.Form):
    account = IdSelect(
        label=_("Account"),
        help_text=_("Empty: the lead's account, else one made from the company it names."),
    )
    pipeline = ChoiceIds(label=_("Pipeline"))
    stage = ChoiceIds(label=_("Stage"))
    title = forms.CharField(label=_("Title"), required=False, max_length=300)
    amount = money_field(_("Amount"))
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=NONE + CURRENCIES)
    expected_close = date_field(_("Expected close"))
    owner = ChoiceIds(label=_("Owner"))

    def __init__(self, *args, accounts=(), pipelines=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].set_options(accounts, lambda a: a.name)
        self.fields["pipeline"].choices = NONE + [(p.pk, p.name) for p in pipelines]
        self.fields["stage"].choices = NONE + stage_choices(pipelines)
        self.fields["owner"].choices = NONE + person_choices(people)

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {
            (f"{k}_id" if k in ("account", "pipeline", "stage", "owner") else k): v
            for k, v in data.items()
        }


class FormTokenForm(forms.Form):
    days = forms.IntegerField(
        label=_("Valid for, days"), min_value=1, max_value=LEAD_FORM_MAX_DAYS, initial=365
    )


# --- Analytics -----------------------------------------------------------------------------------

REPORT_GROUPS = {
    "pipeline": PIPELINE_GROUPS,
    "plan-fact": (),
    "win-rate": WIN_RATE_GROUPS,
    "auctions": AUCTION_GROUPS,
    "savings": SAVINGS_GROUPS,
}
GROUP_LABELS = {
    "month": _("Month"),
    "owner": _("Owner"),
    "stage": _("Stage"),
    "pipeline": _("Pipeline"),
    "total": _("Total"),
    "category": _("Category"),
    "supplier": _("Supplier"),
}


class AnalyticsForm(forms.Form):
    date_from = date_field(_("From"))
    date_to = date_field(_("To"))
    group = forms.ChoiceField(label=pgettext_lazy("analytics group by", "By"), required=False)
    pipeline = ChoiceIds(label=_("Pipeline"))
    owner = ChoiceIds(label=_("Owner"))

    def __init__(self, *args, report: str, pipelines=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups = REPORT_GROUPS[report]
        if groups:
            self.fields["group"].choices = [(g, GROUP_LABELS[g]) for g in groups]
        else:
            del self.fields["group"]
        if report == "pipeline":
            self.fields["pipeline"].choices = ANY + [(p.pk, p.name) for p in pipelines]
        else:
            del self.fields["pipeline"]
        if report == "plan-fact":
            self.fields["owner"].choices = ANY + person_choices(people)
        else:
            del self.fields["owner"]

    def clean(self):
        data = super().clean()
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The period ends before it starts."))
        return data


# --- Documents -----------------------------------------------------------------------------------


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TemplateKind.choices)
    language = forms.ChoiceField(
        label=_("Language of dates and amounts"), choices=LANGUAGE_CHOICES, initial="uk"
    )
    body = forms.CharField(
        label=_("Text (HTML with placeholders)"),
        required=False,
        max_length=200_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
    )
    docx = forms.FileField(label=_("Word template (.docx)"), required=False)


class TemplateChangeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    language = forms.ChoiceField(label=_("Language of dates and amounts"), choices=LANGUAGE_CHOICES)


class VersionForm(forms.Form):
    body = TemplateForm.base_fields["body"]
    docx = forms.FileField(label=_("New Word template (.docx)"), required=False)
    keep_docx = forms.BooleanField(
        label=_("Keep the last version's Word template when no new one is uploaded"),
        required=False,
        initial=True,
    )


class DocumentForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Template"), coerce=int)
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("pdf", "PDF"), ("docx", "DOCX")], initial="pdf"
    )
    account = IdSelect(label=_("Account"))
    contact = IdSelect(label=_("Contact"))
    opportunity = IdSelect(label=_("Opportunity"))
    deal = id_field(_("Deal number (id)"))

    def __init__(self, *args, templates=(), accounts=(), contacts=(), opportunities=(), **kw):
        super().__init__(*args, **kw)
        self.fields["template"].choices = [
            (t.pk, f"{t.name} ({t.get_kind_display()})") for t in templates
        ]
        self.fields["account"].set_options(accounts, lambda a: a.name)
        self.fields["contact"].set_options(contacts)
        self.fields["opportunity"].set_options(opportunities, lambda o: o.title)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        ids = {f"{k}_id": data.pop(k) for k in ("template", "account", "contact", "opportunity")}
        return {**ids, "deal_id": data.pop("deal"), **data}
