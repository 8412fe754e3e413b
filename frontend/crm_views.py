"""The CRM's pages: the workspace's home and its choice, accounts (contacts are in
``crm_contact_views``, activities and the calendar feed in ``crm_activity_views``, imports and
exports in ``crm_import_views``; the pipeline, leads, analytics and documents are the pipeline
pages').

Each page is a company's CRM, its workspace, in the URL: ``/crm/<workspace id>/...``. Thin views:
the CRM's selectors read (each starts with the workspace check of ``crm.access``), its services
write, a Django form parses what was typed, and a service's ``ApplicationError`` is shown on the
form, nothing written. Another company's workspace or row is a 404 page; a reader (a procurement
officer or bidder) is offered no edit button, and an edit page or a write answers 403."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import account_selectors as selectors
from crm import accounts as account_services
from crm import dedup
from crm.access import may_edit, workspace_ids, workspace_require
from crm.activity_selectors import ActivityFilter, activity_list
from crm.models import TimelineKind
from crm.pipeline_selectors import OpportunityFilters, opportunity_list
from crm.timeline_selectors import timeline_for_account
from marketplace.companies.models import Company
from marketplace.companies.selectors import (
    companies_of_user,
    company_get_for_member,
    company_member_list,
)
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.ids import is_id

from .crm_forms import (
    AccountFilterForm,
    AccountForm,
    ActivityForm,
    add_crm_error,
)

PER_PAGE = 25
TIMELINE_PAGE = 20
HOME_ROWS = 10


# --- The workspace and its checks ------------------------------------------------------------


@dataclass(frozen=True)
class Workspace:
    """The CRM a page is of: the company, and whether the person may change it."""

    id: int
    company: Company
    may_edit: bool

    def other(self, name: str, path: str, *args) -> str:
        """A page of the pipeline pages (its route when it exists, else its path)."""
        try:
            return reverse(f"frontend:{name}", args=[self.id, *args])
        except NoReverseMatch:
            return f"/crm/{self.id}/{path}"

    @property
    def pipeline_url(self) -> str:
        return self.other("crm-pipeline", "pipeline/")

    @property
    def leads_url(self) -> str:
        return self.other("crm-leads", "leads/")

    @property
    def analytics_url(self) -> str:
        return self.other("crm-analytics", "analytics/")

    @property
    def documents_url(self) -> str:
        return self.other("crm-documents", "documents/")

    def opportunity_url(self, opportunity_id: int) -> str:
        return self.other("crm-opportunity", f"opportunities/{opportunity_id}/", opportunity_id)


@contextmanager
def scoped():
    """The CRM's refusals as pages: not found (another company's) is 404, a reader's write 403."""
    try:
        yield
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc


def crm_page(*, edit: bool = False) -> Callable:
    """A CRM page: signed in, the workspace readable (editable with ``edit``: else 403), every
    id of the path one a row could have (else 404). The view gets the ``Workspace``."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, workspace_id: int, **kwargs):
            if not all(is_id(v) for v in (workspace_id, *kwargs.values()) if isinstance(v, int)):
                raise Http404(_("No such page."))
            with scoped():
                workspace_require(user=request.user, workspace_id=workspace_id, edit=edit)
                company = company_get_for_member(user=request.user, company_id=workspace_id)
                ws = Workspace(
                    id=workspace_id,
                    company=company,
                    may_edit=may_edit(user=request.user, workspace_id=workspace_id),
                )
                return view(request, ws, **kwargs)

        return wrapper

    return decorate


def crm_render(request, ws: Workspace, template: str, context: dict, *, status: int = 200):
    return render(request, template, {"ws": ws, **context}, status=status)


def refused(request, exc: ApplicationError) -> None:
    """A refusal as a message: the service's message and its field messages."""
    details = [m for found in (exc.fields or {}).values() for m in found if m != exc.message]
    messages.error(request, " ".join([exc.message, *details]))


def query_without(request, *names: str) -> str:
    """The page's query string without ``names`` (for links that keep the filters)."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def workspace_members(ws: Workspace):
    """Who may be assigned an activity: the company's people."""
    return company_member_list(company=ws.company)


def activity_may_change(request, ws: Workspace, activity) -> bool:
    """Whether to offer the change buttons (``activities`` decides: its author, its assignee,
    or an editor)."""
    return ws.may_edit or request.user.pk in (activity.created_by_id, activity.assignee_id)


def activity_rows(request, ws: Workspace, found) -> list[dict]:
    """Activities as the lists show them: whether the person may change each, and whether it is
    overdue (not done, due before now)."""
    now = timezone.now()
    return [
        {
            "a": a,
            "may_change": activity_may_change(request, ws, a),
            "overdue": a.done_at is None and a.due_at is not None and a.due_at < now,
        }
        for a in found
    ]


