"""The outbox on PostgreSQL with real concurrent clients: the change feed never hands out an id
past one whose transaction is still open, and a delivery survives a Celery worker killed in the
middle of it (a new worker delivers it, once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from marketplace.events import registry, services
from marketplace.events.models import DeliveryStatus, EventDelivery
from marketplace.events.selectors import event_feed
from tests.factories import CompanyFactory, member
from tests.servers import database_url

from . import slow_listener

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def emit(company):
    return services.event_emit(
        "company.access_changed",
        company=company,
        payload={"company": company.pk, "reason": "test"},
    )


def test_the_feed_never_hands_out_an_id_past_a_transaction_still_open():
    company = CompanyFactory()
    user = member(company, "company_admin")
    written, release = threading.Event(), threading.Event()
    first: list[int] = []

    def slow_writer():
        try:
            with transaction.atomic():
                first.append(emit(company).pk)
                written.set()
                release.wait(60)  # until the test has looked (a bound against a hang only)
        finally:
            close_old_connections()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert written.wait(60)
    with transaction.atomic():
        second = emit(company).pk
    assert second > first[0]
    # The later id is committed, the earlier one not yet: handing out the later one would move
    # a reader's cursor past the earlier one for good. So neither is handed out yet.
    assert event_feed(user=user, after=0) == []
    release.set()
    thread.join(60)
    assert not thread.is_alive()
    assert [e.pk for e in event_feed(user=user, after=0)] == [first[0], second]


@pytest.fixture
def slow(tmp_path):
    registry.listener("company.document_expiring", name=slow_listener.NAME)(slow_listener.slow)
    yield tmp_path
    registry._listeners.pop(slow_listener.NAME, None)


def start_worker(folder: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "SLOW_LISTENER_DIR": str(folder),
        "DB_CONN_MAX_AGE": "0",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--include",
            "tests.events.slow_listener",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout=60.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.redis
@pytest.mark.faults
def test_a_delivery_survives_a_worker_killed_in_the_middle_of_it(slow):
    from marketplace.celery import app

    company = CompanyFactory()
    app.conf.task_always_eager = False  # through Redis to real workers
    first = start_worker(slow)
    second = None
    try:
        with transaction.atomic():
            event = services.event_emit(
                "company.document_expiring",
                company=company,
                payload={"company": company.pk, "document": 1, "expiry_date": "2027-01-31"},
            )
        delivery = EventDelivery.objects.get(event=event, listener=slow_listener.NAME)
        wait_for(lambda: list(slow.glob(f"started-{event.pk}-*")), what="the first worker")
        os.kill(first.pid, signal.SIGKILL)  # in the middle of the listener
        first.wait(10)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 0
        assert not list(slow.glob("done-*"))

        (slow / "release").touch()
        second = start_worker(slow)
        # The sweeper (beat in production) hands it out again once its lease has passed.
        later = timezone.now() + services.lease()
        assert services.deliveries_redeliver_due(now=later) >= 1
        wait_for(
            lambda: EventDelivery.objects.get(pk=delivery.pk).status == DeliveryStatus.DONE,
            what="the delivery by the second worker",
        )
        delivery.refresh_from_db()
        assert delivery.attempts == 1  # the killed attempt left no trace
        assert [p.name for p in slow.glob("done-*")] == [f"done-{event.pk}-{second.pid}"]
    finally:
        app.conf.task_always_eager = True
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def test_two_listeners_of_one_event_run_side_by_side(monkeypatch):
    """Two workers deliver one event's deliveries at once: each locks its own delivery row only
    (a lock taken through the join on the event made the second skip its delivery, which then
    waited for the sweeper: found by make bench's outbox scenario)."""
    inside, release = threading.Event(), threading.Event()
    saved = dict(registry._listeners)
    registry._listeners.clear()

    def holder(event):
        inside.set()
        release.wait(60)

    registry.listener("company.access_changed", name="test.holder")(holder)
    registry.listener("company.access_changed", name="test.quick")(lambda event: None)
    monkeypatch.setattr(services, "_hand_out", lambda ids: None)  # run them by hand below
    try:
        company = CompanyFactory()
        with transaction.atomic():
            event = emit(company)
        slow_one = EventDelivery.objects.get(event=event, listener="test.holder")
        quick_one = EventDelivery.objects.get(event=event, listener="test.quick")

        def run_slow():
            try:
                services.delivery_run(delivery_id=slow_one.pk)
            finally:
                close_old_connections()

        thread = threading.Thread(target=run_slow)
        thread.start()
        assert inside.wait(60)
        assert services.delivery_run(delivery_id=quick_one.pk) == DeliveryStatus.DONE
        release.set()
        thread.join(60)
        assert not thread.is_alive()
        slow_one.refresh_from_db()
        assert slow_one.status == DeliveryStatus.DONE
    finally:
        release.set()
        registry._listeners.clear()
        registry._listeners.update(saved)
