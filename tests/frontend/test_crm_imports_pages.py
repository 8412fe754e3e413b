"""The CRM's import pages, through the test client: the upload (its columns shown and mapped as
soon as a file is chosen), the dry run's progress bar (polled by htmx while the job runs) and its
row-by-row report a page at a time, the confirmation, the result.

Editors upload and confirm; readers see the imports but are offered neither, and are refused
(403) writing nothing; another company gets 404; a bad file shows its message and makes no job.
(The Celery tasks run eagerly here, on the request's commit; the export buttons of the lists are
in test_crm_accounts_pages.py.)"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.account_checks import name_fold
from crm.models import Account, Contact, CustomField, ImportJob, ImportStatus
from tests.crm.accounts_factories import csv_file, xlsx_file
from tests.crm.activities_factories import BIDDER, MANAGER, OFFICER, ROLES, CrmWorld
from tests.factories import PASSWORD, valid_edrpou

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args) -> str:
    return reverse(f"frontend:{name}", args=list(args))


@pytest.fixture
def w() -> CrmWorld:
    return CrmWorld()


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.logout()
        assert client.login(email=user.email, password=PASSWORD)
        return client

    return log_in


@pytest.fixture
def eager(django_capture_on_commit_callbacks):
    """Run what a request enqueues on commit (the eager Celery tasks) there and then."""

    def call(c, method: str, path: str, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(c, method)(path, data or {}, **kwargs)

    return call


def accounts_csv(bad_row: bool = True):
    rows = [
        ["Назва", "Країна", "Код ЄДРПОУ", "Місто"],
        ["ТОВ «Перша»", "UA", valid_edrpou(), "Київ"],
        ["ТОВ «Друга»", "UA", valid_edrpou(), "Львів"],
    ]
    if bad_row:
        code = valid_edrpou()
        wrong = code[:-1] + str((int(code[-1]) + 1) % 10)  # its check digit wrong
        rows.append(["ТОВ «Погана»", "UA", wrong, "Одеса"])
    return csv_file(rows, name="accounts.csv")


def job_make(w, **fields) -> ImportJob:
    return ImportJob.objects.create(
        workspace=w.company,
        entity=fields.pop("entity", "accounts"),
        file_name=fields.pop("file_name", "big.csv"),
        storage_name="crm/imports/none.csv",
        status=fields.pop("status", ImportStatus.CHECKING),
        created_by=w.manager,
        **fields,
    )


# --- Who sees what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_render_for_each_role(as_user, w, role):
    job = job_make(w, status=ImportStatus.CHECKED, rows_total=3, rows_valid=2, rows_invalid=1)
    c = as_user(w.people[role])
    listing = c.get(url("crm-imports", w.ws))
    assert listing.status_code == 200
    page = c.get(url("crm-import", w.ws, job.pk))
    assert page.status_code == 200
    upload_offered = 'id="import-form"' in listing.content.decode()
    confirm_offered = 'id="import-confirm"' in page.content.decode()
    editor = role not in (OFFICER, BIDDER)
    assert upload_offered == editor and confirm_offered == editor


@pytest.mark.parametrize("role", [OFFICER, BIDDER])
def test_a_reader_may_not_upload_or_confirm(as_user, w, role, eager):
    job = job_make(w, status=ImportStatus.CHECKED, rows_total=1, rows_valid=1)
    c = as_user(w.people[role])
    response = eager(
        c, "post", url("crm-imports", w.ws), {"entity": "accounts", "file": accounts_csv()}
    )
    assert response.status_code == 403
    assert c.post(url("crm-import-confirm", w.ws, job.pk)).status_code == 403
    columns = c.post(url("crm-import-columns", w.ws), {"file": accounts_csv()}, **HTMX)
    assert columns.status_code == 403
    assert ImportJob.objects.count() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


def test_another_company_gets_404(as_user, w):
    job = job_make(w, status=ImportStatus.CHECKED, rows_total=1, rows_valid=1)
    c = as_user(w.outsider_admin)
    for path in (
        url("crm-imports", w.ws),
        url("crm-import", w.ws, job.pk),
        url("crm-import-progress", w.ws, job.pk),
        url("crm-import", w.outsider.pk, job.pk),
    ):
        assert c.get(path).status_code == 404, path
    assert c.post(url("crm-import-confirm", w.ws, job.pk)).status_code == 404
    assert c.post(url("crm-import-confirm", w.outsider.pk, job.pk)).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED


# --- The flow ------------------------------------------------------------------------------


def test_upload_report_confirm_and_the_accounts_are_there(as_user, w, eager):
    c = as_user(w.manager)
    response = eager(
        c, "post", url("crm-imports", w.ws), {"entity": "accounts", "file": accounts_csv()}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == url("crm-import", w.ws, job.pk)
    assert Account.objects.filter(name__startswith="ТОВ").count() == 0  # the dry run wrote none
    page = c.get(response["Location"]).content.decode()
    assert 'id="import-status"' in page and "Checked" in page
    assert 'id="rows-valid">2<' in page and 'id="rows-invalid">1<' in page
    report = page.split('id="import-report"')[1]
    assert '<td rowspan="1">4</td>' in report and "Код ЄДРПОУ" in report
    assert 'id="import-confirm"' in page
    confirmed = eager(c, "post", url("crm-import-confirm", w.ws, job.pk))
    assert confirmed["Location"] == url("crm-import", w.ws, job.pk)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.rows_valid == 2
    done = c.get(url("crm-import", w.ws, job.pk)).content.decode()
    assert 'id="import-done"' in done and url("crm-accounts", w.ws) in done
    listing = c.get(url("crm-accounts", w.ws)).content.decode()
    assert "ТОВ «Перша»" in listing and "ТОВ «Друга»" in listing and "Погана" not in listing
    # A second confirmation: refused with the service's message, nothing more written.
    again = eager(c, "post", url("crm-import-confirm", w.ws, job.pk))
    assert again.status_code == 302
    assert Account.objects.filter(name__startswith="ТОВ").count() == 2


def test_the_columns_are_shown_and_the_mapping_is_the_persons(as_user, w, eager):
    CustomField.objects.create(
        workspace=w.company, entity="account", key="volume", label="Volume", type="number"
    )
    c = as_user(w.admin)
    rows = [["Firma", "Volume", "Remarks"], ["Acme Ltd", "12", "x"], ["Beta Ltd", "7", "y"]]
    columns = c.post(
        url("crm-import-columns", w.ws),
        {"entity": "accounts", "file": csv_file(rows, name="firms.csv")},
        **HTMX,
    )
    assert columns.status_code == 200
    html = columns.content.decode()
    assert 'name="column_0" value="Firma"' in html
    # "Volume" is the custom field's label: recognised; "Firma" is not: the required name is missing.
    assert '<option value="custom.volume" selected>' in html
    assert "The file has no column for name" in html
    response = eager(
        c,
        "post",
        url("crm-imports", w.ws),
        {
            "entity": "accounts",
            "file": csv_file(rows, name="firms.csv"),
            "column_0": "Firma",
            "field_0": "name",
            "column_1": "Volume",
            "field_1": "custom.volume",
            "column_2": "Remarks",
            "field_2": "",
        },
    )
    job = ImportJob.objects.get()
    assert response["Location"] == url("crm-import", w.ws, job.pk)
    assert job.status == ImportStatus.CHECKED and job.rows_valid == 2
    assert job.mapping == {"Firma": "name", "Volume": "custom.volume", "Remarks": ""}
    page = c.get(url("crm-import", w.ws, job.pk)).content.decode()
    assert "left out" in page


def test_the_columns_of_an_xlsx_file_and_of_contacts(as_user, w):
    c = as_user(w.manager)
    file = xlsx_file([["Прізвище", "Ім'я", "Компанія", "Телефон"], ["Бондар", "Петро", "X", "1"]])
    html = c.post(
        url("crm-import-columns", w.ws), {"entity": "contacts", "file": file}, **HTMX
    ).content.decode()
    assert '<option value="last_name" selected>' in html
    assert '<option value="account" selected>' in html
    assert 'id="mapping-problem"' not in html
    refused = c.post(
        url("crm-import-columns", w.ws),
        {"entity": "accounts", "file": SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0")},
        **HTMX,
    ).content.decode()
    assert ".xls files are not supported" in refused


def test_a_bad_file_shows_its_message_and_makes_no_job(as_user, w, eager):
    c = as_user(w.manager)
    for file, message in (
        (SimpleUploadedFile("empty.csv", b""), "empty"),
        (SimpleUploadedFile("notes.pdf", b"%PDF-1.4"), "Unsupported file type"),
    ):
        response = eager(c, "post", url("crm-imports", w.ws), {"entity": "accounts", "file": file})
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html.split('id="id_file-errors"')[1].split("</div>")[0]
    missing = eager(c, "post", url("crm-imports", w.ws), {"entity": "accounts"})
    assert missing.status_code == 400
    assert not ImportJob.objects.exists()


def test_a_file_that_fails_while_read_shows_why(as_user, w, eager):
    c = as_user(w.manager)
    rows = [["name", "city"], ["=1+1", "Kyiv"]]
    eager(c, "post", url("crm-imports", w.ws), {"entity": "accounts", "file": csv_file(rows)})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    page = c.get(url("crm-import", w.ws, job.pk)).content.decode()
    assert "formulas" in page.split('id="import-error"')[1] and "Nothing was imported" in page


# --- Progress and the report ---------------------------------------------------------------


def test_the_progress_bar_while_the_job_runs(as_user, w):
    job = job_make(w, rows_total=50_000, rows_done=12_500)
    c = as_user(w.bidder)
    page = c.get(url("crm-import", w.ws, job.pk)).content.decode()
    assert '<progress max="50000" value="12500"' in page
    assert f'hx-get="{url("crm-import-progress", w.ws, job.pk)}" hx-trigger="every 1s"' in page
    assert "12,500 of 50,000 rows" in page and "(25%)" in page
    ImportJob.objects.filter(pk=job.pk).update(rows_done=40_000)
    poll = c.get(url("crm-import-progress", w.ws, job.pk), **HTMX)
    assert poll.status_code == 200 and "HX-Refresh" not in poll
    assert 'value="40000"' in poll.content.decode() and "(80%)" in poll.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.CHECKED, rows_done=50_000, rows_valid=50_000
    )
    finished = c.get(url("crm-import-progress", w.ws, job.pk), **HTMX)
    assert finished["HX-Refresh"] == "true"
    assert "hx-trigger" not in finished.content.decode()  # no more polling


def test_the_report_pages(as_user, w):
    report = [
        {"row": n, "problems": [{"column": "name", "field": "name", "problem": f"bad {n}"}]}
        for n in range(2, 122)
    ]
    job = job_make(
        w,
        status=ImportStatus.CHECKED,
        rows_total=120,
        rows_valid=0,
        rows_invalid=120,
        report=report,
    )
    c = as_user(w.manager)
    first = c.get(url("crm-import", w.ws, job.pk)).content.decode()
    assert "bad 51<" in first and "bad 52<" not in first
    assert 'id="import-confirm"' not in first and "No row is valid" in first
    third = c.get(url("crm-import", w.ws, job.pk), {"page": 3}).content.decode()
    assert "bad 121<" in third and "bad 51<" not in third


def test_the_imports_list(as_user, w):
    job_make(w, file_name="older.csv", status=ImportStatus.DONE, rows_total=5, rows_valid=5)
    job_make(w, file_name="newer.xlsx", status=ImportStatus.FAILED, error="broken")
    page = as_user(w.people[MANAGER]).get(url("crm-imports", w.ws)).content.decode()
    listing = page.split('id="imports"')[1]
    assert listing.index("newer.xlsx") < listing.index("older.csv")
    assert "5 valid, 0 with problems" in listing


def test_contacts_import_to_their_accounts(as_user, w, eager):
    # (The factory's folded name is not the CRM's: fold it as the services do.)
    Account.objects.filter(pk=w.account.pk).update(name_key=name_fold(w.account.name))
    c = as_user(w.manager)
    rows = [
        ["account", "last_name", "first_name", "emails"],
        ["Customer Corp", "Melnyk", "Ivan", "ivan@customer.example"],
        ["Nobody Inc", "Ghost", "", ""],
    ]
    eager(
        c,
        "post",
        url("crm-imports", w.ws),
        {"entity": "contacts", "file": csv_file(rows, name="people.csv")},
    )
    job = ImportJob.objects.get()
    assert (job.rows_valid, job.rows_invalid) == (1, 1)
    eager(c, "post", url("crm-import-confirm", w.ws, job.pk))
    assert Contact.objects.filter(last_name="Melnyk", account=w.account).exists()
    done = c.get(url("crm-import", w.ws, job.pk)).content.decode()
    assert url("crm-contacts", w.ws) in done
