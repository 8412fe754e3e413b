"""Card payments of invoices through Stripe (issue 16): ``StripeProvider`` against localstripe
(the tests marked ``stripe``), and Stripe's webhook: its signature over the raw body, the
de-duplication by event id, the PaymentIntent read back from Stripe before the invoice moves,
Stripe away (a 503 for the payer, a retry for the task).

localstripe ignores ``Idempotency-Key``: what the tests prove there is the key we send (derived
from the invoice) and our own de-duplication, not Stripe's. It does not implement a confirm with
a ``payment_method``: the card is attached first (an update), then the PaymentIntent confirmed,
which is what Stripe.js does in one call.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
import uuid
from decimal import Decimal
from unittest import mock

import kombu.exceptions
import pytest
import stripe
from celery.exceptions import Retry
from django.test import Client, override_settings
from django.urls import reverse

from deals.models import Invoice, InvoiceStatus, LedgerEntry, ProviderEvent
from deals.payments.invoices import invoice_pay_start, invoice_processing
from deals.payments.providers import PaymentState
from deals.payments.stripe_provider import (
    PaymentsUnavailableError,
    StripeProvider,
    idempotency_key,
    state_of,
)
from deals.payments.tasks import payment_intent_apply, stripe_event_process
from marketplace.core.exceptions import ConflictError, api_exception_handler
from tests.factories import CompanyFactory, PlatformFactory, UserFactory, member

pytestmark = pytest.mark.django_db

SECRET_KEY = "sk_test_tradefloor"
PUBLISHABLE_KEY = "pk_test_tradefloor"
WEBHOOK_SECRET = "whsec_test"


def closed_port_url() -> str:
    """A loopback address nothing listens on: Stripe unreachable."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def localstripe(stripe_api_base):
    """Our settings pointed at localstripe, and a client of it standing for Stripe.js and the
    dashboard."""
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


@pytest.fixture
def webhook_secret():
    with override_settings(STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET):
        yield


@pytest.fixture
def invoice() -> Invoice:
    return Invoice.objects.create(
        company=CompanyFactory(),
        platform=PlatformFactory(),
        number=f"TF-T-{uuid.uuid4().hex[:10]}",
        amount=Decimal("1234.56"),
        currency="UAH",
    )


@pytest.fixture
def payer(invoice):
    return member(invoice.company)


def pay_like_stripe_js(client: stripe.StripeClient, reference: str, card: str = "pm_card_visa"):
    """What Stripe.js's confirmCardPayment does, in the two steps localstripe implements."""
    client.v1.payment_intents.update(reference, params={"payment_method": card})
    return client.v1.payment_intents.confirm(reference)


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header as Stripe computes it: HMAC-SHA256 of "<t>.<raw body>"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event_body(
    event_type: str,
    reference: str,
    *,
    status: str = "succeeded",
    amount: int = 123456,
    event_id: str | None = None,
    created: int | None = None,
) -> bytes:
    """A Stripe event as delivered: indented, non-ASCII, the object's copy as Stripe saw it."""
    event = {
        "id": event_id or f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": stripe.api_version,
        "type": event_type,
        "created": created or int(time.time()),
        "livemode": False,
        "data": {
            "object": {
                "id": reference,
                "object": "payment_intent",
                "amount": amount,
                "currency": "uah",
                "status": status,
                "metadata": {"note": "Комісія платформи"},
            }
        },
    }
    return json.dumps(event, indent=2, ensure_ascii=False).encode()


def post_webhook(body: bytes, signature: str | None = None):
    """POST as Stripe does: no session, no CSRF token (the client enforces CSRF checks)."""
    headers = {} if signature == "" else {"Stripe-Signature": signature or sign(body)}
    return Client(enforce_csrf_checks=True).post(
        reverse("api:stripe-webhook"), data=body, content_type="application/json", headers=headers
    )


def paid_rows(invoice: Invoice) -> int:
    return LedgerEntry.objects.filter(invoice=invoice, kind="paid").count()


# --- Starting a payment ---------------------------------------------------------------------


