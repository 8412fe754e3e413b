"""The connect path's shared snapshot (``auctions.realtime.snapshot_cache``): sockets joining
a lot at one version share one read of its rows, each still gets its own view, and a socket
that connects after a bid's commit (before its broadcast) sees the bid. On both channel
layers, through the real ASGI application."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from auctions import selectors
from auctions.bidding import place as place_module
from auctions.bidding.place import bid_place
from auctions.realtime import snapshot_cache

from .test_ws import connect, layer, make_auction, receive, settled  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reads(monkeypatch):
    """Every read of a lot's rows for a snapshot (the cache empty to start with)."""
    snapshot_cache.snapshot_cache_clear()
    made: list[int] = []
    real = selectors.lot_snapshot

    def counting(*, lot, applications=None):
        made.append(lot.pk)
        return real(lot=lot, applications=applications)

    monkeypatch.setattr(selectors, "lot_snapshot", counting)
    yield made
    snapshot_cache.snapshot_cache_clear()


async def test_one_version_one_read_each_socket_its_own_view(layer, reads):  # noqa: F811
    a = await make_auction(visibility="ladder")
    await sync_to_async(bid_place)(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")

    frames = {}
    for who, user in (("first", a.bidders[0]), ("second", a.bidders[1]), ("buyer", a.officer)):
        comm, connected, _ = await connect(user, a.lot)
        assert connected
        frames[who] = await receive(comm)
        await comm.disconnect()
    assert reads == [a.lot.pk]  # one read of the lot's rows for the three sockets

    first, second, buyer = frames["first"], frames["second"], frames["buyer"]
    assert first["seq"] == second["seq"] == buyer["seq"]
    assert first["role"] == second["role"] == "supplier" and buyer["role"] == "buyer"
    assert first["view"]["me"]["label"] == 1 and second["view"]["me"]["label"] == 2
    assert first["view"]["me"] != second["view"]["me"]
    assert [e["me"] for e in first["view"]["ladder"]] == [True]
    assert [e["me"] for e in second["view"]["ladder"]] == [False]
    assert len(first["bids"]) == 1 and second["bids"] == []  # own bids stay per viewer
    assert "me" not in buyer["view"] or buyer["view"]["me"] is None
    assert buyer["bids"] == []  # a buyer's socket lists no own bids (as before)


async def test_a_socket_connecting_between_a_bids_commit_and_its_broadcast_sees_it(
    layer,  # noqa: F811
    reads,
    monkeypatch,
):
    a = await make_auction(visibility="ladder")
    comm, connected, _ = await connect(a.bidders[1], a.lot)
    assert connected
    before = await receive(comm)
    await comm.disconnect()
    assert reads == [a.lot.pk] and before["view"]["ladder"] == []

    # The bid commits; its broadcast has not gone out (it is held back for good here).
    monkeypatch.setattr(place_module, "lot_changed_on_commit", lambda **kwargs: None)
    await sync_to_async(bid_place)(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")

    comm, connected, _ = await connect(a.bidders[1], a.lot)
    assert connected
    after = await receive(comm)
    await comm.disconnect()
    assert reads == [a.lot.pk, a.lot.pk]  # the version moved: the cache missed
    assert after["seq"] > before["seq"]
    assert [e["amount"] for e in after["view"]["ladder"]] == ["99000.00"]


def test_the_cache_is_bounded_and_never_goes_back_to_an_older_head(monkeypatch):
    snapshot_cache.snapshot_cache_clear()
    monkeypatch.setattr(snapshot_cache, "MAX_LOTS", 2)
    for lot_id in (1, 2, 3):
        snapshot_cache.snapshot_remember(lot_id, (5, "h"), {"lot": lot_id})
    assert snapshot_cache.snapshot_cached(1, (5, "h")) is None  # the least recently used went
    assert snapshot_cache.snapshot_cached(3, (5, "h")) == {"lot": 3}
    snapshot_cache.snapshot_remember(3, (4, "old"), {"lot": "old"})
    assert snapshot_cache.snapshot_cached(3, (5, "h")) == {"lot": 3}
    assert snapshot_cache.snapshot_cached(3, (5, "other")) is None  # another history: a miss
    snapshot_cache.snapshot_cache_clear()


def test_a_crowd_missing_together_reads_once():
    """Twenty threads ask for a lot's snapshot at one head while nothing is cached (a process
    just restarted, its sockets all reconnecting): one reads, the others wait for its read."""
    import threading
    import time

    snapshot_cache.snapshot_cache_clear()
    calls = []
    started = threading.Barrier(20)

    def read():
        calls.append(1)
        time.sleep(0.3)  # a slow read: the others arrive meanwhile
        return (7, "h"), {"seq": 7}

    got = []

    def socket():
        started.wait()
        got.append(snapshot_cache.snapshot_shared(9, (7, "h"), read))

    threads = [threading.Thread(target=socket) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert got == [{"seq": 7}] * 20
    assert len(calls) == 1
    # A newer head is another version: read again, once.
    assert snapshot_cache.snapshot_shared(9, (8, "i"), lambda: ((8, "i"), {"seq": 8})) == {"seq": 8}
    assert snapshot_cache.snapshot_cached(9, (8, "i")) == {"seq": 8}
    snapshot_cache.snapshot_cache_clear()
