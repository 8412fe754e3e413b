"""The approval chains' pages: a buyer's approval policy (its rules: the company admins edit,
the other people read), a tender's approval (where it stands, asking for it, its history), the
approver's queue ("awaiting my approval") and one request with the decision. Thin views over
``auctions.tenders.approval_rules`` and ``auctions.tenders.approvals``; a refusal is shown as
the service's message. Another company's rule, tender or request is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from auctions.approval_models import ApprovalStatus
from auctions.models import TenderStatus
from auctions.tenders import approval_rules as rules
from auctions.tenders import approvals
from auctions.tenders.approval_matching import (
    names_of,
    request_waits_for,
    tender_lots,
    tender_total,
)
from marketplace.companies.models import MembershipRole
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError, NotFoundError

from .approval_forms import AskForm, DecideForm, RuleForm


def _refused(request, exc: ApplicationError) -> None:
    details = [m for ms in (exc.fields or {}).values() for m in ms if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def _found(call, **kwargs):
    try:
        return call(**kwargs)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


def request_view(request_row, *, user) -> dict:
    """A request as the pages show it: its chains with names, decisions, who it waits for."""
    decisions = list(request_row.decisions.all())
    waiting = request_waits_for(request_row, decisions=decisions)
    names = names_of({u for c in request_row.chains for u in c["approvers"]})
    approved = {d.approver_id for d in decisions if d.decision == "approve"}
    return {
        "row": request_row,
        "decisions": decisions,
        "waiting": [names.get(u, "?") for u in waiting],
        "may_decide": user.pk in waiting,
        "chains": [
            {
                "name": c["name"],
                "mode": c["mode"],
                "people": [(names.get(u, "?"), u in approved) for u in c["approvers"]],
            }
            for c in request_row.chains
        ],
    }


# --- The approver's queue and one request ------------------------------------------------------


@login_required
def approval_queue(request):
    queue = approvals.request_queue(user=request.user)
    return render(
        request,
        "frontend/approvals/queue.html",
        {"rows": [request_view(r, user=request.user) for r in queue]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def approval_request(request, request_id: int):
    found = _found(approvals.request_get_visible, user=request.user, request_id=request_id)
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                approvals.approval_decide(
                    actor=request.user, request_id=found.pk, **form.cleaned_data
                )
            except ApplicationError as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("Your decision is recorded."))
                return redirect("frontend:approval-request", request_id=found.pk)
        else:
            messages.error(request, _("Approve or reject."))
    found = approvals.request_get_visible(user=request.user, request_id=found.pk)
    context = {
        "view": request_view(found, user=request.user),
        "tender": found.tender,
        "form": form,
        "manages": approvals.require_manager_quietly(request.user, found.tender),
    }
    return render(request, "frontend/approvals/request.html", context)


@login_required
@require_POST
def approval_withdraw(request, request_id: int):
    found = _found(approvals.request_get_visible, user=request.user, request_id=request_id)
    try:
        approvals.approval_withdraw(actor=request.user, request_id=found.pk)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The request is withdrawn."))
    return redirect("frontend:tender-approval", tender_id=found.tender_id)


# --- A tender's approval -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def tender_approval(request, tender_id: int):
    tender = _found(approvals.tender_get_for_member, user=request.user, tender_id=tender_id)
    form = AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            approvals.approval_request(actor=request.user, tender=tender, **form.cleaned_data)
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Approval is asked for: the approvers are told."))
        return redirect("frontend:tender-approval", tender_id=tender.pk)
    state = approvals.tender_approval_state(tender=tender)
    latest = state["latest"]
    context = {
        "tender": tender,
        "state": state,
        "total": tender_total(tender_lots(tender)),
        "latest": request_view(latest, user=request.user) if latest is not None else None,
        "history": approvals.history_list(tender=tender),
        "form": form,
        "manages": approvals.require_manager_quietly(request.user, tender),
        "is_draft": tender.status == TenderStatus.DRAFT,
        "pending": latest is not None and latest.status == ApprovalStatus.PENDING,
    }
    return render(request, "frontend/approvals/tender.html", context)


# --- The policy ----------------------------------------------------------------------------------


def _buyer_of(request):
    """The buyer company whose policy the page shows: ``?buyer=``, else the user's first."""
    buyers = list(rules.member_buyers(user=request.user))
    wanted = request.GET.get("buyer") or request.POST.get("buyer")
    if wanted:
        chosen = next((b for b in buyers if str(b.pk) == wanted), None)
        if chosen is None:
            raise Http404(_("Company not found."))
        return chosen, buyers
    if not buyers:
        raise Http404(_("You are not a person of a buyer company."))
    return buyers[0], buyers


def _is_admin(user, buyer) -> bool:
    return user_has_company_role(user=user, company=buyer, roles=[MembershipRole.COMPANY_ADMIN])


@login_required
def approval_rules(request):
    buyer, buyers = _buyer_of(request)
    context = {
        "buyer": buyer,
        "buyers": buyers,
        "rules": rules.rule_list(user=request.user, buyer_id=buyer.pk),
        "is_admin": _is_admin(request.user, buyer),
    }
    return render(request, "frontend/approvals/rules.html", context)


def _rule_form_page(request, *, buyer, rule=None):
    people = rules.buyer_people(buyer=buyer)
    initial = RuleForm.initial_of(rule) if rule is not None else {"mode": "in_order"}
    form = RuleForm(request.POST or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                rules.rule_create(actor=request.user, buyer_id=buyer.pk, **form.service_values())
            else:
                rules.rule_update(actor=request.user, rule_id=rule.pk, **form.service_values())
        except ApplicationError as exc:
            for field, errors in (exc.fields or {}).items():
                name = field.split(".")[0]
                target = {"approvers": "approver_1", "thresholds": None}.get(name, name)
                form.add_error(target if target in form.fields else None, errors)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("The rule is saved."))
            return redirect(f"{_rules_url()}?buyer={buyer.pk}")
    return render(
        request,
        "frontend/approvals/rule_form.html",
        {"form": form, "buyer": buyer, "rule": rule},
        status=422 if request.method == "POST" else 200,
    )


def _rules_url() -> str:
    return reverse("frontend:approval-rules")


@login_required
@require_http_methods(["GET", "POST"])
def approval_rule_create(request):
    buyer, _buyers = _buyer_of(request)
    if not _is_admin(request.user, buyer):
        messages.error(request, _("Only a company admin may do this."))
        return redirect(f"{_rules_url()}?buyer={buyer.pk}")
    return _rule_form_page(request, buyer=buyer)


@login_required
@require_http_methods(["GET", "POST"])
def approval_rule_edit(request, rule_id: int):
    rule = _found(rules.rule_get, user=request.user, rule_id=rule_id)
    if not _is_admin(request.user, rule.buyer):
        messages.error(request, _("Only a company admin may do this."))
        return redirect(f"{_rules_url()}?buyer={rule.buyer_id}")
    return _rule_form_page(request, buyer=rule.buyer, rule=rule)


@login_required
@require_POST
def approval_rule_delete(request, rule_id: int):
    rule = _found(rules.rule_get, user=request.user, rule_id=rule_id)
    try:
        rules.rule_delete(actor=request.user, rule_id=rule.pk)
    except ApplicationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The rule is deleted."))
    return redirect(f"{_rules_url()}?buyer={rule.buyer_id}")
