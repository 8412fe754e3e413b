"""The outbox (``marketplace.events``): an event commits or rolls back with its change, each
listener runs once per event however often it is handed out, a failing listener is retried with
backoff and does not stop the others, failures are kept for an operator to retry, and the
emitter never needs to know who listens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace.companies.models import Company
from marketplace.events import registry, services
from marketplace.events.models import DeliveryStatus, Event, EventAudience, EventDelivery
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)

calls: list[tuple[str, int]] = []


@pytest.fixture
def listeners(monkeypatch):
    """Three listeners of company.document_expiring: one records, one writes a row, one fails
    until told otherwise."""
    calls.clear()
    saved = dict(registry._listeners)
    state = {"fail": True}

    def recorder(event):
        calls.append(("recorder", event.pk))

    def writer(event):  # a database write: must happen once per event
        Company.objects.filter(pk=event.payload["company"]).update(
            legal_name=f"{Company.objects.get(pk=event.payload['company']).legal_name}!"
        )

    def flaky(event):
        calls.append(("flaky", event.pk))
        Company.objects.filter(pk=event.payload["company"]).update(legal_name="half-written")
        if state["fail"]:
            raise RuntimeError("the listener's dependency is down")

    registry._listeners.clear()
    for fn in (recorder, writer, flaky):
        registry.listener("company.document_expiring", name=f"test.{fn.__name__}")(fn)
    yield state
    registry._listeners.clear()
    registry._listeners.update(saved)


def emit(company, **kwargs):
    return services.event_emit(
        "company.document_expiring",
        company=company,
        payload={"company": company.pk, "document": 7, "expiry_date": "2027-01-31"},
        **kwargs,
    )


def test_an_event_and_its_change_commit_or_roll_back_together(listeners):
    company = CompanyFactory(legal_name="Acme")
    with pytest.raises(RuntimeError), transaction.atomic():
        Company.objects.filter(pk=company.pk).update(legal_name="Renamed")
        emit(company)
        raise RuntimeError("the change failed after the event was written")
    assert not Event.objects.exists() and not EventDelivery.objects.exists()
    assert Company.objects.get(pk=company.pk).legal_name == "Acme"
    assert calls == []  # nothing was handed out

    other = CompanyFactory()
    with transaction.atomic():
        event = emit(company, audience=[other, company.pk, None])
        assert calls == []  # listeners hear of it only after the commit
    assert [a.company_id for a in EventAudience.objects.filter(event=event)] == [other.pk]
    assert ("recorder", event.pk) in calls


def test_emitting_outside_a_transaction_or_with_a_bad_payload_is_a_programming_error(listeners):
    company = CompanyFactory()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        emit(company)
    with transaction.atomic():
        with pytest.raises(ValueError, match="unknown event type"):
            services.event_emit("lot.exploded", payload={})
        with pytest.raises(ValueError, match="expiry_date"):
            services.event_emit("company.document_expiring", payload={"company": 1, "document": 2})
        with pytest.raises(ValueError, match="'0' is not of type 'integer'"):
            services.event_emit(
                "company.document_expiring",
                payload={"company": "0", "document": 2, "expiry_date": "2027-01-31"},
            )
    assert not Event.objects.exists()


def test_a_failing_listener_is_retried_with_backoff_and_the_others_still_run(listeners):
    company = CompanyFactory(legal_name="Acme")
    attempted = timezone.now()  # before the attempt: the clock the backoff is measured on
    with transaction.atomic():
        event = emit(company)
    by_name = {d.listener: d for d in EventDelivery.objects.filter(event=event)}
    assert by_name["test.recorder"].status == DeliveryStatus.DONE
    assert by_name["test.writer"].status == DeliveryStatus.DONE
    flaky = by_name["test.flaky"]
    assert flaky.status == DeliveryStatus.PENDING and flaky.attempts == 1
    assert "dependency is down" in flaky.last_error
    assert flaky.next_attempt_at > attempted + timedelta(seconds=5)
    # Its own writes were undone; the writer's stayed.
    assert Company.objects.get(pk=company.pk).legal_name == "Acme!"

    # Not due yet (a moment before its time, not "now": a loaded machine's now may be late):
    # the sweeper leaves it; once due, it is handed out (eagerly here) again.
    assert services.deliveries_redeliver_due(now=flaky.next_attempt_at - timedelta(seconds=1)) == 0
    later = flaky.next_attempt_at + timedelta(seconds=1)
    attempted = timezone.now()  # the attempt itself runs on the clock
    assert services.deliveries_redeliver_due(now=later) == 1
    flaky.refresh_from_db()
    assert flaky.attempts == 2 and flaky.status == DeliveryStatus.PENDING
    assert flaky.next_attempt_at - attempted > timedelta(seconds=15)  # backoff doubled

    # The dependency is back: the next due attempt succeeds, once.
    listeners["fail"] = False
    services.deliveries_redeliver_due(now=flaky.next_attempt_at + timedelta(seconds=1))
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.DONE and flaky.attempts == 3
    assert Company.objects.get(pk=company.pk).legal_name == "half-written"
    assert [c for c in calls if c[0] == "flaky"] == [("flaky", event.pk)] * 3


def test_a_listener_that_keeps_failing_is_marked_failed_and_an_operator_retries_it(
    listeners, settings
):
    settings.EVENTS_MAX_ATTEMPTS = 2
    company = CompanyFactory()
    with transaction.atomic():
        event = emit(company)
    flaky = EventDelivery.objects.get(event=event, listener="test.flaky")
    services.deliveries_redeliver_due(now=flaky.next_attempt_at + timedelta(seconds=1))
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.FAILED and flaky.attempts == 2
    assert services.deliveries_redeliver_due(now=timezone.now() + timedelta(days=2)) == 0

    listeners["fail"] = False
    assert services.deliveries_retry(delivery_ids=[flaky.pk]) == 1
    flaky.refresh_from_db()
    assert flaky.status == DeliveryStatus.DONE


def test_a_delivery_handed_out_again_changes_nothing_twice(listeners):
    listeners["fail"] = False
    company = CompanyFactory(legal_name="Acme")
    with transaction.atomic():
        event = emit(company)
    # In delivery order: the writer appended "!", then flaky overwrote the name.
    name_after = Company.objects.get(pk=company.pk).legal_name
    assert name_after == "half-written"
    for delivery in EventDelivery.objects.filter(event=event):
        assert services.delivery_run(delivery_id=delivery.pk) is None  # already done
    services.deliveries_retry(delivery_ids=EventDelivery.objects.values_list("pk", flat=True))
    assert Company.objects.get(pk=company.pk).legal_name == name_after
    assert calls.count(("recorder", event.pk)) == 1


def test_a_delivery_whose_worker_never_ran_it_is_handed_out_after_its_lease(listeners, monkeypatch):
    """The message was lost (the broker restarted) or the worker died before the commit of
    its transaction: the delivery row is still pending, and the sweeper finds it."""
    monkeypatch.setattr(services, "_hand_out", lambda ids: None)  # nothing reaches a worker
    company = CompanyFactory()
    with transaction.atomic():
        event = emit(company)
    assert calls == []
    monkeypatch.undo()
    assert services.deliveries_redeliver_due() == 0  # within the lease: a worker may have it
    assert services.deliveries_redeliver_due(now=timezone.now() + services.lease()) == 3
    assert ("recorder", event.pk) in calls
