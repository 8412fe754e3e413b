"""Bid security by card through Stripe (issue 16): the supplier saves a card for its application
(a Customer and a SetupIntent for off-session use, confirmed the way Stripe.js does), Stripe's
signed ``setup_intent.succeeded`` provides the security once the SetupIntent is read back, and a
winner that declines its order has its card charged off-session, once. Against localstripe
(the tests marked ``stripe``).

localstripe ignores ``Idempotency-Key`` (the tests check the keys we send and our own "once"),
does not attach a confirmed SetupIntent's card to its Customer (Stripe does; localstripe charges
it anyway), and its decline errors carry the charge but not the PaymentIntent (Stripe sends
both): a declined forfeit's reference is therefore empty here, and tested with Stripe's answer
faked below.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import stripe
from celery.exceptions import Retry
from django.test import override_settings
from django.utils import timezone

from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Lot, SecurityStatus
from auctions.tenders import applications, scheduling
from deals.models import BidSecurity, ProviderEvent, SecurityMethod, SecurityState
from deals.orders import order_from_deal
from deals.payments import security as securities
from deals.payments.money import to_minor_units
from deals.payments.stripe_provider import PaymentsUnavailableError, StripeProvider
from deals.payments.tasks import setup_intent_apply, stripe_event_process
from marketplace.core.exceptions import ConflictError
from tests.auctions.factories import World
from tests.deals.factories import client, move
from tests.deals.test_bid_security import provide, secured_lot
from tests.deals.test_stripe_payments import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_SECRET,
    closed_port_url,
    post_webhook,
)

LIVE_DB = pytest.mark.django_db(transaction=True)  # the events' listeners, as live


@pytest.fixture
def localstripe(stripe_api_base):
    """Our settings pointed at localstripe, and a client of it standing for the dashboard."""
    with override_settings(
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_API_BASE=stripe_api_base,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
    ):
        yield stripe.StripeClient(
            SECRET_KEY, base_addresses={"api": stripe_api_base}, max_network_retries=0
        )


@pytest.fixture
def stripe_away():
    with override_settings(
        STRIPE_SECRET_KEY=SECRET_KEY,
        STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
        STRIPE_API_BASE=closed_port_url(),
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
    ):
        yield


def card_start(user, application) -> dict:
    response = client(user).post("/api/payments/securities/card/", {"application": application.pk})
    assert response.status_code == 200, response.content
    return response.json()


def confirm_card_setup(base: str, started: dict, card: str = "pm_card_visa") -> dict:
    """What Stripe.js's ``confirmCardSetup`` sends: the publishable key and the client secret,
    no secret key, and the card."""
    reference = started["reference"]
    body = urllib.parse.urlencode(
        {
            "key": started["publishable_key"],
            "client_secret": started["client_secret"],
            "payment_method": card,
        }
    ).encode()
    request = urllib.request.Request(f"{base}/v1/setup_intents/{reference}/confirm", data=body)
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


def setup_event(reference: str, *, security_id: int, event_type: str = "setup_intent.succeeded"):
    """A SetupIntent's event as Stripe delivers it; the object's copy says what it likes."""
    event = {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": stripe.api_version,
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": reference,
                "object": "setup_intent",
                "status": "succeeded",
                "usage": "off_session",
                "payment_method": "pm_from_the_copy",
                "metadata": {"security": str(security_id), "note": "Забезпечення"},
            }
        },
    }
    return json.dumps(event, indent=2, ensure_ascii=False).encode()


def save_card(w: World, application, base: str, card: str = "pm_card_visa") -> BidSecurity:
    """The supplier saves a card and Stripe's webhook says so: the security provided."""
    started = card_start(w.supplier_bidder, application)
    assert confirm_card_setup(base, started, card)["status"] == "succeeded"
    security = BidSecurity.objects.get(application=application)
    assert (
        post_webhook(setup_event(started["reference"], security_id=security.pk)).status_code == 200
    )
    security.refresh_from_db()
    assert security.state == SecurityState.PROVIDED
    return security


def card_charges(localstripe, customer: str) -> list:
    return list(localstripe.v1.charges.list(params={"customer": customer, "limit": 100}).data)


# --- Saving the card ------------------------------------------------------------------------


