"""The CRM's sales pages: the pipeline board (drag and drop, and a "move to" select on each
card), the opportunities (list, detail with its stage history and auction link, create, edit,
move), and the settings (pipelines and their stages, sales targets).

Thin views over ``crm.pipeline_selectors`` and the services of ``crm.pipelines`` and
``crm.pipeline_opportunities``: every page starts with the workspace check of ``crm.access``
(``crm_page``): another company's workspace or row answers 404, a reader's write 403; a
service's refusal is the form's message and nothing is written. The board's script is
``static/frontend/crm-board.js``. The lead, analytics and document pages share ``crm_page``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm import pipeline_opportunities as opportunities
from crm import pipeline_selectors as selectors
from crm import pipelines
from crm.access import may_edit, workspace_require
from crm.account_selectors import account_list, custom_field_list
from crm.document_selectors import document_list
from crm.models import CustomField, LostReason, StageKind
from marketplace.companies.models import Company
from marketplace.companies.selectors import company_get_for_member, company_member_list
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .crm_pipeline_forms import (
    MAX_ID,
    MoveForm,
    OpportunityFilterForm,
    OpportunityForm,
)
from .onboarding_forms import add_service_error

PER_PAGE = 50
BOARD_PER_STAGE = 50
ACCOUNT_OPTIONS = 200
T = "frontend/crm/pipeline/"


# --- What every CRM page of this part shares -------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """The CRM workspace a page is in: its company, and whether the person may edit."""

    id: int
    company: Company
    may_edit: bool


def crm_page(*, edit: bool = False):
    """A CRM page: signed in, ids in range, the workspace readable (else 404) and, with
    ``edit``, editable (else 403); the view gets the ``Workspace``. A selector's or service's
    "not found" is a 404 page, a refusal to a reader a 403."""

    def decorate(view):
        @login_required
        @wraps(view)
        def page(request, workspace_id: int, **kwargs):
            if any(isinstance(v, int) and v > MAX_ID for v in (workspace_id, *kwargs.values())):
                raise Http404(_("No such page."))
            try:
                workspace_require(user=request.user, workspace_id=workspace_id, edit=edit)
                ws = Workspace(
                    id=workspace_id,
                    company=company_get_for_member(user=request.user, company_id=workspace_id),
                    may_edit=may_edit(user=request.user, workspace_id=workspace_id),
                )
                return view(request, ws, **kwargs)
            except NotFoundError as exc:
                raise Http404(exc.message) from exc
            except PermissionDeniedError as exc:
                raise PermissionDenied(exc.message) from exc

        return page

    return decorate


def attempt(form, service, /, **kwargs):
    """``service(**kwargs)``, or None with its refusal on ``form`` (a 404 or 403 stays one)."""
    try:
        return service(**kwargs)
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        add_service_error(form, exc)
        return None


def require_edit(ws: Workspace) -> None:
    """A write on a page every member reads (the form is not offered to readers)."""
    if not ws.may_edit:
        raise PermissionDenied(
            _("Only the company's account managers and admins may change its CRM.")
        )


def refusal_text(exc: ApplicationError) -> str:
    details = [m for ms in (exc.fields or {}).values() for m in ms if m != exc.message]
    return " ".join([exc.message, *map(str, details)])


def people(ws: Workspace):
    """The workspace's people (any CRM role may own a row)."""
    return list(company_member_list(company=ws.company))


def accounts_for_select(request, ws: Workspace, *also: int | None):
    """The accounts a select lists: those matching ``account_q`` (the first 200 by name), and
    the ones ``also`` names (the chosen one) so a choice is never lost."""
    rows = account_list(user=request.user, workspace_id=ws.id, q=request.GET.get("account_q", ""))
    listed = list(rows[:ACCOUNT_OPTIONS])
    wanted = {pk for pk in also if pk} - {a.pk for a in listed}
    if wanted:
        listed += list(account_list(user=request.user, workspace_id=ws.id).filter(pk__in=wanted))
    return listed


def posted(request):
    """A form's data: what was posted (an empty post too), or nothing on a GET."""
    return request.POST if request.method == "POST" else None


def int_or_none(value) -> int | None:
    return int(value) if str(value or "").isdigit() and int(value) <= MAX_ID else None


def page_context(ws: Workspace, section: str, **extra) -> dict:
    return {"ws": ws, "section": section, **extra}


def pipelines_of(request, ws: Workspace):
    """The workspace's pipelines with their stages (its default ones made on first use, as the
    API's listing does)."""
    pipelines.pipelines_ensure(workspace_id=ws.id)
    return list(selectors.pipeline_list(user=request.user, workspace_id=ws.id))


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


# --- The board -----------------------------------------------------------------------------------


@crm_page()
def pipeline_home(request, ws: Workspace):
    """The workspace's first pipeline's board."""
    return redirect(
        "frontend:crm-board", workspace_id=ws.id, pipeline_id=pipelines_of(request, ws)[0].pk
    )


