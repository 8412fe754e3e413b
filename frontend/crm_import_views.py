"""The CRM's import and export pages: upload a CSV or XLSX file of accounts or contacts (its
columns shown, each mapped to a field, as soon as the file is chosen), the dry run's progress
(polled by htmx while the Celery job runs) and its row-by-row report a page at a time, the
confirmation, the result; and the exports (CSV, XLSX) of the account and contact lists.

Thin views over ``crm.imports``: the upload is ``import_start`` and its dry run
``import_tasks.import_check_schedule``, the confirmation ``import_confirm`` and
``import_write_schedule``, as the API does. Without a Celery broker (``make run``, the tests)
the task runs in the upload's own request, so the page opens on the finished report; with one,
the page shows the progress bar until the job is done."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm import imports
from crm.account_selectors import custom_field_list
from crm.import_rows import COLUMNS, ENTITY_OF, MappingProblem, header_aliases, mapping_resolve
from crm.import_tasks import import_check_schedule, import_write_schedule
from crm.models import ImportJob, ImportStatus
from marketplace.core import spreadsheets
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.files import download_response

from .crm_forms import AccountFilterForm, ImportUploadForm, add_crm_error
from .crm_views import PER_PAGE, Workspace, account_filter_form, crm_page, crm_render

REPORT_PAGE = 50
HEADER_BYTES = 256 * 1024  # enough of a CSV file to read its header row
RUNNING = (ImportStatus.CHECKING, ImportStatus.IMPORTING)

FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "country": gettext_lazy("Country"),
    "registration_number": gettext_lazy("Registration number"),
    "tax_id": gettext_lazy("Tax identifier"),
    "website": gettext_lazy("Website"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Phone"),
    "address": gettext_lazy("Address"),
    "city": gettext_lazy("City"),
    "owner": gettext_lazy("Owner (e-mail)"),
    "segment": gettext_lazy("Segment"),
    "stage": gettext_lazy("Lifecycle stage"),
    "tags": gettext_lazy("Tags"),
    "notes": gettext_lazy("Notes"),
    "account": gettext_lazy("Account (name)"),
    "account_registration_number": gettext_lazy("Account's registration number"),
    "account_tax_id": gettext_lazy("Account's tax identifier"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "position": gettext_lazy("Position"),
    "emails": gettext_lazy("E-mails"),
    "phones": gettext_lazy("Phones"),
    "language": gettext_lazy("Language"),
    "consent": gettext_lazy("Consent"),
}


def _entity(value) -> str:
    return value if value in COLUMNS else "accounts"


def field_choices(request, ws: Workspace, entity: str) -> list[tuple[str, str]]:
    """The fields a column may fill: the entity's and its custom fields."""
    definitions = custom_field_list(user=request.user, workspace_id=ws.id, entity=ENTITY_OF[entity])
    return [
        *((name, f"{FIELD_LABELS.get(name, name)} ({name})") for name in COLUMNS[entity]),
        *((f"custom.{d.key}", f"{d.label} (custom.{d.key})") for d in definitions),
    ]


def _page_context(request, ws: Workspace, *, form=None) -> dict:
    jobs = imports.import_job_list(user=request.user, workspace_id=ws.id)
    page = Paginator(jobs, PER_PAGE).get_page(request.GET.get("page"))
    columns = {
        entity: [
            {"field": name, "label": FIELD_LABELS.get(name, name), "headers": headers}
            for name, headers in COLUMNS[entity].items()
        ]
        for entity in COLUMNS
    }
    return {
        "form": form if form is not None else ImportUploadForm(),
        "page": page,
        "jobs": page.object_list,
        "columns": columns,
    }


