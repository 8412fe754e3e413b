"""Outgoing webhooks: a company admin's endpoints, each domain event the company may read fanned
out to them (``listeners.py``), and each delivery sent, signed, logged and retried.

A delivery is sent outside any transaction: it is leased first (``next_attempt_at`` moved past
the call's time), the POST made, then its outcome recorded. A worker that dies mid-call leaves
the delivery pending; the sweeper (``deliveries_sweep``, beat) sends it again after the lease.
Retries back off from 30 s, doubling, at most three hours apart, for ``WEBHOOKS_RETRY_SECONDS``
(a day); then the delivery fails for good and its endpoint is disabled, and the company's admins
are told (``webhook.endpoint_disabled``). ``WEBHOOKS_DISABLE_AFTER`` failed attempts in a row
disable it sooner.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import MembershipRole
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.core.times import iso_utc
from marketplace.events import catalogue
from marketplace.events.services import event_emit

from . import transport
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookStatus, new_secret

logger = logging.getLogger(__name__)

MAX_ENDPOINTS_PER_COMPANY = 20
USER_AGENT = "Tradefloor-Webhooks/1"


def retry_for() -> timedelta:
    return timedelta(seconds=getattr(settings, "WEBHOOKS_RETRY_SECONDS", 24 * 3600))


def disable_after() -> int:
    return int(getattr(settings, "WEBHOOKS_DISABLE_AFTER", 50))


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3 * 3600, 30 * 2 ** max(0, attempts - 1)))


def lease() -> timedelta:
    return timedelta(seconds=transport.timeout_seconds() * 2 + 30)


# --- endpoints ---------------------------------------------------------------------------------


def _require_admin(user, company_id: int) -> None:
    if not user_has_company_role(
        user=user, company=company_id, roles=[MembershipRole.COMPANY_ADMIN]
    ):
        raise PermissionDeniedError(
            _("Only the company's admins manage its webhooks."), code="not_company_admin"
        )


def endpoints_of(*, user, company_id: int):
    _require_admin(user, company_id)
    return WebhookEndpoint.objects.filter(company_id=company_id)


def endpoint_get(*, user, endpoint_id: int) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if endpoint is None or not user_has_company_role(
        user=user, company=endpoint.company_id, roles=[MembershipRole.COMPANY_ADMIN]
    ):
        raise NotFoundError(_("No such webhook endpoint."), code="webhook_not_found")
    return endpoint


def _clean(*, url=None, event_types=None, description=None) -> dict:
    fields: dict = {}
    errors: dict[str, list[str]] = {}
    if url is not None:
        try:
            fields["url"] = transport.check(url)
        except transport.UnsafeURL as exc:
            errors["url"] = [str(exc)]
        else:
            if len(fields["url"]) > 500:
                errors["url"] = [_("At most 500 characters.")]
    if event_types is not None:
        unknown = [t for t in event_types if t not in catalogue.TYPES]
        if unknown:
            errors["event_types"] = [
                _("Unknown event types: %(types)s.") % {"types": ", ".join(map(str, unknown))}
            ]
        fields["event_types"] = sorted(set(event_types))
    if description is not None:
        fields["description"] = description.strip()[:200]
    if errors:
        raise ApplicationError(
            next(iter(errors.values()))[0], code="invalid_webhook", fields=errors
        )
    return fields


def endpoint_create(
    *, actor, company_id: int, url: str, event_types: list[str] | None = None, description: str = ""
) -> WebhookEndpoint:
    _require_admin(actor, company_id)
    fields = _clean(url=url, event_types=event_types or [], description=description)
    with transaction.atomic():
        if (
            WebhookEndpoint.objects.filter(company_id=company_id).count()
            >= MAX_ENDPOINTS_PER_COMPANY
        ):
            raise ApplicationError(
                _("A company may register at most %(n)d endpoints.")
                % {"n": MAX_ENDPOINTS_PER_COMPANY},
                code="too_many_webhooks",
            )
        return WebhookEndpoint.objects.create(company_id=company_id, created_by=actor, **fields)


def endpoint_update(
    *, actor, endpoint_id: int, active: bool | None = None, **changes
) -> WebhookEndpoint:
    endpoint = endpoint_get(user=actor, endpoint_id=endpoint_id)
    fields = _clean(**changes)
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        for name, value in fields.items():
            setattr(endpoint, name, value)
        if active is True and not endpoint.active:  # switched on again: a fresh start
            endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
            endpoint.consecutive_failures = 0
        elif active is False:
            endpoint.active = False
        endpoint.save()
    return endpoint


def endpoint_delete(*, actor, endpoint_id: int) -> None:
    endpoint_get(user=actor, endpoint_id=endpoint_id).delete()


def endpoint_rotate_secret(*, actor, endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoint_get(user=actor, endpoint_id=endpoint_id)
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret"])
    return endpoint


# --- fan-out and sending -------------------------------------------------------------------------


def deliveries_create(event) -> list[int]:
    """The event's deliveries to every active endpoint of a company that may read it and
    wants its type (in the caller's transaction; each once). Returns the new ids."""
    if event.public:
        endpoints = WebhookEndpoint.objects.filter(active=True)
    else:
        readers = {event.company_id, *event.audience.values_list("company_id", flat=True)}
        endpoints = WebhookEndpoint.objects.filter(active=True, company_id__in=readers - {None})
    wanted = [e for e in endpoints if e.wants(event.type)]
    if not wanted:
        return []
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=e, event=event, next_attempt_at=timezone.now() + lease())
            for e in wanted
        ],
        ignore_conflicts=True,
    )
    ids = list(
        WebhookDelivery.objects.filter(event=event, endpoint__in=wanted, attempts=0).values_list(
            "pk", flat=True
        )
    )
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return ids


