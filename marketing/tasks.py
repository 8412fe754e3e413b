"""Marketing's Celery task: delivering a sent campaign (``delivery.campaign_deliver``). Safe to
run twice: each recipient is claimed before its message goes out. Without a broker (tests,
``make run``) Celery runs it eagerly, right after the sending transaction commits."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import delivery


@shared_task(name="marketing.campaign_deliver", bind=True, acks_late=True, max_retries=3)
def campaign_deliver(self, campaign_id: int) -> dict[str, int]:
    try:
        return delivery.campaign_deliver(campaign_id=campaign_id)
    except OperationalError as exc:  # the database went away: what is claimed stays claimed
        raise self.retry(exc=exc, countdown=30) from exc
