"""Notification pages: my notifications (marking them read), how I am told of each kind, and my
companies' tender subscriptions (saved searches told of each new matching tender).

Thin views over ``notifications.services`` and ``notifications.subscriptions``: a Django form
parses the input, the services decide; an ``ApplicationError`` is shown next to the fields it
names, the form keeping what was typed, and nothing is written. The bell in the top bar (every
page) is ``base.html`` with ``static/frontend/notifications.js``."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.categories.selectors import category_list
from marketplace.companies.selectors import companies_of_user
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.models import CURRENCIES
from marketplace.platforms.selectors import platform_list_visible, platforms_where_company_trades
from notifications import kinds
from notifications import selectors as notification_selectors
from notifications.models import Channel, Kind, Mode
from notifications.services import notifications_mark_read, preference_set, preferences_of
from notifications.subscriptions import (
    subscription_companies,
    subscription_create,
    subscription_delete,
    subscription_get,
    subscription_list,
    subscription_update,
)

from .onboarding_forms import add_service_error

PER_PAGE = 20
MAX_ID = 2**63 - 1  # a bigger id in the URL is nobody's (and would overflow the query)


# --- The list ----------------------------------------------------------------------------------


@login_required
def notification_list(request):
    """My notifications, newest first, a page at a time; the unread ones marked."""
    page = Paginator(
        notification_selectors.notification_list(user=request.user), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/notifications/list.html",
        {"page": page, "notifications": page.object_list},
    )


def _back_to_list(request):
    """Back to the page of the list the button was on."""
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        return redirect(f"{reverse('frontend:notifications')}?page={page}")
    return redirect("frontend:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    """Mark every notification of mine read ("Mark all read")."""
    changed = notifications_mark_read(user=request.user)
    if changed:
        messages.success(request, _("All notifications are marked read."))
    return _back_to_list(request)


@login_required
@require_POST
def notification_read(request, notification_id: int):
    """Mark one notification of mine read; another person's answers 404 and changes nothing.
    From htmx the answer is the notification's item, redrawn, with the bell's new count."""
    if notification_id > MAX_ID:
        raise Http404(_("No such notification."))
    try:
        notifications_mark_read(user=request.user, ids=[notification_id])
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    if request.htmx:
        notification = (
            notification_selectors.notification_list(user=request.user)
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:  # read but not listed in the app: nothing to redraw
            raise Http404(_("No such notification."))
        return render(
            request,
            "frontend/notifications/_item.html",
            {"n": notification, "oob_bell": True},
        )
    return _back_to_list(request)


# --- How I am told -----------------------------------------------------------------------------


def _preference_rows(user, posted=None) -> list[dict]:
    """One row per kind: its label and, per channel, the choices and the value shown (the
    posted one when the form is shown again with an error)."""
    rows = []
    for kind, label in Kind.choices:
        current = preferences_of(users=[user], kind=kind)
        channels = []
        for channel in (Channel.IN_APP, Channel.EMAIL):
            name = f"{kind}__{channel}"
            value = current[(user.pk, channel)]
            if posted is not None and posted.get(name):
                value = posted[name]
            channels.append(
                {
                    "name": name,
                    "channel": channel,
                    "current": current[(user.pk, channel)],
                    "value": value,
                    "label": Channel(channel).label,
                    "choices": [(mode, Mode(mode).label) for mode in kinds.CHANNEL_MODES[channel]],
                }
            )
        rows.append({"kind": kind, "label": label, "channels": channels})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Per kind, whether to be told in the app (at once, or not) and by e-mail (at once, in a
    daily digest, or not): each changed value through ``preference_set``, all or nothing."""
    if request.method == "GET":
        rows = _preference_rows(request.user)
        return render(request, "frontend/notifications/settings.html", {"rows": rows})
    changes = []
    for row in _preference_rows(request.user):
        for cell in row["channels"]:
            value = request.POST.get(cell["name"])
            if value and value != cell["current"]:
                changes.append((row["kind"], cell["channel"], value))
    try:
        with transaction.atomic():
            for kind, channel, mode in changes:
                preference_set(user=request.user, kind=kind, channel=channel, mode=mode)
    except ApplicationError as exc:
        rows = _preference_rows(request.user, posted=request.POST)
        return render(
            request,
            "frontend/notifications/settings.html",
            {"rows": rows, "error": exc.message},
            status=exc.status_code,
        )
    if changes:
        messages.success(request, _("Your notification settings are saved."))
    else:
        messages.info(request, _("Nothing was changed."))
    return redirect("frontend:notification-settings")


