"""A 50,000-row file with good and bad rows, generated here: the dry run (in Celery, eagerly)
gives a report with the exact counts and keeps its progress; the confirmed import writes the
valid rows in one transaction. This is the file the issue names: a report, not a timeout."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.ua import edrpou as ua_edrpou

from crm.models import Account, ImportJob, Tag
from tests.crm.accounts_factories import api, client, make_world

pytestmark = pytest.mark.django_db

ROWS = 50_000


def code(i: int) -> str:
    base = f"{3_000_000 + i:07d}"
    return base + ua_edrpou.calc_check_digit(base)


def broken(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def generate() -> tuple[bytes, set[int]]:
    """The file, and the data rows (0-based) that must be reported."""
    lines = ["Назва;Країна;Код ЄДРПОУ;Телефон;Відповідальний;Мітки"]
    bad: set[int] = {0}  # row 0: an account the workspace already has
    for i in range(ROWS):
        registration = code(i)
        phone = f"044{i % 10_000_000:07d}"
        owner = "manager@workspace.ua"
        if i % 10 == 3:
            registration = broken(registration)
            bad.add(i)
        if i % 25 == 7:
            owner = f"nobody{i}@example.com"
            bad.add(i)
        if i % 50 == 11:
            registration = code(i - 1)  # the row above's: a duplicate of it
            bad.add(i)
        if i % 40 == 19:
            phone = "12"
            bad.add(i)
        lines.append(f"ТОВ «Компанія {i}»;UA;{registration};{phone};{owner};t{i % 5}")
    return ("\n".join(lines) + "\n").encode("cp1251"), bad


def test_fifty_thousand_rows_are_checked_reported_and_imported(
    django_capture_on_commit_callbacks,
):
    world = make_world()
    Account.objects.create(
        workspace=world.workspace,
        name="Existing",
        name_key="existing",
        country="UA",
        registration_number=code(0),
    )
    data, bad = generate()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client(world.manager).post(
            api("crm-imports", workspace_id=world.ws),
            {"entity": "accounts", "file": SimpleUploadedFile("big.csv", data)},
            format="multipart",
        )
    checked = time.monotonic() - started
    assert response.status_code == 202
    job = ImportJob.objects.get()
    assert job.status == "checked", job.error
    assert (job.rows_total, job.rows_done) == (ROWS, ROWS)
    assert (job.rows_valid, job.rows_invalid) == (ROWS - len(bad), len(bad))
    assert {entry["row"] - 2 for entry in job.report} == bad  # header row 1, data from row 2
    assert Account.objects.count() == 1  # the dry run wrote nothing

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client(world.manager).post(
            api("crm-import-confirm", workspace_id=world.ws, job_id=job.pk)
        )
    imported = time.monotonic() - started
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.rows_valid == ROWS - len(bad)
    assert Account.objects.count() == 1 + ROWS - len(bad)
    assert Tag.objects.filter(workspace=world.workspace).count() == 5
    assert Account.tags.through.objects.count() == ROWS - len(bad)
    print(f"\n50,000 rows: dry run {checked:.1f} s, confirmed import {imported:.1f} s")
