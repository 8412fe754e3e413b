"""Bid batches in worker processes (``AUCTION_BID_WORKERS = N``), or in a thread (``0``).

A Python process runs one thread at a time. In a websocket server the event loop reads,
answers and fans out every socket's frames, and each batch of bids (``bidding.place.bids_commit``:
the ORM's work under the lot's lock) competes with it for that one thread; ``make bench``
measured the hot lot bound by it. With ``AUCTION_BID_WORKERS = N`` each server process starts
N worker processes (forked before it listens, else spawned: ``prespawn``; each a Django of its
own with its own database connection) and sends them the bids, a lot always to the same worker
(``lot id mod N``):

- The hub sends each bid the moment it arrives, down a pipe, as plain data (the bidder's user
  id, not its user object).
- The worker batches: when it finishes a batch it takes every bid that arrived meanwhile, per
  lot in arrival order, into the next (group commit at the point where a lot's bids serialise
  anyway, so the worker is never idle while bids wait). The lots of a batch share one
  transaction and one COMMIT (``bidding.place.bids_commit``, at most ``bid_batch_max`` bids).
- It answers each bid and returns the batch's broadcast instead of sending it; the hub's loop
  reads the answers from the pipe, resolves the waiting bids and sends the broadcasts, in the
  order the worker committed them.

With ``AUCTION_BID_WORKERS = 0`` (the embedded default) ``hub._BidQueue`` batches in the server
process and ``place_here`` runs the batch in a thread. Either way the batch is ``bids_commit``,
nothing is answered before its commit, and broadcasts leave after it.

A worker that dies fails the bids it held (each socket answers its bid with an error; a bid that
did commit is found again by its ``client_bid_id`` when resent) and the next bid starts a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import multiprocessing
import os
import threading
import weakref
from multiprocessing import get_context

from django.conf import settings
from django.db import connections

from marketplace.core.asyncdb import db_async

from ..bidding.place import bids_commit
from . import bid_worker_main
from .bid_batches import broadcasts_of, decode, request_row, unavailable

logger = logging.getLogger(__name__)


def workers() -> int:
    return max(0, int(getattr(settings, "AUCTION_BID_WORKERS", 0) or 0))


@db_async
def place_here(lot_id: int, requests: list) -> tuple[list, list]:
    """A batch in a thread of this process: its outcomes and the broadcasts to send."""
    placed = bids_commit([(lot_id, requests)])
    return placed.outcomes[0], broadcasts_of(placed)


# --- the server side ---------------------------------------------------------------------------


_started: weakref.WeakSet = weakref.WeakSet()
_early: dict[int, tuple] = {}  # index -> (process, pipe end) started by ``prespawn``


def prespawn() -> None:
    """Start this server's worker processes now, before it listens (``daphne_tuning`` calls it
    as Daphne builds its websocket factory). The first event loop's ``Workers`` adopts them.

    Forked, when this process is still only its imports (``_forkable``): a worker then starts
    with Django loaded, at once. A spawned worker imports and sets up Django itself, a second
    or two of CPU each, and it was still doing so as the crowd reconnecting after a restart
    arrived: with two workers, a fresh Daphne opened 514 sockets a second for 1,000 different
    suppliers, against 871 with none (``make bench``, idle and storm)."""
    fork = _forkable()
    for index in range(workers()):
        if index not in _early:
            _early[index] = _spawn(index, fork=fork)


def _forkable() -> bool:
    """May a worker be forked from this process now? Only while nothing runs in it but its
    main thread and no database connection is open (the child would share the connection's
    socket): as Daphne builds its factories, before its reactor and the apps' threads start.
    Later (a worker replaced while the server serves) workers are spawned."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
        and not any(c.connection is not None for c in connections.all(initialized_only=True))
    )


def _spawn(index: int, *, fork: bool = False) -> tuple:
    context = get_context("fork") if fork else get_context("spawn")
    ours, theirs = context.Pipe(duplex=True)
    args = (
        theirs,
        os.environ.get("DJANGO_SETTINGS_MODULE", "marketplace.settings"),
        settings.DATABASES["default"]["NAME"],  # as this process uses it (tests)
    )
    proc = context.Process(
        target=_forked_main if fork else bid_worker_main.main,
        name=f"bid-worker-{index}",
        daemon=True,
        args=(*args, [ours, *(conn for _proc, conn in _early.values())]) if fork else args,
    )
    proc.start()
    theirs.close()
    return proc, ours


