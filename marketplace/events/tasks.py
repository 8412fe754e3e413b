"""Celery tasks of the outbox: one delivery, and the sweeper of due deliveries (beat)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="events.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int) -> None:
    # Retries are the delivery row's own (next_attempt_at, picked up by the sweeper), not
    # Celery's: they survive a worker's death and need no result backend.
    services.delivery_run(delivery_id=delivery_id)


@shared_task(name="events.redeliver_due", ignore_result=True)
def redeliver_due() -> int:
    return services.deliveries_redeliver_due()