@pytest.mark.stripe
def test_payment_start_creates_a_payment_intent_in_minor_units(localstripe, invoice, payer):
    create = stripe.PaymentIntentService.create
    with mock.patch.object(
        stripe.PaymentIntentService, "create", autospec=True, side_effect=create
    ) as spy:
        started = invoice_pay_start(user=payer, invoice_id=invoice.pk)

    assert (started.provider, started.publishable_key) == ("stripe", PUBLISHABLE_KEY)
    assert started.reference.startswith("pi_")
    assert started.client_secret.startswith(f"{started.reference}_secret_")
    intent = localstripe.v1.payment_intents.retrieve(started.reference)
    assert (intent.amount, intent.currency, intent.capture_method) == (123456, "uah", "automatic")
    assert intent.status == "requires_payment_method"
    assert intent.metadata.to_dict() == {"invoice": str(invoice.pk), "number": invoice.number}
    # The idempotency key is ours, from the invoice (localstripe ignores it: Stripe does not).
    options = spy.call_args.kwargs["options"]
    assert options["idempotency_key"] == f"tradefloor-invoice-{invoice.pk}-{invoice.number}"
    invoice.refresh_from_db()
    assert (invoice.provider, invoice.provider_ref, invoice.status) == (
        "stripe",
        started.reference,
        InvoiceStatus.OPEN,
    )


@pytest.mark.stripe
def test_a_second_start_resumes_the_same_payment_intent(localstripe, invoice, payer):
    first = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    with mock.patch.object(stripe.PaymentIntentService, "create") as create:
        again = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    create.assert_not_called()
    assert (again.reference, again.client_secret) == (first.reference, first.client_secret)


@pytest.mark.stripe
def test_a_cancelled_payment_intent_is_replaced_under_a_new_key(localstripe, invoice, payer):
    first = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    localstripe.v1.payment_intents.cancel(first.reference)

    create = stripe.PaymentIntentService.create
    with mock.patch.object(
        stripe.PaymentIntentService, "create", autospec=True, side_effect=create
    ) as spy:
        second = invoice_pay_start(user=payer, invoice_id=invoice.pk)

    assert second.reference != first.reference
    assert spy.call_args.kwargs["options"]["idempotency_key"] == idempotency_key(
        invoice_id=invoice.pk, number=invoice.number, replaces=first.reference
    )
    invoice.refresh_from_db()
    assert invoice.provider_ref == second.reference


@pytest.mark.stripe
def test_no_second_payment_intent_while_one_has_succeeded(localstripe, invoice, payer):
    first = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    assert pay_like_stripe_js(localstripe, first.reference).status == "succeeded"
    # The webhook has not arrived yet: the invoice is still open, but no second charge.
    with pytest.raises(ConflictError) as refused:
        invoice_pay_start(user=payer, invoice_id=invoice.pk)
    assert refused.value.code == "payment_in_progress"


def test_stripe_is_sent_the_pinned_versions_parameters(invoice):
    """At Stripe (no STRIPE_API_BASE), the card-only parameter of the pinned API version."""
    fake = stripe.PaymentIntent.construct_from(
        {"id": "pi_fake", "client_secret": "pi_fake_secret_x", "status": "requires_payment_method"},
        SECRET_KEY,
    )
    with (
        override_settings(STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_API_BASE=""),
        mock.patch.object(stripe.PaymentIntentService, "create", return_value=fake) as create,
    ):
        started = StripeProvider().payment_start(
            invoice_id=invoice.pk,
            number=invoice.number,
            amount=Decimal("1500"),
            currency="JPY",
            customer="ТОВ Покупець",
        )
    assert started.reference == "pi_fake"
    params = create.call_args.kwargs["params"]
    assert params["allowed_payment_method_types"] == ["card"]
    assert "payment_method_types" not in params
    assert (params["amount"], params["currency"]) == (1500, "jpy")


def test_payment_start_when_stripe_is_away_answers_503_and_writes_nothing(
    stripe_away, invoice, payer
):
    with pytest.raises(PaymentsUnavailableError) as away:
        invoice_pay_start(user=payer, invoice_id=invoice.pk)

    response = api_exception_handler(away.value, {})
    assert response is not None and response.status_code == 503
    assert response.data["error"]["code"] == "payments_unavailable"
    assert response.data["error"]["message"]
    invoice.refresh_from_db()
    assert (invoice.provider, invoice.provider_ref, invoice.status) == ("", "", InvoiceStatus.OPEN)
    assert not LedgerEntry.objects.filter(invoice=invoice).exists()


