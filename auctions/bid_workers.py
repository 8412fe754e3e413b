"""Bid batches in worker processes (``AUCTION_BID_WORKERS = N``), or in a thread (``0``).

A Python process runs one thread at a time. In a websocket server the event loop reads,
answers and fans out every socket's frames, and each batch of bids (``services.bids_place``:
the ORM's work under the lot's lock) competes with it for that one thread; ``make bench``
measured the hot lot bound by it. With ``AUCTION_BID_WORKERS = N`` each server process starts
N worker processes (``spawn``; each a Django of its own with its own database connection) and
sends them the bids, a lot always to the same worker (``lot id mod N``):

- The hub sends each bid the moment it arrives, down a pipe, as plain data (the bidder's user
  id, not its user object).
- The worker batches: when it finishes a batch it takes every bid that arrived meanwhile, per
  lot in arrival order, into the next (group commit at the point where a lot's bids serialise
  anyway, so the worker is never idle while bids wait). The lots of a batch share one
  transaction and one COMMIT (``services.bids_place_lots``, at most ``bid_batch_max`` bids).
- It answers each bid and returns the batch's broadcast instead of sending it; the hub's loop
  reads the answers from the pipe, resolves the waiting bids and sends the broadcasts, in the
  order the worker committed them.

With ``AUCTION_BID_WORKERS = 0`` (the embedded default) ``hub._BidQueue`` batches in the server
process and ``place_here`` runs the batch in a thread. Either way the batch is ``bids_place``,
nothing is answered before its commit, and broadcasts leave after it.

A worker that dies fails the bids it held (each socket answers its bid with an error; a bid that
did commit is found again by its ``client_bid_id`` when resent) and the next bid starts a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import logging
import os
import weakref
from datetime import datetime
from decimal import Decimal
from multiprocessing import get_context

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.core.asyncdb import db_async
from marketplace.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)


def workers() -> int:
    return max(0, int(getattr(settings, "AUCTION_BID_WORKERS", 0) or 0))


@db_async
def place_here(lot_id: int, requests: list) -> tuple[list, list]:
    """A batch in a thread of this process: its outcomes and the broadcasts to send."""
    from .broadcast import captured
    from .services import bids_place

    with captured() as broadcasts:
        outcomes = bids_place(lot_id=lot_id, requests=requests)
    return outcomes, broadcasts


class WorkerUnavailable(ApplicationError):
    status_code = 503
    code = "bid_worker_unavailable"


def unavailable(language: str | None) -> WorkerUnavailable:
    with translation.override(language or settings.LANGUAGE_CODE):
        return WorkerUnavailable(_("The bid could not be placed just now. Send it again."))


# --- the server side ---------------------------------------------------------------------------


_started: weakref.WeakSet = weakref.WeakSet()


def close_all() -> None:
    """Stop every worker process this process started (a test's teardown: a hub goes with its
    event loop, and a worker it leaves running keeps its database session)."""
    for workers in list(_started):
        workers.close()


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
            conn.send((request_id, lot_id, _request_row(request)))
        except (OSError, ValueError):
            self._lost(index)
        return await future

    def _conn(self, index: int):
        proc = self.procs[index]
        if proc is None or not proc.is_alive():
            if proc is not None:
                self._lost(index)
            context = get_context("spawn")
            ours, theirs = context.Pipe(duplex=True)
            proc = context.Process(
                target=worker_main, name=f"bid-worker-{index}", daemon=True,
                args=(theirs, os.environ.get("DJANGO_SETTINGS_MODULE", "marketplace.settings"),
                      settings.DATABASES["default"]["NAME"]),  # as this process uses it (tests)
            )  # fmt: skip
            proc.start()
            theirs.close()
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
                future.set_result(_decode(encoded))
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


# --- the worker process ------------------------------------------------------------------------


def worker_main(conn, settings_module: str, database_name: str) -> None:
    """A worker's life: take every bid that has arrived, one batch per lot in arrival order,
    answer them, and again, until the server closes the pipe."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()
    from django.db import connections

    settings.DATABASES["default"]["NAME"] = database_name
    connections["default"].settings_dict["NAME"] = database_name
    while True:
        try:
            arrived = [conn.recv()]
            while conn.poll():
                arrived.append(conn.recv())
        except (EOFError, OSError):
            return
        lots: dict[int, list] = {}
        for request_id, lot_id, row in arrived:
            lots.setdefault(lot_id, []).append((request_id, row))
        for group in groups(list(lots.items()), bid_batch_max()):
            conn.send(_run(group))