def entry_link(ws: Workspace, entry) -> str:
    """Where a timeline entry's source is shown: an activity's page, a document's download, an
    opportunity's page, else the address the entry keeps (a tender, a lot's room, a deal)."""
    if entry.activity_id:
        return reverse("frontend:crm-activity", args=[ws.id, entry.activity_id])
    if entry.document_id:
        return ws.other(
            "crm-document-download", f"documents/{entry.document_id}/download/", entry.document_id
        )
    opportunity = (entry.payload or {}).get("opportunity")
    if entry.kind == TimelineKind.STAGE and isinstance(opportunity, int) and is_id(opportunity):
        return ws.opportunity_url(opportunity)
    return entry.url or ""


# --- Home ------------------------------------------------------------------------------------


@login_required
@require_GET
def crm_entry(request):
    """``/crm/``: the one workspace the person has, or the choice of them."""
    ids = workspace_ids(user=request.user)
    companies = list(companies_of_user(user=request.user).filter(pk__in=ids).order_by("legal_name"))
    if len(companies) == 1:
        return redirect("frontend:crm-home", companies[0].pk)
    return render(request, "frontend/crm/choose.html", {"companies": companies})


@crm_page()
@require_GET
def crm_home(request, ws: Workspace):
    """My activities due today and overdue, the accounts changed last, the ways in."""
    mine = activity_list(
        user=request.user, workspace_id=ws.id, filters=ActivityFilter(mine=True, today=True)
    )
    overdue = activity_list(
        user=request.user, workspace_id=ws.id, filters=ActivityFilter(mine=True, overdue=True)
    )
    recent = selectors.account_list(user=request.user, workspace_id=ws.id).order_by(
        "-updated_at", "-pk"
    )
    return crm_render(
        request,
        ws,
        "frontend/crm/home.html",
        {
            "today": activity_rows(request, ws, mine[:HOME_ROWS]),
            "overdue": activity_rows(request, ws, overdue[:HOME_ROWS]),
            "overdue_more": overdue.count() > HOME_ROWS,
            "recent": list(recent[:HOME_ROWS]),
        },
    )


# --- Accounts --------------------------------------------------------------------------------


def account_filter_form(request, ws: Workspace) -> AccountFilterForm:
    return AccountFilterForm(
        request.GET,
        owners=account_services.workspace_editors(workspace_id=ws.id).order_by("email"),
        tags=selectors.tag_list(user=request.user, workspace_id=ws.id),
    )


@crm_page()
@require_GET
def account_list_page(request, ws: Workspace):
    """The accounts, filtered as ``account_list`` takes it, a page at a time; the exports."""
    form = account_filter_form(request, ws)
    accounts = selectors.account_list(
        user=request.user, workspace_id=ws.id, **form.selector_filters()
    )
    page = Paginator(accounts, PER_PAGE).get_page(request.GET.get("page"))
    query = query_without(request, "page")
    return crm_render(
        request,
        ws,
        "frontend/crm/accounts.html",
        {
            "form": form,
            "page": page,
            "accounts": page.object_list,
            "filtered": any(v for k, v in form.data.items() if k != "page"),
            "export_query": query,
        },
        status=400 if form.errors else 200,
    )


def _account_form(request, ws: Workspace, *, data=None, initial=None, check_url="") -> AccountForm:
    return AccountForm(
        data,
        initial=initial,
        owners=account_services.workspace_editors(workspace_id=ws.id).order_by("email"),
        custom_fields=selectors.custom_field_list(
            user=request.user, workspace_id=ws.id, entity="account"
        ),
        check_url=check_url,
    )


