"""The ratings' Celery tasks: the nightly recompute (beat) and a buyer's after its settings
changed."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="ratings.recompute_nightly", ignore_result=True)
def recompute_nightly() -> int:
    return services.recompute_all()


@shared_task(name="ratings.recompute_buyer", ignore_result=True)
def recompute_buyer(buyer_id: int) -> int:
    return services.buyer_recompute(buyer_id=buyer_id)