# --- What Stripe's statuses mean to us ------------------------------------------------------


@pytest.mark.parametrize(
    ("stripe_status", "error", "ours"),
    [
        ("succeeded", None, "succeeded"),
        ("processing", None, "processing"),
        ("requires_capture", None, "processing"),
        ("requires_payment_method", None, "requires_action"),
        ("requires_payment_method", {"code": "card_declined"}, "failed"),
        ("requires_confirmation", None, "requires_action"),
        ("requires_action", None, "requires_action"),
        ("canceled", None, "canceled"),
    ],
)
def test_payment_intent_states(stripe_status, error, ours):
    intent = stripe.PaymentIntent.construct_from(
        {
            "id": "pi_1",
            "status": stripe_status,
            "amount": 2500,
            "currency": "jpy",
            "metadata": {"invoice": "17"},
            "last_payment_error": error,
        },
        SECRET_KEY,
    )
    state = state_of(intent)
    assert (state.status, state.amount, state.currency, state.invoice_id) == (
        ours,
        Decimal("2500"),
        "JPY",
        17,
    )


# --- The webhook ----------------------------------------------------------------------------


@pytest.mark.stripe
def test_a_confirmed_payment_pays_the_invoice_once(
    localstripe, invoice, payer, django_capture_on_commit_callbacks
):
    started = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    assert pay_like_stripe_js(localstripe, started.reference).status == "succeeded"
    body = event_body("payment_intent.succeeded", started.reference)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = post_webhook(body)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "duplicate": False}
    # The event's task, then what paying the invoice queues (its event's deliveries).
    assert len(queued) >= 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert (invoice.provider, invoice.provider_ref) == ("stripe", started.reference)
    assert invoice.paid_at is not None
    paid = LedgerEntry.objects.get(invoice=invoice, kind="paid")
    assert (paid.amount, paid.currency, paid.reference) == (
        Decimal("1234.56"),
        "UAH",
        started.reference,
    )
    event = ProviderEvent.objects.get()
    assert (event.provider, event.type) == ("stripe", "payment_intent.succeeded")
    assert event.processed_at is not None

    # The same delivery again (Stripe retries, or someone replays it): answered, nothing done.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = post_webhook(body)
    assert again.status_code == 200
    assert again.json() == {"received": True, "duplicate": True}
    assert queued == []
    assert ProviderEvent.objects.count() == 1
    assert paid_rows(invoice) == 1

    # An older event of the same payment, delivered late: Stripe says "succeeded", so nothing
    # moves backwards.
    for late_type, late_status in [
        ("payment_intent.payment_failed", "requires_payment_method"),
        ("payment_intent.processing", "processing"),
        ("payment_intent.canceled", "canceled"),
    ]:
        late = event_body(
            late_type, started.reference, status=late_status, created=int(time.time()) - 600
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert post_webhook(late).status_code == 200
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert paid_rows(invoice) == 1
    assert not ProviderEvent.objects.filter(processed_at__isnull=True).exists()


def test_a_payment_that_settles_later_is_processing_then_paid(
    webhook_secret, invoice, django_capture_on_commit_callbacks
):
    """What Stripe says when re-read, faked: localstripe settles every payment at once, it has
    no "processing" PaymentIntent to show."""
    reference = "pi_settling"

    def stripe_says(status: str):
        state = PaymentState(reference, status, Decimal("1234.56"), "UAH", invoice.pk)
        return mock.patch.object(StripeProvider, "payment_read", return_value=state)

    def deliver(event_type: str, status: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            body = event_body(event_type, reference, status=status)
            assert post_webhook(body).status_code == 200

    with override_settings(STRIPE_SECRET_KEY=SECRET_KEY), stripe_says("processing"):
        deliver("payment_intent.processing", "processing")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.provider_ref) == (InvoiceStatus.PROCESSING, reference)

    with override_settings(STRIPE_SECRET_KEY=SECRET_KEY), stripe_says("succeeded"):
        deliver("payment_intent.succeeded", "succeeded")
        # The "processing" event again, late and under another id: Stripe says succeeded.
        deliver("payment_intent.processing", "processing")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert paid_rows(invoice) == 1
    assert ProviderEvent.objects.filter(processed_at__isnull=False).count() == 3


@pytest.mark.stripe
def test_a_forged_succeeded_event_pays_nothing(
    localstripe, invoice, payer, django_capture_on_commit_callbacks
):
    """Signed, but the PaymentIntent was never confirmed: Stripe's word beats the event's."""
    started = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    body = event_body("payment_intent.succeeded", started.reference, status="succeeded")

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(body).status_code == 200

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert paid_rows(invoice) == 0
    assert ProviderEvent.objects.get().processed_at is not None


@pytest.mark.stripe
def test_a_declined_card_opens_the_invoice_again(
    localstripe, invoice, payer, django_capture_on_commit_callbacks
):
    started = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    invoice_processing(invoice_id=invoice.pk, reference=started.reference)
    with pytest.raises(stripe.CardError):
        pay_like_stripe_js(localstripe, started.reference, card="pm_card_chargeCustomerFail")
    body = event_body(
        "payment_intent.payment_failed", started.reference, status="requires_payment_method"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(body).status_code == 200

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert StripeProvider().payment_read(reference=started.reference).status == "failed"
    # The payer tries again: the same PaymentIntent, waiting for another card.
    assert invoice_pay_start(user=payer, invoice_id=invoice.pk).reference == started.reference


@pytest.mark.stripe
def test_a_payment_of_another_amount_does_not_pay_the_invoice(
    localstripe, invoice, django_capture_on_commit_callbacks
):
    intent = localstripe.v1.payment_intents.create(
        params={
            "amount": 100000,  # 1000.00 UAH, the invoice is 1234.56
            "currency": "uah",
            "payment_method": "pm_card_visa",
            "payment_method_types": ["card"],
            "metadata": {"invoice": str(invoice.pk), "number": invoice.number},
            "confirm": True,
        }
    )
    assert intent.status == "succeeded"
    body = event_body("payment_intent.succeeded", intent.id, amount=123456)  # the copy lies

    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(body).status_code == 200

    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    assert paid_rows(invoice) == 0
    assert ProviderEvent.objects.get().processed_at is not None
    assert payment_intent_apply(reference=intent.id) == "amount_mismatch"


@pytest.mark.stripe
def test_an_event_for_a_payment_stripe_does_not_know_is_ignored(
    localstripe, django_capture_on_commit_callbacks
):
    body = event_body("payment_intent.succeeded", "pi_not_at_this_stripe")
    with django_capture_on_commit_callbacks(execute=True):
        assert post_webhook(body).status_code == 200
    assert ProviderEvent.objects.get().processed_at is not None


def test_other_event_types_are_recorded_and_ignored(
    stripe_away, django_capture_on_commit_callbacks
):
    """No Stripe call for them: Stripe being away does not matter."""
    body = json.dumps(
        {"id": "evt_customer_1", "object": "event", "type": "customer.created", "data": {}}
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(body)
    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert (event.event_id, event.type) == ("evt_customer_1", "customer.created")
    assert event.processed_at is not None


@pytest.mark.parametrize(
    "case",
    ["tampered body", "other secret", "too old", "no header", "garbage header", "no secret set"],
)
def test_a_bad_signature_is_refused_and_writes_nothing(
    case, webhook_secret, invoice, django_capture_on_commit_callbacks
):
    body = event_body("payment_intent.succeeded", "pi_forged")
    signature = sign(body)
    if case == "tampered body":
        body = body.replace(b"123456", b"999999")
    elif case == "other secret":
        signature = sign(body, secret="whsec_someone_else")
    elif case == "too old":
        signature = sign(body, timestamp=int(time.time()) - 301)
    elif case == "no header":
        signature = ""
    elif case == "garbage header":
        signature = "not a signature"

    with django_capture_on_commit_callbacks(execute=True) as queued:
        if case == "no secret set":
            with override_settings(STRIPE_WEBHOOK_SECRET=""):
                response = post_webhook(body, signature)
        else:
            response = post_webhook(body, signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_signature"
    assert response.json()["error"]["message"]
    assert queued == []
    assert not ProviderEvent.objects.exists()


def test_a_signed_body_that_is_not_an_event_is_refused(webhook_secret):
    for body in (b"not json", json.dumps({"object": "event"}).encode()):
        response = post_webhook(body)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "bad_payload"
    assert not ProviderEvent.objects.exists()


def test_the_webhook_takes_only_post(webhook_secret):
    assert Client().get(reverse("api:stripe-webhook")).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_an_event_that_cannot_be_queued_is_refused_for_stripe_to_retry(webhook_secret):
    body = event_body("payment_intent.succeeded", "pi_1")
    broker_away = kombu.exceptions.OperationalError("connection refused")
    with mock.patch.object(stripe_event_process, "delay", side_effect=broker_away):
        response = post_webhook(body)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert not ProviderEvent.objects.exists()  # Stripe's next delivery is a new event to us

    with mock.patch.object(stripe_event_process, "delay") as delay:
        assert post_webhook(body).status_code == 200
    delay.assert_called_once_with(ProviderEvent.objects.get().pk, "pi_1")


# --- The task -------------------------------------------------------------------------------


def test_the_task_retries_with_backoff_when_stripe_is_away(stripe_away):
    event = ProviderEvent.objects.create(
        provider="stripe", event_id="evt_away", type="payment_intent.succeeded"
    )
    for retries, countdown in [(0, 30), (3, 240), (8, 3600)]:
        with (
            mock.patch.object(stripe_event_process, "retry", side_effect=Retry()) as retry,
            pytest.raises(Retry),
        ):
            stripe_event_process.apply(args=(event.pk, "pi_away"), retries=retries, throw=True)
        assert retry.call_args.kwargs["countdown"] == countdown
        assert isinstance(retry.call_args.kwargs["exc"], PaymentsUnavailableError)
    event.refresh_from_db()
    assert event.processed_at is None


def test_the_task_is_registered_for_the_workers():
    from marketplace.celery import app

    app.loader.import_default_modules()
    assert "deals.stripe_event_process" in app.tasks
    assert stripe_event_process.acks_late is True


@pytest.mark.stripe
def test_a_card_payment_is_refunded_through_stripe_once(
    localstripe, invoice, payer, django_capture_on_commit_callbacks
):
    from deals.payments.invoices import invoice_refund

    started = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    pay_like_stripe_js(localstripe, started.reference)
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(event_body("payment_intent.succeeded", started.reference))
    staff = UserFactory(is_staff=True)
    refunded = invoice_refund(user=staff, invoice_id=invoice.pk, reason="Deal cancelled")
    assert refunded.status == InvoiceStatus.REFUNDED
    refunds = localstripe.v1.refunds.list(params={"payment_intent": started.reference}).data
    assert len(refunds) == 1 and refunds[0].amount == 123456
    entry = LedgerEntry.objects.get(invoice=invoice, kind="refunded")
    assert entry.reference.startswith(refunds[0].id)
    with pytest.raises(ConflictError):  # refunded already: nothing more at Stripe
        invoice_refund(user=staff, invoice_id=invoice.pk, reason="again")
    assert len(localstripe.v1.refunds.list(params={"payment_intent": started.reference}).data) == 1


@pytest.mark.stripe
def test_an_event_whose_processing_was_lost_is_queued_again_and_pays_once(
    localstripe, invoice, payer, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from deals.payments.tasks import stripe_events_requeue

    started = invoice_pay_start(user=payer, invoice_id=invoice.pk)
    pay_like_stripe_js(localstripe, started.reference)
    lost = mock.patch("deals.payments.webhooks.stripe_event_process.delay")  # the message
    with lost, django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(event_body("payment_intent.succeeded", started.reference))
    assert response.status_code == 200
    event = ProviderEvent.objects.get()
    assert event.object_id == started.reference and event.processed_at is None
    assert stripe_events_requeue() == 0  # too recent: its own task may still be running
    ProviderEvent.objects.filter(pk=event.pk).update(
        received_at=timezone.now() - timedelta(minutes=11)
    )
    assert stripe_events_requeue() == 1  # run eagerly here
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and paid_rows(invoice) == 1
    assert stripe_events_requeue() == 0  # processed: nothing left to queue
