"""The service desk's page forms: a case opened by staff or by the customer, a reply or note,
the case's settings (priority, queue, assignee), its status, and the survey."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.models import CaseKind, CaseStatus, Priority


class CaseForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("What is it about?"), widget=forms.Textarea(attrs={"rows": 6}))
    kind = forms.ChoiceField(label=_("Kind"), choices=CaseKind.choices, initial=CaseKind.REQUEST)
    order = forms.IntegerField(
        label=_("Order number (id)"),
        required=False,
        min_value=1,
        help_text=_("For a dispute about an order or a delivery"),
    )


class StaffCaseForm(CaseForm):
    account = forms.TypedChoiceField(label=_("Account"), coerce=int, choices=())
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(a.pk, a.name) for a in accounts]


class CustomerCaseForm(CaseForm):
    workspace = forms.TypedChoiceField(label=_("Company"), coerce=int, choices=())

    def __init__(self, *args, desks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workspace"].choices = [(ws.pk, ws.legal_name) for ws, _a in desks]
        self.order_fields(["workspace", "subject", "body", "kind", "order"])


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}))
    internal = forms.BooleanField(
        label=_("Internal note (the customer never sees it)"), required=False
    )
    status = forms.ChoiceField(
        label=_("Then set the status to"),
        required=False,
        choices=[("", _("(as it is)")), *CaseStatus.choices],
    )


class CaseUpdateForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    queue = forms.TypedChoiceField(label=_("Queue"), coerce=int, choices=())
    assignee = forms.TypedChoiceField(
        label=_("Assigned to"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args, queues=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [(q.pk, q.name) for q in queues]
        self.fields["assignee"].choices = [("", _("(nobody)"))] + [(p.pk, p.email) for p in people]


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}))


class SurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did we do? (5 is best)"),
        coerce=int,
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
