"""Outgoing webhooks against real HTTPS receivers on loopback (a throwaway CA): signed
deliveries of what the company may read, and nothing else (canary); retries with backoff and
a log of every attempt; a slow, a refused and a bad-TLS endpoint each logged without holding a
worker; switched off after repeated failure with the admins told; replay by hand; URLs that are
not HTTPS or resolve to private addresses refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
import trustme
from django.core import mail
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.companies.models import MembershipRole
from marketplace.events.services import event_emit
from marketplace.webhooks import services
from marketplace.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from notifications.models import Kind, Notification
from tests.auctions.factories import World
from tests.events.test_auction_events import run_to_award
from tests.factories import CompanyFactory, member

from .receiver import Receiver

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ca(settings, tmp_path):
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    settings.WEBHOOKS_CA_BUNDLE = str(bundle)
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receivers are on loopback
    return authority


@pytest.fixture
def receivers(ca):
    made: list[Receiver] = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(ca, **kwargs))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's side, as docs/events.md shows it."""
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


def access_changed(company):
    with transaction.atomic():
        return event_emit(
            "company.access_changed",
            company=company,
            payload={"company": company.pk, "reason": "test"},
        )


def test_a_delivery_is_signed_and_logged_and_only_readers_receive(receivers):
    company, other = CompanyFactory(), CompanyFactory()
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    mine, theirs = receivers(), receivers()
    endpoint = services.endpoint_create(actor=admin, company_id=company.pk, url=mine.url)
    services.endpoint_create(
        actor=member(other, MembershipRole.COMPANY_ADMIN), company_id=other.pk, url=theirs.url
    )
    event = access_changed(company)
    assert len(mine.received) == 1 and theirs.received == []
    headers, body = mine.received[0]
    assert verify(endpoint.secret, headers["tradefloor-signature"], body)
    assert not verify("whsec_wrong", headers["tradefloor-signature"], body)
    assert headers["tradefloor-event-type"] == "company.access_changed"
    assert headers["tradefloor-event-id"] == str(event.pk)
    sent = json.loads(body)
    assert sent["id"] == event.pk and sent["payload"] == event.payload
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "succeeded" and delivery.last_status_code == 200
    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code == 200 and attempt.duration_ms >= 0

    # Only the types asked for.
    services.endpoint_update(actor=admin, endpoint_id=endpoint.pk, event_types=["lot.closed"])
    access_changed(company)
    assert len(mine.received) == 1


def test_no_competitor_learns_the_award_through_its_webhooks(receivers):
    w = World()
    hooks = {}
    for name, company in (
        ("buyer", w.buyer),
        ("winner", w.supplier),
        ("loser", w.other_supplier),
        ("stranger", w.outsider),
    ):
        admin = member(company, MembershipRole.COMPANY_ADMIN)
        hooks[name] = receivers()
        services.endpoint_create(actor=admin, company_id=company.pk, url=hooks[name].url)
    run_to_award(w)

    def types(name):
        return [json.loads(body)["type"] for _h, body in hooks[name].received]

    assert "deal.created" in types("buyer") and "deal.created" in types("winner")
    assert "lot.awarded" not in types("loser") and "deal.created" not in types("loser")
    loser_text = b" ".join(body for _h, body in hooks["loser"].received).decode()
    assert f'"supplier":{w.supplier.pk}' not in loser_text
    assert w.supplier.legal_name not in loser_text
    assert types("stranger") == ["tender.published", "question.answered"]  # public ones


