"""Duplicate accounts: candidates answered on create (not an error) and by their own endpoint
(same marketplace company, identifier, domain, similar name), and merging with the history: the
duplicate's contacts, opportunities, leads, activities, timeline and documents move to the
survivor in one transaction, the survivor keeps its fields unless empty, a merge entry goes on
its timeline, the duplicate is deleted."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from crm import dedup
from crm.account_checks import name_fold
from crm.models import (
    Account,
    Activity,
    Contact,
    DocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    Lead,
    Opportunity,
    Pipeline,
    Stage,
    Tag,
    TimelineEntry,
)
from crm.timeline import timeline_add
from marketplace.events.models import Event
from tests.crm.accounts_factories import api, client, edrpou, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def account(world, name, **fields):
    return Account.objects.create(
        workspace=world.workspace, name=name, name_key=name_fold(name), **fields
    )


def create(world, **data):
    response = client(world.manager).post(
        api("crm-accounts", workspace_id=world.ws), data, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


# --- similarity ----------------------------------------------------------------------------


def test_names_are_folded_without_legal_forms_and_punctuation():
    assert name_fold("ТОВ «Ромашка»") == "ромашка"
    assert name_fold("Ромашка, ТОВ") == "ромашка"
    assert name_fold('Товариство з обмеженою відповідальністю "Ромашка"') == "ромашка"
    assert name_fold('ООО "Ромашка-Агро"') == "ромашка агро"
    assert name_fold("Acme GmbH & Co. KG") == "acme"
    assert name_fold("ACME Ltd.") == "acme"


def test_similarity_is_pg_trgm_s():
    assert dedup.similarity("ромашка", "ромашка") == 1.0
    assert dedup.similarity("ромашка", "ромашка плюс") == pytest.approx(8 / 13)
    assert dedup.similarity("acme", "zenith") == 0.0
    assert dedup.similarity("", "acme") == 0.0


# --- candidates ----------------------------------------------------------------------------


def test_creating_answers_the_candidates_by_identifier_domain_and_name(world):
    code = edrpou()
    by_code = account(world, "Svitanok LLC", country="UA", registration_number=code)
    by_domain = account(world, "Sunrise Trading", domain="svitanok.ua")
    by_name = account(world, "ТОВ «Світанок»")
    account(world, "Zenith")  # nothing in common
    body = create(
        world,
        name="Світанок ПП",
        country="UA",
        registration_number=code,
        website="https://svitanok.ua",
    )
    found = {d["account"]["id"]: d["reasons"] for d in body["duplicates"]}
    assert found == {
        by_code.pk: ["registration_number"],
        by_domain.pk: ["domain"],
        by_name.pk: ["name"],
    }
    assert body["duplicates"][0]["account"]["id"] == by_code.pk  # the surest first
    assert Account.objects.count() == 5  # created all the same


def test_the_duplicates_endpoint_names_the_candidates_of_an_account(world):
    first = account(world, "Romashka", company=world.market, domain="romashka.ua")
    second = account(world, "Romashka Agro", domain="romashka.ua")
    response = client(world.bidder).get(
        api("crm-account-duplicates", workspace_id=world.ws, account_id=first.pk)
    )
    assert response.status_code == 200
    (candidate,) = response.json()
    assert candidate["account"]["id"] == second.pk
    assert set(candidate["reasons"]) == {"domain", "name"}
    # Accounts of another workspace are never candidates.
    Account.objects.create(
        workspace=world.outsider, name="Romashka", name_key="romashka", domain="romashka.ua"
    )
    assert len(dedup.duplicates_of(first)) == 1


@pytest.mark.postgres
def test_on_postgresql_with_pg_trgm_the_database_ranks_names_alike(world):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    assert dedup.pg_trgm_available(for_text="acme")
    first = account(world, "Acme Trading Ltd")
    second = account(world, "ACME Trading Group")
    account(world, "Zenith")
    with mock.patch("crm.dedup.similarity", side_effect=AssertionError("ranked in Python")):
        (candidate,) = dedup.duplicates_of(first)
    assert candidate.account == second and candidate.reasons == ["name"]
    assert candidate.score == pytest.approx(13 / 19, abs=0.01)
    # A Cyrillic name is found too: by the database where its locale knows the letters, here
    # otherwise (the C locale of the throwaway server sees no word in it).
    cyrillic = account(world, "ТОВ «Ромашка»")
    plus = account(world, "Ромашка плюс")
    (candidate,) = dedup.duplicates_of(cyrillic)
    assert candidate.account == plus
    assert candidate.score == pytest.approx(8 / 13, abs=0.01)


# --- merge ---------------------------------------------------------------------------------


@pytest.fixture
def pair(world):
    """A survivor with some fields, a duplicate with a history of every kind."""
    survivor = account(world, "Romashka", country="UA", phone="+380441234567", notes="")
    duplicate = account(
        world,
        "Romashka LLC",
        company=world.market,
        country="UA",
        registration_number=world.market.registration_number,
        website="https://romashka.ua",
        domain="romashka.ua",
        phone="+380501111111",
        notes="from the fair",
        custom={"tier": "gold"},
        owner=world.manager,
    )
    duplicate.tags.add(Tag.objects.create(workspace=world.workspace, name="vip"))
    pipeline = Pipeline.objects.create(workspace=world.workspace, name="Sales")
    stage = Stage.objects.create(
        pipeline=pipeline, name="New", position=1, probability=10, kind="open"
    )
    contact = Contact.objects.create(workspace=world.workspace, account=duplicate, last_name="K")
    Opportunity.objects.create(
        workspace=world.workspace, account=duplicate, pipeline=pipeline, stage=stage, title="O"
    )
    Lead.objects.create(workspace=world.workspace, account=duplicate, title="L")
    Activity.objects.create(
        workspace=world.workspace, account=duplicate, contact=contact, kind="call", subject="C"
    )
    shared = Event.objects.create(type="lot.awarded")
    own = Event.objects.create(type="tender.published")
    for target in (survivor, duplicate):
        timeline_add(account=target, kind="event", type="lot.awarded", title="A", event=shared)
    timeline_add(account=duplicate, kind="event", type="tender.published", title="P", event=own)
    timeline_add(account=duplicate, kind="note", type="note", title="N")
    template = DocumentTemplate.objects.create(workspace=world.workspace, name="T", kind="offer")
    version = DocumentTemplateVersion.objects.create(template=template, version=1, body="x")
    GeneratedDocument.objects.create(
        workspace=world.workspace,
        template_version=version,
        account=duplicate,
        number="1",
        file_format="pdf",
        storage_name="x.pdf",
        sha256="0" * 64,
    )
    return survivor, duplicate


def merge(world, survivor, duplicate, user=None):
    return client(user or world.manager).post(
        api("crm-account-merge", workspace_id=world.ws, account_id=survivor.pk),
        {"duplicate": duplicate.pk},
        format="json",
    )


def test_merging_moves_the_history_and_fills_only_the_survivors_empty_fields(world, pair):
    survivor, duplicate = pair
    response = merge(world, survivor, duplicate)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert not Account.objects.filter(pk=duplicate.pk).exists()
    assert body["phone"] == "+380441234567"  # the survivor's own
    assert body["website"] == "https://romashka.ua" and body["domain"] == "romashka.ua"
    assert body["notes"] == "from the fair"
    assert body["registration_number"] == world.market.registration_number
    assert body["company"]["id"] == world.market.pk
    assert body["owner"]["id"] == world.manager.pk
    assert body["custom"] == {"tier": "gold"}
    assert [t["name"] for t in body["tags"]] == ["vip"]
    for model in (Contact, Opportunity, Lead, Activity, GeneratedDocument):
        assert model.objects.filter(account=survivor).count() == 1, model
    entries = TimelineEntry.objects.filter(account=survivor)
    # The shared event once, the duplicate's own event and note, and the merge entry.
    assert sorted(entries.values_list("type", flat=True)) == [
        "account.merged",
        "lot.awarded",
        "note",
        "tender.published",
    ]
    merged = entries.get(type="account.merged")
    assert merged.kind == "merge" and merged.actor == world.manager
    assert merged.payload["duplicate"]["name"] == "Romashka LLC"
    assert merged.payload["moved"]["contacts"] == 1
    assert "Romashka LLC" in merged.title


def test_a_failing_merge_leaves_both_accounts_as_they_were(world, pair):
    survivor, duplicate = pair
    with (
        mock.patch("crm.dedup.timeline_add", side_effect=RuntimeError("storage down")),
        pytest.raises(RuntimeError),
    ):
        dedup.account_merge(
            actor=world.manager,
            workspace_id=world.ws,
            survivor_id=survivor.pk,
            duplicate_id=duplicate.pk,
        )
    assert Account.objects.filter(pk=duplicate.pk, company=world.market).exists()
    assert Contact.objects.get().account_id == duplicate.pk
    assert TimelineEntry.objects.filter(account=duplicate).count() == 3
    survivor.refresh_from_db()
    assert survivor.website == "" and survivor.company_id is None


def test_merge_refuses_itself_other_workspaces_and_readers(world, pair):
    survivor, duplicate = pair
    response = merge(world, survivor, survivor)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "merge_same_account"
    theirs = Account.objects.create(workspace=world.outsider, name="Romashka", name_key="romashka")
    assert merge(world, survivor, theirs).status_code == 404
    assert Account.objects.filter(pk=theirs.pk).exists()
    assert merge(world, survivor, duplicate, user=world.officer).status_code == 403
    assert Account.objects.filter(pk=duplicate.pk).exists()
    outsider = client(world.outsider_admin).post(
        api("crm-account-merge", workspace_id=world.outsider.pk, account_id=theirs.pk),
        {"duplicate": duplicate.pk},
        format="json",
    )
    assert outsider.status_code == 404
    assert Account.objects.filter(pk=duplicate.pk).exists()


def test_merge_entry_time_is_now(world, pair):
    survivor, duplicate = pair
    before = timezone.now()
    merge(world, survivor, duplicate)
    assert TimelineEntry.objects.get(type="account.merged").at >= before