@pytest.mark.stripe
@LIVE_DB
def test_a_card_saved_through_the_api_provides_the_security_once(localstripe, stripe_api_base):
    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    assert alpha.security_status == SecurityStatus.AWAITING

    customers = stripe.CustomerService.create
    setups = stripe.SetupIntentService.create
    with (
        mock.patch.object(
            stripe.CustomerService, "create", autospec=True, side_effect=customers
        ) as customer_spy,
        mock.patch.object(
            stripe.SetupIntentService, "create", autospec=True, side_effect=setups
        ) as setup_spy,
    ):
        started = card_start(w.supplier_bidder, alpha)
        again = card_start(w.supplier_admin, alpha)  # pressed twice, or by a colleague

    assert (started["provider"], started["publishable_key"]) == ("stripe", PUBLISHABLE_KEY)
    assert started["reference"].startswith("seti_")
    assert started["client_secret"].startswith(f"{started['reference']}_secret_")
    assert (again["reference"], again["client_secret"]) == (
        started["reference"],
        started["client_secret"],
    )
    security = BidSecurity.objects.get(application=alpha)
    assert (security.method, security.state, security.provider, security.setup_ref) == (
        SecurityMethod.CARD,
        SecurityState.PENDING,
        "stripe",
        started["reference"],
    )
    assert security.amount == Decimal("2000.00")  # 2 % of the start price
    # One Customer named after the supplier, one SetupIntent, under keys from the security.
    assert customer_spy.call_count == 1 and setup_spy.call_count == 1
    assert customer_spy.call_args.kwargs["params"] == {
        "name": "Supplier Alpha Canary",
        "metadata": {"security": str(security.pk)},
    }
    assert customer_spy.call_args.kwargs["options"]["idempotency_key"] == (
        f"tradefloor-security-{security.pk}-customer"
    )
    assert setup_spy.call_args.kwargs["options"]["idempotency_key"] == (
        f"tradefloor-security-{security.pk}-setup"
    )
    setup = localstripe.v1.setup_intents.retrieve(started["reference"])
    assert (setup.status, setup.usage, setup.payment_method_types) == (
        "requires_payment_method",
        "off_session",
        ["card"],
    )
    assert setup.customer.startswith("cus_")
    assert setup.metadata.to_dict() == {"security": str(security.pk)}
    assert localstripe.v1.customers.retrieve(setup.customer).name == "Supplier Alpha Canary"

    # The page confirms the card with Stripe.js; until Stripe's webhook, nothing is provided.
    assert confirm_card_setup(stripe_api_base, started)["status"] == "succeeded"
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.AWAITING
    with pytest.raises(ConflictError) as early:
        applications.application_admit(actor=w.officer, application=alpha)
    assert early.value.code == "awaiting_security"
    # Pressing "save" again before the webhook: Stripe is asked (a lost webhook is caught up
    # this way), the card is saved, so the security is provided and nothing new is made.
    again = client(w.supplier_bidder).post(
        "/api/payments/securities/card/", {"application": alpha.pk}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "security_provided"
    assert BidSecurity.objects.filter(application=alpha).count() == 1

    body = setup_event(started["reference"], security_id=security.pk)
    response = post_webhook(body)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "duplicate": False}
    security.refresh_from_db()
    assert security.state == SecurityState.PROVIDED
    assert (security.customer_ref, security.setup_ref) == (setup.customer, started["reference"])
    saved = localstripe.v1.setup_intents.retrieve(started["reference"]).payment_method
    assert security.payment_method_ref == saved != "pm_from_the_copy"
    assert ProviderEvent.objects.get().processed_at is not None
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.PROVIDED
    assert applications.application_admit(actor=w.officer, application=alpha).status == "admitted"

    # The same delivery again, then the same news under another event id: nothing changes.
    provided_at = security.updated_at
    again_response = post_webhook(body)
    assert again_response.json() == {"received": True, "duplicate": True}
    other = post_webhook(setup_event(started["reference"], security_id=security.pk))
    assert other.json() == {"received": True, "duplicate": False}
    assert setup_intent_apply(reference=started["reference"]) == "unchanged"
    security.refresh_from_db()
    assert (security.state, security.updated_at) == (SecurityState.PROVIDED, provided_at)
    assert ProviderEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert BidSecurity.objects.filter(application=alpha).count() == 1
    provided = client(w.supplier_bidder).post(
        "/api/payments/securities/card/", {"application": alpha.pk}
    )
    assert provided.status_code == 409
    assert provided.json()["error"]["code"] == "security_provided"


