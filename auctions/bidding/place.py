"""The bid path: a supplier's bid (``bid_place``), the buyer's bid for a supplier
(``surrogate_bid_place``), and batches of bids on one lot or several (``bids_place``,
``bids_place_lots``: the group commit of the bid workers).

Every bid takes the lot's row lock, re-checks the lot's state and the server's clock under it,
asks the lot's format whether the rules accept it (``auctions.formats``), records it through
the one writer (``writer``), saves the lot once, and schedules the broadcast for after the
commit. A late bid and the close therefore serialise on the same row: whichever comes second
sees what the first one did."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.verification.selectors import company_can_trade

from ..formats import format_of
from ..models import Application, BidKind, Lot, LotStatus
from ..participation import (
    BIDDER_ROLES,
    bidder_application,
    not_live_message,
    participation_check,
    require_buyer,
)
from ..realtime.broadcast import lot_changed_on_commit
from ..selectors import lot_snapshot
from .batch import BatchReads
from .inputs import parse_amount, parse_client_bid_id
from .outcomes import BidFailed, BidItem, BidRejected, BidRequest, BidResult, LotChanged, Placed
from .proxy import run_proxies
from .store import bid_store
from .writer import record_bid, record_sealed_offer

logger = logging.getLogger(__name__)

# The lot's columns an accepted bid changes (besides its event chain's).
LOT_BID_FIELDS = ("best_amount", "best_application", "bid_count", "ends_at", "extensions")


def bid_place(
    *,
    lot_id: int,
    user,
    amount,
    client_bid_id: str = "",
    confirm: bool = False,
    now: datetime | None = None,
    application_id: int | None = None,
) -> BidResult:
    """Place a supplier's bid on a live lot. Idempotent for a repeated ``client_bid_id``.

    ``application_id``: the bidder's application when the caller already knows it (the
    websocket, from its connection); the user's right to bid for it is still checked, under
    the lock, in one query."""
    value = parse_amount(amount)
    client_bid_id = parse_client_bid_id(client_bid_id)
    if application_id is None:
        application_id = bidder_application(lot_id=lot_id, user=user).pk
        check_member = False
    else:
        check_member = True
    return _bid(
        lot_id=lot_id,
        application_id=application_id,
        user=user,
        amount=value,
        client_bid_id=client_bid_id,
        confirm=confirm,
        kind=BidKind.MANUAL,
        now=now,
        check_member=check_member,
    )


def bids_place(*, lot_id: int, requests: list[BidRequest]) -> list[BidResult | ApplicationError]:
    """Group commit: several suppliers' bids on one lot in one transaction, in the order given.

    Each bid goes through exactly the checks and writes of ``bid_place`` (it is the same code),
    one after the other under one hold of the lot's lock, so each sees the bids before it; a
    refused bid writes nothing and does not stop the others. Returns, per request, its
    ``BidResult`` or the ``ApplicationError`` that refused it; nothing is committed, and so
    nothing may be acknowledged, before this returns. If the batch as a whole fails for a
    reason that is not a rule (a constraint fired: on PostgreSQL this is how a bid resent after
    its commit is found in a batch of several, and how a resend racing its first send through
    another server process is), each bid is placed again on its own. The lot's change is
    broadcast after the commit."""
    return bids_place_lots([(lot_id, requests)])[0]


def bids_place_lots(
    batches: list[tuple[int, list[BidRequest]]],
) -> list[list[BidResult | ApplicationError]]:
    """``bids_commit``, and each lot's change broadcast after the commit. Returns each batch's
    outcomes, in the order given."""
    placed = bids_commit(batches)
    for change in placed.changes:
        lot_changed_on_commit(lot_id=change.lot_id, kinds=change.kinds, snapshot=change.snapshot)
    return placed.outcomes


def bids_commit(batches: list[tuple[int, list[BidRequest]]]) -> Placed:
    """Group commit over lots: each lot's batch as ``bids_place`` checks and writes it, all of
    them in one transaction with one COMMIT. Returns each batch's outcomes, in the order given,
    and the lots' changes (``LotChanged``), which the caller broadcasts: the hub sends them from
    its event loop, and a bid worker hands them back to its server process with the answers.

    The lots are locked in the order of their ids, so two such transactions over the same lots
    wait for each other instead of deadlocking; a lot's refusal of its whole batch (no such
    lot, say) does not touch the others', and a lot whose every bid was refused before the
    bid path (a malformed amount) is not locked at all. On PostgreSQL every lot's reads go in
    one round trip (each lot locked before its own reads), and every lot's writes with the
    COMMIT: a transaction of many lots costs two round trips, where each lot in its own
    transaction costs two and a whole COMMIT (the spread of many lots each with a bid or two).
    If the transaction fails as a whole (a constraint fired), each lot's batch is placed again
    on its own, and a single lot's bids one by one."""
    parsed = [(lot_id, _bid_items(requests)) for lot_id, requests in batches]
    try:
        return _place_lots(parsed)
    except IntegrityError:
        pass
    except (OperationalError, InterfaceError):  # the database is away: no bid can be placed
        raise
    except Exception:  # a fault of one bid must not fail the others: find it, alone
        logger.exception("a bid batch failed; its bids are placed again one by one")
    if len(parsed) > 1:
        each = [bids_commit([batch]) for batch in batches]
        return Placed(
            outcomes=[p.outcomes[0] for p in each], changes=[c for p in each for c in p.changes]
        )
    lot_id, items = parsed[0]
    outcomes: list[BidResult | ApplicationError] = []
    changes: list[LotChanged] = []
    for item in items:
        if not isinstance(item, BidItem):
            outcomes.append(item)
            continue
        outcome, change = _bid_alone(lot_id, item)
        outcomes.append(outcome)
        changes.extend([change] if change else [])
    return Placed(outcomes=[outcomes], changes=changes)


