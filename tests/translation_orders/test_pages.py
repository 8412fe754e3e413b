"""The translation order pages render for the orderer, the translators and the platform's
admins, and drive the flow: ordering, taking, quoting, accepting, delivering, accepting the
delivery; a stranger gets 404."""

from __future__ import annotations

import pytest
from django.test import Client

from translation_orders.models import OrderStatus, TranslationOrder, TranslationRate

from .factories import Translations, docx_bytes, snapshot, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Translations()


def browser(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_ordering_and_the_flow_in_the_pages(w):
    officer = browser(w.officer)
    page = officer.get("/translations/new/")
    assert page.status_code == 200 and "spec.docx" in page.content.decode()
    assert "translation-orders.js" in page.content.decode()
    placed = officer.post(
        "/translations/new/",
        {
            "documents": [f"t-{w.spec.pk}", f"t-{w.terms.pk}"],
            "source_language": "uk",
            "target_language": "en",
            "instructions": "Keep the layout",
        },
    )
    order = TranslationOrder.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/translations/{order.pk}/"
    assert order.counted_words == 19
    html = officer.get(f"/translations/{order.pk}/").content.decode()
    assert f"/translations/{order.pk}/documents/" in html and 'id="cancel"' in html

    translator = browser(w.translator)
    index = translator.get("/translations/").content.decode()
    assert 'id="queue"' in index and order.number in index
    queued = translator.get(f"/translations/{order.pk}/").content.decode()
    assert 'id="take"' in queued and 'id="documents-closed"' in queued
    assert f"/translations/{order.pk}/documents/" not in queued
    doc = order.documents.first()
    refused = translator.get(f"/translations/{order.pk}/documents/{doc.pk}/")
    assert refused.status_code == 302  # back to the order, with the reason
    translator.post(f"/translations/{order.pk}/take/")
    taken = translator.get(f"/translations/{order.pk}/").content.decode()
    assert 'id="quote"' in taken and f"/translations/{order.pk}/documents/{doc.pk}/" in taken
    assert translator.get(f"/translations/{order.pk}/documents/{doc.pk}/").status_code == 200
    translator.post(f"/translations/{order.pk}/quote/", {"words": "19"})
    officer.post(f"/translations/{order.pk}/accept-quote/")
    translator.post(
        f"/translations/{order.pk}/deliver/",
        {"files": [upload("en.docx", docx_bytes("Done"))], "note": "Here"},
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    delivered = officer.get(f"/translations/{order.pk}/").content.decode()
    assert 'id="round-1"' in delivered and 'id="decide-delivery"' in delivered
    officer.post(f"/translations/{order.pk}/accept-delivery/")
    done = officer.get(f"/translations/{order.pk}/").content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.DONE and order.invoice.number in done


def test_a_refused_step_shows_its_reason(w):
    order = w.order()
    officer = browser(w.officer)
    answer = officer.post(f"/translations/{order.pk}/accept-quote/", follow=True)
    assert "this step is not possible now" in answer.content.decode()
    assert officer.post(f"/translations/{order.pk}/no-such-step/").status_code == 404
    form = officer.post(
        "/translations/new/",
        {"documents": [f"t-{w.spec.pk}"], "source_language": "uk", "target_language": "uk"},
    )
    assert form.status_code == 400 and "other than the documents" in form.content.decode()


def test_strangers_get_404(w):
    order = w.order()
    doc = order.documents.first()
    before = snapshot()
    for user in (w.other_admin, w.stranger):
        c = browser(user)
        assert c.get(f"/translations/{order.pk}/").status_code == 404
        assert c.get(f"/translations/{order.pk}/documents/{doc.pk}/").status_code == 404
        assert c.post(f"/translations/{order.pk}/take/").status_code == 404
        assert c.get(f"/translations/platforms/{w.platform.pk}/").status_code == 404
        assert order.number not in c.get("/translations/").content.decode()
    assert browser(w.stranger).get("/translations/new/").status_code == 404  # nothing to order
    assert snapshot() == before
    assert Client().get("/translations/").status_code == 302


def test_the_platform_page_grants_revokes_and_sets_rates(w):
    admin = browser(w.platform_admin)
    page = admin.get(f"/translations/platforms/{w.platform.pk}/").content.decode()
    assert 'id="translators"' in page and "Taras Translator" in page and 'id="rates"' in page
    admin.post(
        f"/translations/platforms/{w.platform.pk}/translators/", {"email": w.other_admin.email}
    )
    assert (
        w.other_admin.email
        in admin.get(f"/translations/platforms/{w.platform.pk}/").content.decode()
    )
    bad = admin.post(
        f"/translations/platforms/{w.platform.pk}/translators/", {"email": "x@nowhere.io"}
    )
    assert bad.status_code == 400 and "Nobody is registered" in bad.content.decode()
    admin.post(
        f"/translations/platforms/{w.platform.pk}/rates/",
        {
            "source_language": "en",
            "target_language": "ru",
            "price_per_word": "0.3",
            "currency": "EUR",
            "minimum_fee": "10",
        },
    )
    rate = TranslationRate.objects.get(source_language="en", target_language="ru")
    admin.post(f"/translations/platforms/{w.platform.pk}/rates/{rate.pk}/delete/")
    assert not TranslationRate.objects.filter(pk=rate.pk).exists()
    admin.post(f"/translations/platforms/{w.platform.pk}/translators/{w.other_admin.pk}/revoke/")
    index = admin.get("/translations/").content.decode()
    assert f"/translations/platforms/{w.platform.pk}/" in index
