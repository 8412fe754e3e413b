"""Import of accounts and contacts from CSV (UTF-8 or Windows-1251, ``;`` or ``,``) and XLSX
files, and export in the same columns.

An import is a job (``ImportJob``) in three steps:
1. ``import_start``: the upload is checked for what can be told at once (empty, over 20 MB, not
   CSV nor XLSX, an XLSX that is no workbook), stored privately, and a job made; the API then
   enqueues the dry run (``import_tasks.import_check``).
2. ``import_check_run`` (in Celery): the file read through the platform's spreadsheet reader
   (``marketplace.core.spreadsheets``, formulas refused by cell name, never evaluated), the
   columns mapped (the person's mapping, else recognised from the header in en/uk/ru), each row
   checked (``import_rows``), the progress kept in ``rows_done``/``rows_total``, the row-by-row
   report stored. Nothing but the job is written.
3. ``import_confirm`` (the person confirms) and ``import_write_run`` (in Celery): the rows are
   checked again, and the valid ones written in one transaction, together with the job's
   "done": all of them or, on any failure, none.

The shared reader is used rather than django-import-export: it already reads the price lists'
and lots' files (cp1251 and ``;`` included), and the checks here are the API's own."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core import spreadsheets
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from .access import workspace_require
from .account_selectors import account_list, contact_list
from .accounts import custom_fields_of
from .import_rows import (
    CHECKERS,
    COLUMNS,
    ENTITY_OF,
    MappingProblem,
    Row,
    known_fields,
    mapping_resolve,
    table_rows,
)
from .models import Account, ImportJob, ImportStatus

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 2**20
MAX_ROWS = 50_000
STORAGE_DIR = "crm/imports"
CONFIRM_WITHIN = timedelta(days=7)
LOST_AFTER = timedelta(days=1)
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_refused(message: str) -> ApplicationError:
    return ApplicationError(message, code="import_file_invalid", fields={"file": [message]})


# --- Starting and confirming ---------------------------------------------------------------


def import_start(
    *,
    actor,
    workspace_id: int,
    entity: str,
    file_name: str,
    data: bytes,
    mapping: dict | None = None,
) -> ImportJob:
    """Check what can be told of the file at once, store it, and make its job (checking).
    The caller enqueues the dry run once this commits (``import_tasks.import_check_schedule``).
    """
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    if entity not in COLUMNS:
        raise ApplicationError(
            _("Import accounts or contacts."), code="invalid", fields={"entity": [entity]}
        )
    try:
        kind = spreadsheets.file_kind(data=data, filename=file_name, max_bytes=MAX_FILE_BYTES)
    except spreadsheets.FileProblem as exc:
        raise file_refused(exc.message) from exc
    mapping = _mapping_clean(workspace_id=workspace_id, entity=entity, mapping=mapping)
    storage = storages["private"]
    name = storage.save(
        f"{STORAGE_DIR}/{workspace_id}/{uuid.uuid4().hex}.{kind}", ContentFile(data)
    )
    try:
        return ImportJob.objects.create(
            workspace_id=workspace_id,
            entity=entity,
            file_name=(file_name or f"import.{kind}")[-300:],
            storage_name=name,
            mapping=mapping,
            status=ImportStatus.CHECKING,
            created_by=actor,
        )
    except Exception:
        storage.delete(name)
        raise


def _mapping_clean(*, workspace_id: int, entity: str, mapping) -> dict:
    if not mapping:
        return {}
    fields = custom_fields_of(workspace_id=workspace_id, entity=ENTITY_OF[entity]).values()
    known = set(known_fields(entity, fields))
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
    ):
        message = _("The mapping is an object: {file column: field}.")
        raise ApplicationError(message, code="invalid", fields={"mapping": [message]})
    wrong = sorted(v for v in mapping.values() if v and v not in known)
    if wrong:
        message = _("Unknown fields: %(fields)s. Known: %(known)s.") % {
            "fields": ", ".join(wrong),
            "known": ", ".join(sorted(known)),
        }
        raise ApplicationError(message, code="invalid", fields={"mapping": [message]})
    return mapping


def import_confirm(*, actor, workspace_id: int, job_id: int) -> ImportJob:
    """The person confirms a checked import: its valid rows are to be written. The caller
    enqueues the writing once this commits (``import_tasks.import_write_schedule``)."""
    workspace_require(user=actor, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(workspace_id=workspace_id, pk=job_id)
            .first()
        )
        if job is None:
            raise NotFoundError(_("No such import."), code="import_not_found")
        if job.status != ImportStatus.CHECKED:
            raise ConflictError(
                _("Only a checked import can be confirmed; this one is “%(status)s”.")
                % {"status": job.get_status_display()},
                code="import_not_checked",
            )
        if job.rows_valid == 0:
            raise ApplicationError(
                _("The file has no valid row to import."), code="import_nothing_valid"
            )
        job.status = ImportStatus.IMPORTING
        job.rows_done = 0
        job.save(update_fields=["status", "rows_done"])
    return job


# --- The work (called by the Celery tasks) -------------------------------------------------


def import_check_run(*, job_id: int) -> None:
    """The dry run: the report of every row, nothing written but the job. Run again on a
    redelivered task, it checks again; on a job no longer checking it does nothing."""
    job = ImportJob.objects.select_related("workspace").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.CHECKING:
        return
    try:
        checker, rows = _prepare(job)
        checker.check(rows, progress=lambda n: _progress(job.pk, n))
    except (spreadsheets.FileProblem, MappingProblem) as exc:
        import_fail(job_id=job.pk, message=exc.message)
        return
    report = [r.report() for r in rows if r.problems]
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING).update(
        status=ImportStatus.CHECKED,
        rows_done=len(rows),
        rows_valid=len(rows) - len(report),
        rows_invalid=len(report),
        report=report,
        error="",
    )


def import_write_run(*, job_id: int) -> None:
    """The confirmed import: the rows checked again (the workspace may have changed since the
    dry run), then the valid ones written with the job's "done" in one transaction."""
    job = ImportJob.objects.select_related("workspace", "created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.IMPORTING:
        return
    try:
        checker, rows = _prepare(job)
        checker.check(rows, progress=lambda n: _progress(job.pk, n))
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportStatus.IMPORTING:
                return  # a redelivered task: the first one wrote it
            live = [r for r in rows if not r.problems]
            checker.recheck(live)
            live = [r for r in live if not r.problems]
            written = checker.write(live, actor=job.created_by)
            report = [r.report() for r in rows if r.problems]
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.DONE,
                rows_done=len(rows),
                rows_valid=written,
                rows_invalid=len(report),
                report=report,
                error="",
                finished_at=timezone.now(),
            )
            name = job.storage_name
            transaction.on_commit(lambda: storages["private"].delete(name))
    except (spreadsheets.FileProblem, MappingProblem) as exc:
        import_fail(job_id=job.pk, message=exc.message)
    except IntegrityError:
        logger.exception("import %s: refused by the database", job.pk)
        import_fail(
            job_id=job.pk,
            message=_(
                "The CRM changed while the file was imported, and nothing was imported. "
                "Upload the file again to check it against the CRM as it is now."
            ),
        )