def _place_lots(parsed: list[tuple[int, list]]) -> Placed:
    results: list = [None] * len(parsed)
    changes: list[LotChanged] = []
    commits = not connection.in_atomic_block  # the block's exit is the COMMIT
    store = bid_store()
    # The lots whose batch has a bid left to place, in the order of their locks.
    order = sorted(
        (n for n, (_lot, items) in enumerate(parsed) if any(isinstance(i, BidItem) for i in items)),
        key=lambda n: parsed[n][0],
    )
    for n in set(range(len(parsed))) - set(order):
        results[n] = parsed[n][1]  # every bid refused before the bid path: nothing to lock
    todo = {n: [i for i in parsed[n][1] if isinstance(i, BidItem)] for n in order}
    with contextlib.ExitStack() as stack, transaction.atomic():
        before_write = store.before_write(stack if commits else None)
        # Every lot's reads first, in one round trip on PostgreSQL (the lots locked in id
        # order), then each lot's checks and writes; the writes leave with the COMMIT. A lot
        # given twice is read after its first batch's writes instead: in turn.
        reads: list[BatchReads | ApplicationError | None]
        if len({parsed[n][0] for n in order}) == len(order):
            reads = list(
                store.read_lots(
                    batches=[(parsed[n][0], todo[n]) for n in order], roles=BIDDER_ROLES
                )
            )
        else:
            reads = [None] * len(order)
        held: list = []  # every lot's writes, written together after the last lot's checks
        for n, read in zip(order, reads, strict=True):
            lot_id, items = parsed[n]
            try:
                if isinstance(read, ApplicationError):
                    raise read  # no such lot
                outcomes, change = _bids_locked(
                    lot_id=lot_id,
                    items=todo[n],
                    before_write=before_write,
                    reads=read,
                    held=held if read is not None else None,
                )
            except ApplicationError as exc:  # no such lot: read before this lot wrote anything
                outcomes, change = [exc] * len(todo[n]), None
            changes.extend([change] if change else [])
            left = iter(outcomes)  # between the refusals before the bid path
            results[n] = [next(left) if isinstance(i, BidItem) else i for i in items]
        store.flush_lots(held, lot_fields=LOT_BID_FIELDS)
    return Placed(outcomes=results, changes=changes)


def _bid_items(requests: list[BidRequest]) -> list[BidItem | ApplicationError]:
    """Each request as the bid path takes it, or the refusal of its amount or id."""
    items: list[BidItem | ApplicationError] = []
    for r in requests:
        try:
            with _language(r.language):
                amount = parse_amount(r.amount)
                client_bid_id = parse_client_bid_id(r.client_bid_id)
            items.append(
                BidItem(
                    application_id=r.application_id,
                    user=r.user,
                    amount=amount,
                    client_bid_id=client_bid_id,
                    confirm=r.confirm,
                    kind=BidKind.MANUAL,
                    check_member=True,
                    language=r.language,
                )
            )
        except ApplicationError as exc:
            items.append(exc)
    return items