def _identifiers_check(request, form: AccountForm):
    """The live check of the account form (htmx, on each change of an identifier, the website,
    the e-mail or the phone): the CRM's own checks of the values, nothing written; the answer
    is the error boxes of the field changed and of the fields it is checked with."""
    trigger = request.htmx.trigger_name or ""
    names: tuple[str, ...] = ()
    if trigger in form.IDENTIFIER_FIELDS:
        names = (*form.IDENTIFIER_FIELDS, "phone")  # a phone is read in the country
    elif trigger in ("website", "email", "phone"):
        names = (trigger,)
    fields = (*form.IDENTIFIER_FIELDS, "website", "email", "phone")
    data = {name: request.POST.get(name, "") for name in fields}
    checked = account_services.account_values_clean(data=data, custom_fields={})
    boxes = [{"id": form[name].auto_id, "errors": checked.errors.get(name, [])} for name in names]
    return render(request, "frontend/onboarding/_field_errors.html", {"boxes": boxes})


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def account_create_page(request, ws: Workspace):
    """A new account: identifiers checked as typed; once made, the accounts that may be the
    same counterparty are shown with the offer to merge."""
    check_url = reverse("frontend:crm-account-create", args=[ws.id])
    if request.method == "GET":
        form = _account_form(request, ws, initial={"owner": request.user.pk}, check_url=check_url)
        if request.user.pk not in dict(form.fields["owner"].choices):
            form.initial.pop("owner")
        return crm_render(request, ws, "frontend/crm/account_form.html", {"form": form})
    form = _account_form(request, ws, data=request.POST, check_url=check_url)
    if request.htmx:
        return _identifiers_check(request, form)
    status = 400
    if form.is_valid():
        try:
            account = account_services.account_create(
                actor=request.user, workspace_id=ws.id, **form.service_fields()
            )
        except ApplicationError as exc:
            add_crm_error(form, exc)
            status = exc.status_code
        else:
            duplicates = dedup.duplicates_of(account)
            if duplicates:
                messages.warning(
                    request,
                    _(
                        "The account “%(name)s” is saved. These accounts may be the same "
                        "counterparty: merge them if they are."
                    )
                    % {"name": account.name},
                )
                return redirect("frontend:crm-account-duplicates", ws.id, account.pk)
            messages.success(
                request, _("The account “%(name)s” is saved.") % {"name": account.name}
            )
            return redirect("frontend:crm-account", ws.id, account.pk)
    return crm_render(request, ws, "frontend/crm/account_form.html", {"form": form}, status=status)


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def account_edit_page(request, ws: Workspace, account_id: int):
    account = selectors.account_get(user=request.user, workspace_id=ws.id, account_id=account_id)
    check_url = reverse("frontend:crm-account-edit", args=[ws.id, account.pk])
    definitions = selectors.custom_field_list(
        user=request.user, workspace_id=ws.id, entity="account"
    )
    context: dict = {"account": account}
    if request.method == "GET":
        initial = AccountForm.initial_for(account, definitions)
        form = _account_form(request, ws, initial=initial, check_url=check_url)
        return crm_render(request, ws, "frontend/crm/account_form.html", {**context, "form": form})
    form = _account_form(request, ws, data=request.POST, check_url=check_url)
    if request.htmx:
        return _identifiers_check(request, form)
    status = 400
    if form.is_valid():
        try:
            account_services.account_update(
                actor=request.user,
                workspace_id=ws.id,
                account_id=account.pk,
                changes=form.service_fields(),
            )
        except ApplicationError as exc:
            add_crm_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The account is saved."))
            return redirect("frontend:crm-account", ws.id, account.pk)
    return crm_render(
        request, ws, "frontend/crm/account_form.html", {**context, "form": form}, status=status
    )


@crm_page(edit=True)
@require_POST
def account_delete_page(request, ws: Workspace, account_id: int):
    account = selectors.account_get(user=request.user, workspace_id=ws.id, account_id=account_id)
    account_services.account_delete(actor=request.user, workspace_id=ws.id, account_id=account.pk)
    messages.success(request, _("The account “%(name)s” is deleted.") % {"name": account.name})
    return redirect("frontend:crm-accounts", ws.id)


def timeline_context(ws: Workspace, page, *, url: str, kind: str) -> dict:
    entries = [{"entry": e, "link": entry_link(ws, e)} for e in page.entries]
    more = ""
    if page.next:
        more = f"{url}?{urlencode({'cursor': page.next, **({'kind': kind} if kind else {})})}"
    return {"entries": entries, "more_url": more}


