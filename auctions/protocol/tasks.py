"""The stored protocol of a lot: written by a Celery task after the lot closes and again after
it is awarded (``protocol_schedule`` is called inside the closing or awarding transaction and
enqueues the task once that transaction commits)."""

from __future__ import annotations

import logging

from celery import shared_task

from marketplace.core.background import task_on_commit

from .storage import protocol_store

logger = logging.getLogger(__name__)


def protocol_schedule(lot_id: int) -> None:
    """Enqueue ``protocol_generate`` for ``lot_id`` when the current transaction commits (at
    once outside a transaction; under the embedded default in the background, not in the
    request). Call it from the service that closed or awarded the lot."""
    task_on_commit(protocol_generate, lot_id)


# The explicit name is the one the task had when it lived in ``auctions/protocol_tasks.py``:
# messages already queued (and retries waiting in the broker) carry it, and a worker that did
# not know it would drop them.
@shared_task(
    name="auctions.protocol_tasks.protocol_generate", bind=True, acks_late=True, max_retries=5
)
def protocol_generate(self, lot_id: int) -> int | None:
    """Store the buyer's PDF of the lot as its chain stands now. Safe to run twice: a copy
    already stored for the same chain head is kept. Returns the ``LotProtocol`` id, or None for
    a lot that is gone or not finished."""
    try:
        stored = protocol_store(lot_id=lot_id)
    except OSError as exc:  # the storage is unavailable: try again later
        logger.warning("protocol of lot %s not stored yet: %s", lot_id, exc)
        raise self.retry(exc=exc, countdown=30 * (2**self.request.retries)) from exc
    return stored.pk if stored is not None else None
