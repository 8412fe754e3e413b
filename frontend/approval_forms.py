"""The forms of the approval policy pages. They only parse; ``approval_rules`` checks, and its
refusals go next to the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from auctions.approval_models import ApprovalDecisionKind, ApprovalMode
from marketplace.categories.models import Category
from marketplace.core.models import CURRENCIES

APPROVER_SLOTS = 5


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    mode = forms.ChoiceField(label=_("The approvers decide"), choices=ApprovalMode.choices)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    categories = forms.CharField(
        label=_("Categories (codes, separated by commas)"),
        required=False,
        help_text=_("A tender in one of these categories, or under one, needs the approval."),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in CURRENCIES:
            self.fields[f"threshold_{code}"] = forms.DecimalField(
                label=_("Above, in %(currency)s") % {"currency": code},
                help_text=label,
                required=False,
                min_value=0,
                max_digits=18,
                decimal_places=2,
            )
        choices = [("", "—"), *[(p.pk, str(p)) for p in people]]
        for slot in range(1, APPROVER_SLOTS + 1):
            self.fields[f"approver_{slot}"] = forms.TypedChoiceField(
                label=_("Approver %(n)s") % {"n": slot},
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def threshold_fields(self):
        return [self[f"threshold_{code}"] for code, _label in CURRENCIES]

    def approver_fields(self):
        return [self[f"approver_{slot}"] for slot in range(1, APPROVER_SLOTS + 1)]

    def clean_categories(self) -> list[int]:
        codes = [c.strip() for c in self.cleaned_data["categories"].split(",") if c.strip()]
        found = dict(Category.objects.filter(code__in=codes).values_list("code", "pk"))
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("No such category: %(codes)s.") % {"codes": ", ".join(missing)}
            )
        return [found[c] for c in codes]

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "mode": data["mode"],
            "active": data["active"],
            "category_ids": data["categories"],
            "thresholds": {
                code: data[f"threshold_{code}"]
                for code, _label in CURRENCIES
                if data.get(f"threshold_{code}") is not None
            },
            "approver_ids": [
                data[f"approver_{slot}"]
                for slot in range(1, APPROVER_SLOTS + 1)
                if data.get(f"approver_{slot}")
            ],
        }

    @staticmethod
    def initial_of(rule) -> dict:
        initial = {
            "name": rule.name,
            "mode": rule.mode,
            "active": rule.active,
            "categories": ", ".join(c.code for c in rule.categories.all()),
        }
        for t in rule.thresholds.all():
            initial[f"threshold_{t.currency}"] = t.amount
        for slot, approver in enumerate(rule.approvers.all(), start=1):
            initial[f"approver_{slot}"] = approver.user_id
        return initial


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=ApprovalDecisionKind.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AskForm(forms.Form):
    note = forms.CharField(
        label=_("A note for the approvers"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