def _prepare(job: ImportJob) -> tuple:
    try:
        with storages["private"].open(job.storage_name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise spreadsheets.FileProblem(_("The uploaded file is gone: upload it again.")) from exc
    table = spreadsheets.read_table(
        data=data,
        filename=job.storage_name,
        max_rows=MAX_ROWS,
        max_bytes=MAX_FILE_BYTES,
        refuse_formulas=True,
    )
    if not table or spreadsheets.is_blank(table[0]):
        raise spreadsheets.FileProblem(
            _("The first row of the file must name its columns, and it is empty.")
        )
    fields = custom_fields_of(workspace_id=job.workspace_id, entity=ENTITY_OF[job.entity])
    mapping = mapping_resolve(
        entity=job.entity, header=table[0], custom_fields=fields, given=job.mapping
    )
    rows: list[Row] = table_rows(table, mapping)
    if not rows:
        raise spreadsheets.FileProblem(_("The file has no rows below its header."))
    if len(rows) > MAX_ROWS:
        raise spreadsheets.FileProblem(
            _("The file has more than %(n)s rows: split it into files of %(n)s rows at most.")
            % {"n": f"{MAX_ROWS:,}"}
        )
    ImportJob.objects.filter(pk=job.pk).update(mapping=mapping, rows_total=len(rows), rows_done=0)
    checker = CHECKERS[job.entity](workspace=job.workspace, mapping=mapping)
    return checker, rows


def _progress(job_id: int, done: int) -> None:
    ImportJob.objects.filter(pk=job_id).update(rows_done=done)


def import_fail(*, job_id: int, message: str) -> None:
    """End a job that cannot go on, with the message the person reads; its file goes. Nothing
    it would have imported is written (the writing is one transaction)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.FAILED, error=str(message)[:500], finished_at=timezone.now()
    )
    name = job.storage_name
    if name:
        transaction.on_commit(lambda: storages["private"].delete(name))


def imports_expire() -> int:
    """End the jobs nobody will finish, and delete their files: checked but not confirmed
    within ``CONFIRM_WITHIN``; still checking a day on, or importing a day past the latest
    confirmation (their task was lost: a writing never committed wrote nothing). Returns how
    many jobs were ended. Run hourly by Celery beat."""
    now = timezone.now()
    stale = (
        Q(status=ImportStatus.CHECKED, created_at__lt=now - CONFIRM_WITHIN)
        | Q(status=ImportStatus.CHECKING, created_at__lt=now - LOST_AFTER)
        | Q(status=ImportStatus.IMPORTING, created_at__lt=now - CONFIRM_WITHIN - LOST_AFTER)
    )
    ended = 0
    for job in ImportJob.objects.filter(stale).only("pk", "status"):
        message = (
            _("Not confirmed within %(days)d days: upload the file again to import it.")
            % {"days": CONFIRM_WITHIN.days}
            if job.status == ImportStatus.CHECKED
            else _("The import stopped, and nothing was imported: upload the file again.")
        )
        import_fail(job_id=job.pk, message=message)
        ended += 1
    return ended


# --- Reading jobs --------------------------------------------------------------------------


def import_job_list(*, user, workspace_id: int):
    workspace_require(user=user, workspace_id=workspace_id)
    return ImportJob.objects.filter(workspace_id=workspace_id).defer("report")


def import_job_get(*, user, workspace_id: int, job_id: int) -> ImportJob:
    workspace_require(user=user, workspace_id=workspace_id)
    job = ImportJob.objects.filter(workspace_id=workspace_id, pk=job_id).first()
    if job is None:
        raise NotFoundError(_("No such import."), code="import_not_found")
    return job


# --- Export --------------------------------------------------------------------------------


def account_export(*, user, workspace_id: int, file_format: str, **filters) -> bytes:
    """The accounts (as the list shows them, filtered alike) in the import's columns."""
    accounts = account_list(user=user, workspace_id=workspace_id, **filters)
    custom_keys = list(custom_fields_of(workspace_id=workspace_id, entity="account"))
    header = [*COLUMNS["accounts"], *(f"custom.{k}" for k in custom_keys)]
    return _write(file_format, header, _account_rows(accounts, custom_keys), title="Accounts")


def _account_rows(accounts, custom_keys: list[str]) -> Iterable[list]:
    for a in accounts.iterator(chunk_size=2000):
        yield [
            a.name,
            a.country,
            a.registration_number,
            a.tax_id,
            a.website,
            a.email,
            a.phone,
            a.address,
            a.city,
            a.owner.email if a.owner else "",
            a.segment,
            a.stage,
            "; ".join(t.name for t in a.tags.all()),
            a.notes,
            *(_custom_text(a.custom.get(k)) for k in custom_keys),
        ]


def contact_export(
    *, user, workspace_id: int, file_format: str, q: str = "", account_id: int | None = None
) -> bytes:
    """The contacts in the import's columns (the account named and identified)."""
    contacts = contact_list(user=user, workspace_id=workspace_id, q=q, account_id=account_id)
    custom_keys = list(custom_fields_of(workspace_id=workspace_id, entity="contact"))
    header = [*COLUMNS["contacts"], *(f"custom.{k}" for k in custom_keys)]
    return _write(file_format, header, _contact_rows(contacts, custom_keys), title="Contacts")


def _contact_rows(contacts, custom_keys: list[str]) -> Iterable[list]:
    for c in contacts.iterator(chunk_size=2000):
        account: Account = c.account
        yield [
            account.name,
            account.registration_number,
            account.tax_id,
            c.first_name,
            c.last_name,
            c.position,
            "; ".join(c.emails or []),
            "; ".join(c.phones or []),
            c.language,
            "yes" if c.consent else "no",
            c.notes,
            *(_custom_text(c.custom.get(k)) for k in custom_keys),
        ]


def _custom_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _write(file_format: str, header: list[str], rows: Iterable[list], *, title: str) -> bytes:
    if file_format == "xlsx":
        return spreadsheets.write_xlsx(header, rows, title=title)
    return spreadsheets.write_csv(header, rows)
