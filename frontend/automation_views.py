"""The automation pages of a CRM workspace (``/crm/<workspace id>/automation/...``): the rules,
a rule with its runs' log (each action's outcome, a failed one's error and its retry button),
and the rule editor (a trigger, condition rows, action rows; a little script adds rows and shows
each action's inputs). Company admins change rules; account managers read them; to anyone else
the pages do not exist (404). Thin views: ``automation.selectors`` read, the services write and
say why not, by row."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from automation import selectors, services
from automation.access import READ_ROLES, automation_require, may_change
from automation.actions import CASE_KINDS, KINDS, PRIORITIES, TARGETS
from automation.catalogue import actions_for
from automation.conditions import ALL_OPERATORS
from automation.models import Rule
from automation.triggers import TRIGGERS, trigger_get
from crm.access import may_edit
from crm.models import DocumentTemplate, LostReason, Stage
from marketplace.companies.selectors import (
    company_get_for_member,
    company_member_list,
    user_company_ids,
)
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id

from .automation_forms import (
    ACTION_INPUTS,
    action_rows,
    actions_read,
    condition_rows,
    conditions_read,
)
from .crm_views import Workspace, crm_render, refused, scoped

RUNS_PER_PAGE = 25
LABELS = {
    "subject": gettext_lazy("Subject"),
    "body": gettext_lazy("Text"),
    "due_in_days": gettext_lazy("Due in days"),
    "assignee": gettext_lazy("Assignee"),
    "template": gettext_lazy("Document template"),
    "to": gettext_lazy("To"),
    "address": gettext_lazy("Address"),
    "stage": gettext_lazy("Stage"),
    "lost_reason": gettext_lazy("Lost reason"),
    "target": gettext_lazy("Whose owner"),
    "user": gettext_lazy("Person"),
    "title": gettext_lazy("Title"),
    "case_kind": gettext_lazy("Kind of case"),
    "priority": gettext_lazy("Priority"),
}


def automation_page(*, edit: bool = False):
    """Signed in; the workspace's rules readable (a company admin's or an account manager's),
    changeable with ``edit`` (else 403); every path id a possible id (else 404)."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, workspace_id: int, **kwargs):
            if not all(is_id(v) for v in (workspace_id, *kwargs.values())):
                raise Http404(_("No such page."))
            with scoped():
                automation_require(user=request.user, workspace_id=workspace_id, edit=edit)
                ws = Workspace(
                    id=workspace_id,
                    company=company_get_for_member(user=request.user, company_id=workspace_id),
                    may_edit=may_edit(user=request.user, workspace_id=workspace_id),
                )
                return view(request, ws, **kwargs)

        return wrapper

    return decorate


def _render(request, ws: Workspace, template: str, context: dict, status: int = 200):
    context = {"may_change": may_change(user=request.user, workspace_id=ws.id), **context}
    return crm_render(request, ws, template, context, status=status)


@login_required
@require_GET
def automation_entry(request):
    """``/crm/automation/``: the rules of the one workspace the person reads them in."""
    ids = sorted(user_company_ids(user=request.user, roles=READ_ROLES))
    if not ids:
        raise Http404(_("You keep no company's automation rules."))
    return redirect("frontend:automation-rules", ids[0])


@automation_page()
@require_GET
def rule_list_page(request, ws: Workspace):
    rules = selectors.rule_list(user=request.user, workspace_id=ws.id)
    runs = selectors.run_list(user=request.user, workspace_id=ws.id)
    return _render(
        request,
        ws,
        "automation/rules.html",
        {
            "rules": [{"rule": r, "trigger": trigger_get(r.trigger)} for r in rules],
            "runs": list(runs[:10]),
            "failed": runs.filter(status="failed").count(),
        },
    )


@automation_page()
@require_GET
def rule_page(request, ws: Workspace, rule_id: int):
    with scoped():
        rule = selectors.rule_get(user=request.user, workspace_id=ws.id, rule_id=rule_id)
    status = request.GET.get("status", "")
    runs = selectors.run_list(
        user=request.user, workspace_id=ws.id, rule_id=rule.pk, status=status or None
    )
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    for run in page:
        for action in run.actions.all():
            action.retry_state = selectors.retry_state(action)
    return _render(
        request,
        ws,
        "automation/rule.html",
        {
            "rule": rule,
            "trigger": trigger_get(rule.trigger),
            "kinds": KINDS,
            "page_obj": page,
            "runs": list(page),
            "status": status,
        },
    )


def _options(ws: Workspace) -> dict[str, list[tuple[str, str]]]:
    people = [(str(p.pk), p.full_name or p.email) for p in company_member_list(company=ws.company)]
    stages = Stage.objects.filter(pipeline__workspace_id=ws.id).select_related("pipeline")
    templates = DocumentTemplate.objects.filter(workspace_id=ws.id, is_active=True)
    return {
        "assignee": [("owner", _("the rows' owner")), ("author", _("the rule's author")), *people],
        "send_email.to": [
            ("contact", _("the account's consenting contact")),
            ("owner", _("the rows' owner")),
            ("address", _("the address below")),
        ],
        "notify.to": [("owner", _("the rows' owner")), *people],
        "template": [(str(t.pk), t.name) for t in templates],
        "stage": [(str(s.pk), f"{s.pipeline.name}: {s.name}") for s in stages],
        "lost_reason": [("", "—"), *((v, str(label)) for v, label in LostReason.choices)],
        "target": [(t, t) for t in TARGETS],
        "user": people,
        "case_kind": [(k, k) for k in CASE_KINDS],
        "priority": [(p, p) for p in PRIORITIES],
    }


