"""Bad import files, each with a clear message and nothing half-written: a malformed XLSX (a
broken archive, a text file named .xlsx, a zip that is no workbook, a sheet whose XML is cut), a
formula cell (refused with its cell name, never evaluated), a file over 20 MB, an empty file, a
header and no rows, another file type. Refused at upload (400, no job, no stored file) where it
can be told at once; otherwise the job fails with the message and nothing is written."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from crm import import_tasks, imports
from crm.models import Account, ImportJob
from marketplace.core import spreadsheets
from tests.crm.accounts_factories import api, client, make_world, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def post(world, name: str, data: bytes, capture):
    with capture(execute=True):
        return client(world.manager).post(
            api("crm-imports", workspace_id=world.ws),
            {"entity": "accounts", "file": SimpleUploadedFile(name, data)},
            format="multipart",
        )


def stored_files() -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def workbook_with_cut_sheet() -> bytes:
    data = xlsx_bytes([["name"], ["Acme"], ["Beta"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) // 2]
            target.writestr(item, content)
    return out.getvalue()


def zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("hello.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "The file is empty."),
        ("big.csv", b"name\n" + b"x" * (20 * 2**20), "larger than 20 MB"),
        ("broken.xlsx", xlsx_bytes([["name"], ["Acme"]])[:300], "not a readable XLSX"),
        ("text.xlsx", b"name\nAcme\n", "named .xlsx but is not an Excel workbook"),
        ("other.xlsx", zip_without_workbook(), "not a readable XLSX"),
        ("old.xls", b"\xd0\xcf\x11\xe0 old excel", ".xls files are not supported"),
        ("scan.pdf", b"%PDF-1.4", "Unsupported file type"),
    ],
)
def test_a_file_refused_at_upload_makes_no_job_and_stores_nothing(
    world, django_capture_on_commit_callbacks, name, data, message
):
    response = post(world, name, data, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "import_file_invalid"
    assert message in error["message"], error
    assert not ImportJob.objects.exists() and not Account.objects.exists()
    assert stored_files() == []


def formula_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "phone"])
    sheet.append(["Acme", "+380441234567"])
    sheet.append(["Beta", '=HYPERLINK("http://evil","call")'])
    sheet["C4"] = "=1+1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cut.xlsx", workbook_with_cut_sheet(), "The file is not a readable XLSX workbook."),
        ("formulas.xlsx", formula_workbook(), "formulas (cell B3, C4)"),
        ("formulas.csv", b"name,phone\nAcme,=cmd|' /C calc'!A0\n", "formulas (cell B2)"),
        ("header.csv", b"name,phone\n", "no rows below its header"),
        ("blank.csv", b"\n\n\n", "must name its columns"),
        ("blank.xlsx", xlsx_bytes([]), "must name its columns"),
    ],
)
def test_a_file_found_bad_when_read_fails_its_job_with_the_message(
    world, django_capture_on_commit_callbacks, name, data, message
):
    response = post(world, name, data, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert job.status == "failed" and message in job.error, job.error
    assert job.finished_at is not None
    assert not Account.objects.exists()
    assert stored_files() == []  # the upload is gone with the failed job
    progress = (
        client(world.manager)
        .get(api("crm-import-progress", workspace_id=world.ws, job_id=job.pk))
        .json()
    )
    assert progress["status"] == "failed" and message in progress["error"]
    assert (
        client(world.manager)
        .post(api("crm-import-confirm", workspace_id=world.ws, job_id=job.pk))
        .status_code
        == 409
    )


def test_a_formula_is_never_evaluated_nor_its_stored_result_read(world):
    # The workbook says the cell holds "=1+1" with a cached value 2; neither is taken.
    with pytest.raises(spreadsheets.FileProblem) as caught:
        spreadsheets.read_table(data=formula_workbook(), filename="f.xlsx", refuse_formulas=True)
    assert "C4" in str(caught.value.message)


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 10)
    response = client(world.manager).post(
        api("crm-imports", workspace_id=world.ws),
        {"entity": "accounts", "file": SimpleUploadedFile("a.csv", b"name\nAcme Ltd\n")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == ["The file is larger than 0 MB."]
    assert not ImportJob.objects.exists()


def test_a_file_of_more_than_50000_rows_is_refused_whole(world, django_capture_on_commit_callbacks):
    data = ("name\n" + "".join(f"Company {i}\n" for i in range(imports.MAX_ROWS + 1))).encode()
    post(world, "many.csv", data, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and "more than 50,000 rows" in job.error
    assert not Account.objects.exists()


def test_an_unexpected_error_fails_the_job_and_writes_nothing(
    world, django_capture_on_commit_callbacks
):
    with mock.patch("crm.import_rows.AccountChecker.check", side_effect=RuntimeError("bug")):
        post(world, "a.csv", b"name\nAcme\n", django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.status == "failed" and "unexpected error" in job.error
    assert not Account.objects.exists() and stored_files() == []


def test_imports_nobody_finishes_are_ended_with_their_files(
    world, django_capture_on_commit_callbacks
):
    post(world, "a.csv", b"name\nAcme\n", django_capture_on_commit_callbacks)
    checked = ImportJob.objects.get()
    assert checked.status == "checked" and len(stored_files()) == 1
    lost = ImportJob.objects.create(
        workspace=world.workspace, entity="accounts", file_name="b.csv", status="checking"
    )
    fresh = ImportJob.objects.create(
        workspace=world.workspace, entity="accounts", file_name="c.csv", status="checking"
    )
    ImportJob.objects.filter(pk=checked.pk).update(created_at=timezone.now() - timedelta(days=8))
    ImportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert import_tasks.imports_expire.delay().get() == 2
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {checked.pk: "failed", lost.pk: "failed", fresh.pk: "checking"}
    assert "Not confirmed within 7 days" in ImportJob.objects.get(pk=checked.pk).error
    assert stored_files() == []