def kind_param(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in TimelineKind.values else ""


def account_activities_context(request, ws: Workspace, account, *, form=None) -> dict:
    """The account's open activities and the form to log one (any member may)."""
    contacts = list(
        selectors.account_contact_list(user=request.user, workspace_id=ws.id, account_id=account.pk)
    )
    opportunities = list(
        opportunity_list(
            user=request.user,
            workspace_id=ws.id,
            filters=OpportunityFilters(account=account.pk),
        )[:100]
    )
    open_ = list(
        activity_list(
            user=request.user,
            workspace_id=ws.id,
            filters=ActivityFilter(account_id=account.pk, done=False),
        )[:50]
    )
    if form is None:
        form = ActivityForm(
            initial={"kind": "call", "assignee": request.user.pk},
            contacts=contacts,
            opportunities=opportunities,
            members=workspace_members(ws),
            auto_id="log_%s",
        )
    rows = activity_rows(request, ws, open_)
    return {
        "account": account,
        "contacts": contacts,
        "opportunities": opportunities,
        "open_activities": rows,
        "log_form": form,
    }


def account_timeline_context(request, ws: Workspace, account, *, kind: str = "") -> dict:
    page = timeline_for_account(
        user=request.user,
        workspace_id=ws.id,
        account_id=account.pk,
        kinds=[kind] if kind else None,
        limit=TIMELINE_PAGE,
    )
    url = reverse("frontend:crm-account-timeline", args=[ws.id, account.pk])
    return {
        "timeline": timeline_context(ws, page, url=url, kind=kind),
        "timeline_url": url,
        "timeline_kind": kind,
        "timeline_kinds": TimelineKind.choices,
    }


@crm_page()
@require_GET
def account_page(request, ws: Workspace, account_id: int):
    """An account: its details, custom fields and tags, contacts, opportunities, open
    activities (log one here), and its timeline."""
    account = selectors.account_get(user=request.user, workspace_id=ws.id, account_id=account_id)
    definitions = selectors.custom_field_list(
        user=request.user, workspace_id=ws.id, entity="account"
    )
    custom = [
        (d.label, account.custom.get(d.key)) for d in definitions if d.key in (account.custom or {})
    ]
    context = {
        **account_activities_context(request, ws, account),
        **account_timeline_context(request, ws, account, kind=kind_param(request)),
        "custom": custom,
        "opportunity_rows": [],
    }
    context["opportunity_rows"] = [
        {"o": o, "url": ws.opportunity_url(o.pk)} for o in context["opportunities"]
    ]
    return crm_render(request, ws, "frontend/crm/account.html", context)


def timeline_fragment(request, ws: Workspace, read, url: str):
    kind = kind_param(request)
    try:
        page = read(kinds=[kind] if kind else None, cursor=request.GET.get("cursor") or None)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    context = {
        "timeline": timeline_context(ws, page, url=url, kind=kind),
        "timeline_url": url,
        "timeline_kind": kind,
        "timeline_kinds": TimelineKind.choices,
    }
    if request.GET.get("cursor"):  # "more": the next entries, after those shown
        context["timeline"]["continued"] = True
        return crm_render(request, ws, "frontend/crm/_timeline_entries.html", context)
    return crm_render(request, ws, "frontend/crm/_timeline.html", context)  # another kind


@crm_page()
@require_GET
def account_timeline(request, ws: Workspace, account_id: int):
    """A page of the account's timeline (htmx: "more", or another kind)."""

    def read(**kwargs):
        return timeline_for_account(
            user=request.user,
            workspace_id=ws.id,
            account_id=account_id,
            limit=TIMELINE_PAGE,
            **kwargs,
        )

    url = reverse("frontend:crm-account-timeline", args=[ws.id, account_id])
    return timeline_fragment(request, ws, read, url)


@crm_page()
@require_GET
def account_duplicates_page(request, ws: Workspace, account_id: int):
    """The accounts that may be the same counterparty, and why; editors merge."""
    account = selectors.account_get(user=request.user, workspace_id=ws.id, account_id=account_id)
    candidates = dedup.account_duplicates(
        user=request.user, workspace_id=ws.id, account_id=account.pk
    )
    reasons = {
        "company": _("the same marketplace company"),
        "tax_id": _("the same tax identifier"),
        "registration_number": _("the same registration number"),
        "domain": _("the same web domain"),
        "name": _("a similar name"),
    }
    rows = [
        {
            "account": c.account,
            "reasons": [reasons.get(r, r) for r in c.reasons],
            "score": round(c.score * 100),
        }
        for c in candidates
    ]
    return crm_render(
        request, ws, "frontend/crm/account_duplicates.html", {"account": account, "rows": rows}
    )


@crm_page(edit=True)
@require_POST
def account_merge_page(request, ws: Workspace, account_id: int):
    """Merge the posted ``duplicate`` into this account (the survivor)."""
    duplicate = request.POST.get("duplicate", "")
    if not duplicate.isdigit() or not is_id(int(duplicate)):
        messages.error(request, _("Choose the account to merge."))
        return redirect("frontend:crm-account-duplicates", ws.id, account_id)
    try:
        survivor = dedup.account_merge(
            actor=request.user,
            workspace_id=ws.id,
            survivor_id=account_id,
            duplicate_id=int(duplicate),
        )
    except NotFoundError:
        raise
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("frontend:crm-account-duplicates", ws.id, account_id)
    messages.success(
        request, _("Merged: everything is now on “%(name)s”.") % {"name": survivor.name}
    )
    return redirect("frontend:crm-account", ws.id, survivor.pk)
