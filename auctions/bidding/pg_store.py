"""The bid path's store on PostgreSQL: a batch's reads in one pipelined round trip
(``pg_reads``), its writes held until the end of the batch and sent as one statement
(``pg_writes``), and that statement sent with the COMMIT (``OneCommit``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence

from django.db import connection
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, NotFoundError

from ..events import LOT_CHAIN_FIELDS
from ..models import Application, Bid, Lot, LotEvent
from . import pg_reads, pg_writes
from .batch import BatchReads


class DeferredWrites:
    """The rows a batch of bids writes, held until ``flush`` writes them in one statement: the
    bids (their ids taken from their sequence first, so each event can name its bid), their
    events, the standings and the lot's row."""

    deferred = True

    def __init__(self, *, expected: int = 1, ids: Iterable[int] = ()):
        self.expected = expected
        self.bids: list[Bid] = []
        self.events: list[LotEvent] = []
        self.standings: dict[int, Application] = {}
        self._ids: list[int] = list(ids)  # taken from the bids' sequence already

    def bid(self, bid: Bid) -> None:
        if not self._ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Bid._meta.db_table, max(2, self.expected - len(self.bids) + 1)],
                )
                self._ids = [row[0] for row in cursor.fetchall()]
        bid.pk = self._ids.pop(0)
        self.bids.append(bid)

    def standing(self, application: Application) -> None:
        self.standings[application.pk] = application

    def flush(self, *, lot: Lot | None = None, lot_fields=()) -> None:
        """Write what the batch holds, and ``lot``'s ``lot_fields`` (with its event chain)."""
        flush_together([(self, lot)], lot_fields=lot_fields)


def flush_together(held: Sequence[tuple[DeferredWrites, Lot | None]], *, lot_fields=()) -> None:
    """Write what several lots' batches hold, and each lot's ``lot_fields`` (with its event
    chain), in one statement: a transaction's lots (``place.bids_commit``)."""
    bids = [b for writes, _lot in held for b in writes.bids]
    lots = [lot for _writes, lot in held if lot is not None]
    pg_writes.write(
        bids=bids,
        events=[e for writes, _lot in held for e in writes.events],
        standings=[a for writes, _lot in held for a in writes.standings.values()],
        lots=lots,
        lot_fields=set(lot_fields) | set(LOT_CHAIN_FIELDS) if lots else (),
    )
    for row in bids:  # saved, as bulk_create leaves them
        row._state.adding, row._state.db = False, connection.alias
    for writes, _lot in held:
        writes.bids, writes.events, writes.standings = [], [], {}


class OneCommit:
    """The writes and the COMMIT in one round trip. In pipeline mode a write is only queued, and
    the commit (the atomic block's exit) sends it and syncs; an error of the write (a resend's
    constraint) raises there, and the atomic block rolls back as for any failed commit. The
    pipeline closes after it (``stack`` is entered before the block). Inside a caller's
    transaction (``stack`` None) the block's exit is a savepoint's release, which would not
    sync: there each write is sent at once."""

    def __init__(self, stack: contextlib.ExitStack | None):
        self.stack = stack

    def before_write(self) -> None:
        if self.stack is not None:
            self.stack.enter_context(connection.connection.pipeline())
            self.stack = None  # once: later lots' writes join the same pipeline


class PostgresStore:
    def read(self, *, lot_id: int, items: list, roles) -> BatchReads:
        reads = _found(pg_reads.read(lot_id=lot_id, items=items, roles=roles))
        if isinstance(reads, ApplicationError):
            raise reads
        return reads

    def read_lots(
        self, *, batches: list[tuple[int, list]], roles
    ) -> list[BatchReads | ApplicationError]:
        """Several lots' reads in one round trip (``pg_reads.read_lots``)."""
        return [_found(reads) for reads in pg_reads.read_lots(batches, roles=roles)]

    def earlier(self, *, lot: Lot, pairs: list[tuple[int, str]]) -> dict:
        return pg_reads.earlier(lot_id=lot.pk, pairs=pairs)

    def writes(self, *, expected: int, ids: list[int]) -> DeferredWrites:
        return DeferredWrites(expected=expected, ids=ids)

    def flush_lots(self, held: list[tuple[DeferredWrites, Lot]], *, lot_fields) -> None:
        """The held writes of a transaction's lots, in one statement."""
        if held:
            flush_together(held, lot_fields=lot_fields)

    def before_write(self, stack: contextlib.ExitStack | None) -> Callable[[], None]:
        return OneCommit(stack).before_write


def _found(reads: BatchReads | None) -> BatchReads | ApplicationError:
    return NotFoundError(_("No such lot."), code="lot_not_found") if reads is None else reads
