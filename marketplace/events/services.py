"""Writing events (the outbox) and handing them to their listeners.

``event_emit`` is called by a domain's service inside the transaction of its change: the event,
the companies that may read it and one delivery per listener are written with the change, and
commit or roll back with it. After the commit each delivery is handed to Celery
(``tasks.deliver``; eager under ``make run``). ``delivery_run`` runs one listener for one event
in a transaction that also marks the delivery done, so a listener's database writes happen once
however often the event is handed out. A listener that raises is retried with exponential
backoff; after ``EVENTS_MAX_ATTEMPTS`` its delivery is marked failed and shown in the admin,
which can retry it. A delivery whose worker died (or whose message was lost) is still pending:
``deliveries_redeliver_due`` (the beat task, and the scheduler under ``make run``) hands it out
again once its lease has passed.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from marketplace.core.times import iso_utc

from . import catalogue, registry
from .models import DeliveryStatus, Event, EventAudience, EventDelivery

logger = logging.getLogger(__name__)

_validators: dict[str, Draft202012Validator] = {}
# The writing transaction's id (PostgreSQL 13+), for the change feed's horizon.
_TXID = RawSQL("pg_current_xact_id()::text::bigint", [])


def lease() -> timedelta:
    """How long a handed-out delivery is left to its worker before it is handed out again."""
    return timedelta(seconds=getattr(settings, "EVENTS_DELIVERY_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "EVENTS_MAX_ATTEMPTS", 10))


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: 10 s, doubling, at most
    an hour (ten attempts span about two and a half hours)."""
    return timedelta(seconds=min(3600, 10 * 2 ** max(0, attempts - 1)))


def money(value: Decimal) -> str:
    """A Decimal amount as a payload writes it: a string with two decimals."""
    return f"{Decimal(value):.2f}"


def iso(value: datetime | None) -> str | None:
    """An instant as a payload writes it: UTC, ``Z`` (as the REST API writes its own)."""
    return iso_utc(value)


def _validator(event_type: str) -> Draft202012Validator:
    validator = _validators.get(event_type)
    if validator is None:
        schema = catalogue.TYPES[event_type].schema
        validator = _validators[event_type] = Draft202012Validator(
            schema, format_checker=FormatChecker()
        )
    return validator


