"""The planning canary: a buyer's draft plan whose texts carry a canary, and a published plan
whose linked tender's title carries it; a stranger asks every planning endpoint the API routes
(found by walking the URL patterns, so an endpoint added later is crawled too) with every
method and the buyer's ids. No answer carries the canary, and nothing is written. The pages
get the same crawl."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from planning import services
from tests.routes import url_routes as routes

from .factories import YEAR, Plans, client, snapshot

pytestmark = pytest.mark.django_db
CANARY = "CANARY-91c4"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def victim():
    w = Plans()
    draft = w.plan(title=f"{CANARY} draft plan", year=YEAR + 1)
    line = w.line(draft, description=f"{CANARY} secret line")
    tender = w.tender(title=f"{CANARY} tender")
    link = services.line_link_tender(
        actor=w.officer, plan_id=draft.pk, line_id=line.pk, tender_id=tender.pk, lot_id=None
    )
    published = w.plan(title="Open plan")
    open_line = w.line(published, description="Open line")
    linked = w.tender(title=f"{CANARY} linked tender")
    w.award(linked.lots.get(), "80000.00", start="100000.00")
    services.line_link_tender(
        actor=w.officer, plan_id=published.pk, line_id=open_line.pk, tender_id=linked.pk
    )
    services.plan_publish(actor=w.officer, plan_id=published.pk)
    return {
        "w": w,
        "ids": [
            {"plan_id": draft.pk, "line_id": line.pk, "link_id": link.pk},
            {"plan_id": published.pk, "line_id": open_line.pk, "link_id": link.pk},
        ],
        "buyer": w.buyer.pk,
        "tender": tender.pk,
    }


def fill(route: str, ids: dict) -> str:
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)
    assert "<" not in path, route
    return "/" + path


def test_the_api_never_shows_a_stranger_the_canary(victim):
    stranger = victim["w"].rival_officer
    c = client(stranger)
    found = routes("api/planning")
    assert len(found) >= 8
    before = snapshot()
    answers = 0
    body = {
        "title": "x",
        "year": YEAR,
        "buyer": victim["buyer"],
        "tender": victim["tender"],
        "category": victim["w"].root.pk,
        "quarter": 1,
        "description": "x",
        "budget": "1",
    }
    for ids in victim["ids"]:
        for route in found:
            url = fill(route, ids)
            for method in METHODS:
                answer = getattr(c, method)(url, body, format="json")
                answers += 1
                assert answer.status_code in (200, 400, 403, 404, 405), (method, url)
                assert CANARY not in answer.content.decode("utf-8", "replace"), (method, url)
    for query in ({}, {"scope": "published"}, {"buyer": victim["buyer"], "scope": "published"}):
        answer = c.get("/api/planning/plans/", query)
        assert CANARY not in answer.content.decode()
    assert snapshot() == before
    assert answers >= 80


def test_the_pages_never_show_a_stranger_the_canary(victim):
    c = Client()
    c.force_login(victim["w"].rival_officer)
    before = snapshot()
    for ids in victim["ids"]:
        for route in routes("planning/"):
            url = fill(route, ids)
            for method in ("get", "post"):
                answer = getattr(c, method)(url, {"target": f"t-{victim['tender']}"})
                assert answer.status_code in (200, 302, 400, 403, 404, 405), (method, url)
                assert CANARY not in answer.content.decode(), (method, url)
    assert CANARY not in c.get("/planning/").content.decode()
    assert snapshot() == before
