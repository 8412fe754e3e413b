"""The public watching a lot live over the websocket (issue 19): while the tender lets anyone
watch (``public_live``), an observer, signed in or not, gets what every bidder of the lot sees
by its visibility and nothing of its own, never a name, never presence; it may not bid. A lot the
public may not watch refuses it as before. Checked on the frames the observer receives."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async

from auctions.bidding.place import bid_place
from tests.factories import CompanyFactory, member

from .test_ws import (  # noqa: F401 (the fixtures)
    FRAME_TIMEOUT,
    connect,
    layer,
    make_auction,
    no_canary,
    receive,
    receive_until,
    settled,
)

pytestmark = pytest.mark.django_db(transaction=True)
NAMES = ["Canary Supplier 1", "Canary Supplier 2", "Canary Supplier 3", "Buyer Canary"]


@sync_to_async
def watchable(a, *, reveal: bool = True):
    a.tender.public_live = True
    a.tender.reveal_identities = reveal  # names are for the final results, never while live
    a.tender.save(update_fields=["public_live", "reveal_identities"])


@sync_to_async
def place(a, n: int, amount: str):
    bid_place(lot_id=a.lot.pk, user=a.bidders[n], amount=amount)


async def test_an_observer_follows_a_ladder_lot_as_its_bidders_do(layer):  # noqa: F811
    a = await make_auction(visibility="ladder")
    # Not watchable yet: a visitor is asked to log in.
    comm, _, _ = await connect(None, a.lot)
    refused = await receive(comm)
    assert (refused["type"], refused["code"]) == ("refused", "not_authenticated")
    assert (await comm.receive_output(FRAME_TIMEOUT))["code"] == 4401
    await watchable(a)
    await place(a, 0, "99000")
    visitor, connected, _ = await connect(None, a.lot)
    assert connected
    snapshot = await receive(visitor)
    assert snapshot["type"] == "snapshot" and snapshot["role"] == "observer"
    view = snapshot["view"]
    assert "me" not in view and "reserve_price" not in view
    assert view["best"]["amount"] == "99000.00"
    assert [(e["label"], e["amount"]) for e in view["ladder"]] == [(1, "99000.00")]
    assert all("me" not in e and "supplier" not in e for e in view["ladder"])
    assert snapshot["bids"] == []
    # A signed-in stranger to the lot watches as an observer too.
    stranger, _, _ = await connect(
        await sync_to_async(member)(await sync_to_async(CompanyFactory)(), "bidder"), a.lot
    )
    assert (await receive(stranger))["role"] == "observer"
    frames = [snapshot]
    await place(a, 1, "98000")
    standing = await receive_until(visitor, "standing", frames)
    assert [(e["label"], e["amount"]) for e in standing["view"]["ladder"]] == [
        (2, "98000.00"),
        (1, "99000.00"),
    ]
    # It may not bid.
    await visitor.send_to(text_data=json.dumps({"type": "bid", "request_id": "r", "amount": "1"}))
    error = await receive_until(visitor, "error", frames)
    assert error["code"] == "not_a_bidder"
    assert not any(f["type"] == "presence" for f in frames)
    no_canary(frames, NAMES)
    for c in (visitor, stranger):
        await c.disconnect()


@pytest.mark.parametrize("visibility", ["rank_only", "rank_and_best"])
async def test_an_observer_sees_no_more_than_the_lot_s_bidders(layer, visibility):  # noqa: F811
    a = await make_auction(visibility=visibility)
    await watchable(a)
    await place(a, 0, "99000")
    await place(a, 1, "98000")
    visitor, _, _ = await connect(None, a.lot)
    frames = [await receive(visitor)]
    await place(a, 2, "97000")
    standing = await receive_until(visitor, "standing", frames)
    for view in (frames[0]["view"], standing["view"]):
        assert "ladder" not in view and "me" not in view
        if visibility == "rank_only":
            assert "best" not in view
        else:
            assert view["best"]["amount"] in ("98000.00", "97000.00")
    text = json.dumps(frames)
    assert "99000" not in text  # no offer but the best, and under rank_only none
    no_canary(frames, NAMES)
    await visitor.disconnect()
