"""The translation orders canary: an order whose instructions, documents, delivered files and
comments carry a canary, taken by a translator; another company's admin and the platform's other
translator ask every translation endpoint the API routes (found by walking the URL patterns,
so an endpoint added later is crawled too) with every method and the victim's ids. No answer
carries the canary, and nothing is written. The pages get the same crawl."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.routes import url_routes as routes
from translation_orders import services

from .factories import Translations, client, docx_bytes, snapshot, upload

pytestmark = pytest.mark.django_db
CANARY = "CANARY-7e2d"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def victim():
    w = Translations()
    secret = w.document(f"{CANARY}.docx", docx_bytes(f"{CANARY} secret specification"))
    order = w.order(secret, instructions=f"{CANARY} instructions")
    services.order_take(actor=w.translator, order_id=order.pk)
    services.order_quote(actor=w.translator, order_id=order.pk, words=99, reason=f"{CANARY} why")
    services.order_quote_accept(actor=w.officer, order_id=order.pk)
    services.order_deliver(
        actor=w.translator,
        order_id=order.pk,
        uploads=[upload(f"{CANARY}-en.txt", f"{CANARY} translated".encode())],
        note=f"{CANARY} note",
    )
    return {
        "w": w,
        "ids": {
            "order_id": order.pk,
            "document_id": order.documents.get().pk,
            "file_id": order.files.get().pk,
            "platform_id": w.platform.pk,
            "rate_id": w.rate.pk,
            "user_id": w.translator.pk,
        },
    }


def fill(route: str, ids: dict) -> str:
    path = re.sub(r"<(?:int|slug):(\w+)>", lambda m: str(ids.get(m.group(1), "take")), route)
    assert "<" not in path, route
    return "/" + path


BODY = {
    "company": 1,
    "side": "buyer",
    "source_language": "uk",
    "target_language": "en",
    "tender_documents": [1],
    "words": 5,
    "reason": "x",
    "comments": "x",
    "email": "x@example.com",
    "price_per_word": "1",
    "currency": "UAH",
}


@pytest.mark.parametrize("who", ["other_admin", "other_translator"])
def test_the_api_never_shows_a_stranger_the_canary(victim, who):
    w = victim["w"]
    c = client(getattr(w, who))
    found = routes("api/translation-orders", "api/translation-platforms")
    assert len(found) >= 16
    before = snapshot()
    answers = 0
    for route in found:
        url = fill(route, victim["ids"])
        for method in METHODS:
            answer = getattr(c, method)(url, {**BODY, "company": w.buyer.pk}, format="json")
            answers += 1
            assert answer.status_code in (200, 400, 403, 404, 405), (method, url, answer.content)
            assert CANARY not in answer.content.decode("utf-8", "replace"), (method, url)
    for scope in ("mine", "queue", "translating", "platform"):
        listed = c.get("/api/translation-orders/", {"scope": scope})
        assert CANARY not in listed.content.decode()
    assert snapshot() == before
    assert answers >= 80


@pytest.mark.parametrize("who", ["other_admin", "other_translator"])
def test_the_pages_never_show_a_stranger_the_canary(victim, who):
    w = victim["w"]
    c = Client()
    c.force_login(getattr(w, who))
    before = snapshot()
    for route in routes("translations/"):
        for action in ("take", "quote", "accept-quote", "deliver", "accept-delivery"):
            url = fill(route, {**victim["ids"], "action": action})
            for method in ("get", "post"):
                answer = getattr(c, method)(url, {"words": "5", "email": "x@example.com"})
                assert answer.status_code in (200, 302, 400, 403, 404, 405), (method, url)
                body = b"".join(answer.streaming_content) if answer.streaming else answer.content
                assert CANARY not in body.decode("utf-8", "replace"), (method, url)
    assert CANARY not in c.get("/translations/").content.decode()
    assert snapshot() == before


def test_the_canary_is_there_for_the_orderer(victim):
    """The crawl above could not fail if the canary were nowhere: the orderer sees it."""
    w = victim["w"]
    answer = client(w.officer).get(f"/api/translation-orders/{victim['ids']['order_id']}/")
    assert CANARY in answer.content.decode()