@crm_page()
@require_http_methods(["GET", "POST"])
def import_list_page(request, ws: Workspace):
    """The imports, newest first, and (for editors) the upload: its dry run starts at once."""
    if request.method == "GET":
        return crm_render(request, ws, "frontend/crm/imports.html", _page_context(request, ws))
    form = ImportUploadForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > imports.MAX_FILE_BYTES:  # refused before it is read
                raise imports.file_refused(
                    _("The file is larger than %(mb)d MB.")
                    % {"mb": imports.MAX_FILE_BYTES // 2**20}
                )
            job = imports.import_start(
                actor=request.user,
                workspace_id=ws.id,
                entity=form.cleaned_data["entity"],
                file_name=upload.name,
                data=upload.read(imports.MAX_FILE_BYTES + 1),
                mapping=form.mapping(request.POST) or None,
            )
        except NotFoundError:
            raise
        except ApplicationError as exc:
            if exc.status_code == 403:
                raise
            add_crm_error(form, exc)
            status = exc.status_code
        else:
            import_check_schedule(job.pk)
            return redirect("frontend:crm-import", ws.id, job.pk)
    return crm_render(
        request,
        ws,
        "frontend/crm/imports.html",
        _page_context(request, ws, form=form),
        status=status,
    )


def _header_of(upload) -> list:
    """The file's first row (a CSV's first part only is read)."""
    data = upload.read(imports.MAX_FILE_BYTES + 1)
    kind = spreadsheets.file_kind(data=data, filename=upload.name, max_bytes=imports.MAX_FILE_BYTES)
    if kind == "csv" and len(data) > HEADER_BYTES:
        data = data[:HEADER_BYTES]
        data = data[: data.rfind(b"\n") + 1] or data
    table = spreadsheets.read_table(
        data=data, filename=upload.name, max_rows=1, max_bytes=imports.MAX_FILE_BYTES
    )
    return table[0] if table else []


def _recognised(request, ws: Workspace, entity: str, names: list[str]) -> dict[str, str]:
    """Each column's field as the import would recognise it by its name (en/uk/ru, a custom
    field by ``custom.<key>`` or its label): the choice the page starts from."""
    aliases = header_aliases(
        entity=entity,
        custom_fields=custom_field_list(
            user=request.user, workspace_id=ws.id, entity=ENTITY_OF[entity]
        ),
    )
    guess: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        field = aliases.get(spreadsheets.normalize_header(name), "")
        if field and field not in taken:
            guess[name] = field
            taken.add(field)
    return guess


@crm_page(edit=True)
@require_POST
def import_columns(request, ws: Workspace):
    """The column step (htmx, as soon as a file is chosen): the file's columns, each with the
    field it will fill (recognised by its name; the person may change it). Nothing is kept."""
    entity = _entity(request.POST.get("entity"))
    upload = request.FILES.get("file")
    context: dict = {"columns": [], "problem": "", "entity": entity}
    if upload is None:
        return crm_render(request, ws, "frontend/crm/_import_mapping.html", context)
    try:
        header = _header_of(upload)
    except spreadsheets.FileProblem as exc:
        context["problem"] = exc.message
        return crm_render(request, ws, "frontend/crm/_import_mapping.html", context)
    names = [spreadsheets.cell_text(h) for h in header]
    names = [n for n in names if n]
    guess = _recognised(request, ws, entity, names)
    try:
        mapping_resolve(
            entity=entity,
            header=names,
            custom_fields={},
            given={**dict.fromkeys(names, ""), **guess},
        )
    except MappingProblem as exc:
        context["problem"] = exc.message
    context["columns"] = [
        {"index": i, "name": name, "field": guess.get(name, "")} for i, name in enumerate(names)
    ]
    context["choices"] = field_choices(request, ws, entity)
    return crm_render(request, ws, "frontend/crm/_import_mapping.html", context)


def _progress_context(job: ImportJob) -> dict:
    total = job.rows_total or 0
    done = min(job.rows_done or 0, total) if total else 0
    return {
        "job": job,
        "running": job.status in RUNNING,
        "rows_done": done,
        "rows_total": total,
        "percent": int(100 * done / total) if total else 0,
    }


@crm_page()
@require_GET
def import_page(request, ws: Workspace, job_id: int):
    """An import: its progress while it runs; then its counts, the mapping used and the report
    row by row, a page at a time, and (for editors, once checked) the confirmation."""
    job = imports.import_job_get(user=request.user, workspace_id=ws.id, job_id=job_id)
    report = Paginator(list(job.report or []), REPORT_PAGE).get_page(request.GET.get("page"))
    labels = dict(field_choices(request, ws, job.entity))
    mapping = [
        {"column": column, "field": field, "label": labels.get(field, field)}
        for column, field in (job.mapping or {}).items()
    ]
    return crm_render(
        request,
        ws,
        "frontend/crm/import.html",
        {
            **_progress_context(job),
            "report": report,
            "mapping": mapping,
            "may_confirm": ws.may_edit and job.status == ImportStatus.CHECKED and job.rows_valid,
        },
    )


@crm_page()
@require_GET
def import_progress(request, ws: Workspace, job_id: int):
    """The progress bar (htmx polls it every second); once the job has finished, the page is
    reloaded to show the report."""
    job = imports.import_job_get(user=request.user, workspace_id=ws.id, job_id=job_id)
    response = crm_render(request, ws, "frontend/crm/_import_progress.html", _progress_context(job))
    if job.status not in RUNNING and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@crm_page(edit=True)
@require_POST
def import_confirm_page(request, ws: Workspace, job_id: int):
    """Import the checked file's valid rows (in one transaction, in Celery)."""
    try:
        job = imports.import_confirm(actor=request.user, workspace_id=ws.id, job_id=job_id)
    except NotFoundError:
        raise
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
        return redirect("frontend:crm-import", ws.id, job_id)
    import_write_schedule(job.pk)
    return redirect("frontend:crm-import", ws.id, job.pk)


# --- Exports ---------------------------------------------------------------------------------


def _file_response(data: bytes, *, file_format: str, name: str) -> HttpResponse:
    stamp = timezone.now().strftime("%Y-%m-%d")
    return download_response(
        data,
        filename=f"{name}-{stamp}.{file_format}",
        content_type=imports.CONTENT_TYPES[file_format],
    )


def _file_format(request) -> str | None:
    value = request.GET.get("file_format", "csv")
    return value if value in imports.CONTENT_TYPES else None


@crm_page()
@require_GET
def account_export_page(request, ws: Workspace):
    """The accounts as the list shows them (its filters), in the import's columns."""
    file_format = _file_format(request)
    if file_format is None:
        return HttpResponse(_("Export as csv or xlsx."), status=400)
    form: AccountFilterForm = account_filter_form(request, ws)
    data = imports.account_export(
        user=request.user, workspace_id=ws.id, file_format=file_format, **form.selector_filters()
    )
    return _file_response(data, file_format=file_format, name="accounts")


@crm_page()
@require_GET
def contact_export_page(request, ws: Workspace):
    file_format = _file_format(request)
    if file_format is None:
        return HttpResponse(_("Export as csv or xlsx."), status=400)
    q = (request.GET.get("q") or "").strip()[:200]
    data = imports.contact_export(
        user=request.user, workspace_id=ws.id, file_format=file_format, q=q
    )
    return _file_response(data, file_format=file_format, name="contacts")
