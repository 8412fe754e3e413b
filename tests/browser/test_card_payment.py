"""Paying an invoice by card in a browser, against localstripe (the Stripe-compatible server that
``infra/testenv.py`` starts) and the Stripe.js shim it serves at ``<STRIPE_API_BASE>/js.stripe.com/v3/``.

The stack takes cards (``LiveStack(stripe_api_base=...)``), and localstripe posts its webhooks,
signed, to the stack. The demo's English lot is awarded to the demo supplier (through the
services, in ``manage.py shell`` against the stack's database), so its order has the platform's
commission invoice, to the supplier; a second invoice of the supplier is made beside it. The
supplier opens the order, presses "Pay", and the card form of ``card-payment.js`` mounts the
shim's card Element, into which it types the test card 4242 4242 4242 4242.

What the shim cannot do: its ``confirmCardPayment`` sends nothing of the Element (its card
fields are not read) and only performs the 3-D Secure step of a PaymentIntent that is already
confirmed with a card and waiting for authentication (``requires_action``; it opens its own
"3D Secure" dialog, then calls localstripe's ``/v1/payment_intents/<id>/_authenticate``). A
PaymentIntent with no card (as ours is until Stripe.js attaches one) is answered 400 "Bad
request". So the test does server-side, with the secret key, what real Stripe.js does with the
typed card in the same call: it attaches a card and confirms the PaymentIntent, with a card
localstripe asks 3-D Secure for (4000 0000 0000 3220), so that the page's confirmation is the
step that charges it. The page then shows the success text, the PaymentIntent has succeeded at
localstripe, and Stripe's webhook (not the page) marks the invoice paid.

Two more invoices are paid with a card that passes 3-D Secure and is then declined
(4000 0082 6000 3178): in English the page shows Stripe.js's message as it is (the shim's text:
localstripe translates nothing, where Stripe.js answers in the ``locale`` the page passes); in
Ukrainian, a language Stripe.js does not speak, the page's own words come first, Stripe's
after them. The invoices stay open.

A card saved for a bid security is the shim's strong side: its ``confirmCardSetup`` sends the
card typed into its Element to localstripe, which saves it. localstripe sends no
``setup_intent`` events, so the test signs and posts the one Stripe would; the stack reads the
SetupIntent back from localstripe and the security is provided."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import urllib.request
import uuid

import pytest
import stripe
from playwright.sync_api import expect

from .stack import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, LiveStack

pytestmark = [pytest.mark.browser, pytest.mark.stripe]

SUPPLIER = "baltic@demo.tradefloor.local"  # Baltic Freight Supply OÜ, admitted to the demo lot
BUYER = "buyer@demo.tradefloor.local"
SUCCESS = "Payment received: the invoice is marked paid when Stripe confirms it."
THREE_D_SECURE = "4000000000003220"  # localstripe: 3-D Secure required, then charged
DECLINED_AFTER_3DS = "4000008260003178"  # localstripe: 3-D Secure required, then declined

# The demo's English lot run to its award, as the scheduler and the buyer would, in the stack's
# database; its order and the commission invoice the listeners make (made here if they have not
# run yet: both are made once), and two more invoices of the supplier on the same order.
SETUP = """
from datetime import timedelta
from django.utils import timezone
from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Lot
from deals.models import Invoice
from deals.orders import order_from_deal
from deals.payments.invoices import commission_for_order
from marketplace.users.models import User

lot = Lot.objects.get(pk={lot})
Lot.objects.filter(pk=lot.pk).update(
    starts_at=timezone.now() - timedelta(seconds=1), reserve_price=None
)
lifecycle.lot_start(lot_id=lot.pk)
place.bid_place(
    lot_id=lot.pk, user=User.objects.get(email={supplier!r}), amount=str(lot.start_price * 97 / 100)
)
lot.refresh_from_db()
lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))
lifecycle.lot_award(lot_id=lot.pk, user=User.objects.get(email={buyer!r}))
order = order_from_deal(deal_id=Lot.objects.get(pk=lot.pk).deal.pk)
first = commission_for_order(order_id=order.pk)
for kind, number in (("service", "TF-BROWSER-2"), ("other", "TF-BROWSER-3")):
    Invoice.objects.create(
        company_id=first.company_id, platform_id=first.platform_id, order=order, kind=kind,
        number=number, amount=first.amount, currency=first.currency,
    )