@pytest.mark.stripe
@LIVE_DB
def test_a_forged_setup_event_provides_nothing(localstripe, stripe_api_base):
    """Signed, but the SetupIntent was never confirmed; then a card confirmed on a SetupIntent
    that names our security in its metadata but is not the security's: Stripe's word on the
    security's own SetupIntent decides."""
    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    started = card_start(w.supplier_bidder, alpha)
    security = BidSecurity.objects.get(application=alpha)

    assert (
        post_webhook(setup_event(started["reference"], security_id=security.pk)).status_code == 200
    )
    assert setup_intent_apply(reference=started["reference"]) == "not saved"

    stray = localstripe.v1.setup_intents.create(
        params={
            "usage": "off_session",
            "payment_method_types": ["card"],
            "metadata": {"security": str(security.pk)},
        }
    )
    stray = localstripe.v1.setup_intents.confirm(
        stray.id, params={"payment_method": "pm_card_visa"}
    )
    assert stray.status == "succeeded"
    assert post_webhook(setup_event(stray.id, security_id=security.pk)).status_code == 200
    assert setup_intent_apply(reference=stray.id) == "unchanged"
    # An event for a SetupIntent Stripe does not know, or one that is not a security's.
    assert post_webhook(setup_event("seti_not_here", security_id=security.pk)).status_code == 200
    assert setup_intent_apply(reference="seti_not_here") == "unknown"
    nobody = localstripe.v1.setup_intents.create(params={"payment_method_types": ["card"]})
    assert setup_intent_apply(reference=nobody.id) == "not a security"

    security.refresh_from_db()
    assert (security.state, security.payment_method_ref) == (SecurityState.PENDING, "")
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.AWAITING
    assert ProviderEvent.objects.filter(processed_at__isnull=True).count() == 0
    with pytest.raises(ConflictError):
        applications.application_admit(actor=w.officer, application=alpha)


@pytest.mark.stripe
@pytest.mark.django_db
def test_a_cancelled_setup_intent_is_replaced_for_the_same_customer(localstripe):
    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    first = securities.security_card_start(user=w.supplier_bidder, application_id=alpha.pk)
    localstripe.v1.setup_intents.cancel(first.reference)

    setups = stripe.SetupIntentService.create
    with (
        mock.patch.object(stripe.CustomerService, "create") as customer_create,
        mock.patch.object(
            stripe.SetupIntentService, "create", autospec=True, side_effect=setups
        ) as spy,
    ):
        second = securities.security_card_start(user=w.supplier_bidder, application_id=alpha.pk)

    customer_create.assert_not_called()
    security = BidSecurity.objects.get(application=alpha)
    assert second.reference != first.reference and security.setup_ref == second.reference
    assert spy.call_args.kwargs["options"]["idempotency_key"] == (
        f"tradefloor-security-{security.pk}-setup-after-{first.reference}"
    )
    old = localstripe.v1.setup_intents.retrieve(first.reference)
    assert localstripe.v1.setup_intents.retrieve(second.reference).customer == old.customer


@LIVE_DB
def test_stripe_unreachable_the_card_start_answers_503_and_leaves_nothing(stripe_away):
    w = World()
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)

    response = client(w.supplier_bidder).post(
        "/api/payments/securities/card/", {"application": alpha.pk}
    )

    assert response.status_code == 503, response.content
    assert response.json()["error"]["code"] == "payments_unavailable"
    assert not BidSecurity.objects.exists()  # the row made before the call was rolled back
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.AWAITING
    with pytest.raises(ConflictError) as refused:
        applications.application_admit(actor=w.officer, application=alpha)
    assert refused.value.code == "awaiting_security"


# --- Forfeiting it --------------------------------------------------------------------------


def run_to_award_with_a_card(w: World, base: str, card: str = "pm_card_visa"):
    """``w.supplier`` (by card) wins the lot against ``w.other_supplier`` (by guarantee)."""
    _tender, lot = secured_lot(w)
    alpha = w.apply(lot, w.supplier)
    beta = w.apply(lot, w.other_supplier)
    security = save_card(w, alpha, base, card)
    provide(w, beta, w.other_admin)
    for application in (alpha, beta):
        application.refresh_from_db()
        applications.application_admit(actor=w.officer, application=application)
    w.past_deadline(lot.tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    lot.refresh_from_db()
    lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)
    return order_from_deal(deal_id=lot.deal.pk), alpha, security


