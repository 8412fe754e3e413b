"""The CRM's activity pages: my activities (today, overdue, upcoming, done) or an account's, logging
one (inline on the account page with htmx, or on a page of its own), changing it, marking it
done, deleting it, a meeting's invitation (.ics); and my private calendar feed (make it, see its
address once, rotate it, revoke it).

Every member of the workspace's company may log an activity (readers too); an activity is
changed by its author, its assignee or an editor (``crm.activities`` decides, the pages only
leave out the buttons of those who may not). Times are in UTC, as the tender pages' are."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import account_selectors, activities, calendar
from crm.activity_selectors import (
    ActivityFilter,
    activity_get,
    activity_list,
    day_bounds,
    zone_get,
)
from crm.models import ActivityKind
from crm.pipeline_selectors import OpportunityFilters, opportunity_list
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.core.ids import is_id

from .crm_forms import ActivityForm, add_crm_error
from .crm_views import (
    PER_PAGE,
    Workspace,
    account_activities_context,
    account_timeline_context,
    activity_may_change,
    activity_rows,
    crm_page,
    crm_render,
    refused,
    workspace_members,
)

TABS = (
    ("today", gettext_lazy("Today")),
    ("overdue", gettext_lazy("Overdue")),
    ("upcoming", gettext_lazy("Upcoming")),
    ("done", gettext_lazy("Done")),
)


def _id_param(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and is_id(int(text)) else None


def _back(request, default: str):
    """The page the button was on (``next``, a path of this site), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


# --- Lists -----------------------------------------------------------------------------------


