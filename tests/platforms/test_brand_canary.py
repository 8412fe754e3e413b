"""The brand canary: brand B's tender, its lot, an application and a question carry a canary,
and so do brand B's own settings. On brand A's host, a supplier that takes part in both
platforms (so on Tradefloor's own host it reads all of B's tender) and brand A's admin ask
every page and API route that names a tender, lot, application or question, and every brand
route, with B's ids and every method: no answer carries the canary, and nothing is written.
Routes are found by walking the URL patterns, so one added later is crawled too."""

from __future__ import annotations

import re

import pytest

from auctions.tenders.questions import question_ask
from marketplace.platforms import branding
from tests.auctions.factories import snapshot
from tests.routes import url_routes

from .brand_world import HOST_A, Brands, api_client, page_client

pytestmark = pytest.mark.django_db
CANARY = "CANARY-b7e2"
SCOPED = ("tender_id", "lot_id", "application_id", "question_id")
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def victim():
    w = Brands()
    tender = w.tender_on(w.b, w.officer_b, w.owner_b, f"{CANARY} tender")
    lot = tender.lots.get()
    application = w.apply(lot, company=w.supplier, user=w.supplier_admin)
    question = question_ask(
        actor=w.supplier_admin, tender=tender, company=w.supplier, text=f"{CANARY} question"
    )
    branding.brand_save(
        actor=w.admin_b, platform=w.b, terms=f"{CANARY} terms", footer_text=f"{CANARY} footer"
    )
    ids = {
        "tender_id": tender.pk,
        "lot_id": lot.pk,
        "application_id": application.pk,
        "question_id": question.pk,
        "platform_id": w.b.pk,
        "brand_id": w.brand_b.pk,
    }
    return w, ids


def fill(route: str, ids: dict) -> str:
    path = re.sub(r"<int:(\w+)>", lambda m: str(ids.get(m.group(1), 987654)), route)
    return "/" + path


def crawl(clients, paths: list[str]) -> int:
    answers = 0
    for c, methods in clients:
        for path in paths:
            for method in methods:
                response = getattr(c, method)(path, {}, format="json")
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                assert CANARY.encode() not in body, (method, path, response.status_code)
                answers += 1
    return answers


def test_nothing_of_brand_b_shows_on_brand_as_host(victim):
    w, ids = victim
    assert (
        CANARY
        in page_client(w.supplier_admin).get(f"/tenders/{ids['tender_id']}/").content.decode()
    )
    scoped = [r for r in url_routes("") if any(f"<int:{k}>" in r for k in SCOPED)]
    branded = url_routes("", containing="brand")
    assert len(scoped) >= 60 and len(branded) >= 6
    paths = [fill(r, ids) for r in scoped + branded]
    before = snapshot()
    clients = [
        (api_client(w.supplier_admin, HOST_A), METHODS),
        (api_client(w.admin_a, HOST_A), METHODS),
        (api_client(None, HOST_A), ("get",)),  # a visitor reads; its writes are refused anyway
    ]
    assert crawl(clients, paths) >= 1000
    assert snapshot() == before
    # The lists on A's host do not carry it either.
    for path in ("/", "/api/tenders/", "/api/search/tenders/", "/api/brand/"):
        for c, _methods in clients:
            assert CANARY.encode() not in c.get(path).content, path
