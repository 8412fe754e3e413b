"""Tell the lot's websocket group that the lot changed, once the transaction has committed.

After the commit one snapshot of the lot is read (``selectors.lot_snapshot``) and sent once to
the lot's group; each consumer renders its own participant's view of it with the pure
``standing.render``, so no consumer queries the database per change. The snapshot carries
every bidder's name: it travels only between server processes, never to a client as it is.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from ..selectors import lot_get, lot_snapshot

logger = logging.getLogger(__name__)


def lot_group(lot_id: int) -> str:
    return f"lot.{lot_id}"


def company_group(company_id: int) -> str:
    """A company's sockets in one process (the hub's, local: not a group on the layer)."""
    return f"company.{company_id}"


# The layer group every process's hub joins for the companies' access changes: rare messages,
# each handed by a hub to its own sockets of that company.
ACCESS_GROUP = "access"


def _group_send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a failed broadcast must never undo or fail a committed change
        logger.exception("broadcast to %s failed", group)


def lot_changed_message(*, lot_id: int, kinds: list[str], snapshot: dict) -> tuple[str, dict]:
    """The group and the message of a lot's change. The bid path's callers that send from an
    event loop (the hub, with what a bid worker handed back) send these themselves."""
    return lot_group(lot_id), {
        "type": "lot.changed",
        "lot": lot_id,
        "seq": snapshot["seq"],
        "kinds": kinds,
        "snapshot": snapshot,
    }


def lot_changed_now(*, lot_id: int, kinds: list[str], snapshot: dict | None = None) -> None:
    if snapshot is None:
        snapshot = lot_snapshot(lot=lot_get(lot_id=lot_id))
    _group_send(*lot_changed_message(lot_id=lot_id, kinds=kinds, snapshot=snapshot))


def lot_changed_on_commit(*, lot_id: int, kinds: list[str], snapshot: dict | None = None) -> None:
    """Broadcast after the commit. ``snapshot``, when the caller made it from the state it
    just wrote (under the lot's lock), saves reading the lot again."""
    transaction.on_commit(lambda: lot_changed_now(lot_id=lot_id, kinds=kinds, snapshot=snapshot))


def company_access_changed_now(*, company_id: int) -> None:
    """A company's right to take part may have changed (verification, admission): its open
    sockets re-check their access at once and close if it is gone. Called by the listener of
    the ``company.access_changed`` and ``application.rejected`` events (``listeners.py``)."""
    _group_send(ACCESS_GROUP, {"type": "access.changed", "company": company_id})