def payload_check(event_type: str, payload: dict) -> dict:
    """The payload as JSON will carry it, checked against the type's schema. A programming
    error (an unknown type, a Decimal or datetime not converted, a missing field) raises here,
    where the event is made, not in a listener far away."""
    if event_type not in catalogue.TYPES:
        raise ValueError(f"unknown event type {event_type!r}: add it to events/catalogue.py")
    data = json.loads(json.dumps(payload))
    errors = sorted(_validator(event_type).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        raise ValueError(f"{event_type} payload {data!r}: " + "; ".join(e.message for e in errors))
    return data


def event_emit(
    event_type: str,
    *,
    payload: dict,
    company=None,
    platform=None,
    audience: Iterable = (),
    public: bool = False,
    actor=None,
    now: datetime | None = None,
    once_key: str | None = None,
) -> Event | None:
    """Record that ``event_type`` happened, in the caller's transaction (required: the event
    and its change commit or roll back together). ``company`` owns the event; ``audience`` are
    more companies (or ids) that may read it; ``public`` makes it readable by every signed-in
    user. Returns the event; its listeners hear of it after the commit. With ``once_key``, an
    event already emitted with that key is not emitted again (returns None)."""
    if not connection.in_atomic_block:
        raise RuntimeError("event_emit must run inside the transaction of the change")
    data = payload_check(event_type, payload)
    if once_key is not None:
        if Event.objects.filter(once_key=once_key).exists():
            return None
        try:
            with transaction.atomic():  # a racing emission of the same key: the first wins
                return _emit(
                    event_type, data, company, platform, audience, public, actor, now, once_key
                )
        except IntegrityError:
            return None
    return _emit(event_type, data, company, platform, audience, public, actor, now, None)


def _emit(event_type, data, company, platform, audience, public, actor, now, once_key) -> Event:
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = Event.objects.create(
        once_key=once_key,
        txid=_TXID if connection.vendor == "postgresql" else None,
        type=event_type,
        occurred_at=now or timezone.now(),
        company_id=_pk(company),
        platform_id=_pk(platform),
        public=public,
        actor=user,
        payload=data,
    )
    readers = {pk for pk in map(_pk, audience) if pk is not None} - {event.company_id}
    if readers:
        EventAudience.objects.bulk_create(
            [EventAudience(event=event, company_id=c) for c in sorted(readers)]
        )
    listeners = registry.listeners_for(event_type)
    if listeners:
        first_lease = event.occurred_at + lease()
        deliveries = EventDelivery.objects.bulk_create(
            [
                EventDelivery(event=event, listener=entry.name, next_attempt_at=first_lease)
                for entry in listeners
            ]
        )
        ids = [d.pk for d in deliveries]
        if None in ids:  # a backend that does not return ids from a bulk insert
            ids = list(EventDelivery.objects.filter(event=event).values_list("pk", flat=True))
        transaction.on_commit(lambda: _hand_out(ids), robust=True)
    return event


def _pk(obj) -> int | None:
    return getattr(obj, "pk", obj)


def _hand_out(delivery_ids: list[int]) -> None:
    from .tasks import deliver

    for delivery_id in delivery_ids:
        try:
            deliver.delay(delivery_id)
        except Exception:  # the broker is away: the sweeper hands it out after its lease
            logger.exception("could not enqueue event delivery %s", delivery_id)


def delivery_run(*, delivery_id: int, now: datetime | None = None) -> str | None:
    """Run one delivery's listener, once. Returns the delivery's status after this attempt, or
    None when there was nothing to do (already done or failed, or another worker holds it)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            EventDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return None
        entry = registry.get(delivery.listener)
        delivery.attempts += 1
        try:
            if entry is None:
                raise LookupError(f"no listener {delivery.listener!r} is registered")
            with transaction.atomic():  # the listener's writes, undone if it raises
                entry.fn(delivery.event)
        except Exception as exc:
            delivery.last_error = "".join(traceback.format_exception(exc))[-4000:]
            if entry is None or delivery.attempts >= max_attempts():
                delivery.status = DeliveryStatus.FAILED
                logger.error(
                    "event %s: listener %s failed for good after %s attempts: %s",
                    delivery.event_id,
                    delivery.listener,
                    delivery.attempts,
                    exc,
                )
            else:
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                logger.warning(
                    "event %s: listener %s failed (attempt %s), retried at %s: %s",
                    delivery.event_id,
                    delivery.listener,
                    delivery.attempts,
                    delivery.next_attempt_at.isoformat(),
                    exc,
                )
            delivery.save(update_fields=["attempts", "status", "next_attempt_at", "last_error"])
            return delivery.status
        delivery.status = DeliveryStatus.DONE
        delivery.done_at = now
        delivery.save(update_fields=["attempts", "status", "done_at"])
        return delivery.status


def deliveries_redeliver_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Hand out again the pending deliveries whose time has come: retries after a failure, and
    first attempts whose worker died or whose message was lost. Each is leased before it is
    handed out, so two sweepers do not hand it out twice. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            EventDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if due:
            EventDelivery.objects.filter(pk__in=due).update(next_attempt_at=now + lease())
            transaction.on_commit(lambda: _hand_out(due), robust=True)
    return len(due)


def deliveries_retry(*, delivery_ids: Iterable[int], now: datetime | None = None) -> int:
    """An operator's retry (the admin's button): failed or pending deliveries are handed out
    again now, with their attempts counted afresh. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            EventDelivery.objects.filter(pk__in=list(delivery_ids))
            .exclude(status=DeliveryStatus.DONE)
            .values_list("pk", flat=True)
        )
        EventDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now + lease()
        )
        transaction.on_commit(lambda: _hand_out(ids), robust=True)
    return len(ids)
