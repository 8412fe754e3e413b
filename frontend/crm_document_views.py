"""The CRM's document pages: the templates (list, a new one, its versions, a new version with a
preview of the typed text, rename, archive), the placeholders a template may use, making a
document (PDF or DOCX) for an account, an opportunity, a contact or a deal, the documents made
(an account's, an opportunity's) and their authorised download.

Thin views over ``crm.document_selectors`` and ``crm.documents`` (the rules: a version is
only added, a text that does not compile is refused naming its line, an archived template
makes nothing, every source is the workspace's and about one account, the numbering, the
stored file's checksum); the workspace check is ``crm_pipeline_views.crm_page``. Files are
answered as the API answers them (``crm.api.documents_views.file_response``): attachments that
cache nowhere."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crm import document_selectors as selectors
from crm import documents
from crm import pipeline_selectors as pipeline_selectors
from crm.account_selectors import account_contact_list, account_get
from crm.api.documents_views import file_response
from crm.models import TemplateKind
from marketplace.core.document_engine import CONTENT_TYPES
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError

from .crm_pipeline_forms import DocumentForm, TemplateChangeForm, TemplateForm, VersionForm
from .crm_pipeline_views import (
    PER_PAGE,
    T,
    Workspace,
    accounts_for_select,
    attempt,
    crm_page,
    int_or_none,
    page_context,
    posted,
    require_edit,
)
from .onboarding_forms import add_service_error


class _Rollback(Exception):
    pass


def _to_template(ws: Workspace, template_id: int):
    return redirect("frontend:crm-document-template", workspace_id=ws.id, template_id=template_id)


# --- Documents made ------------------------------------------------------------------------------


@crm_page()
def document_list_page(request, ws: Workspace):
    """The documents made, newest first: an account's (``account``), an opportunity's
    (``opportunity``), or all; each with its download."""
    account_id = int_or_none(request.GET.get("account"))
    opportunity_id = int_or_none(request.GET.get("opportunity"))
    kind = request.GET.get("kind") if request.GET.get("kind") in TemplateKind.values else None
    rows = selectors.document_list(
        user=request.user,
        workspace_id=ws.id,
        account_id=account_id,
        opportunity_id=opportunity_id,
        kind=kind,
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    account = (
        account_get(user=request.user, workspace_id=ws.id, account_id=account_id)
        if account_id
        else None
    )
    context = page_context(
        ws,
        "documents",
        page=page,
        documents=page.object_list,
        account=account,
        account_id=account_id,
        opportunity_id=opportunity_id,
        kind=kind or "",
        kinds=TemplateKind.choices,
    )
    return render(request, T + "documents.html", context)


@crm_page()
def document_download(request, ws: Workspace, document_id: int):
    """The stored file, checked against its recorded SHA-256 (a mismatch is refused)."""
    try:
        stored = documents.document_file(
            user=request.user, workspace_id=ws.id, document_id=document_id
        )
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        context = page_context(ws, "documents", error=exc.message)
        return render(request, T + "document_error.html", context, status=exc.status_code)
    return file_response(
        content=stored.content,
        content_type=stored.content_type,
        filename=stored.filename,
        sha256=stored.sha256,
    )


@crm_page(edit=True)
@require_http_methods(["GET", "POST"])
def document_create_page(request, ws: Workspace):
    """Make a document: a template, a format, and what it is filled from. The account is
    chosen first (``?account=``): its contacts and opportunities are then offered."""
    source = request.POST if request.method == "POST" else request.GET
    account_id = int_or_none(source.get("account"))
    opportunity_id = int_or_none(source.get("opportunity"))
    if account_id is None and opportunity_id is not None:
        account_id = pipeline_selectors.opportunity_get(
            user=request.user, workspace_id=ws.id, opportunity_id=opportunity_id
        ).account_id
    accounts = accounts_for_select(request, ws, account_id)
    contacts = opportunities = []
    if account_id is not None and any(a.pk == account_id for a in accounts):
        contacts = list(
            account_contact_list(user=request.user, workspace_id=ws.id, account_id=account_id)
        )
        filters = pipeline_selectors.OpportunityFilters(account=account_id)
        opportunities = list(
            pipeline_selectors.opportunity_list(
                user=request.user, workspace_id=ws.id, filters=filters
            )[:200]
        )
    form = DocumentForm(
        posted(request),
        initial={
            "account": account_id,
            "opportunity": opportunity_id,
            "template": int_or_none(request.GET.get("template")),
        },
        templates=selectors.template_list(user=request.user, workspace_id=ws.id, active=True),
        accounts=accounts,
        contacts=contacts,
        opportunities=opportunities,
    )
    account_choices = form.fields["account"].widget.choices
    form.fields["account"].widget = forms.HiddenInput()  # chosen above the form
    if request.method == "POST" and form.is_valid():
        try:
            made = documents.document_generate(
                user=request.user, workspace_id=ws.id, **form.service_fields()
            )
        except PermissionDeniedError:
            raise
        except ApplicationError as exc:  # a source not found is the form's message here
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(number)s is made and put on the account's timeline.")
                % {"number": made.number},
            )
            url = reverse("frontend:crm-documents", kwargs={"workspace_id": ws.id})
            return redirect(f"{url}?account={made.account_id}#document-{made.pk}")
    context = page_context(
        ws, "documents", form=form, account_id=account_id, account_choices=account_choices
    )
    return render(request, T + "document_form.html", context, status=400 if form.errors else 200)


# --- Templates -----------------------------------------------------------------------------------


@crm_page()
@require_http_methods(["GET", "POST"])
def template_list_page(request, ws: Workspace):
    """The workspace's templates (archived ones last) and, for editors, a new one."""
    form = TemplateForm(posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST":
        require_edit(ws)
        if form.is_valid():
            data = form.cleaned_data
            made = attempt(
                form,
                documents.template_create,
                user=request.user,
                workspace_id=ws.id,
                name=data["name"],
                kind=data["kind"],
                language=data["language"],
                body=data["body"],
                docx=data["docx"],
            )
            if made is not None:
                messages.success(request, _("The template is saved as version 1."))
                return _to_template(ws, made.pk)
    templates = selectors.template_list(user=request.user, workspace_id=ws.id).order_by(
        "-is_active", "name", "pk"
    )
    context = page_context(ws, "documents", templates=templates, form=form)
    return render(request, T + "templates.html", context, status=400 if form.errors else 200)


def _template_page(request, ws: Workspace, template_id: int, *, status=200, **forms):
    template = selectors.template_get(
        user=request.user, workspace_id=ws.id, template_id=template_id
    )
    versions = list(
        selectors.version_list(user=request.user, workspace_id=ws.id, template_id=template.pk)
    )
    latest = versions[0] if versions else None
    context = page_context(
        ws,
        "documents",
        template=template,
        versions=versions,
        latest=latest,
        unknown=documents.version_unknown_placeholders(version=latest) if latest else [],
        change_form=forms.get("change_form")
        or TemplateChangeForm(initial={"name": template.name, "language": template.language}),
        version_form=forms.get("version_form")
        or VersionForm(initial={"body": latest.body if latest else "", "keep_docx": True}),
    )
    return render(request, T + "template_detail.html", context, status=status)


@crm_page()
def template_detail(request, ws: Workspace, template_id: int):
    return _template_page(request, ws, template_id)


@crm_page(edit=True)
@require_POST
def template_change_page(request, ws: Workspace, template_id: int):
    form = TemplateChangeForm(request.POST)
    if form.is_valid() and attempt(
        form,
        documents.template_update,
        user=request.user,
        workspace_id=ws.id,
        template_id=template_id,
        **form.cleaned_data,
    ):
        messages.success(request, _("The template is saved."))
        return _to_template(ws, template_id)
    return _template_page(request, ws, template_id, status=400, change_form=form)


@crm_page(edit=True)
@require_POST
def template_active_page(request, ws: Workspace, template_id: int):
    """Archive (no document is made from it) or restore a template."""
    active = request.POST.get("active") == "1"
    documents.template_update(
        user=request.user, workspace_id=ws.id, template_id=template_id, is_active=active
    )
    messages.success(
        request, _("The template is restored.") if active else _("The template is archived.")
    )
    return _to_template(ws, template_id)


def _version_args(request, ws: Workspace, template_id: int, form: VersionForm) -> dict:
    data = form.cleaned_data
    return {
        "user": request.user,
        "workspace_id": ws.id,
        "template_id": template_id,
        "body": data["body"],
        "docx": data["docx"],
        "keep_docx": data["keep_docx"],
    }


@crm_page(edit=True)
@require_POST
def version_add_page(request, ws: Workspace, template_id: int):
    """The template's next version; "Preview" instead answers the typed text filled with the
    placeholders' examples as a PDF, and stores nothing."""
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid() and "preview" in request.POST:
        return _typed_preview(request, ws, template_id, form)
    if form.is_valid() and attempt(
        form, documents.template_version_add, **_version_args(request, ws, template_id, form)
    ):
        messages.success(request, _("The new version is saved; documents are now made from it."))
        return _to_template(ws, template_id)
    return _template_page(request, ws, template_id, status=400, version_form=form)


def _typed_preview(request, ws: Workspace, template_id: int, form: VersionForm):
    """The typed text as a PDF preview: the version is added and previewed in a transaction
    that is always rolled back (no version, no number; an uploaded DOCX is not taken here)."""
    args = _version_args(request, ws, template_id, form) | {"docx": None, "keep_docx": False}
    content = None
    try:
        with transaction.atomic():
            version = documents.template_version_add(**args)
            content = documents.version_preview(
                user=request.user,
                workspace_id=ws.id,
                template_id=template_id,
                version_id=version.pk,
                file_format="pdf",
            )
            raise _Rollback
    except _Rollback:
        pass
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _template_page(request, ws, template_id, status=400, version_form=form)
    assert content is not None  # made before the rollback
    return file_response(
        content=content, content_type=CONTENT_TYPES["pdf"], filename=f"preview-{template_id}.pdf"
    )


@crm_page()
def version_preview_page(request, ws: Workspace, template_id: int, version_id: int, file_format):
    """A stored version filled with the placeholders' examples (PDF or DOCX; not stored)."""
    if file_format not in CONTENT_TYPES:
        raise Http404(_("No such format."))
    try:
        content = documents.version_preview(
            user=request.user,
            workspace_id=ws.id,
            template_id=template_id,
            version_id=version_id,
            file_format=file_format,
        )
    except (NotFoundError, PermissionDeniedError):
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _to_template(ws, template_id)
    return file_response(
        content=content,
        content_type=CONTENT_TYPES[file_format],
        filename=f"preview-{template_id}.{file_format}",
    )


@crm_page()
def version_docx_page(request, ws: Workspace, template_id: int, version_id: int):
    """A version's Word template, to edit and upload as the next version."""
    stored = documents.version_docx_file(
        user=request.user, workspace_id=ws.id, template_id=template_id, version_id=version_id
    )
    return file_response(
        content=stored.content, content_type=stored.content_type, filename=stored.filename
    )


@crm_page()
def placeholder_list_page(request, ws: Workspace):
    sources = selectors.placeholder_list(user=request.user, workspace_id=ws.id)
    return render(request, T + "placeholders.html", page_context(ws, "documents", sources=sources))