@pytest.mark.stripe
@LIVE_DB
def test_declining_the_order_charges_the_saved_card_off_session_once(localstripe, stripe_api_base):
    w = World()
    order, alpha, security = run_to_award_with_a_card(w, stripe_api_base)
    assert card_charges(localstripe, security.customer_ref) == []  # saved, never charged
    move(w.officer, order, "send")

    creates = stripe.PaymentIntentService.create
    with mock.patch.object(
        stripe.PaymentIntentService, "create", autospec=True, side_effect=creates
    ) as spy:
        declined = move(w.supplier_bidder, order, "decline", reason="Prices went up")
    assert declined.status_code == 200, declined.content

    security.refresh_from_db()
    assert security.state == SecurityState.FORFEITED
    assert "Prices went up" in security.reason and "could not be charged" not in security.reason
    assert security.charge_ref.startswith("pi_")
    assert spy.call_args.kwargs["options"]["idempotency_key"] == (
        f"tradefloor-security-{security.pk}-forfeit"
    )
    minor = to_minor_units(security.amount, security.currency)
    assert minor == 200000
    intent = localstripe.v1.payment_intents.retrieve(security.charge_ref)
    assert (intent.status, intent.amount, intent.currency) == (
        "succeeded",
        minor,
        security.currency.lower(),
    )
    assert (intent.customer, intent.payment_method) == (
        security.customer_ref,
        security.payment_method_ref,
    )
    assert intent.metadata.to_dict() == {
        "security": str(security.pk),
        "kind": "bid_security_forfeit",
    }
    charges = card_charges(localstripe, security.customer_ref)
    assert [(c.status, c.amount, c.captured) for c in charges] == [("succeeded", minor, True)]
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.FORFEITED

    # Forfeited again (the listener delivered twice, the deadline's beat): nothing more.
    with mock.patch.object(StripeProvider, "charge_off_session") as charge:
        again = securities.security_forfeit(order_id=order.pk, reason="again")
        later = timezone.now() + timedelta(days=30)
        assert securities.securities_forfeit_overdue(now=later) == 0
    assert again is None
    charge.assert_not_called()
    assert len(card_charges(localstripe, security.customer_ref)) == 1
    security.refresh_from_db()
    assert (security.state, security.charge_ref) == (SecurityState.FORFEITED, intent.id)


@pytest.mark.stripe
@LIVE_DB
def test_a_card_declined_off_session_leaves_the_security_forfeited_with_the_failure(
    localstripe, stripe_api_base
):
    """Stripe's 4000000000000341: saved without a fault, every charge of it declined."""
    w = World()
    order, alpha, security = run_to_award_with_a_card(
        w, stripe_api_base, card="pm_card_chargeCustomerFail"
    )
    move(w.officer, order, "send")

    declined = move(w.supplier_bidder, order, "decline", reason="Prices went up")

    assert declined.status_code == 200, declined.content
    security.refresh_from_db()
    assert security.state == SecurityState.FORFEITED
    assert "Prices went up" in security.reason
    assert "The card could not be charged." in security.reason
    assert security.charge_ref == ""  # localstripe's decline names no PaymentIntent
    charges = card_charges(localstripe, security.customer_ref)
    minor = to_minor_units(security.amount, security.currency)
    assert [(c.status, c.amount) for c in charges] == [("failed", minor)]
    alpha.refresh_from_db()
    assert alpha.security_status == SecurityStatus.FORFEITED


# --- What Stripe itself is sent, and its answers we cannot get from localstripe -------------


def fake(cls, data: dict):
    return cls.construct_from(data, SECRET_KEY)