@crm_page()
@require_GET
def activity_list_page(request, ws: Workspace):
    """My activities (``?account=`` for an account's, anyone's) by tab: due today, overdue,
    upcoming (after today, not done), done (latest first)."""
    tab = request.GET.get("tab") or "today"
    if tab not in dict(TABS):
        tab = "today"
    account = None
    account_id = _id_param(request.GET.get("account"))
    if account_id is not None:
        account = account_selectors.account_get(
            user=request.user, workspace_id=ws.id, account_id=account_id
        )
    kind = request.GET.get("kind") or ""
    kind = kind if kind in ActivityKind.values else ""
    base = {"mine": account is None, "account_id": account_id, "kind": kind or None}
    zone = zone_get(name=None)
    now = timezone.now()
    if tab == "today":
        filters = ActivityFilter(**base, today=True)
    elif tab == "overdue":
        filters = ActivityFilter(**base, overdue=True)
    else:
        filters = ActivityFilter(**base, done=tab == "done")
    found = activity_list(
        user=request.user, workspace_id=ws.id, filters=filters, zone=zone, now=now
    )
    if tab == "upcoming":
        found = found.filter(due_at__gte=day_bounds(zone=zone, now=now)[1])
    elif tab == "done":
        found = found.order_by("-done_at", "-pk")
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    rows = activity_rows(request, ws, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("tab", None)
    return crm_render(
        request,
        ws,
        "frontend/crm/activities.html",
        {
            "tab": tab,
            "tabs": TABS,
            "tab_query": query.urlencode(),
            "account": account,
            "kind": kind,
            "kinds": ActivityKind.choices,
            "page": page,
            "rows": rows,
            "zone": zone.key,
        },
    )


# --- Logging, changing -----------------------------------------------------------------------


def _form_choices(request, ws: Workspace, account) -> dict:
    return {
        "contacts": account_selectors.account_contact_list(
            user=request.user, workspace_id=ws.id, account_id=account.pk
        ),
        "opportunities": opportunity_list(
            user=request.user,
            workspace_id=ws.id,
            filters=OpportunityFilters(account=account.pk),
        )[:100],
        "members": workspace_members(ws),
    }


def _inline_answer(request, ws: Workspace, account, *, form=None, status: int = 200):
    """The account page's activities section, redrawn (a fresh form, or the one with its
    messages), with its timeline out of band."""
    context = {
        **account_activities_context(request, ws, account, form=form),
        **account_timeline_context(request, ws, account),
        "timeline_oob": form is None,
    }
    return crm_render(request, ws, "frontend/crm/_account_activities.html", context, status=status)


@crm_page()
@require_http_methods(["GET", "POST"])
def activity_create_page(request, ws: Workspace):
    """Log an activity on an account (``account`` in the query or the form). From the account
    page (htmx) the answer is the page's activities section and timeline."""
    account_id = _id_param(request.POST.get("account") or request.GET.get("account"))
    if account_id is None:
        messages.info(request, _("Open the account to log an activity on it."))
        return redirect("frontend:crm-accounts", ws.id)
    account = account_selectors.account_get(
        user=request.user, workspace_id=ws.id, account_id=account_id
    )
    contact_id = _id_param(request.GET.get("contact"))
    choices = _form_choices(request, ws, account)
    inline = bool(request.htmx) and request.POST.get("inline") == "1"
    if request.method == "GET":
        form = ActivityForm(
            initial={"kind": "call", "assignee": request.user.pk, "contact": contact_id},
            **choices,
        )
        return crm_render(
            request, ws, "frontend/crm/activity_form.html", {"form": form, "account": account}
        )
    form = ActivityForm(request.POST, auto_id="log_%s" if inline else "id_%s", **choices)
    status = 400
    if form.is_valid():
        try:
            activity = activities.activity_create(
                user=request.user,
                workspace_id=ws.id,
                account_id=account.pk,
                **form.service_fields(),
            )
        except NotFoundError:
            raise
        except ApplicationError as exc:
            add_crm_error(form, exc)
            status = exc.status_code
        else:
            if inline:
                return _inline_answer(request, ws, account)
            messages.success(request, _("“%(subject)s” is logged.") % {"subject": activity.subject})
            return redirect("frontend:crm-account", ws.id, account.pk)
    if inline:  # htmx swaps only a successful answer: the form's messages come back as 200
        return _inline_answer(request, ws, account, form=form)
    return crm_render(
        request,
        ws,
        "frontend/crm/activity_form.html",
        {"form": form, "account": account},
        status=status,
    )


@crm_page()
@require_http_methods(["GET", "POST"])
def activity_page(request, ws: Workspace, activity_id: int):
    """An activity: what it is, and (for its author, assignee or an editor) its form."""
    activity = activity_get(user=request.user, workspace_id=ws.id, activity_id=activity_id)
    may_change = activity_may_change(request, ws, activity)
    account = activity.account
    choices = (
        _form_choices(request, ws, account)
        if account is not None
        else {"members": workspace_members(ws)}
    )
    context = {
        "activity": activity,
        "account": account,
        "may_change": may_change,
        "opportunity_url": ws.opportunity_url(activity.opportunity_id)
        if activity.opportunity_id
        else "",
    }
    if request.method == "GET":
        form = ActivityForm(initial=ActivityForm.initial_for(activity), **choices)
        return crm_render(request, ws, "frontend/crm/activity.html", {**context, "form": form})
    form = ActivityForm(request.POST, **choices)
    status = 400
    if form.is_valid():
        try:
            activities.activity_update(
                user=request.user,
                workspace_id=ws.id,
                activity_id=activity.pk,
                data=form.service_fields(),
            )
        except NotFoundError:
            raise
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            add_crm_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The activity is saved."))
            return redirect("frontend:crm-activity", ws.id, activity.pk)
    return crm_render(
        request, ws, "frontend/crm/activity.html", {**context, "form": form}, status=status
    )


@crm_page()
@require_POST
def activity_done_page(request, ws: Workspace, activity_id: int):
    """Mark an activity done (``done=1``) or not done again (``done=0``). From htmx the answer
    is its row, redrawn."""
    done = request.POST.get("done")
    if done not in ("0", "1"):
        return HttpResponse(_("Say done=1 or done=0."), status=400)
    try:
        activity = activities.activity_update(
            user=request.user,
            workspace_id=ws.id,
            activity_id=activity_id,
            data={"done": done == "1"},
        )
    except NotFoundError:
        raise
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise
        refused(request, exc)
        return _back(request, reverse("frontend:crm-activity", args=[ws.id, activity_id]))
    if request.htmx:
        activity = activity_get(user=request.user, workspace_id=ws.id, activity_id=activity.pk)
        return crm_render(
            request,
            ws,
            "frontend/crm/_activity_row.html",
            {
                "row": activity_rows(request, ws, [activity])[0],
                "next": request.POST.get("next", ""),
            },
        )
    if done == "1":
        messages.success(request, _("“%(subject)s” is done.") % {"subject": activity.subject})
    return _back(request, reverse("frontend:crm-activities", args=[ws.id]))


@crm_page()
@require_POST
def activity_delete_page(request, ws: Workspace, activity_id: int):
    activity = activity_get(user=request.user, workspace_id=ws.id, activity_id=activity_id)
    activities.activity_delete(user=request.user, workspace_id=ws.id, activity_id=activity.pk)
    messages.success(request, _("“%(subject)s” is deleted.") % {"subject": activity.subject})
    if activity.account_id:
        return redirect("frontend:crm-account", ws.id, activity.account_id)
    return redirect("frontend:crm-activities", ws.id)


@crm_page()
@require_GET
def activity_ics(request, ws: Workspace, activity_id: int):
    """A meeting's invitation, for the person's calendar program."""
    activity = activity_get(user=request.user, workspace_id=ws.id, activity_id=activity_id)
    if activity.kind != ActivityKind.MEETING:
        raise Http404(_("Only a meeting has an invitation."))
    response = HttpResponse(
        calendar.meeting_invitation(activity=activity),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{activity.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- The calendar feed -----------------------------------------------------------------------

FEED_ACTIONS = ("create", "rotate", "revoke")


@crm_page()
@require_http_methods(["GET", "POST"])
def calendar_feed_page(request, ws: Workspace):
    """My private calendar feed: its state; make it (its address shown this once, in this
    answer and nowhere else), rotate it (a new address, the old one dead at once), revoke it."""
    new_url = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in FEED_ACTIONS:
            return HttpResponse(_("Say create, rotate or revoke."), status=400)
        try:
            if action == "revoke":
                calendar.calendar_feed_revoke(user=request.user, workspace_id=ws.id)
                messages.success(request, _("Your calendar feed is revoked: its address is dead."))
                return redirect("frontend:crm-calendar", ws.id)
            make = (
                calendar.calendar_feed_create
                if action == "create"
                else calendar.calendar_feed_rotate
            )
            _feed, token = make(user=request.user, workspace_id=ws.id)
            new_url = calendar.feed_url(token)
        except (ConflictError, NotFoundError) as exc:
            if isinstance(exc, NotFoundError) and exc.code != "calendar_feed_not_found":
                raise
            messages.error(request, exc.message)
            status = exc.status_code
    feed = calendar.calendar_feed_get(user=request.user, workspace_id=ws.id)
    response = crm_render(
        request,
        ws,
        "frontend/crm/calendar.html",
        {"feed": feed, "new_url": new_url, "rotated": request.POST.get("action") == "rotate"},
        status=status,
    )
    response["Cache-Control"] = "private, no-store"  # the address is not kept anywhere
    return response
