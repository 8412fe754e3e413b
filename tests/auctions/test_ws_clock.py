"""The clock formats over the websocket (issue 19): a supplier reads the level's price in the
snapshot and confirms (Japanese) or accepts (Dutch) it with a bid frame; every viewer's frames
carry the clock, how many are still in only where the visibility allows, and never a
competitor's name (canaries); a supplier out of the Japanese auction is told so."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from asgiref.sync import sync_to_async

from auctions.lifecycle import lot_close

from .test_ws import (  # noqa: F401 (fixtures)
    connect,
    layer,
    make_auction,
    no_canary,
    receive,
    receive_until,
    settled,
)

pytestmark = pytest.mark.django_db(transaction=True)

CLOCK = {
    "level_seconds": 60,
    "step_value": Decimal("1000"),
    "soft_close_window_seconds": 0,
    "soft_close_extension_seconds": 0,
}
CANARIES = ["Canary Supplier 2", "Canary Supplier 3"]


async def bid(comm, amount: str, n: int, frames: list) -> dict:
    await comm.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": f"r{n}", "amount": amount, "client_bid_id": f"c{n}"}
        )
    )
    return await receive_until(comm, "bid_result", frames)


async def test_japanese_confirmations_over_the_socket(layer):  # noqa: F811
    a = await make_auction(auction_format="japanese", visibility="rank_and_best", **CLOCK)
    comm, connected, _ = await connect(a.bidders[0], a.lot)
    assert connected
    frames = [await receive(comm)]
    view = frames[0]["view"]
    assert view["clock"] == {
        "level": 1,
        "price": "100000.00",
        "next_price": "99000.00",
        "in": 3,
    }
    assert (view["me"]["still_in"], view["me"]["confirmed"], view["me"]["max_bid"]) == (
        True,
        False,
        None,
    )
    result = await bid(comm, "100000.00", 1, frames)
    assert result["ok"] is True, result
    refused = await bid(comm, "100000.00", 2, frames)
    assert refused["ok"] is False and refused["error"]["code"] == "already_confirmed"
    await sync_to_async(lot_close)(lot_id=a.lot.pk, now=a.lot.ends_at)  # the others stayed silent
    while (standing := await receive_until(comm, "standing", frames))["view"]["status"] != "closed":
        pass
    assert standing["view"]["me"]["rank"] == 1
    no_canary(frames, CANARIES)
    await comm.disconnect()


async def test_the_count_still_in_follows_the_visibility_and_the_dropped_are_told(layer):  # noqa: F811
    a = await make_auction(auction_format="japanese", visibility="rank_only", **CLOCK)

    def level_two():
        from auctions.bidding.place import bid_place

        for i in (0, 1):
            bid_place(lot_id=a.lot.pk, user=a.bidders[i], amount="100000")
        a.refresh()
        lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)

    await sync_to_async(level_two)()
    comm, _, _ = await connect(a.bidders[2], a.lot)  # the one that stayed silent
    frames = [await receive(comm)]
    view = frames[0]["view"]
    assert view["clock"]["level"] == 2 and "in" not in view["clock"]  # rank_only: no count
    assert view["me"]["still_in"] is False
    refused = await bid(comm, "99000.00", 1, frames)
    assert refused["error"]["code"] == "dropped_out"
    no_canary(frames, ["Canary Supplier 1", "Canary Supplier 2"])
    await comm.disconnect()
    buyer, _, _ = await connect(a.officer, a.lot)
    buyer_view = (await receive(buyer))["view"]
    assert buyer_view["clock"]["in"] == 2  # the buyer always sees the count
    await buyer.disconnect()


async def test_dutch_acceptance_over_the_socket_ends_the_auction(layer):  # noqa: F811
    a = await make_auction(auction_format="dutch", floor_price=Decimal("90000"), **CLOCK)
    first, _, _ = await connect(a.bidders[0], a.lot)
    other, _, _ = await connect(a.bidders[1], a.lot)
    frames: list = [await receive(first)]
    other_frames: list = [await receive(other)]
    assert frames[0]["view"]["clock"]["price"] == "90000.00"
    assert "in" not in frames[0]["view"]["clock"]
    moved = await bid(first, "91000.00", 1, frames)
    assert moved["error"]["code"] == "price_moved"
    accepted = await bid(first, "90000.00", 2, frames)
    assert accepted["ok"] is True, accepted
    late = await bid(other, "90000.00", 3, other_frames)
    assert late["ok"] is False and late["error"]["code"] in ("auction_closed", "already_accepted")
    no_canary(other_frames, ["Canary Supplier 1"])
    no_canary(frames, ["Canary Supplier 2"])
    await first.disconnect()
    await other.disconnect()
