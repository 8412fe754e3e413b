"""The approval canary: a buyer's policy, tender, request and decision whose texts carry a
canary; a person of another company asks every approval endpoint and page (found by walking the
URL patterns, so one added later is crawled too) with every method and the buyer's ids. No
answer carries the canary, and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.routes import url_routes as routes

from .factories import Approvals, client, snapshot

pytestmark = pytest.mark.django_db
CANARY = "CANARY-a77e"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def victim():
    w = Approvals()
    w.first.full_name = f"{CANARY} approver"
    w.first.save()
    rule = w.rule(name=f"{CANARY} rule", mode="in_order")
    tender = w.big(title=f"{CANARY} tender")
    request = w.ask(tender, note=f"{CANARY} note")
    w.decide(request, w.first, "approve", f"{CANARY} comment")
    return {
        "w": w,
        "ids": {"rule_id": rule.pk, "tender_id": tender.pk, "request_id": request.pk},
        "buyer": w.buyer.pk,
    }


def fill(route: str, ids: dict) -> str:
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)
    assert "<" not in path, route
    return "/" + path


@pytest.mark.parametrize("who", ["rival_officer", "rival_admin", "supplier_admin"])
def test_the_api_never_shows_another_company_the_canary(victim, who):
    c = client(getattr(victim["w"], who))
    found = routes(
        "api/approval-rules/",
        "api/approvals/",
        "api/tenders/<int:tender_id>/approval/",
        "api/tenders/<int:tender_id>/history/",
    )
    assert len(found) >= 8
    before = snapshot()
    body = {
        "buyer": victim["buyer"],
        "name": "x",
        "approvers": [victim["w"].first.pk],
        "decision": "approve",
        "comment": "x",
    }
    answers = 0
    for route in found:
        url = fill(route, victim["ids"])
        for method in METHODS:
            answer = getattr(c, method)(url, body, format="json")
            answers += 1
            assert answer.status_code in (200, 400, 403, 404, 405), (method, url)
            assert CANARY not in answer.content.decode("utf-8", "replace"), (method, url)
    answer = c.get("/api/approval-rules/", {"buyer": victim["buyer"]})
    assert CANARY not in answer.content.decode()
    assert snapshot() == before
    assert answers >= 40


def test_the_pages_never_show_another_company_the_canary(victim):
    c = Client()
    c.force_login(victim["w"].rival_admin)
    before = snapshot()
    found = routes("approvals/", "tenders/<int:tender_id>/approval/")
    assert len(found) >= 7
    for route in found:
        url = fill(route, victim["ids"])
        for method in ("get", "post"):
            for query in ("", f"?buyer={victim['buyer']}"):
                answer = getattr(c, method)(url + query, {"decision": "approve", "name": "x"})
                assert answer.status_code in (200, 302, 400, 403, 404, 405, 422), (method, url)
                assert CANARY not in answer.content.decode(), (method, url)
    assert snapshot() == before
