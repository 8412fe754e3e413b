"""Many suppliers bidding at once on PostgreSQL, with resent duplicates: the history breaks no
rule, every client bid id is one row, and the chain holds."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from auctions.bidding.place import bid_place
from auctions.events import chain_verify
from auctions.models import Application, Bid, Lot, LotEvent
from marketplace.core.exceptions import ApplicationError

from .engine_setup import Auction, assert_each_bid_beats_the_last

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SUPPLIERS = 12
BIDS_PER_SUPPLIER = 30
STEP = Decimal("100")


def test_hundreds_of_concurrent_bids_with_duplicates_keep_every_rule():
    a = Auction(
        suppliers=SUPPLIERS,
        start_price="1000000",
        step_value=STEP,
        soft_close_window_seconds=0,
        soft_close_extension_seconds=0,
    ).start()
    lot_id = a.lot.pk
    results: list[tuple[str, str, object]] = []
    lock = threading.Lock()
    start = threading.Barrier(SUPPLIERS)

    def supplier(index: int) -> None:
        rnd = random.Random(index)
        user = a.bidders[index]
        start.wait()
        try:
            for n in range(BIDS_PER_SUPPLIER):
                client_id = f"s{index}-b{n}"
                # Bid just under what the supplier last saw, so many race for the same level.
                best = Lot.objects.filter(pk=lot_id).values_list("best_amount", flat=True).get()
                amount = (best or Decimal("1000000")) - STEP * rnd.randint(1, 3)
                sends = 2 if rnd.random() < 0.3 else 1  # a resend after a lost answer
                for _attempt in range(sends):
                    try:
                        r = bid_place(
                            lot_id=lot_id, user=user, amount=str(amount), client_bid_id=client_id
                        )
                        outcome = ("dup" if r.duplicate else "ok", r.bid.pk)
                    except ApplicationError as exc:
                        outcome = ("refused", exc.code)
                    with lock:
                        results.append((client_id, *outcome))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=SUPPLIERS) as pool:
        list(pool.map(supplier, range(SUPPLIERS)))
    close_old_connections()

    accepted = {cid: bid for cid, kind, bid in results if kind == "ok"}
    duplicates = [(cid, bid) for cid, kind, bid in results if kind == "dup"]
    refusals = {code for _cid, kind, code in results if kind == "refused"}
    assert len(results) >= SUPPLIERS * BIDS_PER_SUPPLIER
    assert len(accepted) > SUPPLIERS  # the race let many through
    assert refusals <= {"step_too_small"}, refusals
    # A resent id answers with the bid its first send made (or the same refusal).
    for cid, bid in duplicates:
        assert accepted[cid] == bid

    bids = list(Bid.objects.filter(lot_id=lot_id).order_by("placed_at", "pk"))
    assert len(bids) == len(accepted)
    assert len({(b.application_id, b.client_bid_id) for b in bids}) == len(bids)
    best = assert_each_bid_beats_the_last(bids, STEP)  # in the order recorded
    a.refresh()
    assert a.lot.best_amount == best
    assert a.lot.bid_count == len(bids)
    leader = Application.objects.get(pk=a.lot.best_application_id)
    assert leader.current_amount == best
    assert LotEvent.objects.filter(lot_id=lot_id, kind="bid_placed").count() == len(bids)
    assert chain_verify(lot_id=lot_id)[0]