def test_stripe_is_sent_the_pinned_versions_parameters_for_a_security():
    customer = fake(stripe.Customer, {"id": "cus_fake"})
    setup = fake(
        stripe.SetupIntent,
        {
            "id": "seti_fake",
            "client_secret": "seti_fake_secret_x",
            "status": "requires_payment_method",
        },
    )
    intent = fake(
        stripe.PaymentIntent,
        {"id": "pi_fake", "status": "succeeded", "amount": 1500, "currency": "jpy", "metadata": {}},
    )
    with (
        override_settings(STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_API_BASE=""),
        mock.patch.object(stripe.CustomerService, "create", return_value=customer),
        mock.patch.object(stripe.SetupIntentService, "create", return_value=setup) as setups,
        mock.patch.object(stripe.PaymentIntentService, "create", return_value=intent) as intents,
    ):
        started = StripeProvider().setup_start(security_id=7, customer_name="ТОВ Постачальник")
        charged = StripeProvider().charge_off_session(
            security_id=7,
            amount=Decimal("1500"),
            currency="JPY",
            customer="cus_fake",
            payment_method="pm_fake",
        )

    assert (started.reference, started.client_secret) == ("seti_fake", "seti_fake_secret_x")
    assert setups.call_args.kwargs["params"] == {
        "customer": "cus_fake",
        "usage": "off_session",
        "allowed_payment_method_types": ["card"],
        "metadata": {"security": "7"},
    }
    params = intents.call_args.kwargs["params"]
    assert params["allowed_payment_method_types"] == ["card"]
    assert "payment_method_types" not in params
    assert (params["amount"], params["currency"], params["off_session"], params["confirm"]) == (
        1500,
        "jpy",
        True,
        True,
    )
    assert (params["customer"], params["payment_method"]) == ("cus_fake", "pm_fake")
    assert intents.call_args.kwargs["options"] == {
        "idempotency_key": "tradefloor-security-7-forfeit"
    }
    assert (charged.reference, charged.status, charged.amount, charged.currency) == (
        "pi_fake",
        "succeeded",
        Decimal("1500"),
        "JPY",
    )


def test_a_decline_that_names_its_payment_intent_is_failed_with_its_id():
    """Stripe's decline carries the PaymentIntent it left behind (localstripe's does not)."""
    body = {
        "error": {
            "type": "card_error",
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
            "payment_intent": {"id": "pi_declined", "object": "payment_intent"},
        }
    }
    decline = stripe.CardError(
        "Your card has insufficient funds.", None, "card_declined", json_body=body, http_status=402
    )
    with (
        override_settings(STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_API_BASE=""),
        mock.patch.object(stripe.PaymentIntentService, "create", side_effect=decline),
    ):
        state = StripeProvider().charge_off_session(
            security_id=7,
            amount=Decimal("20.00"),
            currency="usd",
            customer="cus_1",
            payment_method="pm_1",
        )
    assert (state.reference, state.status, state.amount, state.currency) == (
        "pi_declined",
        "failed",
        Decimal("20.00"),
        "USD",
    )


def test_stripe_unreachable_the_off_session_charge_raises_503(stripe_away):
    """The forfeit is then not written: the security stays provided for the next try."""
    with pytest.raises(PaymentsUnavailableError):
        StripeProvider().charge_off_session(
            security_id=7,
            amount=Decimal("20.00"),
            currency="USD",
            customer="cus_1",
            payment_method="pm_1",
        )
    with pytest.raises(PaymentsUnavailableError):
        StripeProvider().setup_read(reference="seti_1")


@pytest.mark.django_db
def test_setup_events_with_stripe_away(stripe_away):
    """A failed card setup is recorded, nothing more (no call to Stripe); a saved card's event
    waits for Stripe with the payments' backoff."""
    failed = ProviderEvent.objects.create(
        provider="stripe", event_id="evt_failed", type="setup_intent.setup_failed"
    )
    assert stripe_event_process.apply(args=(failed.pk, "seti_1"), throw=True).get() == (
        "setup failed"
    )
    failed.refresh_from_db()
    assert failed.processed_at is not None

    saved = ProviderEvent.objects.create(
        provider="stripe", event_id="evt_saved", type="setup_intent.succeeded"
    )
    with (
        mock.patch.object(stripe_event_process, "retry", side_effect=Retry()) as retry,
        pytest.raises(Retry),
    ):
        stripe_event_process.apply(args=(saved.pk, "seti_1"), retries=1, throw=True)
    assert retry.call_args.kwargs["countdown"] == 60
    saved.refresh_from_db()
    assert saved.processed_at is None
