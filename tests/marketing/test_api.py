"""The marketing API: the CRM's permission matrix (account managers and admins write; officers
and bidders read and get 403 on writes; another company 404; nobody signed in refused), the
filter's schema as a 400, live counts, an empty segment refused, sending, results and CSV."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from marketing.models import Campaign, Segment

from .factories import (
    EDITORS,
    READERS,
    account,
    api,
    client,
    contact,
    make_world,
    segment,
    table_counts,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    acc = account(w, "Romashka", company=w.market, stage="active")
    contact(acc, "Ann", emails=["ann@romashka.ua"])
    contact(acc, "Bob", emails=["bob@romashka.ua"], consent=False)
    w.seg = segment(w, {"stages": ["active"]}, name="Active")
    return w


def campaign_body(w) -> dict:
    return {"segment": w.seg.pk, "name": "Autumn", "subject": "New tenders", "body": "<p>Hi</p>"}


@pytest.mark.parametrize("role", EDITORS)
def test_editors_write(world, role, django_capture_on_commit_callbacks):
    c = client(world.person(role))
    r = c.post(
        api("marketing-segments", workspace_id=world.ws),
        {"name": "Prospects", "filters": {"stages": ["prospect"]}},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["counts"] == {
        "accounts": 0,
        "contacts": 0,
        "reachable_email": 0,
        "reachable_sms": 0,
    }
    r = c.patch(
        api("marketing-segment", workspace_id=world.ws, segment_id=r.json()["id"]),
        {"filters": {"stages": ["active"]}},
        format="json",
    )
    assert r.status_code == 200 and r.json()["counts"]["reachable_email"] == 1
    r = c.post(
        api("marketing-campaigns", workspace_id=world.ws), campaign_body(world), format="json"
    )
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(api("marketing-campaign-send", workspace_id=world.ws, campaign_id=cid))
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "sending" and r.json()["results"]["recipients"] == 1
    assert len(mail.outbox) == 1
    r = c.get(api("marketing-campaign", workspace_id=world.ws, campaign_id=cid))
    assert r.json()["status"] == "sent" and r.json()["results"]["sent"] == 1
    assert (
        c.post(api("marketing-campaign-send", workspace_id=world.ws, campaign_id=cid)).status_code
        == 409
    )
    r = c.get(api("marketing-campaign-export", workspace_id=world.ws, campaign_id=cid))
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert b"ann@romashka.ua" in r.content
    r = c.get(api("marketing-campaign-recipients", workspace_id=world.ws, campaign_id=cid))
    assert [row["address"] for row in r.json()["results"]] == ["ann@romashka.ua"]


@pytest.mark.parametrize("role", READERS)
def test_readers_read_but_may_not_write(world, role):
    c = client(world.person(role))
    assert c.get(api("marketing-segments", workspace_id=world.ws)).status_code == 200
    r = c.get(api("marketing-segment", workspace_id=world.ws, segment_id=world.seg.pk))
    assert r.status_code == 200 and r.json()["counts"]["reachable_email"] == 1
    assert c.get(api("marketing-campaigns", workspace_id=world.ws)).status_code == 200
    before = table_counts()
    for path, body in (
        (api("marketing-segments", workspace_id=world.ws), {"name": "x"}),
        (api("marketing-campaigns", workspace_id=world.ws), campaign_body(world)),
    ):
        r = c.post(path, body, format="json")
        assert r.status_code == 403 and r.json()["error"]["code"] == "crm_read_only"
    r = c.delete(api("marketing-segment", workspace_id=world.ws, segment_id=world.seg.pk))
    assert r.status_code == 403
    assert table_counts() == before


def test_outsiders_get_404_and_anonymous_is_refused(world):
    before = table_counts()
    for c, codes in ((client(world.outsider_admin), {404}), (client(None), {401, 403})):
        assert c.get(api("marketing-segments", workspace_id=world.ws)).status_code in codes
        r = c.post(
            api("marketing-campaigns", workspace_id=world.ws), campaign_body(world), format="json"
        )
        assert r.status_code in codes
        r = c.get(api("marketing-segment", workspace_id=world.ws, segment_id=world.seg.pk))
        assert r.status_code in codes
    assert table_counts() == before


def test_unknown_filter_keys_are_a_400(world):
    c = client(world.manager)
    before = table_counts()
    r = c.post(
        api("marketing-segments", workspace_id=world.ws),
        {"name": "x", "filters": {"stages": ["active"], "shoe_size": [42]}},
        format="json",
    )
    assert r.status_code == 400
    assert (
        r.json()["error"]["code"] == "invalid_filters"
        and "shoe_size" in r.json()["error"]["fields"]
    )
    assert table_counts() == before


def test_live_counts_of_an_unsaved_filter(world):
    c = client(world.officer)
    url = api("marketing-filters-count", workspace_id=world.ws)
    r = c.get(url, {"filters": json.dumps({"stages": ["active"]})})
    assert r.json() == {"accounts": 1, "contacts": 2, "reachable_email": 1, "reachable_sms": 0}
    assert c.get(url, {"filters": json.dumps({"stages": ["lost"]})}).json()["accounts"] == 0
    assert c.get(url, {"filters": "{nope"}).status_code == 400
    assert c.get(url, {"filters": json.dumps({"bogus": 1})}).status_code == 400


def test_an_empty_segment_is_a_clear_400(world):
    empty = segment(world, {"stages": ["lost"]}, name="Lost")
    before = table_counts()
    r = client(world.manager).post(
        api("marketing-campaigns", workspace_id=world.ws),
        campaign_body(world) | {"segment": empty.pk},
        format="json",
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "segment_empty" and "may be written to" in error["message"]
    assert table_counts() == before
    assert not Campaign.objects.exists() and Segment.objects.count() == 2


def test_a_segment_with_campaigns_is_kept(world):
    c = client(world.manager)
    c.post(api("marketing-campaigns", workspace_id=world.ws), campaign_body(world), format="json")
    r = c.delete(api("marketing-segment", workspace_id=world.ws, segment_id=world.seg.pk))
    assert r.status_code == 409