print(order.pk, first.number)
"""


# The demo's rounds lot made to ask a 2 % bid security, which the demo supplier's application
# (admitted at loading) now awaits.
SECURED = """
from decimal import Decimal
from auctions.models import Application, Lot
Lot.objects.filter(pk={lot}).update(security_percent=Decimal("2"))
application = (
    Application.objects.filter(lot_id={lot}, supplier__memberships__user__email={supplier!r})
    .distinct()
    .get()
)
Application.objects.filter(pk=application.pk).update(security_status="awaiting")
print(application.lot.tender_id, application.pk)
"""


@pytest.fixture(scope="module")
def api_base() -> str:
    return os.environ["STRIPE_API_BASE"].rstrip("/")


@pytest.fixture(scope="module")
def stack(playwright_browser, tmp_path_factory, api_base):
    """The demo stack taking cards at localstripe; its auction an hour away (the test runs the
    English lot to its award itself)."""
    live = LiveStack(
        tmp_path_factory.mktemp("stack"), live_in=3600, duration=600, stripe_api_base=api_base
    )
    try:
        live.start()
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def order(stack, api_base) -> tuple[int, str]:
    code = SETUP.format(lot=stack.lots[0], supplier=SUPPLIER, buyer=BUYER)
    order_id, first = stack.manage("shell", "-c", code).split()[-2:]
    # localstripe's webhooks to this stack, signed with its secret (as Stripe's dashboard would
    # configure them).
    request = urllib.request.Request(
        f"{api_base}/_config/webhooks/browser-{stack.port}",
        method="POST",
        data=json.dumps(
            {
                "url": f"{stack.base_url}/api/payments/stripe/webhook/",
                "secret": STRIPE_WEBHOOK_SECRET,
                "events": ["payment_intent.succeeded", "payment_intent.payment_failed"],
            }
        ).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
    return int(order_id), first


@pytest.fixture(scope="module")
def stripe_client(api_base) -> stripe.StripeClient:
    return stripe.StripeClient(
        STRIPE_SECRET_KEY, base_addresses={"api": api_base}, max_network_retries=0
    )


def open_card_form(page, stack, order_id: int, invoice: str):
    """The order page, "Pay" on ``invoice``: the card form with the shim's card Element."""
    page.goto(f"{stack.base_url}/orders/{order_id}/")
    page.locator(".order-invoice", has_text=invoice).locator('form[action$="/pay/"] button').click()
    form = page.locator("#card-payment")
    expect(form).to_be_visible()
    expect(form.locator("[data-card-element] input")).to_have_count(5)  # the shim's fields
    return form


def type_card(form, number: str = "4242424242424242") -> None:
    """The shim's card Element: number, month, year, CVC, postal code (it moves the focus on
    by itself once a field is full, so each is filled whole)."""
    for placeholder, value in (
        ("number", number),
        ("exp_month", "12"),
        ("exp_year", "34"),
        ("cvc", "123"),
        ("postal_code", "10115"),
    ):
        form.locator(f"[data-card-element] input[placeholder={placeholder}]").fill(value)


def intent_of(form) -> str:
    secret = form.get_attribute("data-client-secret")
    assert secret and secret.startswith("pi_"), secret
    return secret.split("_secret_")[0]


def confirmed_with(stripe_client, intent: str, number: str) -> None:
    """What Stripe.js's confirmCardPayment does with the typed card before its 3-D Secure step,
    done here because the shim does not (module docstring)."""
    card = stripe_client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }
    )
    stripe_client.v1.payment_intents.update(intent, params={"payment_method": card.id})
    confirmed = stripe_client.v1.payment_intents.confirm(intent)
    assert confirmed.status == "requires_action"


def invoice_status(page, stack, order_id: int, invoice: str, status: str) -> None:
    """Reload the order until ``invoice`` shows ``status`` (Stripe's webhook arrives about a
    second after the payment)."""
    deadline = time.monotonic() + 30
    row = page.locator(".order-invoice", has_text=invoice)
    while True:
        page.goto(f"{stack.base_url}/orders/{order_id}/")
        if status in row.locator(".badge").inner_text() or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expect(row.locator(".badge")).to_have_text(status)


def test_the_supplier_pays_its_invoice_by_card_and_the_webhook_marks_it_paid(
    stack, order, stripe_client, new_page, artifacts
):
    order_id, invoice = order
    page = new_page(email=SUPPLIER)
    form = open_card_form(page, stack, order_id, invoice)
    # Stripe.js comes from localstripe, the script from us; the page is English.
    assert page.locator('script[src$="/js.stripe.com/v3/"]').count() == 1
    assert form.get_attribute("data-locale") == "en"
    type_card(form)
    intent = intent_of(form)
    confirmed_with(stripe_client, intent, THREE_D_SECURE)
    page.screenshot(path=artifacts / "card-payment-form.png", full_page=True)

    form.locator("#card-payment-submit").click()
    page.get_by_role("button", name="Complete authentication").click()  # the shim's 3-D Secure
    expect(form.locator("[data-card-done]")).to_have_text(SUCCESS)
    expect(form.locator("[data-card-errors]")).to_be_empty()
    expect(form.locator("#card-payment-submit")).to_be_hidden()
    page.screenshot(path=artifacts / "card-payment-done.png", full_page=True)
    assert stripe_client.v1.payment_intents.retrieve(intent).status == "succeeded"

    # The page marked nothing: Stripe's webhook did, after reading the PaymentIntent back.
    invoice_status(page, stack, order_id, invoice, "Paid")
    assert page.problems == []


