"""A batch of bids as the bid workers run it (``bid_workers``), in a worker process or in a
thread of the server: the group commit (``bidding.place.bids_commit``) with its answers and its
broadcasts, and what crosses the pipe between a server process and its workers (plain tuples:
a bidder's user id, not its user object; an error by its class name and code).

A worker process runs ``serve``; ``bid_worker_main`` imports this module once Django is set up.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.core import exceptions
from marketplace.core.exceptions import ApplicationError

from ..bidding.outcomes import BidRejected, BidRequest, BidResult, Placed
from ..bidding.place import bids_commit
from ..models import Bid
from .broadcast import lot_changed_message

logger = logging.getLogger(__name__)


def broadcasts_of(placed: Placed) -> list[tuple[str, dict]]:
    """A committed batch's changes as the hub sends them: (group, message)."""
    return [
        lot_changed_message(lot_id=c.lot_id, kinds=c.kinds, snapshot=c.snapshot)
        for c in placed.changes
    ]


class WorkerUnavailable(ApplicationError):
    status_code = 503
    code = "bid_worker_unavailable"


def unavailable(language: str | None) -> WorkerUnavailable:
    with translation.override(language or settings.LANGUAGE_CODE):
        return WorkerUnavailable(_("The bid could not be placed just now. Send it again."))


def serve(conn, database_name: str) -> None:
    """A worker's life (``bid_worker_main`` calls this once Django is set up): take every bid
    that has arrived, one batch per lot in arrival order, answer them, and again, until the
    server closes the pipe."""
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
            conn.send(run_group(group))


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


def run_group(group: list[tuple[int, list]]) -> tuple[list, list]:
    """Place the batches of ``group`` (lot id, [(request id, row)]) in one transaction
    (``bidding.place.bids_commit``): every bid's answer, and the broadcasts to send."""
    batches = [(lot_id, [request_from_row(row) for _id, row in items]) for lot_id, items in group]
    try:
        placed = bids_commit(batches)
    except Exception:  # not a rule's refusal: the database, say. Each bid hears of it.
        logger.exception("bid batch for lots %s failed", [lot_id for lot_id, _items in group])
        close_old_connections()  # a broken connection is not kept for the next batch
        return [
            (request_id, encode(unavailable(row[5])))
            for _lot_id, items in group
            for request_id, row in items
        ], []
    return [
        (request_id, encode(o))
        for (_lot_id, items), lot_outcomes in zip(group, placed.outcomes, strict=True)
        for (request_id, _row), o in zip(items, lot_outcomes, strict=True)
    ], broadcasts_of(placed)


def request_row(r) -> tuple:
    return (
        r.application_id,
        r.user.pk,
        str(r.amount),
        r.client_bid_id,
        bool(r.confirm),
        r.language,
    )


def request_from_row(row: tuple):
    """The request as the bid path takes it. The bidder is a user with only its id (the rest
    deferred, as ``only("id")`` leaves it): the bid path reads nothing else of it, and
    ``User(pk=...)`` gave every other field its default instead (16 µs a bid, against 4)."""
    application_id, user_id, amount, client_bid_id, confirm, language = row
    model = get_user_model()
    return BidRequest(
        application_id=application_id,
        user=model.from_db(DEFAULT_DB_ALIAS, [model._meta.pk.attname], [user_id]),
        amount=amount,
        client_bid_id=client_bid_id,
        confirm=confirm,
        language=language,
    )


def encode(outcome) -> tuple:
    if isinstance(outcome, ApplicationError):
        return ("error", type(outcome).__name__, outcome.code, outcome.message, outcome.status_code)
    bid = outcome.bid
    return (
        "bid",
        bid.pk,
        str(bid.amount),
        bid.kind,
        bid.client_bid_id,
        bid.placed_at.isoformat(),
        outcome.duplicate,
        outcome.extended,
    )


@functools.cache
def _error_classes() -> dict[str, type]:
    found = [BidRejected, WorkerUnavailable] + [
        v
        for v in vars(exceptions).values()
        if isinstance(v, type) and issubclass(v, ApplicationError)
    ]
    return {cls.__name__: cls for cls in found}


def decode(row: tuple):
    if row[0] == "error":
        _kind, name, code, message, status_code = row
        cls = _error_classes().get(name, ApplicationError)
        return cls(message, code=code, status_code=status_code)
    _kind, pk, amount, kind, client_bid_id, placed_at, duplicate, extended = row
    bid = Bid(
        pk=pk,
        amount=Decimal(amount),
        kind=kind,
        client_bid_id=client_bid_id,
        placed_at=datetime.fromisoformat(placed_at),
    )
    return BidResult(bid=bid, duplicate=duplicate, extended=extended)
