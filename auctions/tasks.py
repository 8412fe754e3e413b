"""Celery tasks of the tender lifecycle: closing applications when the deadline passes. Safe to
run twice (a closed lot is skipped). The e-mails about tenders are the notifications app's, made
from the domain events."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from marketplace.core.exceptions import ApplicationError

from .notices import send_lot_rescheduled_email  # noqa: F401 - registered for the workers
from .protocol.tasks import protocol_generate  # noqa: F401 - registered for the workers
from .tenders import scheduling, selectors

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def close_due_applications() -> int:
    """Close the applications of every published lot whose deadline has passed. Returns how
    many lots were closed; a lot closed meanwhile (by the buyer or a parallel run) is skipped."""
    now = timezone.now()
    closed = 0
    for lot_id in list(selectors.lots_due_for_closing(now=now).values_list("pk", flat=True)):
        try:
            scheduling.lot_applications_close(lot_id=lot_id, now=now)
        except ApplicationError as exc:
            logger.info("lot %s not closed: %s", lot_id, exc.code)
            continue
        closed += 1
    return closed
