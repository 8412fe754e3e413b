"""The permission matrix of every accounts, contacts, tags, custom fields, duplicates, import
and export endpoint: account managers and company admins read and change; procurement officers
and bidders read, and get 403 on every change (nothing written); another company gets 404 on
everything, in the workspace's URLs and with this workspace's row ids in its own; anonymous
callers are refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.models import Account, Contact, CustomField, ImportJob, Tag
from tests.crm.accounts_factories import (
    ADMIN,
    BIDDER,
    MANAGER,
    OFFICER,
    api,
    client,
    make_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    ws = w.workspace
    w.rows = {
        "account_id": Account.objects.create(workspace=ws, name="Romashka", name_key="romashka"),
        "duplicate": Account.objects.create(workspace=ws, name="Romashka 2", name_key="romashka 2"),
        "contact_id": None,
        "tag_id": Tag.objects.create(workspace=ws, name="vip"),
        "field_id": CustomField.objects.create(
            workspace=ws, entity="account", key="tier", label="Tier", type="text"
        ),
        "job_id": ImportJob.objects.create(
            workspace=ws,
            entity="accounts",
            file_name="a.csv",
            storage_name="crm/imports/none.csv",
            status="checked",
            rows_total=1,
            rows_valid=1,
            report=[{"row": 3, "problems": []}],
        ),
    }
    w.rows["contact_id"] = Contact.objects.create(
        workspace=ws, account=w.rows["account_id"], last_name="K"
    )
    return w


def upload():
    return {"entity": "accounts", "file": SimpleUploadedFile("a.csv", b"name\nAcme\n")}


# (method, route, its row parameters, body maker, multipart)
READS = [
    ("get", "crm-accounts", ()),
    ("get", "crm-accounts-export", ()),
    ("get", "crm-account", ("account_id",)),
    ("get", "crm-account-duplicates", ("account_id",)),
    ("get", "crm-account-contacts", ("account_id",)),
    ("get", "crm-contacts", ()),
    ("get", "crm-contacts-export", ()),
    ("get", "crm-contact", ("contact_id",)),
    ("get", "crm-tags", ()),
    ("get", "crm-custom-fields", ()),
    ("get", "crm-imports", ()),
    ("get", "crm-import-columns", ()),
    ("get", "crm-import", ("job_id",)),
    ("get", "crm-import-progress", ("job_id",)),
    ("get", "crm-import-report", ("job_id",)),
]
WRITES = [
    ("post", "crm-accounts", (), lambda w: {"name": "New"}),
    ("patch", "crm-account", ("account_id",), lambda w: {"notes": "x"}),
    ("delete", "crm-account", ("account_id",), lambda w: None),
    ("post", "crm-account-merge", ("account_id",), lambda w: {"duplicate": w.rows["duplicate"].pk}),
    ("post", "crm-account-contacts", ("account_id",), lambda w: {"last_name": "New"}),
    ("patch", "crm-contact", ("contact_id",), lambda w: {"position": "x"}),
    ("delete", "crm-contact", ("contact_id",), lambda w: None),
    ("post", "crm-tags", (), lambda w: {"name": "new"}),
    ("patch", "crm-tag", ("tag_id",), lambda w: {"name": "renamed"}),
    ("delete", "crm-tag", ("tag_id",), lambda w: None),
    (
        "post",
        "crm-custom-fields",
        (),
        lambda w: {"entity": "contact", "key": "k", "label": "K", "type": "text"},
    ),
    ("patch", "crm-custom-field", ("field_id",), lambda w: {"label": "L"}),
    ("delete", "crm-custom-field", ("field_id",), lambda w: None),
    ("post", "crm-imports", (), lambda w: upload()),
    ("post", "crm-import-confirm", ("job_id",), lambda w: None),
]
ALL = [(m, r, p, None) for m, r, p in READS] + WRITES


def url(world, route, params, workspace_id=None):
    kwargs = {name: world.rows[name].pk for name in params}
    return api(route, workspace_id=workspace_id or world.ws, **kwargs)


def call(c, method, path, body):
    if isinstance(body, dict) and "file" in body:
        return getattr(c, method)(path, body, format="multipart")
    return getattr(c, method)(path, body, format="json")


def snapshot():
    return {
        m.__name__: sorted(m.objects.values_list("pk", flat=True))
        for m in (Account, Contact, Tag, CustomField, ImportJob)
    } | {
        "changed": sorted(
            str(v)
            for v in (
                *Account.objects.values_list("notes", "name"),
                *Contact.objects.values_list("position"),
                *Tag.objects.values_list("name"),
                *CustomField.objects.values_list("label"),
                *ImportJob.objects.values_list("status"),
            )
        )
    }


@pytest.mark.parametrize(("method", "route", "params"), READS)
@pytest.mark.parametrize("role", [MANAGER, ADMIN, OFFICER, BIDDER])
def test_every_role_of_the_workspace_reads(world, role, method, route, params):
    response = getattr(client(world.person(role)), method)(url(world, route, params))
    assert response.status_code == 200, (route, response.content[:300])


@pytest.mark.parametrize(("method", "route", "params", "body"), WRITES)
@pytest.mark.parametrize("role", [MANAGER, ADMIN])
def test_account_managers_and_admins_change(world, role, method, route, params, body):
    response = call(client(world.person(role)), method, url(world, route, params), body(world))
    assert response.status_code in (200, 201, 202, 204), (route, response.content[:300])


@pytest.mark.parametrize(("method", "route", "params", "body"), WRITES)
@pytest.mark.parametrize("role", [OFFICER, BIDDER])
def test_officers_and_bidders_may_not_change_anything(world, role, method, route, params, body):
    before = snapshot()
    response = call(client(world.person(role)), method, url(world, route, params), body(world))
    assert response.status_code == 403, (route, response.content[:300])
    assert response.json()["error"]["code"] == "crm_read_only"
    assert snapshot() == before


@pytest.mark.parametrize(("method", "route", "params", "body"), ALL)
def test_another_company_gets_404_on_everything(world, method, route, params, body):
    before = snapshot()
    outsider = client(world.outsider_admin)
    # In this workspace's URLs, and in its own workspace with this workspace's row ids.
    for workspace_id in (world.ws, world.outsider.pk):
        path = url(world, route, params, workspace_id=workspace_id)
        if workspace_id == world.outsider.pk and not params:
            continue  # its own lists and creations: its own CRM, its right
        response = call(outsider, method, path, body(world) if body else None)
        assert response.status_code == 404, (route, workspace_id, response.content[:300])
        assert "Romashka" not in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(("method", "route", "params", "body"), ALL)
def test_anonymous_callers_are_refused(world, method, route, params, body):
    before = snapshot()
    response = call(client(None), method, url(world, route, params), body(world) if body else None)
    assert response.status_code in (401, 403), route
    assert snapshot() == before


def test_an_id_no_row_can_have_answers_404(world):
    response = client(world.manager).get(f"/api/crm/{world.ws}/accounts/{2**64}/")
    assert response.status_code == 404
