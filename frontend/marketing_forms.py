"""The forms of the marketing pages. They only parse (a segment's form into the filter's JSON);
``marketing.services`` and ``marketing.filters`` check, and their refusals go next to the
fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Lifecycle, Tag
from crm.models import Segment as AccountSegment
from marketing.filters import DAYS_MAX
from marketing.models import Channel
from marketplace.categories.models import Category
from marketplace.standings.models import Band

CHECKBOXES = forms.CheckboxSelectMultiple


def _codes(text: str) -> list[str]:
    return [c.strip() for c in (text or "").replace(";", ",").split(",") if c.strip()]


class SegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    stages = forms.MultipleChoiceField(
        label=_("Lifecycle stage"), choices=Lifecycle.choices, required=False, widget=CHECKBOXES
    )
    segments = forms.MultipleChoiceField(
        label=_("Kind of account"),
        choices=AccountSegment.choices,
        required=False,
        widget=CHECKBOXES,
    )
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"), queryset=Tag.objects.none(), required=False, widget=CHECKBOXES
    )
    categories = forms.CharField(
        label=_("Categories supplied (codes)"),
        required=False,
        help_text=_("Classification codes, separated by commas; a code includes those under it."),
    )
    countries = forms.CharField(
        label=_("Countries"), required=False, help_text=_("ISO codes separated by commas: UA, PL")
    )
    regions = forms.CharField(
        label=_("Regions served"), required=False, help_text=_("ISO codes: UA, UA-30")
    )
    rating_bands = forms.MultipleChoiceField(
        label=_("Supplier standing"), choices=Band.choices, required=False, widget=CHECKBOXES
    )
    active_within_days = forms.IntegerField(
        label=_("Activity within the last N days"),
        min_value=1,
        max_value=DAYS_MAX,
        required=False,
    )
    inactive_for_days = forms.IntegerField(
        label=_("No activity for N days"), min_value=1, max_value=DAYS_MAX, required=False
    )
    languages = forms.CharField(
        label=_("Contact's language"), required=False, help_text=_("Codes: uk, ru, en")
    )

    def __init__(self, *args, workspace_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.filter(workspace_id=workspace_id)

    @classmethod
    def initial_from(cls, *, name: str, filters: dict) -> dict:
        codes = Category.objects.filter(pk__in=filters.get("categories") or []).values_list(
            "code", flat=True
        )
        initial = {
            key: filters.get(key) or [] for key in ("stages", "segments", "tags", "rating_bands")
        }
        initial.update(
            name=name,
            categories=", ".join(codes),
            countries=", ".join(filters.get("countries") or []),
            regions=", ".join(filters.get("regions") or []),
            languages=", ".join(filters.get("languages") or []),
            active_within_days=filters.get("active_within_days"),
            inactive_for_days=filters.get("inactive_for_days"),
        )
        return initial

    def filters(self) -> dict:
        """The filter's JSON (checked by the service); unknown category codes are kept as
        missing ids so the service names them."""
        data = self.cleaned_data
        out: dict = {
            "stages": data.get("stages") or [],
            "segments": data.get("segments") or [],
            "tags": [t.pk for t in data.get("tags") or []],
            "rating_bands": data.get("rating_bands") or [],
            "countries": _codes(data.get("countries", "")),
            "regions": _codes(data.get("regions", "")),
            "languages": _codes(data.get("languages", "")),
        }
        codes = _codes(data.get("categories", ""))
        if codes:
            found = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
            missing = [c for c in codes if c not in found]
            if missing:
                self.add_error(
                    "categories",
                    _("No such category codes: %(codes)s.") % {"codes": ", ".join(missing)},
                )
            out["categories"] = list(found.values())
        for key in ("active_within_days", "inactive_for_days"):
            if data.get(key):
                out[key] = data[key]
        return {k: v for k, v in out.items() if v not in ([], None)}


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    segment = forms.TypedChoiceField(label=_("Segment"), coerce=int)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    subject = forms.CharField(
        label=_("Subject"), max_length=300, required=False, help_text=_("E-mail only")
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "HTML with the placeholders of the CRM's letters: {{ contact.first_name }}, "
            "{{ account.name }}, {{ workspace.name }}... An unsubscribe link is added to every "
            "message."
        ),
    )

    def __init__(self, *args, segments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [(s.pk, s.name) for s in segments]