# --- Tender subscriptions ----------------------------------------------------------------------

SPLIT = re.compile(r"[\s,;]+")


def _codes(text: str) -> list[str]:
    return [code for code in SPLIT.split(text or "") if code]


class SubscriptionForm(forms.Form):
    """A subscription's fields as typed; categories by their codes, regions as ISO codes."""

    company = forms.TypedChoiceField(label=gettext_lazy("Company"), coerce=int)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    categories = forms.CharField(
        label=gettext_lazy("Category codes"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy(
            "CPV codes separated by commas, e.g. 09100000, 44000000; each takes in the "
            "categories below it. Leave empty for any category."
        ),
    )
    regions = forms.CharField(
        label=gettext_lazy("Regions"),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "ISO 3166 codes separated by commas: a country (UA) or a region (UA-30). Leave "
            "empty for anywhere."
        ),
    )
    keywords = forms.CharField(
        label=gettext_lazy("Keywords"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Words to find in the tender's title or description."),
    )
    budget_min = forms.DecimalField(
        label=gettext_lazy("Budget from"), required=False, max_digits=18, decimal_places=2
    )
    budget_max = forms.DecimalField(
        label=gettext_lazy("Budget to"), required=False, max_digits=18, decimal_places=2
    )
    currency = forms.ChoiceField(label=gettext_lazy("Currency of the budget"), required=False)
    platforms = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Platforms"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: any platform."),
    )
    active = forms.BooleanField(
        label=gettext_lazy("Active (tell us of new tenders)"), required=False
    )

    def __init__(self, *args, companies=(), platforms=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.companies = list(companies)
        self.fields["company"].choices = [(c.pk, c.legal_name) for c in self.companies]
        if editing or len(self.companies) <= 1:
            # A subscription stays with its company; with one company there is nothing to pick.
            del self.fields["company"]
        if not editing:
            del self.fields["active"]
        self.fields["currency"].choices = [("", "—"), *CURRENCIES]
        self.fields["platforms"].choices = [(p.pk, p.name) for p in platforms]

    def clean_categories(self) -> list[int]:
        codes = _codes(self.cleaned_data.get("categories", ""))
        found = dict(category_list().filter(code__in=codes).values_list("code", "pk"))
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("No such category codes: %(codes)s.") % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in dict.fromkeys(codes)]

    def clean_regions(self) -> list[str]:
        return list(dict.fromkeys(_codes(self.cleaned_data.get("regions", ""))))

    def service_fields(self) -> dict:
        """The cleaned data as ``subscription_create``/``subscription_update`` take it."""
        data = dict(self.cleaned_data)
        data.pop("company", None)
        for field in ("budget_min", "budget_max"):
            if isinstance(data.get(field), Decimal):
                data[field] = data[field].quantize(Decimal("0.01"))
        return data

    def company_id(self) -> int | None:
        if "company" in self.fields:
            return self.cleaned_data.get("company")
        return self.companies[0].pk if self.companies else None

    @staticmethod
    def initial_for(subscription) -> dict:
        return {
            "name": subscription.name,
            "categories": ", ".join(c.code for c in subscription.categories.all()),
            "regions": ", ".join(subscription.regions or []),
            "keywords": subscription.keywords,
            "budget_min": subscription.budget_min,
            "budget_max": subscription.budget_max,
            "currency": subscription.currency,
            "platforms": [p.pk for p in subscription.platforms.all()],
            "active": subscription.active,
        }


def _keeper_companies(user) -> list:
    ids = subscription_companies(user=user)
    if not ids:
        return []
    return list(companies_of_user(user=user).filter(pk__in=ids).order_by("legal_name", "pk"))