def bid_batch_max() -> int:
    """Bids in one transaction: a lot's queue in the hub takes at most this many, and a
    worker's transaction of several lots too (a lot with more has one of its own)."""
    return getattr(settings, "AUCTION_BID_BATCH_MAX", 64)


def groups(lots: list[tuple[int, list]], most: int) -> list[list[tuple[int, list]]]:
    """The lots' batches, in order, as transactions of at most ``most`` bids each."""
    out: list[list[tuple[int, list]]] = []
    size = 0
    for lot in lots:
        if not out or size + len(lot[1]) > most:
            out.append([])
            size = 0
        out[-1].append(lot)
        size += len(lot[1])
    return out


def _run(group: list[tuple[int, list]]) -> tuple[list, list]:
    """Place the batches of ``group`` (lot id, [(request id, row)]) in one transaction
    (``services.bids_place_lots``): every bid's answer, and the broadcasts to send."""
    from django.db import close_old_connections

    from .broadcast import captured
    from .services import bids_place_lots

    batches = [(lot_id, [_request_from_row(row) for _id, row in items]) for lot_id, items in group]
    try:
        with captured() as broadcasts:
            outcomes = bids_place_lots(batches)
    except Exception:  # not a rule's refusal: the database, say. Each bid hears of it.
        logger.exception("bid batch for lots %s failed", [lot_id for lot_id, _items in group])
        close_old_connections()  # a broken connection is not kept for the next batch
        return [
            (request_id, _encode(unavailable(row[5])))
            for _lot_id, items in group
            for request_id, row in items
        ], []
    return [
        (request_id, _encode(o))
        for (_lot_id, items), lot_outcomes in zip(group, outcomes, strict=True)
        for (request_id, _row), o in zip(items, lot_outcomes, strict=True)
    ], broadcasts


# --- what crosses the pipe ---------------------------------------------------------------------


def _request_row(r) -> tuple:
    return (r.application_id, r.user.pk, str(r.amount), r.client_bid_id, bool(r.confirm),
            r.language)  # fmt: skip


def _request_from_row(row: tuple):
    from django.contrib.auth import get_user_model

    from .services import BidRequest

    application_id, user_id, amount, client_bid_id, confirm, language = row
    return BidRequest(application_id=application_id, user=get_user_model()(pk=user_id),
                      amount=amount, client_bid_id=client_bid_id, confirm=confirm,
                      language=language)  # fmt: skip


def _encode(outcome) -> tuple:
    if isinstance(outcome, ApplicationError):
        return ("error", type(outcome).__name__, outcome.code, outcome.message,
                outcome.status_code)  # fmt: skip
    bid = outcome.bid
    return ("bid", bid.pk, str(bid.amount), bid.kind, bid.client_bid_id,
            bid.placed_at.isoformat(), outcome.duplicate, outcome.extended)  # fmt: skip


@functools.cache
def _error_classes() -> dict[str, type]:
    from marketplace.core import exceptions

    from .services import BidRejected

    found = [BidRejected, WorkerUnavailable] + [
        v for v in vars(exceptions).values()
        if isinstance(v, type) and issubclass(v, ApplicationError)
    ]  # fmt: skip
    return {cls.__name__: cls for cls in found}


def _decode(row: tuple):
    from .models import Bid
    from .services import BidResult

    if row[0] == "error":
        _kind, name, code, message, status_code = row
        cls = _error_classes().get(name, ApplicationError)
        return cls(message, code=code, status_code=status_code)
    _kind, pk, amount, kind, client_bid_id, placed_at, duplicate, extended = row
    bid = Bid(pk=pk, amount=Decimal(amount), kind=kind, client_bid_id=client_bid_id,
              placed_at=datetime.fromisoformat(placed_at))  # fmt: skip
    return BidResult(bid=bid, duplicate=duplicate, extended=extended)
