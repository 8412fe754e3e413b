"""The CRM's sales settings pages: pipelines and their stages (rename, add, change, reorder,
delete) and sales targets. Thin views over ``crm.pipelines`` (the rules: a default pipeline is
renamed, never deleted; a stage in use keeps its kind and is not deleted; a pipeline keeps an
open stage; the periods of one owner and currency do not overlap) and
``crm.pipeline_selectors``; each refusal is shown on the page and writes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm import pipeline_selectors as selectors
from crm import pipelines
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .crm_pipeline_forms import AUTO_LABELS, PipelineForm, RenameForm, StageForm, TargetForm
from .crm_pipeline_views import (
    T,
    Workspace,
    attempt,
    crm_page,
    page_context,
    people,
    pipelines_of,
    posted,
    require_edit,
)
from .onboarding_forms import add_service_error

# --- Settings: pipelines and their stages ------------------------------------------------------------


@crm_page()
@require_http_methods(["GET", "POST"])
def pipeline_settings(request, ws: Workspace):
    """The workspace's pipelines (each with its stages' names), and a new pipeline."""
    form = PipelineForm(posted(request))
    if request.method == "POST":
        require_edit(ws)
        if form.is_valid():
            made = attempt(
                form,
                pipelines.pipeline_create,
                user=request.user,
                workspace_id=ws.id,
                **form.cleaned_data,
            )
            if made is not None:
                messages.success(request, _("The pipeline is made with its kind's stages."))
                return redirect(
                    "frontend:crm-pipeline-settings-one", workspace_id=ws.id, pipeline_id=made.pk
                )
    context = page_context(ws, "settings", pipelines=pipelines_of(request, ws), form=form)
    return render(request, T + "settings.html", context, status=400 if form.errors else 200)


def _stage_forms(pipeline, posted_stage: int | None = None, data=None):
    rows = []
    for stage in pipeline.stages.all():
        bound = data if posted_stage == stage.pk else None
        initial = {
            "name": stage.name,
            "probability": stage.probability,
            "kind": stage.kind,
            "auto": stage.auto,
        }
        form = StageForm(
            bound, initial=initial, pipeline_kind=pipeline.kind, prefix=f"stage-{stage.pk}"
        )
        rows.append({"stage": stage, "form": form, "auto_label": AUTO_LABELS.get(stage.auto, "")})
    return rows


def _pipeline_page(request, ws, pipeline_id: int, *, status: int = 200, **forms):
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id
    )
    context = page_context(
        ws,
        "settings",
        pipeline=pipeline,
        rename_form=forms.get("rename_form") or RenameForm(initial={"name": pipeline.name}),
        add_form=forms.get("add_form") or StageForm(pipeline_kind=pipeline.kind, prefix="new"),
        stage_rows=forms.get("stage_rows") or _stage_forms(pipeline),
        error=forms.get("error"),
    )
    return render(request, T + "pipeline_settings.html", context, status=status)


@crm_page()
def pipeline_settings_one(request, ws: Workspace, pipeline_id: int):
    return _pipeline_page(request, ws, pipeline_id)


@crm_page(edit=True)
@require_POST
def pipeline_rename_page(request, ws: Workspace, pipeline_id: int):
    form = RenameForm(request.POST)
    if form.is_valid() and attempt(
        form,
        pipelines.pipeline_rename,
        user=request.user,
        workspace_id=ws.id,
        pipeline_id=pipeline_id,
        name=form.cleaned_data["name"],
    ):
        messages.success(request, _("The pipeline is renamed."))
        return redirect(
            "frontend:crm-pipeline-settings-one", workspace_id=ws.id, pipeline_id=pipeline_id
        )
    return _pipeline_page(request, ws, pipeline_id, status=400, rename_form=form)


@crm_page(edit=True)
@require_POST
def pipeline_delete_page(request, ws: Workspace, pipeline_id: int):
    try:
        pipelines.pipeline_delete(user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id)
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        return _pipeline_page(request, ws, pipeline_id, status=exc.status_code, error=exc.message)
    messages.success(request, _("The pipeline is deleted."))
    return redirect("frontend:crm-pipeline-settings", workspace_id=ws.id)


@crm_page(edit=True)
@require_POST
def stage_add_page(request, ws: Workspace, pipeline_id: int):
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id
    )
    form = StageForm(request.POST, pipeline_kind=pipeline.kind, prefix="new")
    if form.is_valid() and attempt(
        form,
        pipelines.stage_add,
        user=request.user,
        workspace_id=ws.id,
        pipeline_id=pipeline.pk,
        **form.cleaned_data,
    ):
        messages.success(request, _("The stage is added at the end."))
        return redirect(
            "frontend:crm-pipeline-settings-one", workspace_id=ws.id, pipeline_id=pipeline.pk
        )
    return _pipeline_page(request, ws, pipeline.pk, status=400, add_form=form)


@crm_page(edit=True)
@require_POST
def stage_update_page(request, ws: Workspace, pipeline_id: int, stage_id: int):
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id
    )
    rows = _stage_forms(pipeline, stage_id, request.POST)
    form = next((r["form"] for r in rows if r["stage"].pk == stage_id), None)
    if form is None:
        raise Http404(_("No such stage."))
    if form.is_valid():
        try:
            pipelines.stage_update(
                user=request.user,
                workspace_id=ws.id,
                pipeline_id=pipeline.pk,
                stage_id=stage_id,
                **form.cleaned_data,
            )
        except (NotFoundError, PermissionDeniedError):
            raise
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The stage is saved."))
            return redirect(
                "frontend:crm-pipeline-settings-one", workspace_id=ws.id, pipeline_id=pipeline.pk
            )
    return _pipeline_page(request, ws, pipeline.pk, status=400, stage_rows=rows)


@crm_page(edit=True)
@require_POST
def stage_delete_page(request, ws: Workspace, pipeline_id: int, stage_id: int):
    try:
        pipelines.stage_delete(
            user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id, stage_id=stage_id
        )
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        return _pipeline_page(request, ws, pipeline_id, status=exc.status_code, error=exc.message)
    messages.success(request, _("The stage is deleted."))
    return redirect(
        "frontend:crm-pipeline-settings-one", workspace_id=ws.id, pipeline_id=pipeline_id
    )


@crm_page(edit=True)
@require_POST
def stage_shift_page(request, ws: Workspace, pipeline_id: int, stage_id: int):
    """Move a stage one place up or down (``direction``): the stages' order through
    ``stages_reorder``."""
    pipeline = selectors.pipeline_get(
        user=request.user, workspace_id=ws.id, pipeline_id=pipeline_id
    )
    order = [s.pk for s in pipeline.stages.all()]
    if stage_id not in order:
        raise Http404(_("No such stage."))
    at = order.index(stage_id)
    to = at - 1 if request.POST.get("direction") == "up" else at + 1
    if 0 <= to < len(order):
        order[at], order[to] = order[to], order[at]
        pipelines.stages_reorder(
            user=request.user, workspace_id=ws.id, pipeline_id=pipeline.pk, stage_ids=order
        )
    return redirect(
        "frontend:crm-pipeline-settings-one", workspace_id=ws.id, pipeline_id=pipeline.pk
    )


# --- Settings: sales targets ------------------------------------------------------------------------


@crm_page()
@require_http_methods(["GET", "POST"])
def target_list_page(request, ws: Workspace):
    form = TargetForm(posted(request), people=people(ws), initial={"currency": "UAH"})
    if request.method == "POST":
        require_edit(ws)
        if form.is_valid() and attempt(
            form,
            pipelines.sales_target_create,
            user=request.user,
            workspace_id=ws.id,
            **form.service_fields(),
        ):
            messages.success(request, _("The target is saved."))
            return redirect("frontend:crm-targets", workspace_id=ws.id)
    targets = selectors.sales_target_list(user=request.user, workspace_id=ws.id)
    context = page_context(ws, "settings", targets=targets, form=form)
    return render(request, T + "targets.html", context, status=400 if form.errors else 200)


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def target_edit_page(request, ws: Workspace, target_id: int):
    target = selectors.sales_target_get(user=request.user, workspace_id=ws.id, target_id=target_id)
    initial = {
        "owner": target.owner_id,
        "period_start": target.period_start,
        "period_end": target.period_end,
        "amount": target.amount,
        "currency": target.currency,
    }
    form = TargetForm(posted(request), people=people(ws), initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(
            form,
            pipelines.sales_target_update,
            user=request.user,
            workspace_id=ws.id,
            target_id=target.pk,
            **form.service_fields(),
        )
    ):
        messages.success(request, _("The target is saved."))
        return redirect("frontend:crm-targets", workspace_id=ws.id)
    context = page_context(ws, "settings", target=target, form=form)
    return render(request, T + "target_form.html", context, status=400 if form.errors else 200)


@crm_page(edit=True)
@require_POST
def target_delete_page(request, ws: Workspace, target_id: int):
    pipelines.sales_target_delete(user=request.user, workspace_id=ws.id, target_id=target_id)
    messages.success(request, _("The target is deleted."))
    return redirect("frontend:crm-targets", workspace_id=ws.id)