def _action_row(index: int, spec: dict, options: dict, allowed: list[str]) -> dict:
    groups = []
    for kind, inputs in ACTION_INPUTS.items():
        fields = []
        for name in inputs:
            value = spec.get(name, "") if spec.get("kind") == kind else ""
            fields.append(
                {
                    "name": f"a{index}-{kind}-{name}",
                    "label": LABELS[name],
                    "value": str(value),
                    "options": options.get(f"{kind}.{name}") or options.get(name),
                    "textarea": name == "body",
                }
            )
        groups.append(
            {"kind": kind, "label": KINDS[kind], "fields": fields, "allowed": kind in allowed}
        )
    return {"index": index, "kind": spec.get("kind", ""), "groups": groups}


def _editor(request, ws: Workspace, rule: Rule | None, values: dict, errors: dict, status=200):
    trigger = trigger_get(values.get("trigger") or "")
    allowed = actions_for(trigger) if trigger else list(KINDS)
    options = _options(ws)
    return _render(
        request,
        ws,
        "automation/rule_form.html",
        {
            "rule": rule,
            "values": values,
            "triggers": list(TRIGGERS.values()),
            "trigger": trigger,
            "fields": list(trigger.field_map().values()) if trigger else [],
            "operators": ALL_OPERATORS,
            "condition_rows": condition_rows(values.get("conditions") or []),
            "action_rows": [
                _action_row(i, spec, options, allowed)
                for i, spec in enumerate(action_rows(values.get("actions") or []))
            ],
            "kinds": [(k, KINDS[k]) for k in allowed],
            "errors": errors,
        },
        status=status,
    )


def _save(request, ws: Workspace, rule: Rule | None):
    trigger = trigger_get(request.POST.get("trigger", ""))
    values = {
        "name": request.POST.get("name", ""),
        "trigger": request.POST.get("trigger", ""),
        "enabled": request.POST.get("enabled") == "on",
        "conditions": conditions_read(request.POST, trigger),
        "actions": actions_read(request.POST),
    }
    if request.POST.get("choose") or trigger is None:
        return _editor(request, ws, rule, values, {})  # the trigger chosen: its fields offered
    try:
        with scoped():
            if rule is None:
                rule = services.rule_create(user=request.user, workspace_id=ws.id, **values)
            else:
                services.rule_update(
                    user=request.user, workspace_id=ws.id, rule_id=rule.pk, **values
                )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _editor(request, ws, rule, values, exc.fields or {}, status=400)
    messages.success(request, _("The rule is saved."))
    return redirect("frontend:automation-rule", ws.id, rule.pk)


@automation_page(edit=True)
@require_http_methods(["GET", "POST"])
def rule_create_page(request, ws: Workspace):
    if request.method == "POST":
        return _save(request, ws, None)
    values = {"trigger": request.GET.get("trigger", ""), "enabled": True}
    return _editor(request, ws, None, values, {})


@automation_page(edit=True)
@require_http_methods(["GET", "POST"])
def rule_edit_page(request, ws: Workspace, rule_id: int):
    with scoped():
        rule = selectors.rule_get(user=request.user, workspace_id=ws.id, rule_id=rule_id)
    if request.method == "POST":
        return _save(request, ws, rule)
    values = {
        "name": rule.name,
        "trigger": request.GET.get("trigger") or rule.trigger,
        "enabled": rule.enabled,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }
    return _editor(request, ws, rule, values, {})


@automation_page(edit=True)
@require_POST
def rule_toggle_page(request, ws: Workspace, rule_id: int):
    with scoped():
        rule = selectors.rule_get(user=request.user, workspace_id=ws.id, rule_id=rule_id)
        try:
            services.rule_update(
                user=request.user, workspace_id=ws.id, rule_id=rule.pk, enabled=not rule.enabled
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFoundError):
                raise
            refused(request, exc)
    return redirect("frontend:automation-rule", ws.id, rule.pk)


@automation_page(edit=True)
@require_POST
def rule_delete_page(request, ws: Workspace, rule_id: int):
    with scoped():
        services.rule_delete(user=request.user, workspace_id=ws.id, rule_id=rule_id)
    messages.success(request, _("The rule and its runs' log are deleted."))
    return redirect("frontend:automation-rules", ws.id)


@automation_page(edit=True)
@require_POST
def action_retry_page(request, ws: Workspace, action_id: int):
    try:
        with scoped():
            action = services.action_run_retry(
                user=request.user, workspace_id=ws.id, action_id=action_id
            )
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("frontend:automation-rules", ws.id)
    if action.status == "failed":
        messages.error(request, _("The action failed again: %(error)s") % {"error": action.error})
    else:
        messages.success(
            request,
            _("The action was retried: %(status)s.") % {"status": action.get_status_display()},
        )
    return redirect("frontend:automation-rule", ws.id, action.run.rule_id)