def _bid_alone(
    lot_id: int, item: BidItem
) -> tuple[BidResult | ApplicationError, LotChanged | None]:
    try:
        outcomes, change = _bids(lot_id=lot_id, items=[item])
        return outcomes[0], change
    except IntegrityError:
        return ConflictError(
            _("This bid id was already used for another bid."), code="duplicate_bid_id"
        ), None
    except ApplicationError as exc:
        return exc, None
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("bid %r on lot %s failed", item.client_bid_id, lot_id)
        return BidFailed(
            _(
                "This bid could not be placed because of an error on our side; it was not "
                "recorded. We have been told of it."
            ),
        ), None


def surrogate_bid_place(
    *,
    lot_id: int,
    user,
    application_id: int,
    amount,
    reason: str,
    client_bid_id: str = "",
    confirm: bool = False,
    now: datetime | None = None,
) -> BidResult:
    """The buyer enters a bid for a supplier who lost its connection; recorded as such."""
    value = parse_amount(amount)
    reason = (reason or "").strip()
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    require_buyer(user=user, lot=lot)
    if not reason:
        raise ApplicationError(
            _("Say why you enter this bid for the supplier (e.g. how they asked)."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    if not Application.objects.filter(pk=application_id, lot_id=lot_id).exists():
        raise NotFoundError(_("No such application in this lot."), code="application_not_found")
    return _bid(
        lot_id=lot_id,
        application_id=application_id,
        user=user,
        amount=value,
        client_bid_id=parse_client_bid_id(client_bid_id),
        confirm=confirm,
        kind=BidKind.SURROGATE,
        now=now,
        note=reason,
    )


def _language(code: str | None):
    """Messages in ``code`` (a batch holds bids of people with different languages)."""
    return translation.override(code) if code else contextlib.nullcontext()


def _bid(
    *,
    lot_id: int,
    application_id: int,
    user,
    amount: Decimal,
    client_bid_id: str,
    confirm: bool,
    kind: str,
    now: datetime | None,
    note: str = "",
    check_member: bool = False,
) -> BidResult:
    item = BidItem(
        application_id=application_id,
        user=user,
        amount=amount,
        client_bid_id=client_bid_id,
        confirm=confirm,
        kind=kind,
        now=now,
        note=note,
        check_member=check_member,
    )
    try:
        (outcome,), change = _bids(lot_id=lot_id, items=[item])
    except IntegrityError:
        # No savepoint: a repeated client id is looked up under the same lock, so the unique
        # constraint can only fire if something bypassed the lock, and then the whole
        # transaction is rightly rolled back.
        raise ConflictError(
            _("This bid id was already used for another bid."), code="duplicate_bid_id"
        ) from None
    if change is not None:
        lot_changed_on_commit(lot_id=change.lot_id, kinds=change.kinds, snapshot=change.snapshot)
    if isinstance(outcome, ApplicationError):
        raise outcome
    return outcome


def _bids(
    *, lot_id: int, items: list[BidItem]
) -> tuple[list[BidResult | ApplicationError], LotChanged | None]:
    """The bid path: one transaction, one hold of the lot's lock, the items in order
    (``_bids_locked``)."""
    commits = not connection.in_atomic_block  # this block's exit is the COMMIT
    with contextlib.ExitStack() as stack, transaction.atomic():
        before_write = bid_store().before_write(stack if commits else None)
        return _bids_locked(lot_id=lot_id, items=items, before_write=before_write)


def _bids_locked(
    *,
    lot_id: int,
    items: list[BidItem],
    before_write: Callable[[], None],
    reads: BatchReads | None = None,
    held: list | None = None,
) -> tuple[list[BidResult | ApplicationError], LotChanged | None]:
    """One lot's batch inside the caller's transaction: lock the lot, check and record each
    item in order, and write. Returns the outcomes and, if a bid was accepted, the lot's
    change (its snapshot made from the state just written) for the caller to broadcast.

    Reads once per call what every item needs (the lot, the admitted applications with their
    standings, proxies and suppliers, the bidders' memberships), then checks and records each
    item as ``bid_place`` always has.

    A bid resent after its commit (its client id already used) is answered with the first bid.
    A single bid is looked up before the rules. In a batch of several only a refused bid is
    looked up (a refusal changes nothing, so finding it afterwards answers the same), and a
    resend the rules accept trips the unique constraint on (lot, application, client id) at
    the write: ``bids_place`` then places the batch's bids one by one. So a batch does not
    search the lot's bids for resends that are almost never there.

    ``before_write`` is called once before the batch's rows are written (the store's: on
    PostgreSQL it opens the pipeline that sends them with the COMMIT). ``reads``: the lot's,
    when the caller read them with other lots' (``bids_commit``), else read here. ``held``:
    where the caller collects the lots' writes to write them together (``store.flush_lots``),
    else they are written here."""
    outcomes: list[BidResult | ApplicationError] = []
    store = bid_store()
    if reads is None:
        reads = store.read(lot_id=lot_id, items=items, roles=BIDDER_ROLES)
    lot, earlier, applications = reads.lot, reads.earlier, reads.applications
    by_id = {a.pk: a for a in applications}
    members = reads.members
    accepted = 0
    writes = store.writes(expected=len(items), ids=reads.bid_ids)
    for item in items:
        key = (item.application_id, item.client_bid_id)
        if item.client_bid_id and key in earlier:
            outcomes.append(BidResult(bid=earlier[key], duplicate=True))
            continue
        try:
            with _language(item.language):
                result = _bid_one(
                    lot=lot,
                    item=item,
                    applications=applications,
                    application=by_id.get(item.application_id),
                    members=members,
                    writes=writes,
                )
        except ApplicationError as exc:
            outcomes.append(exc)
            continue
        if item.client_bid_id:
            earlier[key] = result.bid
        accepted += 1
        outcomes.append(result)
    if len(items) > 1:
        _answer_resends(store, lot, items, outcomes)
    if accepted:
        before_write()
        if held is None:
            writes.flush(lot=lot, lot_fields=LOT_BID_FIELDS)
        else:
            held.append((writes, lot))
        change = LotChanged(
            lot_id=lot.pk,
            kinds=["bid"],
            snapshot=lot_snapshot(lot=lot, applications=applications),
        )
        return outcomes, change
    return outcomes, None


def _answer_resends(store, lot: Lot, items: list[BidItem], outcomes: list) -> None:
    """The refused bids of a batch that were resends of committed bids: answered with those."""
    refused = [
        (n, item)
        for n, (item, outcome) in enumerate(zip(items, outcomes, strict=True))
        if item.client_bid_id and isinstance(outcome, ApplicationError)
    ]
    if not refused:
        return
    found = store.earlier(
        lot=lot, pairs=sorted({(item.application_id, item.client_bid_id) for _n, item in refused})
    )
    for n, item in refused:
        bid = found.get((item.application_id, item.client_bid_id))
        if bid is not None:
            outcomes[n] = BidResult(bid=bid, duplicate=True)


def _bid_one(
    *,
    lot: Lot,
    item: BidItem,
    applications: list[Application],
    application: Application | None,
    members: set[tuple[int, int]],
    writes,
) -> BidResult:
    """Check one bid against every rule and record it (the lot is locked)."""
    now = item.now or timezone.now()
    if application is None:
        raise BidRejected(
            _("Your company is not admitted to this lot's auction."),
            code="not_admitted",
            status_code=403,
        )
    if item.check_member and (item.user.pk, application.supplier_id) not in members:
        raise PermissionDeniedError(
            _("Only your company's bidders and admins may bid."), code="not_a_bidder"
        )
    if lot.status != LotStatus.LIVE:
        raise BidRejected(not_live_message(lot), code="lot_not_live", status_code=409)
    if lot.now_passed(now):
        raise BidRejected(
            _("The auction has ended; bids are no longer accepted."),
            code="auction_closed",
            status_code=409,
        )
    if not company_can_trade(application.supplier, fresh=True):  # read under the lock
        raise BidRejected(
            _("Your company's verification is not current; it may not bid until it is."),
            code="company_not_verified",
            status_code=403,
        )
    participation_check(application)  # read with the applications, under the lock
    amount = item.amount
    fmt = format_of(lot)
    fmt.check_bid(
        lot=lot,
        application=application,
        applications=applications,
        amount=amount,
        confirm=item.confirm,
    )
    if fmt.sealed:
        bid, extended = record_sealed_offer(
            lot=lot,
            application=application,
            applications=applications,
            amount=amount,
            kind=item.kind,
            user=item.user,
            client_bid_id=item.client_bid_id,
            now=now,
            note=item.note,
        )
    else:
        bid, extended = record_bid(
            lot=lot,
            application=application,
            applications=applications,
            amount=amount,
            kind=item.kind,
            user=item.user,
            client_bid_id=item.client_bid_id,
            now=now,
            note=item.note,
            writes=writes,
        )
    if fmt.proxies:
        extended = run_proxies(lot, applications, now, writes) or extended
    return BidResult(bid=bid, extended=extended)
