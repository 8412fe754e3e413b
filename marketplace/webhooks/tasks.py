"""Celery tasks of the outgoing webhooks: the sweeper of due deliveries (beat); one send's task
is ``services.send``."""

from __future__ import annotations

from celery import shared_task

from . import services
from .services import send  # noqa: F401 - one send's task, beside the function it calls


@shared_task(name="webhooks.sweep", ignore_result=True)
def sweep() -> int:
    return services.deliveries_sweep()
