"""The lot's protocol: an append-only log in which each entry carries the previous one's hash.

``event_append`` must be called while holding the lot's row lock (``lock_objects.lot_lock``):
the sequence number and the previous hash come from the locked lot row, and the caller saves the
lot (its ``event_seq`` and ``last_hash`` with its other changes) in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .models import Lot, LotEvent

GENESIS_HASH = "0" * 64
LOT_CHAIN_FIELDS = ["event_seq", "last_hash"]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical_payload(payload: dict) -> dict:
    """The payload as it is stored: Decimals and datetimes as strings (what a JSON round trip
    leaves). A flat payload of plain values (every bid's) is converted directly: the round trip
    was a sixth of writing a bid's event."""
    flat = {}
    for key, value in payload.items():
        kind = type(key)
        if kind is not str:
            break
        kind = type(value)
        if kind is str or kind is int or kind is bool or value is None:
            flat[key] = value
        elif kind is Decimal:
            flat[key] = str(value)
        elif kind is datetime:
            flat[key] = value.isoformat()
        elif isinstance(value, str):  # a text choice: its text, as JSON writes it
            flat[key] = str.__str__(value)
        else:
            break
    else:
        return flat
    return json.loads(json.dumps(payload, default=_default))


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    kind: str,
    created_at: datetime,
    actor_id: int | None,
    payload: dict,
) -> str:
    body = json.dumps(
        {
            "seq": seq,
            "kind": kind,
            "at": created_at.isoformat(),
            "actor": actor_id,
            "payload": payload,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def event_append(
    *,
    lot: Lot,
    kind: str,
    payload: dict | None = None,
    actor=None,
    at: datetime | None = None,
    pending: list | None = None,
) -> LotEvent:
    """Append an event to ``lot``'s chain (the lot must be locked; the caller saves the lot).

    ``pending``: a list to add the (complete, hashed) row to instead of inserting it now; the
    caller inserts the list in order in the same transaction (the bid path's group commit)."""
    # Stored and hashed in UTC, so the hash read back from the database is the same.
    at = (at or timezone.now()).astimezone(UTC)
    stored = canonical_payload(payload or {})
    seq = lot.event_seq + 1
    prev = lot.last_hash or GENESIS_HASH
    actor_id = actor.pk if actor is not None else None
    digest = event_hash(
        prev_hash=prev, seq=seq, kind=kind, created_at=at, actor_id=actor_id, payload=stored
    )
    event = LotEvent(
        lot=lot,
        seq=seq,
        kind=kind,
        payload=stored,
        actor_id=actor_id,
        created_at=at,
        prev_hash=prev,
        hash=digest,
    )
    if pending is None:
        event.save(force_insert=True)
    else:
        pending.append(event)
    lot.event_seq = seq
    lot.last_hash = digest
    return event


def lot_save(lot: Lot, fields) -> None:
    """Save the lot's ``fields`` with its chain's head (which ``event_append`` moved)."""
    lot.save(update_fields=sorted(set(fields) | set(LOT_CHAIN_FIELDS)))


def chain_verify(*, lot_id: int) -> tuple[bool, int | None, str]:
    """Check a lot's chain. Returns (ok, first broken seq or None, explanation)."""
    prev = GENESIS_HASH
    expected_seq = 1
    for event in LotEvent.objects.filter(lot_id=lot_id).order_by("seq").iterator():
        if event.seq != expected_seq:
            return False, event.seq, f"entry {event.seq}: expected sequence number {expected_seq}"
        if event.prev_hash != prev:
            return (
                False,
                event.seq,
                f"entry {event.seq}: does not point to the previous entry's hash",
            )
        digest = event_hash(
            prev_hash=prev,
            seq=event.seq,
            kind=event.kind,
            created_at=event.created_at,
            actor_id=event.actor_id,
            payload=event.payload,
        )
        if digest != event.hash:
            return False, event.seq, f"entry {event.seq}: its content does not match its hash"
        prev = event.hash
        expected_seq += 1
    lot = Lot.objects.filter(pk=lot_id).values("event_seq", "last_hash").first()
    if lot and (lot["event_seq"] != expected_seq - 1 or (lot["last_hash"] or GENESIS_HASH) != prev):
        return False, expected_seq, "the lot's head does not match the last entry (entries missing)"
    return True, None, f"{expected_seq - 1} entries, final hash {prev}"