def test_failures_are_retried_with_backoff_and_a_slow_refused_or_bad_tls_endpoint_is_logged(
    receivers, ca, settings
):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    company = CompanyFactory()
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    failing = receivers(status=500)
    endpoint = services.endpoint_create(actor=admin, company_id=company.pk, url=failing.url)
    attempted = timezone.now()  # before the attempt: the clock the backoff is measured on
    access_changed(company)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code == 500 and delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at > attempted + timedelta(seconds=20)
    # Not due yet (a moment before its time, not "now": a loaded machine's now may be late).
    assert services.deliveries_sweep(now=delivery.next_attempt_at - timedelta(seconds=1)) == 0
    failing.status = 200
    assert services.deliveries_sweep(now=delivery.next_attempt_at + timedelta(seconds=1)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and delivery.attempts == 2

    slow = receivers(delay=30)  # answers long after the 1 s timeout (its thread is a daemon)
    bad_tls = Receiver(trustme.CA())  # a certificate no one trusts
    try:
        for url, expected in (
            (slow.url, "timed out after 1 s"),
            (bad_tls.url, "TLS"),
            ("https://127.0.0.1:1/hook", "connection failed"),
        ):
            services.endpoint_update(actor=admin, endpoint_id=endpoint.pk, url=url)
            started = time.monotonic()
            access_changed(company)
            # No worker waits for the slow receiver's answer (30 s): the timeout let it go. A
            # bound against a hang, not a measure of speed: a loaded machine is slow at TLS.
            assert time.monotonic() - started < 20
            latest = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-id").first()
            assert latest.status == "pending" and expected in latest.last_error, latest.last_error
    finally:
        bad_tls.close()


def test_an_endpoint_that_keeps_failing_is_switched_off_and_its_admins_told(receivers, settings):
    settings.WEBHOOKS_DISABLE_AFTER = 2
    company = CompanyFactory()
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    failing = receivers(status=503)
    endpoint = services.endpoint_create(actor=admin, company_id=company.pk, url=failing.url)
    access_changed(company)
    access_changed(company)
    endpoint.refresh_from_db()
    assert endpoint.active is False and "2 deliveries failed in a row" in endpoint.disabled_reason
    (told,) = Notification.objects.filter(user=admin, kind=Kind.WEBHOOK_DISABLED)
    assert failing.url in told.body
    assert any(failing.url in m.body for m in mail.outbox if m.to == [admin.email])
    received = len(failing.received)
    access_changed(company)  # switched off: nothing is sent
    assert len(failing.received) == received

    # Fixed and switched on again: a fresh start; a delivery can be replayed by hand.
    failing.status = 200
    services.endpoint_update(actor=admin, endpoint_id=endpoint.pk, active=True)
    first = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id").first()
    assert services.delivery_replay(actor=admin, delivery_id=first.pk) == "succeeded"
    assert WebhookAttempt.objects.filter(delivery=first, manual=True, status_code=200).exists()


def test_deliveries_give_up_after_a_day(receivers, settings):
    company = CompanyFactory()
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    failing = receivers(status=500)
    endpoint = services.endpoint_create(actor=admin, company_id=company.pk, url=failing.url)
    access_changed(company)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(days=1, seconds=1)
    )
    services.deliveries_sweep(now=delivery.next_attempt_at + timedelta(seconds=1))
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == "failed" and endpoint.active is False
    assert "failed for a day" in endpoint.disabled_reason


def test_the_api_refuses_unsafe_urls_and_other_companies(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # as in production
    company, other = CompanyFactory(), CompanyFactory()
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    bidder = member(company, MembershipRole.BIDDER)
    stranger = member(other, MembershipRole.COMPANY_ADMIN)
    c = APIClient()
    c.force_authenticate(user=admin)
    base = f"/api/companies/{company.pk}/webhooks/"
    for url, words in (
        ("http://example.com/hook", "https://"),
        ("https://127.0.0.1/hook", "private or local address"),
        ("https://localhost:8443/hook", "private or local address"),
        ("https://10.0.0.7/hook", "private or local address"),
        ("https://169.254.169.254/latest/meta-data", "private or local address"),
        ("https://user:secret@example.com/", "password"),
        ("https://no-such-host.invalid/hook", "cannot be found"),
    ):
        r = c.post(base, {"url": url})
        assert r.status_code == 400, (url, r.content)
        assert words in r.json()["error"]["fields"]["url"][0], r.json()
    r = c.post(base, {"url": "https://93.184.215.14/hook", "event_types": ["lot.exploded"]})
    assert r.status_code == 400
    assert not WebhookEndpoint.objects.exists()

    endpoint = WebhookEndpoint.objects.create(company=company, url="https://93.184.215.14/hook")
    body = c.get(f"/api/webhooks/{endpoint.pk}/").json()
    assert body["secret"].startswith("whsec_")
    rotated = c.post(f"/api/webhooks/{endpoint.pk}/rotate-secret/").json()["secret"]
    assert rotated != body["secret"]
    for user in (bidder, stranger):  # not the company's admin
        other_client = APIClient()
        other_client.force_authenticate(user=user)
        assert other_client.get(f"/api/webhooks/{endpoint.pk}/").status_code == 404
        assert other_client.get(f"/api/webhooks/{endpoint.pk}/deliveries/").status_code == 404
        assert other_client.get(base).status_code == 403
    assert c.delete(f"/api/webhooks/{endpoint.pk}/").status_code == 204


def test_ids_beyond_any_row_answer_404_not_500():
    admin = member(CompanyFactory(), MembershipRole.COMPANY_ADMIN)
    c = APIClient()
    c.force_authenticate(user=admin)
    huge = 2**64
    for url in (
        f"/api/companies/{huge}/webhooks/",
        f"/api/webhooks/{huge}/",
        f"/api/webhooks/{huge}/deliveries/",
        f"/api/tender-subscriptions/{huge}/",
    ):
        assert c.get(url).status_code == 404, url
    assert c.post(f"/api/webhook-deliveries/{huge}/replay/").status_code == 404
