"""Stripe's webhook: ``POST /api/payments/stripe/webhook/``.

A plain Django view, not a DRF one: no authentication, no CSRF, no throttle (Stripe retries a
refused delivery for days; the signature is what admits it), and the raw body untouched, as the
signature covers its exact bytes.

1. The ``Stripe-Signature`` header is checked over the raw body with ``STRIPE_WEBHOOK_SECRET``
   (``stripe.Webhook.construct_event``: HMAC-SHA256, timestamp within 5 minutes). A missing or
   bad signature, or no secret configured: 400 ``bad_signature``, nothing written.
2. The event is recorded by its id (``ProviderEvent``, unique per provider and event id): an id
   seen before is answered 200 and nothing else happens, so a duplicate or a replayed delivery
   changes nothing twice.
3. A new event is handed to Celery (``deals.stripe_event_process``) once its row is committed,
   and Stripe is answered 200 at once: no call to Stripe is made in the request. The task reads
   the PaymentIntent (or, for a bid security's card, the SetupIntent) back from Stripe before
   acting (``deals/payments/tasks.py``). If the task cannot be queued, the row is removed and
   Stripe is answered 503, so its retry is a new event for us.
"""

from __future__ import annotations

import logging
from typing import Any

import stripe
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.core import outages
from marketplace.core.exceptions import ApplicationError, error_body

from ..models import ProviderEvent
from .tasks import stripe_event_process

logger = logging.getLogger(__name__)

PROVIDER = "stripe"


class EventNotQueuedError(Exception):
    """The event was recorded but its task could not be handed to Celery."""


def stripe_event_verify(*, payload: bytes, signature: str) -> dict[str, Any]:
    """The event in ``payload`` if ``signature`` (the ``Stripe-Signature`` header) proves Stripe
    sent these exact bytes; ``ApplicationError`` (400) otherwise."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.error("a Stripe webhook arrived but STRIPE_WEBHOOK_SECRET is not set: refused")
    if not secret or not signature:
        raise ApplicationError(
            _("The webhook's Stripe-Signature is missing or not valid."), code="bad_signature"
        )
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError as exc:
        raise ApplicationError(
            _("The webhook's Stripe-Signature is missing or not valid."), code="bad_signature"
        ) from exc
    except ValueError as exc:  # signed, but not JSON (or not UTF-8)
        raise ApplicationError(
            _("The webhook's body is not an event."), code="bad_payload"
        ) from exc
    data = event.to_dict()
    if not isinstance(data.get("id"), str) or not data["id"] or not data.get("type"):
        raise ApplicationError(_("The webhook's body is not an event."), code="bad_payload")
    return data


def _object_id(event: dict[str, Any]) -> str:
    obj = (event.get("data") or {}).get("object") or {}
    object_id = obj.get("id") if isinstance(obj, dict) else None
    return object_id if isinstance(object_id, str) else ""


def stripe_event_record(*, event: dict[str, Any]) -> bool:
    """Record a verified event once and queue its processing after the commit. Returns whether
    it is new (False: seen before, nothing done). ``EventNotQueuedError`` if the task could not
    be queued (the record is then removed, so that Stripe's next delivery is new to us)."""
    object_id = _object_id(event)
    failures: list[BaseException] = []

    def enqueue(pk: int) -> None:
        try:
            stripe_event_process.delay(pk, object_id)
        except Exception as exc:  # the broker is away (or, run eagerly, the task failed)
            logger.exception("Stripe event %s not queued", event["id"])
            failures.append(exc)

    with transaction.atomic():
        row, created = ProviderEvent.objects.get_or_create(
            provider=PROVIDER,
            event_id=event["id"][:100],
            defaults={"type": str(event["type"])[:100], "object_id": object_id[:100]},
        )
        if created:
            transaction.on_commit(lambda: enqueue(row.pk))
    if failures:
        ProviderEvent.objects.filter(pk=row.pk, processed_at__isnull=True).delete()
        raise EventNotQueuedError(event["id"]) from failures[0]
    return created


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = stripe_event_verify(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except ApplicationError as exc:
        logger.warning("Stripe webhook refused: %s", exc.code)
        return JsonResponse(error_body(exc.code, exc.message), status=exc.status_code)
    try:
        created = stripe_event_record(event=event)
    except EventNotQueuedError:
        response = JsonResponse(outages.body(), status=503)
        response["Retry-After"] = str(outages.retry_after())
        return response
    return JsonResponse({"received": True, "duplicate": not created})