def _enqueue(ids: Iterable[int]) -> None:
    for delivery_id in ids:
        try:
            send.delay(delivery_id)
        except Exception:  # the broker is away: the sweeper sends it after the lease
            logger.exception("could not enqueue webhook delivery %s", delivery_id)


def body_of(event) -> bytes:
    return json.dumps(
        {
            "id": event.pk,
            "type": event.type,
            "occurred_at": iso_utc(event.occurred_at),
            "company": event.company_id,
            "platform": event.platform_id,
            "payload": event.payload,
        },
        separators=(",", ":"),
        ensure_ascii=False,
        sort_keys=True,
    ).encode()


def delivery_send(
    *, delivery_id: int, manual: bool = False, now: datetime | None = None
) -> str | None:
    """Send one pending delivery (or, ``manual``, any delivery again). Returns its status
    afterwards, or None when there was nothing to send (another worker holds it, done)."""
    now = now or timezone.now()
    with transaction.atomic():
        query = WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            pk=delivery_id
        )
        if not manual:
            query = query.filter(status=WebhookStatus.PENDING)
        delivery = query.select_related("endpoint", "event").first()
        if delivery is None or (not manual and not delivery.endpoint.active):
            return None
        delivery.next_attempt_at = now + lease()  # the lease: no one else sends it meanwhile
        delivery.save(update_fields=["next_attempt_at"])
    endpoint, event = delivery.endpoint, delivery.event
    body = body_of(event)
    stamp = int(now.timestamp())
    outcome = transport.post(
        endpoint.url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Tradefloor-Event-Id": str(event.pk),
            "Tradefloor-Event-Type": event.type,
            "Tradefloor-Delivery-Id": str(delivery.pk),
            "Tradefloor-Signature": transport.signature(endpoint.secret, stamp, body),
        },
    )
    return _record(delivery.pk, outcome, manual=manual)


def _record(delivery_id: int, outcome: transport.Outcome, *, manual: bool) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=now,
            status_code=outcome.status_code,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
            manual=manual,
        )
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_duration_ms = outcome.duration_ms
        delivery.last_error = outcome.error or ("" if outcome.ok else f"HTTP {outcome.status_code}")
        if outcome.ok:
            delivery.status = WebhookStatus.SUCCEEDED
            delivery.delivered_at = now
            endpoint.consecutive_failures = 0
        else:
            endpoint.consecutive_failures += 1
            if manual and delivery.status != WebhookStatus.PENDING:
                pass  # a replay by hand of a finished delivery: logged, nothing rescheduled
            elif now - delivery.created_at >= retry_for():
                delivery.status = WebhookStatus.FAILED
                _disable(
                    endpoint,
                    _("Deliveries failed for a day (last: %(error)s).")
                    % {"error": delivery.last_error},
                )
            else:
                delivery.status = WebhookStatus.PENDING
                delivery.next_attempt_at = now + backoff(delivery.attempts)
            if endpoint.active and endpoint.consecutive_failures >= disable_after():
                _disable(
                    endpoint,
                    _("%(n)d deliveries failed in a row (last: %(error)s).")
                    % {"n": endpoint.consecutive_failures, "error": delivery.last_error},
                )
        delivery.save()
        endpoint.save(
            update_fields=["consecutive_failures", "active", "disabled_at", "disabled_reason"]
        )
    return delivery.status


def _disable(endpoint: WebhookEndpoint, reason: str) -> None:
    if not endpoint.active:
        return
    endpoint.active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason
    event_emit(
        "webhook.endpoint_disabled",
        company=endpoint.company_id,
        payload={"endpoint": endpoint.pk, "url": endpoint.url, "reason": reason},
    )


def deliveries_sweep(*, now: datetime | None = None, limit: int = 500) -> int:
    """Send again the pending deliveries whose time has come (retries; sends whose worker
    died). Returns how many were handed out."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=WebhookStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        if due:
            WebhookDelivery.objects.filter(pk__in=due).update(next_attempt_at=now + lease())
            transaction.on_commit(lambda: _enqueue(due), robust=True)
    return len(due)


def delivery_replay(*, actor, delivery_id: int) -> str | None:
    """A company admin sends a delivery again now (logged as a manual attempt)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFoundError(_("No such delivery."), code="delivery_not_found")
    endpoint_get(user=actor, endpoint_id=delivery.endpoint_id)  # the company's admins only
    return delivery_send(delivery_id=delivery.pk, manual=True)


@shared_task(name="webhooks.send", acks_late=True, ignore_result=True)
def send(delivery_id: int) -> None:
    delivery_send(delivery_id=delivery_id)