def _board(request, ws: Workspace, pipeline_id: int, query):
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id
    )
    form = OpportunityFilterForm(query or None, people=people(ws), board=True)
    form.is_valid()
    pipeline, columns = selectors.opportunity_board(
        user=request.user,
        workspace_id=ws.id,
        pipeline_id=pipeline.pk,
        per_stage=BOARD_PER_STAGE,
        filters=form.filters(),
    )
    return pipeline, columns, form


def _column_context(ws, pipeline, columns, query: QueryDict) -> list[dict]:
    """Each column with its "N more" link: the list, filtered by its stage and the board's
    filters."""
    base = reverse("frontend:crm-opportunities", kwargs={"workspace_id": ws.id})
    out = []
    for column in columns:
        more = column.count - len(column.cards)
        link = ""
        if more > 0:
            params = query.copy()
            params.pop("page", None)
            params["pipeline"], params["stage"] = pipeline.pk, column.stage.pk
            link = f"{base}?{params.urlencode()}"
        out.append({"column": column, "more": more, "more_url": link})
    return out


@crm_page()
def board(request, ws: Workspace, pipeline_id: int):
    pipeline, columns, form = _board(request, ws, pipeline_id, request.GET)
    context = page_context(
        ws,
        "board",
        pipeline=pipeline,
        pipelines=pipelines_of(request, ws),
        columns=_column_context(ws, pipeline, columns, request.GET),
        stages=list(pipeline.stages.all()),
        form=form,
        lost_reasons=LostReason.choices,
        filtered=bool(request.GET),
        query=request.GET.urlencode(),
    )
    return render(request, T + "board.html", context)


# --- Moves ---------------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _move_json(request, ws: Workspace, opportunity, form_or_error, status: int):
    """The board script's answer: the card and every column's head redrawn, or the refusal.
    A refusal the board handles (the card put back, the reason asked) answers 200 with
    ``ok: false`` and its would-be ``status``, as the tender forms' checks do: the browser logs
    no failed request for an answer the page expects."""
    if status != 200:
        exc = form_or_error
        return JsonResponse(
            {
                "ok": False,
                "status": status,
                "code": exc.code,
                "message": refusal_text(exc),
                "fields": exc.fields,
            }
        )
    query = request.POST.get("board_query", "")
    board_query = QueryDict(query)
    pipeline, columns, _form = _board(request, ws, opportunity.pipeline_id, board_query)
    stages = list(pipeline.stages.all())
    heads = {}
    for item in _column_context(ws, pipeline, columns, board_query):
        heads[item["column"].stage.pk] = render_to_string(
            T + "_column_head.html", {"item": item, "ws": ws}, request=request
        )
    card = render_to_string(
        T + "_card.html",
        {"card": opportunity, "ws": ws, "stages": stages, "board_query": query},
        request=request,
    )
    return JsonResponse({"ok": True, "card": card, "heads": heads})


@crm_page()
@require_http_methods(["GET", "POST"])
def opportunity_move_page(request, ws: Workspace, opportunity_id: int):
    """Move an opportunity: the board's drops and "move to" selects post here (the script
    asks for JSON); without the script, or when a lost stage needs its reason, the form."""
    opportunity = selectors.opportunity_get(
        user=request.user, workspace_id=ws.id, opportunity_id=opportunity_id
    )
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=opportunity.pipeline_id
    )
    stages = list(pipeline.stages.all())
    initial = {"stage": int_or_none(request.GET.get("stage")) or opportunity.stage_id}
    form = MoveForm(posted(request), stages=stages, initial=initial)
    if request.method == "POST":
        require_edit(ws)
        if form.is_valid():
            try:
                moved = opportunities.opportunity_move(
                    user=request.user,
                    workspace_id=ws.id,
                    opportunity_id=opportunity.pk,
                    **form.service_fields(),
                )
            except (NotFoundError, PermissionDeniedError):
                raise
            except ApplicationError as exc:
                if _wants_json(request):
                    return _move_json(request, ws, opportunity, exc, exc.status_code)
                add_service_error(form, exc)
            else:
                moved = selectors.opportunity_get(
                    user=request.user, workspace_id=ws.id, opportunity_id=moved.pk
                )
                if _wants_json(request):
                    return _move_json(request, ws, moved, None, 200)
                messages.success(
                    request,
                    _("“%(title)s” is now in %(stage)s.")
                    % {"title": moved.title, "stage": moved.stage.name},
                )
                fallback = reverse(
                    "frontend:crm-opportunity",
                    kwargs={"workspace_id": ws.id, "opportunity_id": moved.pk},
                )
                return redirect(safe_next(request, fallback))
        elif _wants_json(request):
            invalid = ApplicationError(_("Choose a stage of this pipeline."), code="invalid")
            return _move_json(request, ws, opportunity, invalid, 400)
    context = page_context(
        ws,
        "opportunities",
        opportunity=opportunity,
        form=form,
        next=safe_next(request, ""),
        lost_stages=[s.pk for s in stages if s.kind == StageKind.LOST],
    )
    return render(request, T + "move.html", context, status=400 if form.errors else 200)


# --- Opportunities ------------------------------------------------------------------------------


