"""Bids placed by worker processes (``AUCTION_BID_WORKERS``): the websocket protocol as it is
with the batch in the server process, through real worker processes on the real PostgreSQL
(a worker is another process: it sees only committed rows, so the test database must be a
server's), on both channel layers."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async
from django.utils import translation

from auctions.events import chain_verify
from auctions.models import Bid
from auctions.realtime import bid_workers
from auctions.realtime import hub as hub_module
from marketplace.core.money import format_money
from tests.waiting import async_wait_until

from .engine_setup import Auction
from .test_ws import connect, layer, receive, receive_until, settled  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@sync_to_async
def make_auction(**kwargs):
    auction = Auction(**kwargs)
    auction.bidders[-1].language = "uk"
    auction.bidders[-1].save()
    return auction.start()


@pytest.fixture
def workers(settings):
    settings.AUCTION_BID_WORKERS = 1
    yield
    bid_workers.close_all()


def bid(request_id, amount, client_bid_id):
    return json.dumps(
        {"type": "bid", "request_id": request_id, "amount": amount, "client_bid_id": client_bid_id}
    )


async def test_a_worker_process_places_answers_and_broadcasts_the_bids(layer, workers):  # noqa: F811
    a = await make_auction(suppliers=4, step_reference="own")
    socks = []
    for user in a.bidders:
        comm, connected, _ = await connect(user, a.lot)
        assert connected
        await receive(comm)  # the snapshot
        socks.append(comm)
    buyer, connected, _ = await connect(a.officer, a.lot)
    assert connected
    await receive(buyer)
    workers_now = hub_module.hub().bid_workers
    assert workers_now is not None and workers_now.procs[0].is_alive()  # started on connect

    # Three bids at once; the Ukrainian bidder's is above the start price.
    for i, comm in enumerate(socks[:3]):
        await comm.send_to(text_data=bid(f"r{i}", "99000", f"c{i}"))
    await socks[3].send_to(text_data=bid("r3", str(a.lot.start_price + 1), "c3"))
    results = [await receive_until(comm, "bid_result", [], timeout=60) for comm in socks]
    assert all(r["ok"] and not r["duplicate"] for r in results[:3]), results
    refused = results[3]
    assert refused["ok"] is False and refused["error"]["code"] == "above_start_price"
    with translation.override("uk"):  # the refusal in the bidder's own language
        expected = translation.gettext("A bid may not exceed the start price of %(price)s.")
    price = format_money(a.lot.start_price, "UAH", "uk")  # "100 000,00 ₴"
    assert refused["error"]["message"] == expected % {"price": price}
    assert expected != "A bid may not exceed the start price of %(price)s."

    # A resend is answered with the bid first placed, and writes nothing.
    await socks[0].send_to(text_data=bid("again", "99000", "c0"))
    again = await receive_until(socks[0], "bid_result", [], timeout=60)
    assert again["duplicate"] and again["bid"]["id"] == results[0]["bid"]["id"]

    rows = await sync_to_async(list)(Bid.objects.filter(lot=a.lot).values_list("pk", flat=True))
    assert sorted(rows) == sorted(r["bid"]["id"] for r in results[:3])
    assert (await sync_to_async(chain_verify)(lot_id=a.lot.pk))[0]
    assert not hub_module.hub().bid_queues  # nothing was batched in this process

    # The broadcast the worker returned reached the lot's group: the buyer sees three bids.
    frames: list = []
    while True:
        frame = await receive_until(buyer, "standing", frames)
        if frame["view"]["bid_count"] == 3:
            break
    for comm in [*socks, buyer]:
        await comm.disconnect()


@pytest.mark.faults
async def test_a_bid_a_dying_worker_held_is_refused_and_its_resend_is_placed_once(layer, workers):  # noqa: F811
    a = await make_auction(suppliers=2, step_reference="own")
    comm, connected, _ = await connect(a.bidders[-1], a.lot)  # a Ukrainian bidder
    assert connected
    await receive(comm)
    pool = hub_module.hub().bid_workers
    await async_wait_until(  # the worker has started Django and waits for bids
        lambda: pool.conns[0] is not None, what="the bid worker to start"
    )
    await comm.send_to(text_data=bid("r1", "99000", "once"))
    pool.procs[0].kill()
    first = await receive_until(comm, "bid_result", [], timeout=60)
    if not first["ok"]:  # the worker died holding it: said in the bidder's language
        assert first["error"]["code"] == "bid_worker_unavailable"
        with translation.override("uk"):
            said = translation.gettext("The bid could not be placed just now. Send it again.")
        assert (
            first["error"]["message"]
            == said
            != "The bid could not be placed just now. Send it again."
        )
    # The client sends it again, as the protocol asks: a new worker places it, once.
    await comm.send_to(text_data=bid("r2", "99000", "once"))
    second = await receive_until(comm, "bid_result", [], timeout=60)
    assert second["ok"], second
    assert second["duplicate"] == first["ok"]
    assert await sync_to_async(Bid.objects.filter(lot=a.lot, client_bid_id="once").count)() == 1
    assert pool.procs[0].is_alive()
    await comm.disconnect()


async def test_bids_on_several_lots_through_one_worker_reach_each_lot_alone(layer, workers):  # noqa: F811
    # The worker places the lots whose bids arrived together in one transaction
    # (services.bids_place_lots); each bidder is answered for its own bid, and each lot's
    # watchers see that lot's change and no other.
    lots = [await make_auction(suppliers=2, step_reference="own") for _ in range(3)]
    socks, buyers = [], []
    for a in lots:
        for user in a.bidders:
            comm, connected, _ = await connect(user, a.lot)
            assert connected
            await receive(comm)
            socks.append((a, comm))
        buyer, connected, _ = await connect(a.officer, a.lot)
        assert connected
        await receive(buyer)
        buyers.append((a, buyer))
    for n, (_a, comm) in enumerate(socks):  # all at once, none awaited
        await comm.send_to(text_data=bid(f"r{n}", str(99000 - n), f"c{n}"))
    for n, (a, comm) in enumerate(socks):
        result = await receive_until(comm, "bid_result", [], timeout=60)
        assert result["ok"] and not result["duplicate"], result
        placed = await sync_to_async(Bid.objects.get)(pk=result["bid"]["id"])
        assert (placed.lot_id, placed.client_bid_id) == (a.lot.pk, f"c{n}")
    for a, buyer in buyers:
        frames: list = []
        while True:
            frame = await receive_until(buyer, "standing", frames)
            assert frame["view"]["lot"] == a.lot.pk and frame["view"]["bid_count"] <= 2, frame
            if frame["view"]["bid_count"] == 2:
                break
        amounts = {entry["amount"] for entry in frame["view"]["ladder"]}
        mine = {str(Decimal(99000 - n)) + ".00" for n, (x, _c) in enumerate(socks) if x is a}
        assert amounts == mine, (amounts, mine)
        assert (await sync_to_async(chain_verify)(lot_id=a.lot.pk))[0]
    for _a, comm in [*socks, *buyers]:
        await comm.disconnect()


async def test_workers_started_before_the_server_listens_are_the_ones_used(layer, workers):  # noqa: F811
    """Daphne runs ``daphne_tuning.before_listening`` as it builds its websocket factory; the
    auctions app's bid workers start there, and the first lot socket adopts them (no second
    start, which would land on the first crowd of sockets) and bids go through them."""
    from marketplace.core import daphne_tuning

    assert bid_workers.prespawn in daphne_tuning.before_listening
    daphne_tuning.TunedWebSocketFactory(object, server="test")  # as Daphne does, before listening
    early = bid_workers._early[0][0]
    assert early.is_alive()

    a = await make_auction(suppliers=2, step_reference="own")
    comm, connected, _ = await connect(a.bidders[0], a.lot)
    assert connected
    await receive(comm)
    assert hub_module.hub().bid_workers.procs[0] is early and not bid_workers._early
    await comm.send_to(text_data=bid("r1", "99000", "c1"))
    assert (await receive_until(comm, "bid_result", [], timeout=60))["ok"]
    await comm.disconnect()
