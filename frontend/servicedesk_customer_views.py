"""The customer's own service desk pages (``/support/...``): their company's cases with the
companies they trade with, each case's status and public messages (never an internal note),
writing on a case, opening one, and the satisfaction survey after closing, on the case's page
or by the signed link of the closing e-mail (which needs no sign-in: the link is the key).

Only a person of the case's account's company reads a case; any other case is a 404 page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core.exceptions import ApplicationError, NotFoundError
from servicedesk import selectors, services
from servicedesk.mail import survey_case_id
from servicedesk.models import Case, CaseStatus, Channel

from .onboarding_forms import add_service_error
from .servicedesk_forms import CustomerCaseForm, MessageForm, SurveyForm


def _refused(request, exc: ApplicationError) -> None:
    details = [m for found in (exc.fields or {}).values() for m in found if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def _case(request, case_id: int) -> Case:
    try:
        return selectors.customer_case_get(user=request.user, case_id=case_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def support_index(request):
    return render(
        request,
        "servicedesk/support_cases.html",
        {
            "cases": selectors.customer_cases(user=request.user)[:200],
            "may_open": bool(selectors.customer_desks(user=request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def support_create(request):
    desks = selectors.customer_desks(user=request.user)
    if not desks:
        raise Http404(_("None of the companies you trade with has a service desk for you."))
    form = CustomerCaseForm(request.POST or None, desks=desks)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            account = {ws.pk: a for ws, a in desks}[data["workspace"]]
            try:
                case = services.case_open(
                    workspace=account.workspace_id,
                    subject=data["subject"],
                    body=data["body"],
                    account=account,
                    contact=selectors.customer_contact(user=request.user, account=account),
                    kind=data["kind"],
                    channel=Channel.WEB,
                    opened_by=request.user,
                    order_id=data["order"],
                    requester_email=request.user.email,
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request, _("Your case is open. We will answer here and by e-mail.")
                )
                return redirect("frontend:support-case", case.pk)
        else:
            status = 400
    return render(request, "servicedesk/support_form.html", {"form": form}, status=status)


@login_required
@require_GET
def support_case(request, case_id: int):
    case = _case(request, case_id)
    closed = case.status == CaseStatus.CLOSED
    return render(
        request,
        "servicedesk/support_case.html",
        {
            "case": case,
            "case_messages": selectors.case_messages(case=case, public_only=True),
            "message_form": None if closed else MessageForm(),
            "survey_form": SurveyForm() if closed and case.surveyed_at is None else None,
            "survey_action": None,
        },
    )


@login_required
@require_POST
def support_message(request, case_id: int):
    case = _case(request, case_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your message."))
    else:
        try:
            services.case_customer_message(
                case_id=case.pk,
                body=form.cleaned_data["body"],
                author=request.user,
                from_email=request.user.email,
            )
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Your message is on the case."))
    return redirect("frontend:support-case", case.pk)


def _survey_answer(request, case: Case) -> bool:
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Rate from 1 to 5."))
        return False
    try:
        services.case_survey_answer(
            case_id=case.pk,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ApplicationError as exc:
        _refused(request, exc)
        return False
    messages.success(request, _("Thank you for your answer."))
    return True


@login_required
@require_POST
def support_case_survey(request, case_id: int):
    case = _case(request, case_id)
    _survey_answer(request, case)
    return redirect("frontend:support-case", case.pk)


@require_http_methods(["GET", "POST"])
def support_survey(request, token: str):
    """The survey by the closing e-mail's signed link (no sign-in needed)."""
    case_id = survey_case_id(token)
    case = Case.objects.select_related("workspace").filter(pk=case_id).first() if case_id else None
    if case is None:
        raise Http404(_("This survey link is not valid."))
    answered = False
    if request.method == "POST":
        answered = _survey_answer(request, case)
        case.refresh_from_db()
    return render(
        request,
        "servicedesk/survey.html",
        {
            "case": case,
            "form": SurveyForm()
            if case.status == CaseStatus.CLOSED and case.surveyed_at is None
            else None,
            "answered": answered or case.surveyed_at is not None,
        },
    )
