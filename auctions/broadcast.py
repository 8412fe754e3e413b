"""Tell the lot's websocket group that the lot changed, once the transaction has committed.

The message carries only the lot id and the new event sequence number; each consumer renders
the view its own participant may see from the database (the database is the truth, the socket
is a feed)."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def lot_group(lot_id: int) -> str:
    return f"lot.{lot_id}"


def _send(lot_id: int, seq: int, kinds: list[str]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            lot_group(lot_id), {"type": "lot.changed", "lot": lot_id, "seq": seq, "kinds": kinds}
        )
    except Exception:  # a failed broadcast must never undo or fail a committed change
        logger.exception("broadcast of lot %s seq %s failed", lot_id, seq)


def lot_changed_on_commit(*, lot_id: int, seq: int, kinds: list[str]) -> None:
    transaction.on_commit(lambda: _send(lot_id, seq, kinds))
