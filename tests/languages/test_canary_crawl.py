"""The tender-languages canary: a buyer's draft tender whose versions (the tender's and its
lot's, in English and Russian) and a document marked as the translation of another carry a
canary. Other companies' people (a supplier of the platform, another buyer of it, a company
outside it) and anonymous ask every tender-language API route (found by walking the URL
patterns, so a route added later is crawled too) with every method, and the pages with GET
and POST: no answer carries the canary and nothing is written. The buyer's officer does see
it (so the crawl can fail)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from auctions.tenders import documents, versions
from auctions.version_models import LotVersion, TenderDocumentLanguage, TenderVersion
from marketplace.events.models import Event
from marketplace.translation.models import MachineTranslation
from tests.auctions.factories import World, pdf
from tests.auctions.factories import snapshot as tender_snapshot
from tests.factories import CompanyFactory, PlatformMembershipFactory, member

pytestmark = pytest.mark.django_db
CANARY = "CANARY-5e2a"
METHODS = ("get", "post", "put", "patch", "delete")
API_NAMES = {
    "tender-text",
    "tender-version-list",
    "tender-version-detail",
    "tender-version-machine",
    "tender-document-translation",
}
PAGE_NAMES = {
    "tender-languages",
    "tender-version-edit",
    "tender-version-delete",
    "tender-versions-machine",
    "tender-document-translation",
}


def routes(prefix: str, words: tuple[str, ...]) -> dict[str, str]:
    """``{route: name}`` of the URL patterns under ``prefix`` whose route has one of
    ``words``."""
    found: dict[str, str] = {}

    def walk(patterns, at: str) -> None:
        for p in patterns:
            route = at + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif (
                isinstance(p, URLPattern)
                and route.startswith(prefix)
                and any(word in route[len(prefix) :] for word in words)
            ):
                found[route] = p.name or ""

    walk(get_resolver().url_patterns, "")
    return found


def fill(route: str, ids: dict) -> str:
    path = re.sub(r"<(?:int|str):(\w+)>", lambda m: str(ids[m.group(1)]), route)
    assert "<" not in path, route
    return "/" + path


def snapshot() -> dict:
    return {
        **tender_snapshot(),
        "versions": sorted(TenderVersion.objects.values_list()),
        "version_texts": sorted(TenderVersion._parler_meta.root_model.objects.values_list()),
        "lot_versions": sorted(LotVersion.objects.values_list()),
        "lot_version_texts": sorted(LotVersion._parler_meta.root_model.objects.values_list()),
        "marks": sorted(TenderDocumentLanguage.objects.values_list()),
        "machine": sorted(MachineTranslation.objects.values_list()),
        "domain_events": Event.objects.count(),
    }


@pytest.fixture
def victim():
    w = World()
    tender = w.draft(title="Diesel for the depot", original_language="uk")
    lot = tender.lots.get()
    for language in ("en", "ru"):
        versions.tender_version_set(
            actor=w.officer,
            tender=tender,
            language=language,
            title=f"{CANARY} tender {language}",
            description=f"{CANARY} description",
            lots={lot.pk: {"title": f"{CANARY} lot", "description": f"{CANARY} spec"}},
        )
    original = documents.tender_document_upload(
        actor=w.officer, tender=tender, file=pdf("spec.pdf"), title="Specification"
    )
    translated = documents.tender_document_upload(
        actor=w.officer, tender=tender, file=pdf("spec-en.pdf"), title=f"{CANARY} spec EN"
    )
    versions.document_translation_mark(
        actor=w.officer, document=translated, translation_of=original, language="en"
    )
    rival = CompanyFactory(legal_name="Rival Buyer Ltd", is_buyer=True, is_supplier=False)
    PlatformMembershipFactory(platform=w.platform, company=rival)
    return {
        "w": w,
        "strangers": [
            w.supplier_admin,
            w.other_admin,
            w.stranger,
            member(rival, "procurement_officer"),
        ],
        "ids": [
            {"tender_id": tender.pk, "language": language, "document_id": document.pk}
            for language in ("en", "ru", "uk")
            for document in (original, translated)
        ],
        "tender": tender,
        "lot": lot,
        "documents": (original, translated),
    }


def _api(user) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


def _page(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _body(victim) -> dict:
    return {
        "title": "x",
        "description": "x",
        "languages": ["en"],
        "language": "ru",
        "translation_of": victim["documents"][0].pk,
        "lots": [{"lot": victim["lot"].pk, "title": "x"}],
    }


def test_the_crawl_finds_every_tender_language_route():
    assert set(routes("api/tenders/", ("versions", "text", "translation")).values()) >= API_NAMES
    found = routes("tenders/", ("languages", "translation"))
    assert set(found.values()) >= PAGE_NAMES


def test_the_buyers_officer_sees_the_canary(victim):
    tender = victim["tender"]
    c = _api(victim["w"].officer)
    assert CANARY in c.get(f"/api/tenders/{tender.pk}/versions/").content.decode()
    text = c.get(f"/api/tenders/{tender.pk}/text/", {"language": "en"}).content.decode()
    assert CANARY in text
    page = _page(victim["w"].officer).get(f"/tenders/{tender.pk}/languages/")
    assert page.status_code == 200 and CANARY in page.content.decode()


def test_the_api_never_shows_another_company_or_anonymous_the_canary(victim):
    found = routes("api/tenders/", ("versions", "text", "translation"))
    assert len(found) >= 5
    before = snapshot()
    answers = 0
    for user in [*victim["strangers"], None]:
        c = _api(user)
        for ids in victim["ids"]:
            for route in found:
                url = fill(route, ids)
                for method in METHODS:
                    answer = getattr(c, method)(url, _body(victim), format="json")
                    answers += 1
                    assert answer.status_code in (401, 403, 404, 405), (user, method, url)
                    text = answer.content.decode("utf-8", "replace")
                    assert CANARY not in text, (user, method, url)
    assert snapshot() == before
    assert answers >= 5 * 6 * 5 * 5


def test_the_pages_never_show_another_company_or_anonymous_the_canary(victim):
    found = routes("tenders/", ("languages", "translation"))
    before = snapshot()
    form = {**_body(victim), "lots": "", f"lot-{victim['lot'].pk}-title": "x"}
    for user in [*victim["strangers"], None]:
        c = _page(user)
        for ids in victim["ids"]:
            for route in found:
                url = fill(route, ids)
                for method in ("get", "post"):
                    answer = getattr(c, method)(url, form)
                    assert answer.status_code in (302, 403, 404, 405), (user, method, url)
                    if answer.status_code == 302:
                        assert user is None and "/login/" in answer["Location"], (method, url)
                    assert CANARY not in answer.content.decode(), (user, method, url)
    assert snapshot() == before