@pytest.mark.parametrize(
    ("language", "invoice", "shown"),
    [
        ("en", "TF-BROWSER-2", "Your card was declined."),  # Stripe.js's words
        ("uk", "TF-BROWSER-3", "{declined} (Your card was declined.)"),  # ours, then Stripe's
    ],
)
def test_a_declined_card_is_told_in_the_readers_language_and_the_invoice_stays_open(
    stack, order, stripe_client, new_page, language, invoice, shown
):
    order_id, _first = order
    page = new_page(email=SUPPLIER)
    if language != "en":
        page.select_option("select[name=language]", language)
        expect(page.locator("html")).to_have_attribute("lang", language)
    form = open_card_form(page, stack, order_id, invoice)
    assert form.get_attribute("data-locale") == language  # passed to Stripe(...) as its locale
    type_card(form, DECLINED_AFTER_3DS)
    intent = intent_of(form)
    confirmed_with(stripe_client, intent, DECLINED_AFTER_3DS)

    form.locator("#card-payment-submit").click()
    page.get_by_role("button", name="Complete authentication").click()
    declined = form.get_attribute("data-declined")
    expect(form.locator("[data-card-errors]")).to_have_text(shown.format(declined=declined))
    expect(form.locator("[data-card-done]")).to_be_hidden()
    expect(form.locator("#card-payment-submit")).to_be_enabled()  # another card may be tried
    assert stripe_client.v1.payment_intents.retrieve(intent).status == "requires_payment_method"
    time.sleep(2)  # the failure's webhook has come and gone (localstripe sends it after 1 s)
    if language != "en":
        page.select_option("select[name=language]", "en")  # the statuses in English
        expect(page.locator("html")).to_have_attribute("lang", "en")
    invoice_status(page, stack, order_id, invoice, "Open")
    # The browser logs localstripe's 402 answer as a failed resource: nothing else.
    assert [p for p in page.problems if "402" not in p] == []


def post_stripe_event(stack, event_type: str, obj: dict) -> None:
    """A Stripe event to the stack's webhook, signed as Stripe signs it (HMAC-SHA256 of
    "<timestamp>.<raw body>" with the endpoint's secret)."""
    created = int(time.time())
    body = json.dumps(
        {
            "id": f"evt_{uuid.uuid4().hex[:24]}",
            "object": "event",
            "api_version": stripe.api_version,
            "type": event_type,
            "created": created,
            "livemode": False,
            "data": {"object": obj},
        }
    ).encode()
    mac = hmac.new(STRIPE_WEBHOOK_SECRET.encode(), f"{created}.".encode() + body, hashlib.sha256)
    request = urllib.request.Request(
        f"{stack.base_url}/api/payments/stripe/webhook/",
        method="POST",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": f"t={created},v1={mac.hexdigest()}",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def test_the_supplier_saves_a_card_for_its_bid_security(stack, stripe_client, new_page, artifacts):
    code = SECURED.format(lot=stack.lots[1], supplier=SUPPLIER)
    tender, application = stack.manage("shell", "-c", code).split()[-2:]
    page = new_page(email=SUPPLIER)
    page.goto(f"{stack.base_url}/tenders/{tender}/")
    box = page.locator(f"#security-{application}.panel")  # loaded by htmx under the application
    expect(box).to_contain_text("Awaiting the bid security")
    expect(box.locator("input[type=file]")).to_be_visible()  # the other way: a bank guarantee
    box.get_by_role("button", name="Save a card").click()

    form = page.locator("#card-setup")
    expect(form).to_be_visible()
    expect(form.locator("[data-card-element] input")).to_have_count(5)
    secret = form.get_attribute("data-client-secret") or ""
    assert secret.startswith("seti_"), secret
    setup = secret.split("_secret_")[0]
    type_card(form)  # 4242 4242 4242 4242: the shim sends it to localstripe
    form.locator("#card-setup-submit").click()
    expect(form.locator("[data-card-done]")).to_have_text(
        "Card saved: the bid security counts as provided when Stripe confirms it."
    )
    page.screenshot(path=artifacts / "bid-security-card-saved.png", full_page=True)
    saved = stripe_client.v1.setup_intents.retrieve(setup)
    assert saved.status == "succeeded" and saved.payment_method

    # Stripe's "setup_intent.succeeded" (localstripe sends none): the stack reads the SetupIntent
    # back from localstripe and the security is provided; the page did not do it.
    page.goto(f"{stack.base_url}/applications/{application}/security/")
    expect(page.locator(f"#security-state-{application}")).to_contain_text("Being provided")
    post_stripe_event(stack, "setup_intent.succeeded", {"id": setup, "object": "setup_intent"})
    page.goto(f"{stack.base_url}/applications/{application}/security/")
    expect(page.locator(f"#security-state-{application}")).to_contain_text("Provided")
    expect(page.locator(f"#security-state-{application}")).to_contain_text("A card saved")
    expect(page.get_by_role("button", name="Save a card")).to_have_count(0)
    assert page.problems == []
