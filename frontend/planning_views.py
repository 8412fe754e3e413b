"""The procurement plan pages: my plans (``/planning/``), a plan with its lines, where the
buyer's managers add, change and remove lines of a draft and link the buyer's tenders to them,
and plan versus fact (``/planning/<id>/fact/``, with its CSV from the API).

Thin views: ``planning.selectors`` read (a plan the person may not read is "not found"), the
services write and say why not; a refusal comes back next to the form's fields or as a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id
from planning import facts, selectors, services
from planning.models import PlanLine, ProcurementPlan

from .onboarding_forms import add_service_error
from .planning_forms import LineForm, PlanEditForm, PlanForm


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if is_id(number) else None


def _refused(request, exc: ApplicationError) -> None:
    details = [m for found in (exc.fields or {}).values() for m in found if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def _then_back(request, plan, call, success: str):
    """Run ``call`` (one service); tell its refusal, or ``success``; back to the plan's page.
    An object the service does not find is a 404, as the page's own lookups answer."""
    try:
        call()
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, success)
    return redirect("frontend:planning-plan", plan.pk)


def _plan(request, plan_id: int) -> ProcurementPlan:
    try:
        return selectors.plan_get(user=request.user, plan_id=plan_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def _managed(request, plan_id: int) -> ProcurementPlan:
    """The plan for a manager's write: 404 for whoever may not read it; a reader without the
    role gets the service's own 403 when it writes."""
    plan = _plan(request, plan_id)
    if not selectors.user_manages_buyer(user=request.user, buyer_id=plan.buyer_id):
        raise Http404(_("Only the buyer's procurement officers and company admins edit its plans."))
    return plan


def _line(plan: ProcurementPlan, line_id: int) -> PlanLine:
    try:
        return selectors.line_get(plan=plan, line_id=line_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


# --- My plans ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_index(request):
    managed = list(selectors.buyers_managed(user=request.user))
    form = PlanForm(
        request.POST or None,
        buyers=managed,
        initial={
            "buyer": managed[0].pk if managed else None,
            "year": timezone.localdate().year,
            "currency": "UAH",
        },
    )
    status = 200
    if request.method == "POST":
        if not managed:
            raise Http404(_("Only a buyer's procurement officers and company admins make plans."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.plan_create(
                    actor=request.user,
                    buyer_id=data["buyer"],
                    year=data["year"],
                    title=data["title"],
                    currency=data["currency"],
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The plan is made. Add its lines."))
                return redirect("frontend:planning-plan", plan.pk)
        else:
            status = 400
    return render(
        request,
        "frontend/planning/plans.html",
        {
            "plans": selectors.plan_list(user=request.user, scope="mine"),
            "published": selectors.plan_list(user=request.user, scope="published").exclude(
                buyer_id__in=[p.buyer_id for p in selectors.plan_list(user=request.user)]
            )[:50],
            "form": form if managed else None,
        },
        status=status,
    )


# --- A plan --------------------------------------------------------------------------------------


def _link_choices(plan: ProcurementPlan, lines: list[PlanLine]) -> dict[int, list[tuple]]:
    """For each line, the buyer's tenders that fit it (category, currency): the tender whole,
    and each of its lots when it has several, as ``(value, label)``."""
    tenders = list(selectors.tenders_linkable(plan=plan))
    out: dict[int, list[tuple]] = {}
    for line in lines:
        options: list[tuple] = []
        for tender in tenders:
            if tender.currency != line.currency or not services.category_covers(
                line_category=line.category, category=tender.category
            ):
                continue
            options.append((f"t-{tender.pk}", _("%(title)s (every lot)") % {"title": tender.title}))
            lots = list(tender.lots.all())
            if len(lots) > 1:
                for lot in lots:
                    options.append(
                        (
                            f"l-{lot.pk}",
                            _("%(title)s, lot %(number)s: %(item)s")
                            % {"title": tender.title, "number": lot.number, "item": lot.title},
                        )
                    )
        out[line.pk] = options
    return out


def _plan_context(request, plan: ProcurementPlan, line_form: LineForm | None = None) -> dict:
    member = selectors.user_reads_buyer(user=request.user, buyer_id=plan.buyer_id)
    manager = selectors.user_manages_buyer(user=request.user, buyer_id=plan.buyer_id)
    lines = list(selectors.line_list(plan=plan, with_links=member))
    report = facts.plan_fact(plan=plan) if member else None
    choices = _link_choices(plan, lines) if manager else {}
    for line in lines:
        line.figures = report.lines.get(line.pk, {}).get(line.currency) if report else None
        line.link_choices = choices.get(line.pk, [])
    if line_form is None and manager and plan.is_draft:
        line_form = LineForm(initial={"currency": plan.currency, "quarter": 1})
    return {
        "plan": plan,
        "lines": lines,
        "member": member,
        "manager": manager,
        "totals": report.totals if report else [],
        "line_form": line_form,
        "plan_form": PlanEditForm(
            initial={"year": plan.year, "title": plan.title, "currency": plan.currency}
        )
        if manager and plan.is_draft
        else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_page(request, plan_id: int):
    """The plan with its lines; a POST adds a line (a manager, a draft)."""
    plan = _plan(request, plan_id)
    status = 200
    form = None
    if request.method == "POST":
        plan = _managed(request, plan_id)
        form = LineForm(request.POST)
        if form.is_valid():
            try:
                services.line_create(actor=request.user, plan_id=plan.pk, **form.service_values())
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The line is added."))
                return redirect("frontend:planning-plan", plan.pk)
        else:
            status = 400
    return render(
        request, "frontend/planning/plan.html", _plan_context(request, plan, form), status=status
    )


@login_required
@require_POST
def plan_edit(request, plan_id: int):
    plan = _managed(request, plan_id)
    form = PlanEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the plan's year, title and currency."))
        return redirect("frontend:planning-plan", plan.pk)
    return _then_back(
        request,
        plan,
        lambda: services.plan_update(actor=request.user, plan_id=plan.pk, **form.cleaned_data),
        _("The plan is saved."),
    )


@login_required
@require_POST
def plan_publish(request, plan_id: int):
    plan = _managed(request, plan_id)
    return _then_back(
        request,
        plan,
        lambda: services.plan_publish(actor=request.user, plan_id=plan.pk),
        _("The plan is published."),
    )


@login_required
@require_POST
def plan_delete(request, plan_id: int):
    plan = _managed(request, plan_id)
    try:
        services.plan_delete(actor=request.user, plan_id=plan.pk)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("frontend:planning-plan", plan.pk)
    messages.success(request, _("The plan is deleted."))
    return redirect("frontend:planning-plans")


# --- Lines ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request, plan_id: int, line_id: int):
    plan = _managed(request, plan_id)
    line = _line(plan, line_id)
    if not plan.is_draft:
        messages.error(request, _("The plan is published: it is no longer edited."))
        return redirect("frontend:planning-plan", plan.pk)
    initial = {
        "category": line.category_id,
        "quarter": line.quarter,
        "description": line.description,
        "budget": line.budget,
        "currency": line.currency,
        "auction_format": line.auction_format,
    }
    form = LineForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.line_update(
                    actor=request.user, plan_id=plan.pk, line_id=line.pk, **form.service_values()
                )
            except ApplicationError as exc:
                add_service_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("The line is saved."))
                return redirect("frontend:planning-plan", plan.pk)
        else:
            status = 400
    return render(
        request,
        "frontend/planning/line_edit.html",
        {"plan": plan, "line": line, "form": form},
        status=status,
    )


@login_required
@require_POST
def line_remove(request, plan_id: int, line_id: int):
    plan = _managed(request, plan_id)
    line = _line(plan, line_id)
    return _then_back(
        request,
        plan,
        lambda: services.line_delete(actor=request.user, plan_id=plan.pk, line_id=line.pk),
        _("The line is removed."),
    )


@login_required
@require_POST
def line_link(request, plan_id: int, line_id: int):
    """Link the tender (``t-<id>``) or one of its lots (``l-<id>``) chosen in the line's list."""
    plan = _managed(request, plan_id)
    line = _line(plan, line_id)
    target = request.POST.get("target") or ""
    kind, _sep, raw = target.partition("-")
    number = _int(raw)
    tender_id: int | None = None
    lot_id: int | None = None
    if kind == "t" and number:
        tender_id = number
    elif kind == "l" and number:
        lot = (
            selectors.tenders_linkable(plan=plan)
            .filter(lots__pk=number)
            .values_list("pk", flat=True)
            .first()
        )
        tender_id, lot_id = lot, number
    if tender_id is None:
        messages.error(request, _("Choose a tender of the list."))
        return redirect("frontend:planning-plan", plan.pk)
    return _then_back(
        request,
        plan,
        lambda: services.line_link_tender(
            actor=request.user, plan_id=plan.pk, line_id=line.pk, tender_id=tender_id, lot_id=lot_id
        ),
        _("The tender is linked to the line."),
    )


@login_required
@require_POST
def line_unlink(request, plan_id: int, line_id: int, link_id: int):
    plan = _managed(request, plan_id)
    line = _line(plan, line_id)
    return _then_back(
        request,
        plan,
        lambda: services.line_unlink_tender(
            actor=request.user, plan_id=plan.pk, line_id=line.pk, link_id=link_id
        ),
        _("The tender is taken off the line."),
    )


# --- Plan versus fact --------------------------------------------------------------------------


@login_required
@require_GET
def plan_fact(request, plan_id: int):
    plan = _plan(request, plan_id)
    if not selectors.user_reads_buyer(user=request.user, buyer_id=plan.buyer_id):
        raise Http404(_("Only the buyer's people see the plan's fact."))
    report = facts.plan_fact(plan=plan)
    return render(request, "frontend/planning/fact.html", {"plan": plan, "report": report})