def _forked_main(conn, settings_module: str, database_name: str, servers_ends: list) -> None:
    """A forked worker's start: it closes the server's ends of every worker's pipe, which it
    inherited (a worker ends when its server's end closes, and a copy held here would keep it
    open), then serves as a spawned worker does."""
    for end in servers_ends:
        end.close()
    bid_worker_main.main(conn, settings_module, database_name)


def close_all() -> None:
    """Stop every worker process this process started (a test's teardown: a hub goes with its
    event loop, and a worker it leaves running keeps its database session)."""
    for workers in list(_started):
        workers.close()
    while _early:  # started before a server listened, never adopted
        _index, (proc, conn) = _early.popitem()
        conn.close()
        proc.join(10)
        if proc.is_alive():
            proc.kill()


class Workers:
    """The worker processes of one event loop (one server process), started on first use."""

    def __init__(self, count: int, send):
        _started.add(self)
        self.count = count
        self.send = send  # coroutine function: the hub's, for the broadcasts (group, message)
        self.procs: list = [None] * count
        self.conns: list = [None] * count
        # request id -> (worker, future, the bidder's language)
        self.waiting: dict[int, tuple[int, asyncio.Future, str | None]] = {}
        self.ids = itertools.count(1)
        self.sending: asyncio.Task | None = None

    def start(self) -> None:
        for index in range(self.count):
            self._conn(index)

    async def bid(self, lot_id: int, request):
        index = lot_id % self.count
        conn = self._conn(index)
        request_id = next(self.ids)
        future = asyncio.get_running_loop().create_future()
        self.waiting[request_id] = (index, future, request.language)
        try:
            conn.send((request_id, lot_id, request_row(request)))
        except (OSError, ValueError):
            self._lost(index)
        return await future

    def _conn(self, index: int):
        proc = self.procs[index]
        if proc is None or not proc.is_alive():
            if proc is not None:
                self._lost(index)
            early = _early.pop(index, None)
            proc, ours = early if early and early[0].is_alive() else _spawn(index)
            self.procs[index], self.conns[index] = proc, ours
            asyncio.get_running_loop().add_reader(ours.fileno(), self._readable, index)
        return self.conns[index]

    def _readable(self, index: int) -> None:
        conn = self.conns[index]
        try:
            while conn.poll():
                self._answer(conn.recv())
        except (EOFError, OSError):
            self._lost(index)

    def _answer(self, message) -> None:
        answers, broadcasts = message
        for request_id, encoded in answers:
            _index, future, _language = self.waiting.pop(request_id, (None, None, None))
            if future is not None and not future.done():
                future.set_result(decode(encoded))
        if broadcasts:  # after the previous batch's, so a lot's changes leave in order
            self.sending = asyncio.ensure_future(chain(self.sending, self.send(broadcasts)))

    def _lost(self, index: int) -> None:
        conn, proc = self.conns[index], self.procs[index]
        self.conns[index] = self.procs[index] = None
        if conn is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(conn.fileno())
            conn.close()
        if proc is not None and proc.is_alive():
            proc.kill()
        logger.error("bid worker %s stopped; its waiting bids are refused", index)
        for request_id, (worker, future, language) in list(self.waiting.items()):
            if worker == index:
                del self.waiting[request_id]
                if not future.done():
                    future.set_result(unavailable(language))

    def close(self) -> None:
        for index in range(self.count):
            conn, proc = self.conns[index], self.procs[index]
            if conn is not None:
                with contextlib.suppress(Exception):
                    asyncio.get_running_loop().remove_reader(conn.fileno())
                conn.close()  # the worker reads the end of its pipe and exits
            if proc is not None:
                proc.join(10)
                if proc.is_alive():
                    proc.kill()
            self.conns[index] = self.procs[index] = None


async def chain(previous: asyncio.Future | None, coro) -> None:
    """Run ``coro`` once ``previous`` (the last broadcast sent) is done."""
    if previous is not None:
        await asyncio.wait([previous])
    await coro
