"""The readers' side of a tender in several languages: the tender page, the lot pages and the
API show the reader's language's version with its label and a switch to the original;
clarifications translated by the machine (cached, labelled, the original one click away); the
author's languages page and its permissions; the API's writes (403 for the tender's other
readers, 404 for everyone else)."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase
from rest_framework.test import APIClient

from auctions.models import Tender
from auctions.tenders import drafting, questions, versions
from auctions.version_models import TenderVersion
from marketplace.translation.models import MachineTranslation
from tests.auctions.factories import World, lot_data

pytestmark = pytest.mark.django_db


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def world():
    return World()


@pytest.fixture
def tender(world):
    kwargs = world.tender_kwargs(
        title="Дизельне паливо зимове", description="Постачання до складу", original_language="uk"
    )
    kwargs["lots"] = [lot_data(title="Дизельне паливо", description="ДСТУ 7688")]
    tender = drafting.tender_create(actor=world.officer, **kwargs)
    with committed():
        tender = drafting.tender_publish(actor=world.officer, tender=tender)
    return tender


def _english(world, tender):
    lot = tender.lots.get()
    with committed():
        versions.tender_version_set(
            actor=world.officer,
            tender=tender,
            language="en",
            title="Winter diesel fuel",
            description="Delivery to the warehouse",
            lots={lot.pk: {"title": "Diesel fuel EN", "description": "DSTU grade"}},
        )


def _page(user, path, language="en"):
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    with committed():  # what the page sends after its (autocommit) request runs then
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_tender_page_shows_the_readers_version_labelled_with_the_switch(world, tender):
    _english(world, tender)
    page = _page(world.supplier_admin, f"/tenders/{tender.pk}/")
    assert "Winter diesel fuel" in page and "Diesel fuel EN" in page
    assert 'id="show-original"' in page and "The original is in Ukrainian" in page
    original = _page(world.supplier_admin, f"/tenders/{tender.pk}/?original=1")
    assert "Дизельне паливо зимове" in original and "Winter diesel fuel" not in original
    assert 'id="show-translation"' in original
    # A Ukrainian reader reads the original, no label.
    uk = _page(world.supplier_admin, f"/tenders/{tender.pk}/", language="uk")
    assert "Дизельне паливо зимове" in uk and 'id="language-note"' not in uk


def test_a_machine_version_is_labelled_on_the_tender_and_lot_pages(world, tender, libre):
    with committed():
        versions.tender_versions_request(actor=world.officer, tender=tender, languages=["en"])
    page = _page(world.supplier_admin, f"/tenders/{tender.pk}/")
    assert "Diesel fuel winter" in page and 'id="machine-label"' in page
    lot = tender.lots.get()
    room = _page(world.officer, f"/lots/{lot.pk}/")
    assert "Diesel fuel" in room and 'id="machine-label"' in room
    room = _page(world.officer, f"/lots/{lot.pk}/?original=1")
    assert "Дизельне паливо</span>" in room


def test_no_version_the_page_says_which_language_it_is_in(world, tender):
    page = _page(world.supplier_admin, f"/tenders/{tender.pk}/", language="ru")
    assert "Дизельне паливо зимове" in page and 'id="language-note"' in page


def test_clarifications_are_translated_for_readers_of_another_language(world, tender, libre):
    world.supplier_admin.language = "en"
    world.supplier_admin.save()
    world.officer.language = "uk"
    world.officer.save()
    question = questions.question_ask(
        actor=world.supplier_admin, tender=tender, company=world.supplier, text="Which grade?"
    )
    questions.question_answer(actor=world.officer, question=question, answer="Дизельне паливо")
    first = _page(world.supplier_admin, f"/tenders/{tender.pk}/")
    # The page did not wait on the provider: the original, and the translation asked after.
    assert "Дизельне паливо" in first and "Show the original" not in first
    page = _page(world.supplier_admin, f"/tenders/{tender.pk}/")
    # The answer (Ukrainian) translated for the English reader, labelled, the original beside.
    assert "Diesel fuel" in page and "Show the original" in page
    assert "Which grade?" in page
    assert MachineTranslation.objects.filter(target_language="en").count() == 1
    # The Ukrainian reader: the question translated, the answer as written.
    _page(world.officer, f"/tenders/{tender.pk}/", language="uk")
    uk = _page(world.officer, f"/tenders/{tender.pk}/", language="uk")
    assert "[uk] Which grade?" in uk
    # Asked once: a second view reads the cache.
    calls = len(libre.requests)
    _page(world.supplier_admin, f"/tenders/{tender.pk}/")
    assert len(libre.requests) == calls


def test_clarifications_with_the_provider_down_show_the_original(world, tender, libre):
    libre.mode = "down"
    question = questions.question_ask(
        actor=world.supplier_admin, tender=tender, company=world.supplier, text="Яка марка?"
    )
    questions.question_answer(actor=world.officer, question=question, answer="Літня")
    world.supplier_admin.language = "uk"
    world.supplier_admin.save()
    page = _page(world.officer, f"/tenders/{tender.pk}/")
    assert "Яка марка?" in page and "machine-label" not in page
    assert len(libre.requests) == 1  # and resting now
    _page(world.officer, f"/tenders/{tender.pk}/")
    assert len(libre.requests) == 1


def test_the_languages_page_is_the_buyers_managers_only(world, tender):
    _english(world, tender)
    page = _page(world.officer, f"/tenders/{tender.pk}/languages/")
    assert "Winter diesel fuel" in page and 'id="no-provider"' in page
    for user in (world.buyer_bidder, world.supplier_admin, world.stranger):
        client = Client()
        client.force_login(user)
        assert client.get(f"/tenders/{tender.pk}/languages/").status_code == 404
        response = client.post(
            f"/tenders/{tender.pk}/languages/ru/", {"title": "Хак", "description": ""}
        )
        assert response.status_code == 404
    assert not TenderVersion.objects.get().translations.filter(language_code="ru").exists()


def test_the_version_form_writes_a_persons_version(world, tender):
    lot = tender.lots.get()
    client = Client()
    client.force_login(world.officer)
    response = client.post(
        f"/tenders/{tender.pk}/languages/en/",
        {"title": "Winter diesel", "description": "", f"lot-{lot.pk}-title": "Diesel"},
    )
    assert response.status_code == 302
    text = versions.tender_text_for(versions.with_versions(Tender.objects).get(pk=tender.pk), "en")
    assert (text.title, text.lots[lot.pk].title, text.machine) == ("Winter diesel", "Diesel", False)
    assert client.get(f"/tenders/{tender.pk}/languages/uk/").status_code == 404  # the original


# --- API -------------------------------------------------------------------------------------


def _api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_api_reader_view_and_the_detail_text(world, tender):
    _english(world, tender)
    client = _api(world.supplier_admin)
    body = client.get(f"/api/tenders/{tender.pk}/text/", {"language": "en"}).json()
    assert body["title"] == "Winter diesel fuel" and body["original_language"] == "uk"
    assert body["is_original"] is False and body["machine"] is False
    assert body["lots"][0]["title"] == "Diesel fuel EN"
    original = client.get(f"/api/tenders/{tender.pk}/text/", {"original": "true"}).json()
    assert original["title"] == "Дизельне паливо зимове" and original["is_original"]
    detail = client.get(f"/api/tenders/{tender.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    # The tender's own fields stay the original's; the reader's view is beside them.
    assert detail["title"] == "Дизельне паливо зимове" and detail["original_language"] == "uk"
    assert detail["text"]["title"] == "Winter diesel fuel"
    listed = client.get(f"/api/tenders/{tender.pk}/versions/").json()
    assert [v["language"] for v in listed] == ["en"] and listed[0]["lots"][0]["title"]


def test_the_api_writes_and_their_permissions(world, tender):
    url = f"/api/tenders/{tender.pk}/versions/ru/"
    body = {"title": "Зимнее дизтопливо", "lots": [{"lot": tender.lots.get().pk, "title": "ДТ"}]}
    assert _api(world.buyer_bidder).put(url, body, format="json").status_code == 403
    assert _api(world.supplier_admin).put(url, body, format="json").status_code == 403
    # A stranger reads a public tender: refused (403); a draft nobody else sees: 404.
    assert _api(world.stranger).put(url, body, format="json").status_code == 403
    draft = drafting.tender_create(actor=world.officer, **world.tender_kwargs())
    hidden = f"/api/tenders/{draft.pk}/versions/ru/"
    assert _api(world.stranger).put(hidden, body, format="json").status_code == 404
    assert _api(world.supplier_admin).get(f"/api/tenders/{draft.pk}/versions/").status_code == 404
    assert _api(None).put(url, body, format="json").status_code in (401, 403)
    assert not TenderVersion.objects.exists()
    response = _api(world.officer).put(url, body, format="json")
    assert response.status_code == 200 and response.json()["machine"] is False
    bad = _api(world.officer).put(f"/api/tenders/{tender.pk}/versions/uk/", body, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "original_language"
    no_provider = _api(world.officer).post(f"/api/tenders/{tender.pk}/versions/machine/", {})
    assert no_provider.status_code == 409
    assert _api(world.officer).delete(url).status_code == 204


def test_the_api_machine_request(world, tender, deepl):
    response = _api(world.officer).post(
        f"/api/tenders/{tender.pk}/versions/machine/", {"languages": ["en"]}, format="json"
    )
    assert response.status_code == 202 and response.json() == {"languages": ["en"]}
