"""The outbox scenario of `make bench` (``python -m infra.bench.outbox <json>``, run in the
stack's environment while a real Celery worker on Redis serves it).

Two figures, each against a baseline measured in the same run:
- emit: changes per second, one transaction each, that also write their event (the outbox:
  the Event row and its deliveries) against the same transactions without the event (the
  hand-out to the broker measured apart, per delivery, as the worker would otherwise compete
  for the two cores);
- delivery: listener deliveries per second through Celery on Redis (lock the delivery, run the
  listener, mark it done) against plain Celery tasks on the same worker that each write one row.
The bid path writes no event (tests/events: test_the_bid_path_writes_no_event), so the outbox
costs the hot lot nothing; the hot scenario's figure stands as it is.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django
from celery import shared_task

DONE_TABLE = "bench_outbox_done"


@shared_task(name="bench.touch", ignore_result=True)
def touch(n: int) -> None:
    """The baseline task: one row written, as small a database task as there is."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {DONE_TABLE} (n) VALUES (%s) ON CONFLICT DO NOTHING", [n])


def _wait(count, total: int, timeout: float) -> float:
    started = time.monotonic()
    while count() < total:
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"only {count()} of {total} done after {timeout:.0f} s")
        time.sleep(0.05)
    return time.monotonic()


def main(argv: list[str]) -> int:
    config = json.loads(argv[0]) if argv else {}
    events = int(config.get("events", 2000))
    timeout = float(config.get("timeout", 300))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    django.setup()
    from django.db import connection, transaction

    from marketplace.companies.models import Company
    from marketplace.events import services
    from marketplace.events.models import DeliveryStatus, EventDelivery
    from marketplace.events.registry import listeners_for
    from marketplace.events.services import event_emit
    from tests.factories import CompanyFactory, valid_edrpou

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {DONE_TABLE} (n integer PRIMARY KEY)")
        cursor.execute(f"TRUNCATE {DONE_TABLE}")
    # The seed of the other scenarios made companies with the factory's numbers in another
    # process: take a registration number the database does not have yet.
    number = valid_edrpou()
    while Company.objects.filter(country="UA", registration_number=number).exists():
        number = valid_edrpou()
    company = CompanyFactory(legal_name="Bench Outbox Ltd", registration_number=number)
    per_event = len(listeners_for("company.access_changed"))

    # Emit: the same change with and without its event, one transaction each.
    started = time.monotonic()
    for _ in range(events):
        with transaction.atomic():
            Company.objects.filter(pk=company.pk).update(phone="+380440000000")
    plain_s = time.monotonic() - started
    before = EventDelivery.objects.count()
    handed: list[int] = []
    real_hand_out = services._hand_out
    services._hand_out = handed.extend  # phase 2 writes only; phase 3 hands out
    started = time.monotonic()
    try:
        for _ in range(events):
            with transaction.atomic():
                Company.objects.filter(pk=company.pk).update(phone="+380440000000")
                event_emit(
                    "company.access_changed",
                    company=company,
                    payload={"company": company.pk, "reason": "bench"},
                )
        emit_s = time.monotonic() - started
    finally:
        services._hand_out = real_hand_out
    deliveries = events * per_event
    assert len(handed) == deliveries, (len(handed), deliveries)

    def delivered() -> int:
        return EventDelivery.objects.filter(status=DeliveryStatus.DONE, pk__gt=before).count()

    # Phase 3: handed to the worker through Redis as commits do, and all of them done.
    started = time.monotonic()
    real_hand_out(handed)
    enqueue_s = time.monotonic() - started
    finished = _wait(delivered, deliveries, timeout)
    delivery_s = finished - started
    failed = EventDelivery.objects.filter(pk__gt=before).exclude(status=DeliveryStatus.DONE).count()

    # The baseline: as many plain tasks through the same broker and worker.
    def touched() -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {DONE_TABLE}")
            return cursor.fetchone()[0]

    started = time.monotonic()
    for n in range(deliveries):
        touch.delay(n)
    baseline_s = _wait(touched, deliveries, timeout) - started
    print(
        json.dumps(
            {
                "events": events,
                "listeners_per_event": per_event,
                "deliveries": deliveries,
                "failed": failed,
                "plain_changes_per_s": events / plain_s,
                "changes_with_event_per_s": events / emit_s,
                "emit_overhead_ms": (emit_s - plain_s) / events * 1000,
                "enqueue_ms_per_delivery": enqueue_s / deliveries * 1000,
                "deliveries_per_s": deliveries / delivery_s,
                "events_per_s": events / delivery_s,
                "baseline_tasks_per_s": deliveries / baseline_s,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