def _platform_choices(user, companies, keep=()) -> list:
    """Where my companies trade (all the active platforms I see if nowhere yet), and any the
    subscription already names."""
    ids: set[int] = set()
    for company in companies:
        ids |= set(platforms_where_company_trades(company=company).values_list("pk", flat=True))
    keep_ids = {p.pk for p in keep}
    visible = platform_list_visible(user=user)
    if ids:
        chosen = visible.filter(pk__in=ids | keep_ids)
    else:
        chosen = visible.filter(Q(is_active=True) | Q(pk__in=keep_ids))
    return list(chosen.order_by("name", "pk"))


def _subscriptions_page(request, *, form=None, status: int = 200):
    companies = _keeper_companies(request.user)
    if form is None and companies:
        form = SubscriptionForm(
            companies=companies, platforms=_platform_choices(request.user, companies)
        )
    return render(
        request,
        "frontend/notifications/subscriptions.html",
        {
            "companies": companies,
            "form": form,
            "subscriptions": subscription_list(user=request.user).order_by(
                "company__legal_name", "name", "pk"
            ),
            "many_companies": len(companies) > 1,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription_list_page(request):
    """My companies' tender subscriptions, and a form to add one (bidders and company admins
    of supplier companies keep them)."""
    if request.method == "GET":
        return _subscriptions_page(request)
    companies = _keeper_companies(request.user)
    if not companies:
        return _subscriptions_page(request, status=403)
    form = SubscriptionForm(
        request.POST, companies=companies, platforms=_platform_choices(request.user, companies)
    )
    if form.is_valid():
        try:
            created = subscription_create(
                actor=request.user, company_id=form.company_id(), **form.service_fields()
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
            return _subscriptions_page(request, form=form, status=exc.status_code)
        messages.success(
            request, _("The subscription “%(name)s” is saved.") % {"name": created.name}
        )
        return redirect("frontend:subscriptions")
    return _subscriptions_page(request, form=form, status=400)


def _subscription(request, subscription_id: int):
    if subscription_id > MAX_ID:
        raise Http404(_("No such subscription."))
    try:
        return subscription_get(user=request.user, subscription_id=subscription_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def subscription_edit_page(request, subscription_id: int):
    """Change one of my companies' subscriptions (all its fields at once)."""
    subscription = _subscription(request, subscription_id)
    companies = [subscription.company]
    platforms = _platform_choices(request.user, companies, keep=subscription.platforms.all())
    context = {"subscription": subscription}
    if request.method == "GET":
        form = SubscriptionForm(
            initial=SubscriptionForm.initial_for(subscription),
            companies=companies,
            platforms=platforms,
            editing=True,
        )
        return render(
            request, "frontend/notifications/subscription_edit.html", {**context, "form": form}
        )
    form = SubscriptionForm(request.POST, companies=companies, platforms=platforms, editing=True)
    status = 400
    if form.is_valid():
        try:
            subscription_update(
                actor=request.user, subscription_id=subscription.pk, **form.service_fields()
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The subscription is saved."))
            return redirect("frontend:subscriptions")
    return render(
        request,
        "frontend/notifications/subscription_edit.html",
        {**context, "form": form},
        status=status,
    )


@login_required
@require_POST
def subscription_active_page(request, subscription_id: int):
    """Pause a subscription (``active=0``) or resume it (``active=1``)."""
    subscription = _subscription(request, subscription_id)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        return HttpResponseBadRequest(_("Say active=1 or active=0."))
    try:
        subscription_update(
            actor=request.user, subscription_id=subscription.pk, active=active == "1"
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if active == "1":
            messages.success(request, _("“%(name)s” is on again.") % {"name": subscription.name})
        else:
            messages.success(request, _("“%(name)s” is paused.") % {"name": subscription.name})
    return redirect("frontend:subscriptions")


@login_required
@require_POST
def subscription_delete_page(request, subscription_id: int):
    subscription = _subscription(request, subscription_id)
    try:
        subscription_delete(actor=request.user, subscription_id=subscription.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The subscription “%(name)s” is deleted.") % {"name": subscription.name}
        )
    return redirect("frontend:subscriptions")
