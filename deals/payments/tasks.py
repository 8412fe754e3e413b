"""The payments' Celery task: a Stripe webhook event, recorded by ``webhooks.stripe_webhook``,
acted on here, after the webhook has been answered.

Nothing in the event is believed but its type and the id of its object: a PaymentIntent is read
back from Stripe (``StripeProvider.payment_read``) and the invoice follows what Stripe says
*now*. Events arriving out of order (a ``payment_failed`` delivered after the
``succeeded`` of the next attempt, an old event replayed) therefore cannot move an invoice
backwards, and the invoice's services make every step once (``invoice_paid`` under the
invoice's row lock, one "paid" row of the ledger).

A card saved for a bid security (``setup_intent.succeeded``) is the same: the SetupIntent is
read back from Stripe (``StripeProvider.setup_read``), its metadata names the security, and
``security.security_card_saved`` (which reads it again by the security's own reference)
provides the security once. ``setup_intent.setup_failed`` is recorded and nothing more: the
security stays pending and the supplier's page offers another card on the same SetupIntent.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from marketplace.core.exceptions import ConflictError, NotFoundError

from ..models import ProviderEvent
from .invoices import invoice_paid, invoice_payment_failed, invoice_processing
from .security import security_card_saved
from .stripe_provider import PaymentsUnavailableError, StripeProvider

__all__ = ["stripe_event_process", "stripe_events_requeue"]

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = 3600  # seconds: Stripe away for hours is retried hourly at the end


def payment_intent_apply(*, reference: str) -> str:
    """Make our invoice what the PaymentIntent ``reference`` is at Stripe now. Returns what was
    done, for the logs and the tests."""
    try:
        state = StripeProvider().payment_read(reference=reference)
    except NotFoundError:
        logger.warning("Stripe event for an unknown PaymentIntent %s: ignored", reference)
        return "unknown"
    if state.invoice_id is None:  # not an invoice's payment (a bid security's, say)
        return "not an invoice"
    if state.status == "succeeded":
        try:
            paid = invoice_paid(
                invoice_id=state.invoice_id,
                provider_name="stripe",
                reference=state.reference,
                amount=state.amount,
                currency=state.currency,
            )
        except ConflictError as exc:  # another amount, or a cancelled invoice: a person looks
            logger.error(
                "PaymentIntent %s (%s %s) succeeded but does not pay invoice %s: %s (%s)",
                state.reference,
                state.amount,
                state.currency,
                state.invoice_id,
                exc.message,
                exc.code,
            )
            return exc.code
        return "paid" if paid else "already paid"
    if state.status == "processing":
        invoice_processing(invoice_id=state.invoice_id, reference=state.reference)
        return "processing"
    if state.status in ("failed", "canceled"):
        invoice_payment_failed(invoice_id=state.invoice_id, reference=state.reference)
        return state.status
    return "waiting"  # the payer has not paid yet: nothing to do


def setup_intent_apply(*, reference: str) -> str:
    """A card was saved with the SetupIntent ``reference``: provide the bid security its
    metadata names, if Stripe says now that it succeeded. Returns what was done, for the logs
    and the tests."""
    try:
        state = StripeProvider().setup_read(reference=reference)
    except NotFoundError:
        logger.warning("Stripe event for an unknown SetupIntent %s: ignored", reference)
        return "unknown"
    if state.security_id is None:  # not a bid security's card
        return "not a security"
    if state.status != "succeeded":  # a forged or early event: no card is saved
        return "not saved"
    try:
        provided = security_card_saved(security_id=state.security_id)
    except NotFoundError:  # the security's own SetupIntent is not at this Stripe account
        logger.warning("SetupIntent %s names security %s: not ours", reference, state.security_id)
        return "unknown"
    # False: provided before (a second event), or the security waits for another SetupIntent.
    return "provided" if provided else "unchanged"


@shared_task(name="deals.stripe_event_process", bind=True, acks_late=True, max_retries=8)
def stripe_event_process(self, event_pk: int, object_id: str = "") -> str:
    """Act on the recorded Stripe event ``event_pk`` whose object is ``object_id`` (from the
    signed event), once: a task delivered twice finds the event processed. Stripe away: tried
    again later, with a growing delay."""
    event = ProviderEvent.objects.filter(pk=event_pk).first()
    if event is None:
        return "gone"
    object_id = object_id or event.object_id
    if event.processed_at is not None:
        return "done before"
    outcome = "ignored"
    try:
        if event.type.startswith("payment_intent.") and object_id:
            outcome = payment_intent_apply(reference=object_id)
        elif event.type == "setup_intent.succeeded" and object_id:
            outcome = setup_intent_apply(reference=object_id)
        elif event.type == "setup_intent.setup_failed":
            outcome = "setup failed"  # the security stays pending: nothing to write
    except PaymentsUnavailableError as exc:
        logger.warning("Stripe event %s not processed yet: %s", event.event_id, exc.message)
        delay = min(30 * (2**self.request.retries), MAX_RETRY_DELAY)
        raise self.retry(exc=exc, countdown=delay) from exc
    ProviderEvent.objects.filter(pk=event_pk, processed_at__isnull=True).update(
        processed_at=timezone.now()
    )
    logger.info("Stripe event %s (%s): %s", event.event_id, event.type, outcome)
    return outcome


@shared_task(name="deals.stripe_events_requeue")
def stripe_events_requeue() -> int:
    """Celery beat: queue again the recorded events whose processing never finished (a lost
    message, a worker that died, retries that ran out) and that are older than ten minutes.
    Processing is once per event (``processed_at``), so a second run does nothing twice."""
    cutoff = timezone.now() - timedelta(minutes=10)
    stuck = ProviderEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff)
    count = 0
    for pk, object_id in stuck.values_list("pk", "object_id")[:500]:
        stripe_event_process.delay(pk, object_id)
        count += 1
    return count