@crm_page()
def opportunity_list_page(request, ws: Workspace):
    all_pipelines = pipelines_of(request, ws)
    form = OpportunityFilterForm(request.GET or None, pipelines=all_pipelines, people=people(ws))
    form.is_valid()
    rows = selectors.opportunity_list(user=request.user, workspace_id=ws.id, filters=form.filters())
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    account_id = form.cleaned_data.get("account") if form.is_bound else None
    context = page_context(
        ws,
        "opportunities",
        form=form,
        page=page,
        opportunities=page.object_list,
        account_id=account_id,
    )
    return render(request, T + "opportunity_list.html", context)


@crm_page()
def opportunity_detail(request, ws: Workspace, opportunity_id: int):
    opportunity = selectors.opportunity_get(
        user=request.user, workspace_id=ws.id, opportunity_id=opportunity_id
    )
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=opportunity.pipeline_id
    )
    context = page_context(
        ws,
        "opportunities",
        opportunity=opportunity,
        history=selectors.stage_history(
            user=request.user, workspace_id=ws.id, opportunity_id=opportunity.pk
        ),
        documents=document_list(
            user=request.user, workspace_id=ws.id, opportunity_id=opportunity.pk
        ),
        stages=list(pipeline.stages.all()),
        outcome=opportunity.auction_outcome or {},
        custom=[
            {"label": d.label, "value": opportunity.custom[d.key]}
            for d in custom_field_list(
                user=request.user, workspace_id=ws.id, entity=CustomField.Entity.OPPORTUNITY
            )
            if d.key in (opportunity.custom or {})
        ],
        lot=opportunity.lot,
        tender=opportunity.tender or (opportunity.lot.tender if opportunity.lot else None),
    )
    return render(request, T + "opportunity_detail.html", context)


def _opportunity_form(request, ws, *, edit: bool, initial=None, chosen=None):
    custom = custom_field_list(
        user=request.user, workspace_id=ws.id, entity=CustomField.Entity.OPPORTUNITY
    )
    typed = int_or_none(request.POST.get("account")) if request.method == "POST" else None
    return OpportunityForm(
        posted(request),
        initial=initial,
        accounts=accounts_for_select(request, ws, typed, chosen),
        pipelines=pipelines_of(request, ws),
        people=people(ws),
        custom=list(custom),
        edit=edit,
    )


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def opportunity_create_page(request, ws: Workspace):
    account_id = int_or_none(request.GET.get("account"))
    initial = {"account": account_id, "owner": request.user.pk, "currency": "UAH"}
    initial["pipeline"] = int_or_none(request.GET.get("pipeline"))
    initial["stage"] = int_or_none(request.GET.get("stage"))
    form = _opportunity_form(request, ws, edit=False, initial=initial, chosen=account_id)
    if request.method == "POST" and form.is_valid():
        made = attempt(
            form,
            opportunities.opportunity_create,
            user=request.user,
            workspace_id=ws.id,
            **form.service_fields(),
        )
        if made is not None:
            messages.success(request, _("The opportunity is saved."))
            return redirect("frontend:crm-opportunity", workspace_id=ws.id, opportunity_id=made.pk)
    context = page_context(ws, "opportunities", form=form, opportunity=None)
    return render(request, T + "opportunity_form.html", context, status=400 if form.errors else 200)


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def opportunity_edit_page(request, ws: Workspace, opportunity_id: int):
    opportunity = selectors.opportunity_get(
        user=request.user, workspace_id=ws.id, opportunity_id=opportunity_id
    )
    initial = {
        "account": opportunity.account_id,
        "title": opportunity.title,
        "amount": opportunity.amount,
        "currency": opportunity.currency,
        "probability": opportunity.probability,
        "expected_close": opportunity.expected_close,
        "owner": opportunity.owner_id,
        "competitors": "\n".join(opportunity.competitors or []),
        "lot": opportunity.lot_id,
        "tender": opportunity.tender_id,
        **{f"custom__{k}": v for k, v in (opportunity.custom or {}).items()},
    }
    form = _opportunity_form(request, ws, edit=True, initial=initial, chosen=opportunity.account_id)
    if request.method == "POST" and form.is_valid():
        changed = attempt(
            form,
            opportunities.opportunity_update,
            user=request.user,
            workspace_id=ws.id,
            opportunity_id=opportunity.pk,
            **form.service_fields(),
        )
        if changed is not None:
            messages.success(request, _("The opportunity is saved."))
            return redirect(
                "frontend:crm-opportunity", workspace_id=ws.id, opportunity_id=opportunity.pk
            )
    context = page_context(ws, "opportunities", form=form, opportunity=opportunity)
    return render(request, T + "opportunity_form.html", context, status=400 if form.errors else 200)


@crm_page(edit=True)
@require_POST
def opportunity_delete_page(request, ws: Workspace, opportunity_id: int):
    opportunity = selectors.opportunity_get(
        user=request.user, workspace_id=ws.id, opportunity_id=opportunity_id
    )
    opportunities.opportunity_delete(
        user=request.user, workspace_id=ws.id, opportunity_id=opportunity.pk
    )
    messages.success(request, _("“%(title)s” is deleted.") % {"title": opportunity.title})
    return redirect("frontend:crm-board", workspace_id=ws.id, pipeline_id=opportunity.pipeline_id)
