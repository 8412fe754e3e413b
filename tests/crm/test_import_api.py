"""Import of accounts and contacts through the REST API: CSV (UTF-8 or cp1251, ``,`` or ``;``) and
XLSX, columns recognised by their names in en/uk/ru or mapped by the person, a dry run with a
row-by-row report that writes nothing, then (confirmed) the valid rows written in one
transaction; the progress to poll; export in the same columns, read back by the import."""

from __future__ import annotations

import io
import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from openpyxl import load_workbook
from stdnum.ua import edrpou as ua_edrpou

from crm.models import Account, Contact, ImportJob, Tag
from tests.crm.accounts_factories import (
    api,
    client,
    csv_file,
    edrpou,
    make_world,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Call the API with the eager Celery tasks it enqueues on commit run there and then."""

    def call(method, c, path, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(c, method)(path, data, **kwargs)

    return call


def upload(run, world, file, *, entity="accounts", mapping=None, user=None):
    data = {"entity": entity, "file": file}
    if mapping is not None:
        data["mapping"] = json.dumps(mapping)
    response = run(
        "post",
        client(user or world.manager),
        api("crm-imports", workspace_id=world.ws),
        data,
        format="multipart",
    )
    return response


def job_of(response) -> ImportJob:
    assert response.status_code == 202, response.json()
    return ImportJob.objects.get(pk=response.json()["id"])


def confirm(run, world, job, user=None):
    return run(
        "post",
        client(user or world.manager),
        api("crm-import-confirm", workspace_id=world.ws, job_id=job.pk),
    )


def report(world, job) -> dict[int, list[str]]:
    response = client(world.officer).get(
        api("crm-import-report", workspace_id=world.ws, job_id=job.pk), {"page_size": 200}
    )
    assert response.status_code == 200
    return {
        r["row"]: [f"{p['column']}: {p['problem']}" for p in r["problems"]]
        for r in response.json()["results"]
    }


def test_a_dry_run_reports_each_bad_row_writes_nothing_and_the_confirmed_import_writes_the_rest(
    world, run
):
    existing_code = edrpou()
    Account.objects.create(
        workspace=world.workspace,
        name="Existing",
        name_key="existing",
        country="UA",
        registration_number=existing_code,
    )
    good, other, dup = edrpou(), edrpou(), edrpou()
    rows = [
        ["name", "country", "registration_number", "phone", "owner", "tags", "stage"],
        ["Alpha", "UA", good, "044 123 45 67", "manager@workspace.ua", "grain; vip", "active"],
        ["Bad code", "UA", "32855968", "", "", "", ""],  # row 3
        ["Unknown owner", "UA", edrpou(), "", "nobody@x.ua", "", ""],  # row 4
        ["Beta", "UA", dup, "", "", "", "Active"],  # row 5
        ["Beta again", "UA", dup, "", "", "", ""],  # row 6: duplicate of row 5
        ["Existing again", "UA", existing_code, "", "", "", ""],  # row 7
        ["Bad phone", "UA", edrpou(), "12", "", "", ""],  # row 8
        ["", "", "", "", "", "", ""],  # blank: not a row
        ["Romashka", "UA", world.market.registration_number, "", "", "", ""],  # row 10
        ["Gamma", "", other, "", "", "", "nonsense"],  # row 11
    ]
    job = job_of(upload(run, world, csv_file(rows)))
    assert job.status == "checked"
    assert (job.rows_total, job.rows_valid, job.rows_invalid) == (9, 3, 6)
    assert Account.objects.count() == 1  # nothing written by the dry run
    problems = report(world, job)
    assert set(problems) == {3, 4, 6, 7, 8, 11}
    assert "registration_number" in problems[3][0] and "check digit" in problems[3][0]
    assert "nobody@x.ua" in problems[4][0]
    assert "row 5" in problems[6][0]
    assert "Existing" in problems[7][0] and "registration number" in problems[7][0]
    assert problems[8][0].startswith("phone:")
    assert problems[11][0].startswith("stage:")
    progress = client(world.bidder).get(
        api("crm-import-progress", workspace_id=world.ws, job_id=job.pk)
    )
    assert progress.json() == {
        "status": "checked",
        "rows_done": 9,
        "rows_total": 9,
        "percent": 100,
        "error": "",
    }

    response = confirm(run, world, job)
    assert response.status_code == 202
    job.refresh_from_db()
    assert job.status == "done" and job.rows_valid == 3 and job.finished_at
    assert sorted(Account.objects.values_list("name", flat=True)) == [
        "Alpha",
        "Beta",
        "Existing",
        "Romashka",
    ]
    alpha = Account.objects.get(name="Alpha")
    assert alpha.phone == "+380441234567" and alpha.owner == world.manager
    assert alpha.stage == "active" and alpha.name_key == "alpha"
    assert sorted(alpha.tags.values_list("name", flat=True)) == ["grain", "vip"]
    assert Account.objects.get(name="Beta").stage == "active"
    assert Account.objects.get(name="Romashka").company == world.market
    assert Account.objects.get(name="Alpha").created_by == world.manager
    # Confirmed once only.
    assert confirm(run, world, job).status_code == 409


def test_cp1251_with_semicolons_and_russian_headers_is_read(world, run):
    code = edrpou()
    rows = [["Наименование", "Страна", "ЕДРПОУ", "Город"], ["ООО «Ромашка»", "UA", code, "Киев"]]
    file = csv_file(rows, name="контрагенты.csv", encoding="cp1251", sep=";")
    job = job_of(upload(run, world, file))
    assert job.mapping == {
        "Наименование": "name",
        "Страна": "country",
        "ЕДРПОУ": "registration_number",
        "Город": "city",
    }
    assert job.rows_valid == 1, job.report
    confirm(run, world, job)
    account = Account.objects.get()
    assert (account.name, account.city, account.registration_number) == (
        "ООО «Ромашка»",
        "Киев",
        code,
    )


def test_xlsx_with_ukrainian_headers_and_number_cells_that_lost_their_zeros_and_plus(world, run):
    # An EDRPOU with a leading zero and an international phone, as Excel keeps them in number
    # cells: 123458 and 380441234567.
    base = "0123456"
    code = base + ua_edrpou.calc_check_digit(base)
    rows = [
        ["Назва", "Країна", "Код ЄДРПОУ", "Телефон"],
        ["ТОВ Світанок", "UA", int(code), 380441234567],
    ]
    job = job_of(upload(run, world, xlsx_file(rows)))
    assert job.rows_valid == 1, job.report
    confirm(run, world, job)
    account = Account.objects.get()
    assert account.registration_number == code and account.phone == "+380441234567"


def test_a_mapping_names_columns_the_header_does_not(world, run):
    rows = [["Firma", "Steuer", "Intern"], ["Acme GmbH", "DE136695976", "secret"]]
    mapping = {"Firma": "name", "Steuer": "tax_id", "Intern": ""}
    job = job_of(upload(run, world, csv_file(rows), mapping=mapping))
    assert job.status == "checked", job.error
    # Without a country the workspace's (UA) is taken, whose tax number has 10 or 12 digits.
    assert job.rows_invalid == 1
    rows = [["Firma", "Land", "Steuer", "Intern"], ["Acme GmbH", "DE", "DE136695976", "secret"]]
    job = job_of(upload(run, world, csv_file(rows), mapping={**mapping, "Land": "country"}))
    assert job.rows_valid == 1, job.report
    confirm(run, world, job)
    assert Account.objects.get().notes == ""


def test_mapping_mistakes_are_told(world, run):
    response = upload(run, world, csv_file([["a"], ["b"]]), mapping={"a": "nonsense"})
    assert response.status_code == 400
    assert "nonsense" in response.json()["error"]["fields"]["mapping"][0]
    assert not ImportJob.objects.exists()
    job = job_of(upload(run, world, csv_file([["Firma"], ["Acme"]])))
    assert job.status == "failed" and "no column for name" in job.error
    job = job_of(upload(run, world, csv_file([["name", "Name "], ["a", "b"]])))
    assert job.status == "failed" and "both" in job.error
    job = job_of(upload(run, world, csv_file([["x"], ["a"]]), mapping={"y": "name"}))
    assert job.status == "failed" and "y" in job.error


def test_custom_fields_are_imported_by_key_or_label(world, run):
    client(world.admin).post(
        api("crm-custom-fields", workspace_id=world.ws),
        {"entity": "account", "key": "volume", "label": "Annual volume", "type": "number"},
        format="json",
    )
    rows = [["name", "Annual volume"], ["A", "1 000,5"], ["B", "lots"]]
    job = job_of(upload(run, world, csv_file(rows, sep=";")))
    assert job.mapping["Annual volume"] == "custom.volume"
    assert list(report(world, job)) == [3]
    confirm(run, world, job)
    assert Account.objects.get().custom == {"volume": "1000.5"}


def test_contacts_are_imported_to_the_accounts_they_name(world, run):
    code = edrpou()
    Account.objects.create(
        workspace=world.workspace,
        name="ТОВ «Ромашка»",
        name_key="ромашка",
        country="UA",
        registration_number=code,
    )
    polish = Account.objects.create(
        workspace=world.workspace, name="Polska", name_key="polska", country="PL"
    )
    Account.objects.create(workspace=world.workspace, name="Twin", name_key="twin")
    Account.objects.create(workspace=world.workspace, name="Twin", name_key="twin")
    Contact.objects.create(
        workspace=world.workspace, account=polish, last_name="Nowak", emails=["n@polska.pl"]
    )
    rows = [
        ["Компанія", "ЄДРПОУ", "Ім'я", "Прізвище", "Телефон", "Email", "Згода", "Мова"],
        ["", code, "Olena", "Shevchenko", "044 123 45 67", "o@romashka.ua", "так", "uk"],
        ["Polska", "", "Jan", "Kowalski", "22 123 45 67", "", "ні", ""],
        ["Ромашка", "", "Olena", "Shevchenko", "", "", "", ""],  # row 4: duplicate of row 2
        ["Polska", "", "Anna", "Nowak", "", "n@polska.pl", "", ""],  # row 5: existing
        ["Nowhere", "", "", "X", "", "", "", ""],  # row 6
        ["Twin", "", "", "Y", "", "", "", ""],  # row 7: two accounts match
        ["", "32855961", "", "Z", "", "", "", ""],  # row 8: no account has it
        ["Polska", "", "", "W", "", "", "", "de"],  # row 9
    ]
    job = job_of(upload(run, world, csv_file(rows, name="contacts.csv"), entity="contacts"))
    problems = report(world, job)
    assert set(problems) == {4, 5, 6, 7, 8, 9}, problems
    assert "row 2" in problems[4][0]
    assert "Nowak" in problems[5][0]
    assert "Nowhere" in problems[6][0]
    assert "Several" in problems[7][0]
    assert "32855961" in problems[8][0]
    assert Contact.objects.count() == 1
    confirm(run, world, job)
    olena = Contact.objects.get(last_name="Shevchenko")
    assert olena.account.registration_number == code
    assert olena.phones == ["+380441234567"] and olena.emails == ["o@romashka.ua"]
    assert olena.consent is True and olena.consent_at is not None and olena.language == "uk"
    jan = Contact.objects.get(last_name="Kowalski")
    assert jan.phones == ["+48221234567"] and jan.consent is False and jan.consent_at is None


def test_the_check_is_repeated_at_writing_time(world, run):
    code = edrpou()
    job = job_of(upload(run, world, csv_file([["name", "edrpou"], ["A", code], ["B", edrpou()]])))
    assert job.rows_valid == 2
    # Meanwhile someone adds the same counterparty by hand.
    client(world.manager).post(
        api("crm-accounts", workspace_id=world.ws),
        {"name": "A by hand", "country": "UA", "registration_number": code},
        format="json",
    )
    confirm(run, world, job)
    job.refresh_from_db()
    assert job.status == "done" and job.rows_valid == 1 and list(report(world, job)) == [2]
    assert sorted(Account.objects.values_list("name", flat=True)) == ["A by hand", "B"]


def test_a_failure_while_writing_writes_nothing(world, run):
    job = job_of(upload(run, world, csv_file([["name", "tags"], ["A", "x"], ["B", "y"]])))
    with mock.patch("crm.import_rows.tags_get_or_create", side_effect=IntegrityError("boom")):
        confirm(run, world, job)
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was imported" in job.error
    assert not Account.objects.exists() and not Tag.objects.exists()


def test_only_a_checked_import_with_valid_rows_is_confirmed(world, run):
    job = job_of(upload(run, world, csv_file([["name", "phone"], ["A", "1"]])))
    assert job.rows_valid == 0
    response = confirm(run, world, job)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "import_nothing_valid"
    failed = job_of(upload(run, world, csv_file([["x"], ["a"]])))
    assert confirm(run, world, failed).status_code == 409


def test_the_import_lists_its_jobs_and_its_columns(world, run):
    job = job_of(upload(run, world, csv_file([["name"], ["A"]])))
    listed = client(world.bidder).get(api("crm-imports", workspace_id=world.ws))
    assert [j["id"] for j in listed.json()["results"]] == [job.pk]
    detail = client(world.bidder).get(api("crm-import", workspace_id=world.ws, job_id=job.pk))
    assert detail.json()["percent"] == 100 and detail.json()["rows_valid"] == 1
    columns = client(world.bidder).get(
        api("crm-import-columns", workspace_id=world.ws), {"entity": "contacts"}
    )
    fields = {c["field"]: c["headers"] for c in columns.json()}
    assert "прізвище" in fields["last_name"] and "фамилия" in fields["last_name"]


# --- export ----------------------------------------------------------------------------------


def test_accounts_export_in_the_import_columns_and_read_back(world, run):
    code = edrpou()
    response = client(world.manager).post(
        api("crm-accounts", workspace_id=world.ws),
        {
            "name": '=HYPERLINK("x")',
            "country": "UA",
            "registration_number": code,
            "phone": "0441234567",
            "owner": world.manager.pk,
            "tags": ["vip", "grain"],
            "stage": "active",
        },
        format="json",
    )
    assert response.status_code == 201
    client(world.manager).post(
        api("crm-accounts", workspace_id=world.ws), {"name": "Beta"}, format="json"
    )
    csv_response = client(world.bidder).get(
        api("crm-accounts-export", workspace_id=world.ws), {"file_format": "csv"}
    )
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    text = csv_response.content.decode("utf-8-sig")
    header, first, _second = text.splitlines()
    assert header.startswith("name,country,registration_number,tax_id,website,email,phone")
    assert first.startswith("'=HYPERLINK") or first.startswith("\"'=HYPERLINK")  # not a formula
    assert "manager@workspace.ua" in first and "grain; vip" in first and "+380441234567" in first
    xlsx_response = client(world.bidder).get(
        api("crm-accounts-export", workspace_id=world.ws), {"file_format": "xlsx", "q": "beta"}
    )
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    assert [c.value for c in sheet[2]][:1] == ["Beta"] and sheet.max_row == 2

    # The export, read back by another workspace's import, is all valid.
    other = client(world.outsider_admin)
    file = SimpleUploadedFile("accounts.csv", csv_response.content)
    response = run(
        "post",
        other,
        api("crm-imports", workspace_id=world.outsider.pk),
        {"entity": "accounts", "file": file},
        format="multipart",
    )
    job = ImportJob.objects.get(pk=response.json()["id"])
    # The owner is this workspace's manager: unknown there; the other row is valid.
    assert job.rows_total == 2 and job.rows_valid == 1


def test_contacts_export_names_their_account(world):
    account = Account.objects.create(
        workspace=world.workspace, name="Romashka", name_key="romashka", tax_id="1234567890"
    )
    Contact.objects.create(
        workspace=world.workspace,
        account=account,
        first_name="Olena",
        last_name="Shevchenko",
        emails=["o@r.ua", "o2@r.ua"],
        phones=["+380441234567"],
        consent=True,
    )
    response = client(world.officer).get(api("crm-contacts-export", workspace_id=world.ws))
    header, row = response.content.decode("utf-8-sig").splitlines()
    assert header.split(",")[:5] == [
        "account",
        "account_registration_number",
        "account_tax_id",
        "first_name",
        "last_name",
    ]
    assert row.startswith("Romashka,,1234567890,Olena,Shevchenko")
    assert "o@r.ua; o2@r.ua" in row and "+380441234567" in row and ",yes," in row
