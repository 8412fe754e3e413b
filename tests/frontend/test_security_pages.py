"""The bid security's pages through the test client (``frontend/security_views.py``): under its
application the supplier sees the security's amount and state and the ways to provide it (a
bank guarantee; a card only when Stripe is configured), uploads a guarantee (a wrong file or
none: the message, nothing written); the buyer sees it under the lot's applications with its
file and accepts or rejects it (a reason required: the service's message, nothing written);
another supplier of the same lot and a stranger see nothing of it and get 404 on every route.
And the card forms the pages hand to Stripe.js (``static/frontend/card-payment.js``): saving a
card for the security, paying an invoice on the order page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from deals.models import BidSecurity, Invoice, Payer, PlatformFee, SecurityState
from deals.payments import invoices as invoice_services
from deals.payments import security as security_services
from deals.payments.providers import PaymentStart
from frontend.templatetags.money import money
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from tests.auctions.factories import World
from tests.deals.factories import awarded_order
from tests.factories import member

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n% the bank guarantee of Supplier Alpha\n"
FILE_NAME = "alpha-guarantee-canary.pdf"
STRIPE = {
    "STRIPE_SECRET_KEY": "sk_test_pages",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_pages",
    "STRIPE_API_BASE": "http://127.0.0.1:8420",
}


@pytest.fixture
def w() -> World:
    return World()


@pytest.fixture
def lot(w):
    """A published lot asking a 2 % bid security of its 100,000 start price."""
    tender = w.published(lot_overrides={"reserve_price": None, "security_percent": Decimal("2")})
    return tender.lots.get()


@pytest.fixture
def alpha(w, lot):
    return w.apply(lot, w.supplier)


@pytest.fixture
def beta(w, lot):
    return w.apply(lot, w.other_supplier)


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def pdf(name: str = FILE_NAME, content: bytes = PDF, kind: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=kind)


def box_url(application) -> str:
    return f"/applications/{application.pk}/security/"


def upload(client, application, file=None):
    data = {} if file is False else {"file": file or pdf()}
    return client.post(f"/applications/{application.pk}/security/guarantee/", data)


def decide(client, security, decision: str, reason: str = "", **extra):
    return client.post(
        f"/securities/{security.pk}/decision/", {"decision": decision, "reason": reason}, **extra
    )


def written() -> tuple:
    return (
        list(BidSecurity.objects.order_by("pk").values_list("pk", "state", "reason")),
        Event.objects.count(),
    )


def in_english(amount: Decimal, currency: str) -> str:
    with translation.override("en"):
        return money(amount, currency)


# --- The supplier ------------------------------------------------------------------------------


def test_the_supplier_sees_the_amount_the_state_and_both_ways_the_card_only_with_stripe(
    client, w, lot, alpha
):
    as_(client, w.supplier_bidder)
    tender_page = html(client.get(f"/tenders/{lot.tender_id}/"))
    # The tender page loads the box under the application (htmx; a link without script).
    assert f'hx-get="{box_url(alpha)}"' in tender_page
    assert "Awaiting the bid security" in tender_page

    with override_settings(STRIPE_SECRET_KEY=""):
        box = html(client.get(box_url(alpha), **HTMX))
    assert in_english(Decimal("2000.00"), lot.tender.currency) in box
    assert "2% of the lot" in box and "Awaiting the bid security" in box
    assert 'id="security-guarantee-' in box and 'type="file"' in box
    assert "Save a card" not in box  # no Stripe here: a bank guarantee only

    with override_settings(**STRIPE):
        page = client.get(box_url(alpha))
    assert page.status_code == 200
    body = html(page)
    assert "<html" in body and 'id="security-guarantee-' in body
    assert "Save a card" in body and f"/applications/{alpha.pk}/security/card/" in body
    assert "js.stripe.com" not in body  # Stripe.js only where a card is being saved

    # The company's procurement officer reads it, but its admins and bidders provide it.
    as_(client, member(w.supplier, MembershipRole.PROCUREMENT_OFFICER))
    body = html(client.get(box_url(alpha), **HTMX))
    assert "Awaiting the bid security" in body and 'type="file"' not in body
    assert "Your company's admins and bidders provide the bid security." in body


def test_a_lot_without_a_security_shows_no_box_and_has_no_page(client, w):
    tender = w.published(lot_overrides={"reserve_price": None})
    application = w.apply(tender.lots.get(), w.supplier)
    as_(client, w.supplier_admin)
    assert "/security/" not in html(client.get(f"/tenders/{tender.pk}/"))
    assert client.get(box_url(application)).status_code == 404
    as_(client, w.officer)
    assert client.get(f"/lots/{tender.lots.get().pk}/securities/").status_code == 404


def test_the_supplier_uploads_a_guarantee_and_a_wrong_file_or_none_writes_nothing(
    client, w, lot, alpha
):
    as_(client, w.supplier_bidder)
    before = written()
    wrong = upload(client, alpha, pdf("g.exe", b"MZ", "application/x-msdownload"))
    assert wrong.status_code == 400
    assert "Upload the guarantee as a PDF, JPEG or PNG." in html(wrong)
    none = upload(client, alpha, False)
    assert none.status_code == 400
    assert "Choose the guarantee&#x27;s file (PDF, JPEG or PNG)." in html(none)
    assert written() == before

    done = upload(client, alpha)
    assert done.status_code == 302
    assert done["Location"] == f"/tenders/{lot.tender_id}/#my-application-{alpha.pk}"
    assert texts(done) == [
        "The bank guarantee is uploaded: the buyer checks it before admitting you."
    ]
    security = BidSecurity.objects.get(application=alpha)
    assert security.state == SecurityState.PENDING and security.document_filename == FILE_NAME
    box = html(client.get(box_url(alpha), **HTMX))
    assert "Being provided" in box and FILE_NAME in box
    assert "The buyer checks the bank guarantee" in box
    assert 'type="file"' not in box and "Save a card" not in box  # one live security at a time

    # A second upload meanwhile: the service's refusal, nothing written.
    before = written()
    again = upload(client, alpha)
    assert again.status_code == 409
    assert "A bid security is already provided or being checked." in html(again)
    assert written() == before


def test_save_a_card_shows_stripe_js_card_form_with_the_setup_intents_secret(
    client, w, lot, alpha, monkeypatch
):
    as_(client, w.supplier_admin)
    card_url = f"/applications/{alpha.pk}/security/card/"
    # Offline (no Stripe key): the service says to upload a guarantee instead.
    with override_settings(STRIPE_SECRET_KEY=""):
        refused = client.post(card_url)
    assert refused.status_code == 409
    assert "Card payments are not available here: upload a bank guarantee instead." in html(refused)
    assert not BidSecurity.objects.exists()
    assert client.get(card_url).status_code == 302  # GET goes back to the security's page

    calls = []

    def card_start(*, user, application_id):
        calls.append((user, application_id))
        return PaymentStart(
            provider="stripe",
            reference="seti_123",
            client_secret="seti_123_secret_abc",
            publishable_key="pk_test_pages",
        )

    monkeypatch.setattr(security_services, "security_card_start", card_start)
    with override_settings(**STRIPE):
        page = client.post(card_url)
    assert page.status_code == 200 and calls == [(w.supplier_admin, alpha.pk)]
    body = html(page)
    assert 'data-card-mode="setup"' in body
    assert 'data-client-secret="seti_123_secret_abc"' in body
    assert 'data-publishable-key="pk_test_pages"' in body
    # Stripe.js from the Stripe-compatible server's shim, then our script; no inline script.
    assert '<script src="http://127.0.0.1:8420/js.stripe.com/v3/" defer></script>' in body
    assert "frontend/card-payment.js" in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)


# --- The buyer ---------------------------------------------------------------------------------


def test_the_buyer_sees_the_guarantee_and_rejects_it_with_a_reason_then_accepts_another(
    client, w, lot, alpha, beta
):
    as_(client, w.supplier_bidder)
    upload(client, alpha)
    security = BidSecurity.objects.get(application=alpha)

    as_(client, w.officer)
    manage = html(client.get(f"/tenders/{lot.tender_id}/manage/"))
    assert f'hx-get="/lots/{lot.pk}/securities/"' in manage
    panel = html(client.get(f"/lots/{lot.pk}/securities/", **HTMX))
    assert "Supplier Alpha Canary" in panel and "Supplier Beta Canary" in panel
    assert "Being provided" in panel and "Awaiting the bid security" in panel  # beta: none yet
    file_url = reverse("api:security-document", args=[security.pk])
    assert f'href="{file_url}"' in panel and FILE_NAME in panel
    assert f'id="security-accept-{security.pk}"' in panel
    assert f'id="security-reject-{security.pk}"' in panel
    document = client.get(file_url)
    assert document.status_code == 200 and b"".join(document.streaming_content) == PDF

    # Rejecting without a reason: the service's message, the form kept, nothing written.
    before = written()
    refused = decide(client, security, "reject", "  ")
    assert refused.status_code == 400
    assert "Say why the guarantee is rejected." in html(refused)
    assert f'id="security-reject-{security.pk}"' in html(refused)
    refused = decide(client, security, "reject", "", **HTMX)  # htmx: the panel, always 200
    assert refused.status_code == 200 and "Say why the guarantee is rejected." in html(refused)
    assert "<html" not in html(refused)
    assert decide(client, security, "maybe").status_code == 400
    assert written() == before

    rejected = decide(client, security, "reject", "The guarantee names another lot.")
    assert rejected.status_code == 302
    assert rejected["Location"] == f"/tenders/{lot.tender_id}/manage/#applications-{lot.pk}"
    assert texts(rejected) == ["The bank guarantee of Supplier Alpha Canary is rejected."]
    security.refresh_from_db()
    assert security.state == SecurityState.REJECTED
    assert security.reason == "The guarantee names another lot."
    # Decided once: a second decision is refused and changes nothing.
    before = written()
    late = decide(client, security, "accept")
    assert late.status_code == 409 and "there is nothing to decide" in html(late)
    assert written() == before

    # The supplier reads why, and may provide another.
    as_(client, w.supplier_bidder)
    box = html(client.get(box_url(alpha), **HTMX))
    assert "Rejected by the buyer" in box and "The guarantee names another lot." in box
    assert 'type="file"' in box
    upload(client, alpha, pdf("second.pdf"))
    second = BidSecurity.objects.get(application=alpha, state=SecurityState.PENDING)

    as_(client, w.buyer_admin)
    accepted = decide(client, second, "accept", **HTMX)
    assert accepted.status_code == 200
    body = html(accepted)
    assert "The bank guarantee of Supplier Alpha Canary is accepted." in body
    assert "Provided" in body and f'id="security-accept-{second.pk}"' not in body
    second.refresh_from_db()
    assert second.state == SecurityState.PROVIDED and second.decided_by == w.buyer_admin

    as_(client, w.supplier_bidder)
    box = html(client.get(box_url(alpha), **HTMX))
    assert "Provided" in box and 'type="file"' not in box and "Earlier securities" in box


def test_the_supplier_cannot_decide_its_own_guarantee(client, w, lot, alpha):
    as_(client, w.supplier_admin)
    upload(client, alpha)
    security = BidSecurity.objects.get(application=alpha)
    before = written()
    refused = decide(client, security, "accept")
    assert refused.status_code == 403
    assert "Only the buyer&#x27;s staff check a bank guarantee." in html(refused)
    assert written() == before
    assert client.get(f"/lots/{lot.pk}/securities/").status_code == 404  # the buyer's page


# --- Nobody else -------------------------------------------------------------------------------


def security_pages() -> list[str]:
    """Every route of ``frontend/security_urls.py`` (walked, so a route added later is crawled
    too)."""
    from frontend import security_urls

    names = {p.name for p in security_urls.urlpatterns}
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and p.name in names:
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def test_another_supplier_of_the_lot_and_a_stranger_see_nothing_and_get_404(
    client, w, lot, alpha, beta
):
    as_(client, w.supplier_bidder)
    upload(client, alpha)
    security = BidSecurity.objects.get(application=alpha)
    pages = security_pages()
    assert len(pages) == 5
    ids = {"application_id": alpha.pk, "lot_id": lot.pk, "security_id": security.pk}
    canaries = ("Supplier Alpha Canary", FILE_NAME, security.document_sha256[:16])
    before = written()
    for user in (w.other_admin, w.stranger):
        as_(client, user)
        for route in pages:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
            for method in ("get", "post"):
                for extra in ({}, HTMX):
                    with override_settings(**STRIPE):
                        response = getattr(client, method)(path, **extra)
                    body = html(response)
                    assert not [c for c in canaries if c in body], (method, path)
                    assert response.status_code in (404, 405), (method, path, response.status_code)
            assert client.post(path, {"decision": "accept", "file": pdf()}).status_code in (
                404,
                405,
            )
        # The API's file of it, linked from the buyer's panel: not theirs either.
        file_url = reverse("api:security-document", args=[security.pk])
        assert client.get(file_url).status_code == 404
    # Beta's own box says nothing of Alpha's.
    as_(client, w.other_admin)
    body = html(client.get(box_url(beta), **HTMX))
    assert "Awaiting the bid security" in body
    assert not [c for c in canaries if c in body]
    tender_page = html(client.get(f"/tenders/{lot.tender_id}/"))
    assert box_url(alpha) not in tender_page and box_url(beta) in tender_page
    # Ids no row can have.
    as_(client, w.officer)
    assert client.get("/lots/99999999999999999999/securities/").status_code == 404
    assert client.post("/securities/99999999999999999999/decision/").status_code == 404
    assert written() == before


def test_anonymous_people_are_sent_to_log_in(client, lot, alpha):
    for path in (box_url(alpha), f"/lots/{lot.pk}/securities/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = upload(client, alpha)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not BidSecurity.objects.exists()


# --- Paying an invoice by card on the order page -----------------------------------------------


def test_the_order_page_hands_stripe_js_the_payment_intent_to_confirm(client, w, monkeypatch):
    order = awarded_order(w, documents=False)
    PlatformFee.objects.create(platform=w.platform, percent=Decimal("1"), payer=Payer.SUPPLIER)
    invoice = invoice_services.commission_for_order(order_id=order.pk)
    assert invoice is not None

    def pay_start(*, user, invoice_id):
        return PaymentStart(
            provider="stripe",
            reference="pi_123",
            client_secret="pi_123_secret_abc",
            publishable_key="pk_test_pages",
        )

    monkeypatch.setattr(invoice_services, "invoice_pay_start", pay_start)
    as_(client, w.supplier_bidder)
    with override_settings(STRIPE_SECRET_KEY="sk_test_pages", STRIPE_API_BASE=""):
        paying = client.post(f"/orders/{order.pk}/invoices/{invoice.pk}/pay/")
    assert paying.status_code == 200
    body = html(paying)
    assert 'data-card-mode="payment"' in body
    assert 'data-client-secret="pi_123_secret_abc"' in body
    assert 'data-locale="en"' in body
    assert '<script src="https://js.stripe.com/v3/" defer></script>' in body
    assert "Payment received: the invoice is marked paid when Stripe confirms it." in body
    assert "Card payments open here in the next release" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    # The page marks nothing paid: Stripe's webhook does.
    assert Invoice.objects.get(pk=invoice.pk).status == "open"
