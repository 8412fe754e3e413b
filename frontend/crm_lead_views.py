"""The CRM's lead pages: the leads by status, a new lead, a lead (qualify, disqualify with a
reason, convert into an opportunity, change, delete), and the website form's token with an
HTML snippet to paste into the company's website.

Thin views over ``crm.pipeline_selectors`` and ``crm.pipeline_leads`` (the rules: which status
a lead may move to, a reason to disqualify, a converted lead is not changed again, the token's
expiry); the workspace check is ``crm_pipeline_views.crm_page``."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm import pipeline_leads as leads
from crm import pipeline_selectors as selectors
from crm.models import LeadStatus
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .crm_pipeline_forms import ConvertForm, DisqualifyForm, FormTokenForm, LeadFilterForm, LeadForm
from .crm_pipeline_views import (
    PER_PAGE,
    T,
    Workspace,
    accounts_for_select,
    attempt,
    crm_page,
    int_or_none,
    page_context,
    people,
    pipelines_of,
    posted,
    require_edit,
)

# The snippet's fields: what ``lead_from_web_form`` takes.
WEB_FORM_FIELDS = ("person_name", "company_name", "email", "phone", "message")


def _lead(request, ws: Workspace, lead_id: int):
    return selectors.lead_get(user=request.user, workspace_id=ws.id, lead_id=lead_id)


def _to_lead(ws: Workspace, lead_id: int):
    return redirect("frontend:crm-lead", workspace_id=ws.id, lead_id=lead_id)


@crm_page()
def lead_list_page(request, ws: Workspace):
    """The leads of one status (tabs with their counts), searched by text."""
    form = LeadFilterForm(request.GET or None)
    form.is_valid()
    status = (form.cleaned_data.get("status") if form.is_bound else "") or None
    q = form.cleaned_data.get("q", "") if form.is_bound else ""
    rows = selectors.lead_list(user=request.user, workspace_id=ws.id, status=status, q=q)
    counts = {
        value: selectors.lead_list(user=request.user, workspace_id=ws.id, status=value).count()
        for value in LeadStatus.values
    }
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values())}]
    tabs += [{"value": v, "label": label, "count": counts[v]} for v, label in LeadStatus.choices]
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = page_context(
        ws,
        "leads",
        form=form,
        page=page,
        leads=page.object_list,
        tabs=tabs,
        status=status or "",
        q=q,
    )
    return render(request, T + "leads.html", context)


def _lead_form(request, ws: Workspace, initial=None, chosen=None):
    typed = int_or_none(request.POST.get("account")) if request.method == "POST" else None
    return LeadForm(
        posted(request),
        initial=initial,
        people=people(ws),
        accounts=accounts_for_select(request, ws, typed, chosen),
    )


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def lead_create_page(request, ws: Workspace):
    form = _lead_form(request, ws, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        lead = attempt(
            form, leads.lead_create, user=request.user, workspace_id=ws.id, **form.service_fields()
        )
        if lead is not None:
            messages.success(request, _("The lead is saved."))
            return _to_lead(ws, lead.pk)
    context = page_context(ws, "leads", form=form, lead=None)
    return render(request, T + "lead_form.html", context, status=400 if form.errors else 200)


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def lead_edit_page(request, ws: Workspace, lead_id: int):
    lead = _lead(request, ws, lead_id)
    if lead.status == LeadStatus.CONVERTED:
        messages.error(request, _("The lead is converted: change its opportunity instead."))
        return _to_lead(ws, lead.pk)
    fields = ("title", "company_name", "person_name", "email", "phone", "notes")
    initial = {f: getattr(lead, f) for f in fields} | {
        "owner": lead.owner_id,
        "account": lead.account_id,
    }
    form = _lead_form(request, ws, initial=initial, chosen=lead.account_id)
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            leads.lead_update,
            user=request.user,
            workspace_id=ws.id,
            lead_id=lead.pk,
            **form.service_fields(),
        )
        if changed is not None:
            messages.success(request, _("The lead is saved."))
            return _to_lead(ws, lead.pk)
    context = page_context(ws, "leads", form=form, lead=lead)
    return render(request, T + "lead_form.html", context, status=400 if form.errors else 200)


def _lead_page(request, ws: Workspace, lead, *, form=None, error: str = "", status: int = 200):
    context = page_context(
        ws,
        "leads",
        lead=lead,
        error=error,
        disqualify_form=form or DisqualifyForm(),
        may_qualify=lead.status in (LeadStatus.NEW, LeadStatus.DISQUALIFIED),
        may_disqualify=lead.status in (LeadStatus.NEW, LeadStatus.QUALIFIED),
        may_convert=lead.status in (LeadStatus.NEW, LeadStatus.QUALIFIED),
    )
    return render(request, T + "lead_detail.html", context, status=status)


@crm_page()
def lead_detail(request, ws: Workspace, lead_id: int):
    return _lead_page(request, ws, _lead(request, ws, lead_id))


@crm_page(edit=True)
@require_POST
def lead_qualify_page(request, ws: Workspace, lead_id: int):
    lead = _lead(request, ws, lead_id)
    try:
        leads.lead_qualify(user=request.user, workspace_id=ws.id, lead_id=lead.pk)
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        return _lead_page(request, ws, lead, error=exc.message, status=exc.status_code)
    messages.success(request, _("The lead is qualified."))
    return _to_lead(ws, lead.pk)


@crm_page(edit=True)
@require_POST
def lead_disqualify_page(request, ws: Workspace, lead_id: int):
    lead = _lead(request, ws, lead_id)
    form = DisqualifyForm(request.POST)
    if form.is_valid() and attempt(
        form,
        leads.lead_disqualify,
        user=request.user,
        workspace_id=ws.id,
        lead_id=lead.pk,
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, _("The lead is disqualified."))
        return _to_lead(ws, lead.pk)
    error = " ".join(map(str, form.non_field_errors()))
    return _lead_page(request, ws, lead, form=form, error=error, status=400)


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def lead_convert_page(request, ws: Workspace, lead_id: int):
    """Convert a lead into an opportunity (on the account chosen, else the lead's, else one
    made from the company it names), in one transaction."""
    lead = _lead(request, ws, lead_id)
    typed = int_or_none(request.POST.get("account")) if request.method == "POST" else None
    form = ConvertForm(
        posted(request),
        initial={"title": lead.title, "owner": lead.owner_id or request.user.pk},
        accounts=accounts_for_select(request, ws, typed, lead.account_id),
        pipelines=pipelines_of(request, ws),
        people=people(ws),
    )
    if request.method == "POST" and form.is_valid():
        made = attempt(
            form,
            leads.lead_convert,
            user=request.user,
            workspace_id=ws.id,
            lead_id=lead.pk,
            **form.service_fields(),
        )
        if made is not None:
            messages.success(request, _("The lead is converted into this opportunity."))
            return redirect("frontend:crm-opportunity", workspace_id=ws.id, opportunity_id=made.pk)
    context = page_context(ws, "leads", lead=lead, form=form)
    return render(request, T + "lead_convert.html", context, status=400 if form.errors else 200)


@crm_page(edit=True)
@require_POST
def lead_delete_page(request, ws: Workspace, lead_id: int):
    lead = _lead(request, ws, lead_id)
    leads.lead_delete(user=request.user, workspace_id=ws.id, lead_id=lead.pk)
    messages.success(request, _("The lead is deleted."))
    return redirect("frontend:crm-leads", workspace_id=ws.id)


@crm_page()
@require_http_methods(["GET", "POST"])
def lead_web_form_page(request, ws: Workspace):
    """The website form: how it works, and (editors) a token with the snippet to paste into
    the company's website. The token is signed, not stored: it is shown when issued."""
    form = FormTokenForm(posted(request))
    issued = None
    if request.method == "POST":
        require_edit(ws)
        if form.is_valid():
            result = attempt(
                form,
                leads.lead_form_token_issue,
                user=request.user,
                workspace_id=ws.id,
                days=form.cleaned_data["days"],
            )
            if result is not None:
                token, expires = result
                path = reverse("api:crm-lead-form", kwargs={"workspace_id": ws.id, "token": token})
                issued = {"url": request.build_absolute_uri(path), "expires": expires}
    context = page_context(ws, "leads", form=form, issued=issued, fields=WEB_FORM_FIELDS)
    return render(request, T + "lead_web_form.html", context, status=400 if form.errors else 200)
