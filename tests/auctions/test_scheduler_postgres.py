"""The scheduler under real concurrency (PostgreSQL row locks): two schedulers never act twice on
one lot, and a close racing late bids lets each bid either in before the close or refuses it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from auctions import scheduler
from auctions.bidding.outcomes import BidRejected
from auctions.bidding.place import bid_place
from auctions.lifecycle import lot_start
from auctions.lock_objects import lot_lock
from auctions.models import Bid, Lot, LotEvent, LotStatus
from tests.waiting import wait_until

from .engine_setup import Auction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = timedelta(seconds=1)


def slowed(monkeypatch, name: str, seconds: float = 0.15):
    """Make the scheduler's call of service ``name`` hold the lot's lock a little longer, so
    the other scheduler surely meets a claimed row."""
    real = getattr(scheduler, name)

    def slow(**kwargs):
        lot = real(**kwargs)
        time.sleep(seconds)
        return lot

    monkeypatch.setattr(scheduler, name, slow)


@pytest.mark.faults
def test_two_schedulers_ticking_at_once_act_exactly_once_per_lot(monkeypatch):
    to_start = [Auction(suppliers=2) for _ in range(3)]
    to_close = [Auction(suppliers=2) for _ in range(3)]
    now = timezone.now()
    for a in to_close:
        lot_start(lot_id=a.lot.pk, now=now)
        Lot.objects.filter(pk=a.lot.pk).update(ends_at=now - S)
    lots = [a.lot.pk for a in to_start + to_close]
    events_before = {
        pk: LotEvent.objects.filter(lot_id=pk, kind="status_changed").count() for pk in lots
    }
    slowed(monkeypatch, "lot_start")
    slowed(monkeypatch, "lot_close")
    barrier = threading.Barrier(2)
    results: list[dict] = [{}, {}]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            results[i] = scheduler.tick(now=now)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    assert not any(t.is_alive() for t in threads)
    started = [pk for r in results for pk in r["started"]]
    closed = [pk for r in results for pk in r["closed"]]
    assert sorted(started) == sorted(a.lot.pk for a in to_start), "each started exactly once"
    assert sorted(closed) == sorted(a.lot.pk for a in to_close), "each closed exactly once"
    assert all(r["errors"] == [] and r["suspended"] == [] for r in results)
    for pk in lots:
        changes = LotEvent.objects.filter(lot_id=pk, kind="status_changed").count()
        assert changes - events_before[pk] == 1, f"lot {pk}: exactly one status change"
    assert set(
        Lot.objects.filter(pk__in=[a.lot.pk for a in to_start]).values_list("status", flat=True)
    ) == {LotStatus.LIVE}
    assert set(
        Lot.objects.filter(pk__in=[a.lot.pk for a in to_close]).values_list("status", flat=True)
    ) == {LotStatus.FAILED}


def test_a_close_racing_late_bids_takes_each_bid_before_it_or_refuses_it():
    """Three bidders bid as fast as they can; once each has a bid in (not after a fixed time:
    a loaded machine may start them late), the end comes, and the scheduler closes the lot
    while they go on bidding."""
    a = Auction(
        suppliers=3, soft_close_window_seconds=0, step_reference="own", step_value=Decimal("100")
    )
    lot_start(lot_id=a.lot.pk)
    go = threading.Event()
    accepted: dict[int, list[tuple[int, Decimal]]] = {app.pk: [] for app in a.applications}
    refused: list[str] = []
    errors: list[BaseException] = []

    def bidder(i: int) -> None:
        try:
            go.wait(timeout=60)
            for j in range(1, 990):  # more than they can place before the end
                amount = Decimal(100000 - 100 * j - i)
                try:
                    result = bid_place(lot_id=a.lot.pk, user=a.bidders[i], amount=amount)
                except BidRejected as exc:
                    refused.append(exc.code)
                    return
                accepted[a.applications[i].pk].append((result.bid.pk, amount))
                time.sleep(0.01)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def closer() -> None:
        try:
            go.wait(timeout=60)
            wait_until(
                lambda: all(accepted.values()) or errors or refused,
                interval=0.01,
                what="a bid of each bidder",
            )
            with transaction.atomic():  # the end is now (read under the lock, as bids are)
                lot_lock(lot_id=a.lot.pk)
                Lot.objects.filter(pk=a.lot.pk).update(ends_at=timezone.now())
            wait_until(lambda: scheduler.tick()["closed"], interval=0.01, what="the close")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=bidder, args=(i,)) for i in range(3)]
    threads.append(threading.Thread(target=closer))
    for t in threads:
        t.start()
    go.set()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    assert not any(t.is_alive() for t in threads)
    lot = Lot.objects.get(pk=a.lot.pk)
    assert lot.status == LotStatus.CLOSED
    assert set(refused) <= {"auction_closed", "lot_not_live"}
    assert len(refused) == 3, "every bidder was eventually refused"
    # the bids in the database are exactly the accepted ones, all placed before the end
    stored = {(b.pk, b.amount) for b in Bid.objects.filter(lot=lot)}
    assert stored == {bid for bids in accepted.values() for bid in bids}
    assert lot.bid_count == len(stored) > 0
    assert all(b.placed_at < lot.ends_at <= lot.closed_at for b in Bid.objects.filter(lot=lot))
    # and the final ranking is made of each bidder's last accepted bid
    closing = LotEvent.objects.filter(lot=lot, kind="status_changed").order_by("seq").last()
    assert closing.payload["to"] == LotStatus.CLOSED
    ranking = {r["application"]: Decimal(r["amount"]) for r in closing.payload["ranking"]}
    assert ranking == {pk: bids[-1][1] for pk, bids in accepted.items() if bids}
    assert (
        LotEvent.objects.filter(lot=lot, kind="status_changed", payload__to="closed").count() == 1
    )
