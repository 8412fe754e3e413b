"""The lots' snapshots this process has read for sockets that connect (issue 21, connect path).

Every socket joining a lot gets the same viewer-independent snapshot (``selectors.lot_snapshot``:
the lot's public state and its standing rows), rendered per viewer by ``standing.render``. So
it is read once per lot *version* and shared: a crowd reconnecting to a lot costs one read of
its rows, not one per socket. Only that shared part is kept here, never a viewer's view.

The version is the head of the lot's hash chain, ``(event_seq, last_hash)``: every change a
viewer can see (a bid, a state change, an admission, a withdrawal...) appends an event under the
lot's lock and moves it, in the same transaction as the change (``events.event_append``; the
protocol already relies on it: a socket drops a change whose seq it has seen). A socket reads
the head first (one small query) and takes the cached snapshot only if it was made at exactly
that head; a newer head misses and reads the rows again. The hash, not just the number, makes
a key that a different lot history (a recreated id, a restored database) cannot match.

Draft lots are not cached: their edits (``lot_update``) change the lot without an event.

Kept per process, bounded (least recently used lots go first), one entry (the newest head
seen) per lot; a plain lock guards it, as the reads run in the database threads. A crowd that
misses together (a restarted process, 1,000 sockets reconnecting at once: ``make bench``'s
storm waited 9 s for its first snapshot as every socket read the lot) reads once:
``snapshot_shared`` lets one thread read a lot's head while the others wait for it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

MAX_LOTS = 1000

Head = tuple[int, str]

_lock = threading.Lock()
_snapshots: OrderedDict[int, tuple[Head, dict]] = OrderedDict()
_reading: dict[tuple[int, Head], threading.Event] = {}  # (lot, head) being read -> done
WAIT_SECONDS = 10.0  # a reader that takes longer than this is not waited for


def snapshot_shared(lot_id: int, head: Head, read: Callable[[], tuple[Head, dict]]) -> dict:
    """The snapshot at ``head``: cached, or read by ``read`` (which returns the head it read
    at and the snapshot) in this thread, or, while another thread reads the same head, that
    thread's. A reader that read a newer head than asked still answers with what it read (a
    socket takes the newest state it can get)."""
    key = (lot_id, head)
    while True:
        with _lock:
            entry = _snapshots.get(lot_id)
            if entry is not None and entry[0] == head:
                _snapshots.move_to_end(lot_id)
                return entry[1]
            done = _reading.get(key)
            if done is None:
                done = _reading[key] = threading.Event()
                break
        if not done.wait(WAIT_SECONDS):
            return read()[1]  # the other reader is stuck: do not queue behind it
        with _lock:
            entry = _snapshots.get(lot_id)
            if entry is not None and entry[0][0] >= head[0]:
                return entry[1]
    try:
        read_head, snapshot = read()
        snapshot_remember(lot_id, read_head, snapshot)
        return snapshot
    finally:
        with _lock:
            _reading.pop(key, None)
        done.set()


def snapshot_cached(lot_id: int, head: Head) -> dict | None:
    """The snapshot made at exactly ``head`` of the lot's chain, or None."""
    with _lock:
        entry = _snapshots.get(lot_id)
        if entry is None or entry[0] != head:
            return None
        _snapshots.move_to_end(lot_id)
        return entry[1]


def snapshot_remember(lot_id: int, head: Head, snapshot: dict) -> None:
    """Keep ``snapshot``, read with the lot at ``head`` (never replaced by an older head)."""
    with _lock:
        entry = _snapshots.get(lot_id)
        if entry is not None and entry[0][0] > head[0]:
            return
        _snapshots[lot_id] = (head, snapshot)
        _snapshots.move_to_end(lot_id)
        while len(_snapshots) > MAX_LOTS:
            _snapshots.popitem(last=False)


def snapshot_cache_clear() -> None:
    with _lock:
        _snapshots.clear()
