"""The service desk's staff pages, inside the CRM (``/crm/<workspace id>/cases/...``): the
workspace's cases with their SLA, a case with its messages (replies, internal notes), its
settings and status, a case opened on a customer's behalf, and the desk's setup (read-only
here: queues, policies and mailboxes are set through the API).

The CRM's rule decides (``crm_page``): its managers and admins write, its officers and bidders
read, anyone else gets a 404 page. Thin views over ``servicedesk.selectors`` and ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.models import Account
from marketplace.core.exceptions import ApplicationError
from servicedesk import selectors, services
from servicedesk.models import CaseStatus, Channel

from .crm_views import crm_page, crm_render, refused, scoped
from .onboarding_forms import add_service_error
from .servicedesk_forms import CaseUpdateForm, ReplyForm, StaffCaseForm

PAGE_SIZE = 50


def _case(request, ws, case_id: int):
    with scoped():
        return selectors.case_get(user=request.user, workspace_id=ws.id, case_id=case_id)


@crm_page()
@require_GET
def case_list_page(request, ws):
    status = request.GET.get("status", "")
    status = status if status in CaseStatus.values else ""
    cases = selectors.case_list(user=request.user, workspace_id=ws.id, status=status)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return crm_render(
        request,
        ws,
        "servicedesk/cases.html",
        {"page": page, "status": status, "statuses": CaseStatus.choices, "now": timezone.now()},
    )


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def case_create_page(request, ws):
    accounts = Account.objects.filter(workspace_id=ws.id).order_by("name")[:500]
    form = StaffCaseForm(request.POST or None, accounts=accounts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_open(
                    workspace=ws.id,
                    subject=data["subject"],
                    body=data["body"],
                    account=data["account"],
                    kind=data["kind"],
                    priority=data["priority"],
                    channel=Channel.WEB,
                    opened_by=request.user,
                    order_id=data["order"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Case #%(n)s is open.") % {"n": case.number})
                return redirect("frontend:servicedesk-case", ws.id, case.pk)
        else:
            status = 400
    return crm_render(request, ws, "servicedesk/case_form.html", {"form": form}, status=status)


@crm_page()
@require_GET
def case_page(request, ws, case_id: int):
    case = _case(request, ws, case_id)
    people = selectors.staff_people(workspace_id=ws.id)
    queues = selectors.queues(user=request.user, workspace_id=ws.id)
    return crm_render(
        request,
        ws,
        "servicedesk/case.html",
        {
            "case": case,
            "case_messages": selectors.case_messages(case=case),
            "reply_form": ReplyForm(),
            "update_form": CaseUpdateForm(
                queues=queues,
                people=people,
                initial={
                    "priority": case.priority,
                    "queue": case.queue_id,
                    "assignee": case.assignee_id,
                },
            ),
            "next_statuses": [
                (s, CaseStatus(s).label)
                for s in CaseStatus.values
                if s in services.TRANSITIONS[case.status]
            ],
            "now": timezone.now(),
        },
    )


def _back(ws, case):
    return redirect("frontend:servicedesk-case", ws.id, case.pk)


@crm_page(edit=True)
@require_POST
def case_reply_page(request, ws, case_id: int):
    case = _case(request, ws, case_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reply."))
        return _back(ws, case)
    data = form.cleaned_data
    try:
        services.case_reply(
            case_id=case.pk,
            body=data["body"],
            author=request.user,
            internal=data["internal"],
            status=data["status"],
        )
    except ApplicationError as exc:
        refused(request, exc)
    else:
        messages.success(
            request, _("The note is added.") if data["internal"] else _("The reply is sent.")
        )
    return _back(ws, case)


@crm_page(edit=True)
@require_POST
def case_update_page(request, ws, case_id: int):
    case = _case(request, ws, case_id)
    people = list(selectors.staff_people(workspace_id=ws.id))
    form = CaseUpdateForm(
        request.POST,
        queues=selectors.queues(user=request.user, workspace_id=ws.id),
        people=people,
    )
    if not form.is_valid():
        messages.error(request, _("Choose among the offered values."))
        return _back(ws, case)
    data = form.cleaned_data
    assignee = next((p for p in people if p.pk == data["assignee"]), None)
    try:
        services.case_update(
            case_id=case.pk,
            actor=request.user,
            priority=data["priority"],
            queue=data["queue"],
            assignee=assignee,
        )
    except ApplicationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The case is updated."))
    return _back(ws, case)


@crm_page(edit=True)
@require_POST
def case_status_page(request, ws, case_id: int):
    case = _case(request, ws, case_id)
    try:
        services.case_status_change(
            case_id=case.pk, status=request.POST.get("status", ""), actor=request.user
        )
    except ApplicationError as exc:
        refused(request, exc)
    else:
        messages.success(request, _("The status is changed."))
    return _back(ws, case)


@crm_page()
@require_GET
def desk_settings_page(request, ws):
    return crm_render(
        request,
        ws,
        "servicedesk/settings.html",
        {
            "queues": selectors.queues(user=request.user, workspace_id=ws.id),
            "policies": selectors.policies(user=request.user, workspace_id=ws.id),
            "mailboxes": selectors.mailboxes(user=request.user, workspace_id=ws.id),
        },
    )
