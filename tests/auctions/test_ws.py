"""The live auction websocket, driven through the real ASGI application on both channel layers:
refusals, the snapshot, bids and their acknowledgement, what every viewer receives (canary
names on every frame), idempotent resend, resync, access lost mid-auction, slow clients."""

from __future__ import annotations

import asyncio
import json
import sys
import time
import uuid

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import translation
from rest_framework.authtoken.models import Token

from auctions.events import chain_verify
from auctions.models import Bid
from auctions.realtime import hub as hub_module
from marketplace.asgi import application
from marketplace.companies.models import Company, VerificationStatus
from marketplace.events.services import event_emit
from tests.factories import CompanyFactory, member
from tests.waiting import async_wait_until

from .engine_setup import Auction

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://testserver")
# How long a frame that must come may take: it bounds a hang only (a frame that arrives costs
# nothing of it), so it is generous for a loaded machine. Waits for nothing to come are short
# and written out where they are used.
FRAME_TIMEOUT = 30


@pytest_asyncio.fixture
async def settled():
    """After the test, every task it left (consumers, the hub's tickers and receivers) is
    cancelled and awaited here, again while any is still running, for up to 5 s, and any
    still pending is printed: pytest-asyncio's own teardown waits for them without a limit,
    and a full run once hung there (in different tests; not reproduced on demand)."""
    yield
    current = asyncio.current_task()
    deadline = time.monotonic() + 5
    while pending := [t for t in asyncio.all_tasks() if t is not current and not t.done()]:
        if time.monotonic() > deadline:
            for task in pending:
                print(f"task still running after the test: {task!r}", file=sys.stderr)
                task.print_stack(file=sys.stderr)
            return
        for task in pending:
            task.cancel()
        await asyncio.wait(pending, timeout=0.2)


REDIS_LAYERS = {
    "redis": "channels_redis.pubsub.RedisPubSubChannelLayer",  # CHANNEL_LAYER=pubsub, the default
    "redis-lists": "channels_redis.core.RedisChannelLayer",  # CHANNEL_LAYER=lists
}


@pytest.fixture(
    params=["memory", *(pytest.param(name, marks=pytest.mark.redis) for name in REDIS_LAYERS)]
)
def layer(request, settings, settled):
    """Each test runs on the in-memory layer (the embedded default) and on both of
    channels-redis's layers (production: pub/sub by default, lists by ``CHANNEL_LAYER``), these
    on the real Redis server `make test` starts."""
    if request.param in REDIS_LAYERS:
        prefix = f"test-{uuid.uuid4().hex[:8]}"
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": REDIS_LAYERS[request.param],
                "CONFIG": {"hosts": [django_settings.REDIS_URL], "prefix": prefix},
            }
        }
    else:
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


async def connect(user=None, lot=None, token=None, headers=None):
    path = f"/ws/lots/{lot.pk}/"
    if token:
        path += f"?token={token}"
    comm = WebsocketCommunicator(
        application, path, headers=[ORIGIN, *(headers or [])], subprotocols=["tradefloor.v1"]
    )
    if user is not None:
        comm.scope["user"] = user
    connected, subprotocol = await comm.connect(timeout=FRAME_TIMEOUT)
    return comm, connected, subprotocol


async def receive(comm, timeout=FRAME_TIMEOUT):
    return json.loads(await comm.receive_from(timeout=timeout))


async def receive_until(comm, frame_type, frames, timeout=FRAME_TIMEOUT):
    """The next frame of ``frame_type``, the others on the way appended to ``frames``; within
    ``timeout`` in all (ticks keep coming: a per-frame limit would never end the wait)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {frame_type!r} frame in {timeout} s; got {frames[-5:]}")
        frame = await receive(comm, left)
        frames.append(frame)
        if frame["type"] == frame_type:
            return frame


def no_canary(frames, names):
    text = json.dumps(frames, ensure_ascii=False)
    for name in names:
        assert name not in text, f"{name} leaked"


@sync_to_async
def make_auction(**kwargs):
    return Auction(**kwargs).start()


async def test_refusals_come_with_a_frame_and_a_close_code(layer):
    a = await make_auction()
    comm, connected, _ = await connect(lot=a.lot)
    assert connected
    frame = await receive(comm)
    assert frame == {"type": "refused", "code": "not_authenticated", "message": "Log in first."}
    assert (await comm.receive_output(timeout=FRAME_TIMEOUT))["code"] == 4401

    stranger = await sync_to_async(
        lambda: member(CompanyFactory(legal_name="Stranger"), "bidder", language="uk")
    )()
    comm, _, _ = await connect(stranger, a.lot)
    refused = await receive(comm)
    assert refused["code"] == "lot_not_found"
    with translation.override("uk"):  # in the person's own language
        assert refused["message"] == translation.gettext("No such lot.") != "No such lot."
    assert (await comm.receive_output(timeout=FRAME_TIMEOUT))["code"] == 4404

    # A supplier whose verification lapsed is refused.
    def lapse():
        a.companies[2].verification_status = VerificationStatus.REVERIFICATION_NEEDED
        a.companies[2].save()

    await sync_to_async(lapse)()
    comm, _, _ = await connect(a.bidders[2], a.lot)
    assert (await receive(comm))["code"] == "company_not_verified"
    assert (await comm.receive_output(timeout=FRAME_TIMEOUT))["code"] == 4403

    # A foreign origin is refused by the origin allow-list before anything else.
    bad = WebsocketCommunicator(
        application, f"/ws/lots/{a.lot.pk}/", headers=[(b"origin", b"http://evil.example")]
    )
    bad.scope["user"] = a.bidders[0]
    connected, _ = await bad.connect(timeout=FRAME_TIMEOUT)
    assert not connected


async def test_a_refused_socket_leaves_nothing_in_the_hub(layer):
    """A socket joins the lot's group in its process's hub before its access is checked (the
    check and the snapshot are then one database hop); refused, it leaves again: no member, so
    no changes rendered for it and the group left when it was the last."""
    from auctions.realtime.broadcast import lot_group

    a = await make_auction()
    stranger = await sync_to_async(lambda: member(CompanyFactory(legal_name="Nosy"), "bidder"))()
    comm, _, _ = await connect(stranger, a.lot)
    assert (await receive(comm))["code"] == "lot_not_found"
    assert (await comm.receive_output(timeout=FRAME_TIMEOUT))["code"] == 4404
    assert not hub_module.hub().members.get(lot_group(a.lot.pk))

    comm, _, _ = await connect(a.bidders[0], a.lot)  # an admitted supplier stays a member
    assert (await receive(comm))["type"] == "snapshot"
    assert len(hub_module.hub().members[lot_group(a.lot.pk)]) == 1
    await comm.disconnect()
    assert not hub_module.hub().members.get(lot_group(a.lot.pk))


async def test_token_authentication_and_the_snapshot(layer):
    a = await make_auction(visibility="ladder")
    key = await sync_to_async(lambda: Token.objects.create(user=a.bidders[0]).key)()
    comm, connected, subprotocol = await connect(lot=a.lot, token=key)
    assert connected and subprotocol == "tradefloor.v1"
    snap = await receive(comm)
    assert snap["type"] == "snapshot" and snap["protocol"] == 1 and snap["role"] == "supplier"
    assert snap["view"]["status"] == "live" and snap["view"]["me"]["label"] == 1
    assert snap["view"]["me"]["max_bid"] == "100000.00"
    assert snap["seq"] == snap["view"]["seq"] and snap["server_time"]
    await comm.disconnect()


async def test_an_instant_reads_the_same_in_the_frames_and_the_rest_api(layer):
    # The frames once wrote "+00:00" where the REST API writes "Z": one format, DRF's.
    a = await make_auction(visibility="ladder")
    comm, connected, _ = await connect(a.bidders[0], a.lot)
    assert connected
    frames = [await receive(comm)]
    await comm.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": "r1", "amount": "99000", "client_bid_id": "c1"}
        )
    )
    result = await receive_until(comm, "bid_result", frames)
    snapshot = frames[0]
    for instant in (
        snapshot["server_time"],
        snapshot["view"]["ends_at"],
        result["bid"]["placed_at"],
    ):
        assert instant.endswith("Z") and "+00:00" not in instant, instant

    def rest():
        from rest_framework.test import APIClient

        client = APIClient()
        client.force_authenticate(user=a.bidders[0])
        return (
            client.get(f"/api/lots/{a.lot.pk}/bids/").json(),
            client.get(f"/api/lots/{a.lot.pk}/standing/").json(),
        )

    bids, standing = await sync_to_async(rest)()
    assert bids[0]["placed_at"] == result["bid"]["placed_at"]  # the same instant, the same text
    assert standing["ends_at"] == snapshot["view"]["ends_at"]
    assert standing["ladder"][0]["at"] == bids[0]["placed_at"]
    assert standing["server_time"].endswith("Z") and standing["starts_at"].endswith("Z")
    await comm.disconnect()


async def test_the_socket_speaks_the_language_of_the_page_that_opened_it(layer):
    # The page is in the cookie's language; the person's own (English here) is the fallback.
    a = await make_auction()
    frames: list = []
    for headers, expected in (
        ([(b"cookie", b"django_language=uk")], "100\u00a0000,00\u00a0₴"),
        ([(b"accept-language", b"ru-RU,ru;q=0.9")], "100\u00a0000,00\u00a0₴"),
        ([], "UAH\u00a0100,000.00"),
    ):
        comm, connected, _ = await connect(a.bidders[0], a.lot, headers=headers)
        assert connected
        await receive(comm)
        await comm.send_to(
            text_data=json.dumps(
                {"type": "bid", "request_id": "r", "amount": "100001", "client_bid_id": "x"}
            )
        )
        refused = await receive_until(comm, "bid_result", frames)
        assert refused["error"]["code"] == "above_start_price"
        assert expected in refused["error"]["message"], (headers, refused)
        if headers:
            assert "start price" not in refused["error"]["message"]
        await comm.disconnect()


async def test_a_suppliers_second_tab_closing_leaves_it_connected_in_the_buyers_console(layer):
    """Presence counts a supplier once however many sockets it has: its second tab closing
    leaves it connected in the buyer's console (only its last socket's closing removes it)."""
    a = await make_auction()
    first, second = a.applications[0].pk, a.applications[1].pk
    buyer, _, _ = await connect(a.officer, a.lot)
    frames = [await receive(buyer)]

    async def presence_until(wanted: set, always: int | None = None) -> None:
        while True:
            connected = set((await receive_until(buyer, "presence", frames))["connected"])
            assert always is None or always in connected, frames[-5:]
            if connected == wanted:
                return

    tab1, _, _ = await connect(a.bidders[0], a.lot)
    await presence_until({first})
    tab2, _, _ = await connect(a.bidders[0], a.lot)
    await receive(tab2)
    await tab2.disconnect()
    other, _, _ = await connect(a.bidders[1], a.lot)
    await presence_until({first, second}, always=first)
    await tab1.disconnect()
    await presence_until({second})
    for comm in (other, buyer):
        await comm.disconnect()


async def test_bids_over_the_socket_reach_every_viewer_as_its_own_view(layer):
    a = await make_auction(visibility="ladder")
    s1, _, _ = await connect(a.bidders[0], a.lot)
    s2, _, _ = await connect(a.bidders[1], a.lot)
    buyer, _, _ = await connect(a.officer, a.lot)
    frames = {"s1": [await receive(s1)], "s2": [await receive(s2)], "buyer": [await receive(buyer)]}
    # Presence frames follow the connections as each process hears of them (through Redis a
    # moment later): the buyer sees both suppliers connected once the second one is heard of.
    both = {a.applications[0].pk, a.applications[1].pk}
    while True:
        presence = await receive_until(buyer, "presence", frames["buyer"])
        assert set(presence["connected"]) <= both, presence
        if set(presence["connected"]) == both:
            break

    await s1.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": "r1", "amount": "99000", "client_bid_id": "c1"}
        )
    )
    result = await receive_until(s1, "bid_result", frames["s1"])
    assert result["ok"] and result["request_id"] == "r1" and result["bid"]["amount"] == "99000.00"
    await s2.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": "r2", "amount": "98000", "client_bid_id": "c2"}
        )
    )
    assert (await receive_until(s2, "bid_result", frames["s2"]))["ok"]

    # Everyone sees the second bid as its own view.
    async def latest_standing(who, comm):
        # A bid's standing may arrive before or after its bid_result: look at what came too.
        for frame in frames[who]:
            if frame["type"] == "standing" and frame["view"]["bid_count"] == 2:
                return frame
        while True:
            frame = await receive_until(comm, "standing", frames[who])
            if frame["view"]["bid_count"] == 2:
                return frame

    v1 = (await latest_standing("s1", s1))["view"]
    v2 = (await latest_standing("s2", s2))["view"]
    vb = (await latest_standing("buyer", buyer))["view"]
    assert v1["me"]["rank"] == 2 and not v1["me"]["leading"] and v1["me"]["max_bid"] == "97000.00"
    assert v2["me"]["rank"] == 1 and v2["me"]["leading"]
    assert [e["label"] for e in v1["ladder"]] == [2, 1]
    assert [e["supplier"] for e in vb["ladder"]] == ["Canary Supplier 2", "Canary Supplier 1"]
    # Seq numbers grow and every frame says which one it follows.
    standings = [f for f in frames["s1"] if f["type"] == "standing"]
    seqs = [frames["s1"][0]["seq"]] + [f["seq"] for f in standings]
    assert seqs == sorted(seqs) and all(f["prev"] < f["seq"] for f in standings)
    # No supplier ever received a competitor's name, on any frame.
    no_canary(frames["s1"], ["Canary Supplier 2", "Canary Supplier 3", "Buyer Canary"])
    no_canary(frames["s2"], ["Canary Supplier 1", "Canary Supplier 3", "Buyer Canary"])
    for comm in (s1, s2, buyer):
        await comm.disconnect()


async def test_refused_bid_resend_and_resync(layer):
    a = await make_auction()
    s1, _, _ = await connect(a.bidders[0], a.lot)
    frames = [await receive(s1)]
    await s1.send_to(
        text_data=json.dumps({"type": "bid", "request_id": "r1", "amount": "100000.01"})
    )
    result = await receive_until(s1, "bid_result", frames)
    assert result == {
        "type": "bid_result",
        "request_id": "r1",
        "ok": False,
        "error": {"code": "above_start_price", "message": result["error"]["message"]},
    }
    bid = {"type": "bid", "request_id": "r2", "amount": "99000", "client_bid_id": "same"}
    await s1.send_to(text_data=json.dumps(bid))
    first = await receive_until(s1, "bid_result", frames)
    await s1.send_to(text_data=json.dumps({**bid, "request_id": "r3"}))
    again = await receive_until(s1, "bid_result", frames)
    assert again["duplicate"] and again["bid"]["id"] == first["bid"]["id"]
    assert await sync_to_async(Bid.objects.filter(lot=a.lot).count)() == 1
    await s1.send_to(text_data=json.dumps({"type": "resync", "since": 0}))
    snap = await receive_until(s1, "snapshot", frames)
    assert snap["reason"] == "resync" and [b["client_bid_id"] for b in snap["bids"]] == ["same"]
    await s1.send_to(text_data="not json")
    assert (await receive_until(s1, "error", frames))["code"] == "bad_frame"
    await s1.send_to(text_data=json.dumps({"type": "ping", "request_id": "p"}))
    assert (await receive_until(s1, "pong", frames))["request_id"] == "p"
    await s1.disconnect()


async def test_losing_admission_or_verification_closes_the_socket(layer):
    from auctions.models import Lot, LotStatus
    from auctions.tenders import applications

    # Admitted suppliers may watch before the auction; the buyer can still reject one then.
    a = await sync_to_async(Auction)()
    await sync_to_async(Lot.objects.filter(pk=a.lot.pk).update)(
        status=LotStatus.APPLICATIONS_CLOSED
    )
    s1, _, _ = await connect(a.bidders[0], a.lot)
    assert (await receive(s1))["view"]["status"] == "applications_closed"
    await sync_to_async(
        lambda: applications.application_reject(
            actor=a.officer, application=a.applications[0], reason="Documents withdrawn"
        )
    )()
    frames = []
    refused = await receive_until(s1, "refused", frames)
    assert refused["code"] == "lot_not_found"
    assert (await s1.receive_output(timeout=FRAME_TIMEOUT))["code"] == 4403

    s2, _, _ = await connect(a.bidders[1], a.lot)
    await receive(s2)

    def lapse():  # what the verification services do when a company loses its status: they
        # emit company.access_changed, and the auction app's listener closes the sockets
        with transaction.atomic():
            Company.objects.filter(pk=a.companies[1].pk).update(
                verification_status=VerificationStatus.REVERIFICATION_NEEDED
            )
            event_emit(
                "company.access_changed",
                company=a.companies[1].pk,
                payload={"company": a.companies[1].pk, "reason": "verification lapsed"},
            )

    await sync_to_async(lapse)()
    refused = await receive_until(s2, "refused", [])
    assert refused["code"] == "company_not_verified"


async def test_a_client_that_stops_acknowledging_is_dropped(layer, settings):
    settings.AUCTION_WS_MAX_UNACKED = 3
    settings.AUCTION_WS_TICK_SECONDS = 0.05
    a = await make_auction()
    s1, _, _ = await connect(a.bidders[0], a.lot)
    frames = []
    while True:
        output = await s1.receive_output(timeout=FRAME_TIMEOUT)
        if output["type"] == "websocket.close":
            assert output["code"] == 4408
            break
        frames.append(output)
    assert len(frames) == 3
    await s1.disconnect()
    # One that acknowledges each frame as it reads it stays (7 frames, more than 3). Ticks
    # every 0.05 s would race it: on a loaded machine three more may leave before its
    # acknowledgement is read. At 0.25 s it has 0.75 s to acknowledge.
    settings.AUCTION_WS_TICK_SECONDS = 0.25
    s2, _, _ = await connect(a.bidders[1], a.lot)
    for n in range(1, 8):
        await receive(s2)
        await s2.send_to(text_data=json.dumps({"type": "ack", "count": n}))
    await s2.disconnect()


async def test_broadcasts_leave_only_after_the_commit(layer):
    from channels.layers import get_channel_layer
    from django.db import transaction as tx

    from auctions.bidding.place import bid_place
    from auctions.realtime.broadcast import lot_group

    a = await make_auction()
    channel_layer = get_channel_layer()
    channel = await channel_layer.new_channel()
    await channel_layer.group_add(lot_group(a.lot.pk), channel)

    class Abort(Exception):
        pass

    def bid_then_roll_back():
        with pytest.raises(Abort), tx.atomic():
            bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
            raise Abort

    # One receive for the whole test: the pub/sub layer forgets a channel whose receive was
    # cancelled (a consumer's receive is cancelled only as it goes), and what is sent to it
    # meanwhile.
    received = asyncio.ensure_future(channel_layer.receive(channel))
    await sync_to_async(bid_then_roll_back)()
    done, _pending = await asyncio.wait([received], timeout=0.5)
    assert not done, "a rolled-back bid was broadcast"
    await sync_to_async(bid_place)(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    message = await asyncio.wait_for(received, timeout=FRAME_TIMEOUT)
    assert message["type"] == "lot.changed" and message["snapshot"]["bid_count"] == 1


async def test_a_member_who_does_not_bid_may_watch_but_not_bid(layer):
    a = await make_auction()
    manager = await sync_to_async(lambda: member(a.companies[0], "account_manager"))()
    comm, _, _ = await connect(manager, a.lot)
    assert (await receive(comm))["role"] == "supplier"
    await comm.send_to(text_data=json.dumps({"type": "bid", "request_id": "r", "amount": "99000"}))
    result = await receive_until(comm, "bid_result", [])
    assert result["ok"] is False and result["error"]["code"] == "not_a_bidder"
    assert await sync_to_async(Bid.objects.filter(lot=a.lot).count)() == 0
    await comm.disconnect()


async def test_a_change_whose_broadcast_never_arrived_still_reaches_the_socket(
    layer, settings, monkeypatch
):
    """Under `make run` the scheduler is another process on the in-memory layer: its
    broadcasts cannot reach Daphne. The hub compares the lot's sequence with the database."""
    from auctions.bidding.place import bid_place
    from auctions.realtime import broadcast

    settings.AUCTION_WS_TICK_SECONDS = 0.3
    a = await make_auction()
    s1, _, _ = await connect(a.bidders[0], a.lot)
    await receive(s1)
    monkeypatch.setattr(broadcast, "_group_send", lambda group, message: None)
    await sync_to_async(bid_place)(lot_id=a.lot.pk, user=a.bidders[1], amount="99000")
    frame = await receive_until(s1, "standing", [])
    assert frame["kinds"] == ["sync"] and frame["view"]["bid_count"] == 1
    assert frame["view"]["me"]["max_bid"] == "98000.00"
    await s1.disconnect()


async def test_proxy_and_withdraw_frames(layer):
    from auctions.bidding.place import bid_place
    from auctions.models import ProxyBid

    a = await make_auction()
    s1, _, _ = await connect(a.bidders[1], a.lot)
    frames = [await receive(s1)]
    await s1.send_to(text_data=json.dumps({"type": "proxy", "request_id": "p1", "floor": "95000"}))
    assert (await receive_until(s1, "result", frames)) == {
        "type": "result",
        "request_id": "p1",
        "ok": True,
    }
    # Outbid by a competitor, the proxy answers for it.
    await sync_to_async(bid_place)(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    while True:
        standing = await receive_until(s1, "standing", frames)
        if standing["view"]["me"]["leading"]:
            break
    assert standing["view"]["me"]["amount"] == "98000.00"
    await s1.send_to(text_data=json.dumps({"type": "proxy", "request_id": "p2", "floor": None}))
    assert (await receive_until(s1, "result", frames))["ok"] is True
    assert not await sync_to_async(
        lambda: ProxyBid.objects.get(application=a.applications[1]).active
    )()
    # Withdrawal belongs to the rounds format's turns: refused here, with the reason.
    await s1.send_to(text_data=json.dumps({"type": "withdraw", "request_id": "w"}))
    result = await receive_until(s1, "result", frames)
    assert result["ok"] is False and result["error"]["code"] == "not_your_turn"
    await s1.disconnect()


# --- group commit: bids from many sockets on one lot, in batches ------------------------

BATCH_BIDDERS = 6


async def test_bids_arriving_together_are_committed_in_one_batch_and_each_answered(
    layer, monkeypatch
):
    a = await make_auction(suppliers=BATCH_BIDDERS, step_reference="own")
    socks = []
    for i in range(BATCH_BIDDERS):
        comm, connected, _ = await connect(a.bidders[i], a.lot)
        assert connected
        await receive(comm)
        socks.append(comm)
    sizes: list[int] = []
    queued: list[bool] = []
    place = hub_module.bid_workers.place_here

    async def recording(lot_id, requests):
        if not sizes:  # hold the first batch until every socket's bid is in it or queued
            # behind it (a socket reads its resend only once its first bid is answered)
            queue = hub_module.hub().bid_queues[lot_id]
            try:
                await async_wait_until(
                    lambda: len(requests) + len(queue.waiting) >= BATCH_BIDDERS,
                    what="every socket's bid queued behind the first batch",
                )
                queued.append(True)
            except AssertionError:
                queued.append(False)  # said below, rather than failing the batch
        sizes.append(len(requests))
        return await place(lot_id, requests)

    monkeypatch.setattr(hub_module.bid_workers, "place_here", recording)
    for i, comm in enumerate(socks):
        await comm.send_to(
            text_data=json.dumps(
                {
                    "type": "bid",
                    "request_id": f"r{i}",
                    "amount": "99000",
                    "client_bid_id": f"c{i}",
                }
            )
        )
    # The last socket also resends its bid before any answer: one row, the same bid.
    await socks[-1].send_to(
        text_data=json.dumps(
            {
                "type": "bid",
                "request_id": "again",
                "amount": "99000",
                "client_bid_id": f"c{BATCH_BIDDERS - 1}",
            }
        )
    )
    results = []
    for comm in socks:
        frames: list = []
        results.append(await receive_until(comm, "bid_result", frames))
    again = await receive_until(socks[-1], "bid_result", [])
    assert queued == [True], "not every bid reached the queue"
    assert all(r["ok"] and not r["duplicate"] for r in results), results
    assert again["duplicate"] and again["bid"]["id"] == results[-1]["bid"]["id"]
    assert sum(sizes) == BATCH_BIDDERS + 1 and max(sizes) > 1, sizes
    bids = await sync_to_async(list)(Bid.objects.filter(lot=a.lot).values_list("pk", flat=True))
    assert sorted(bids) == sorted(r["bid"]["id"] for r in results)
    assert (await sync_to_async(chain_verify)(lot_id=a.lot.pk))[0]
    for comm in socks:
        await comm.disconnect()


async def test_a_refused_bid_in_a_batch_is_answered_with_its_own_error(layer):
    a = await make_auction(suppliers=2)
    s1, _, _ = await connect(a.bidders[0], a.lot)
    s2, _, _ = await connect(a.bidders[1], a.lot)
    await receive(s1)
    await receive(s2)
    for comm, rid in ((s1, "a"), (s2, "b")):
        await comm.send_to(
            text_data=json.dumps(
                {"type": "bid", "request_id": rid, "amount": "99000", "client_bid_id": rid}
            )
        )
    r1 = await receive_until(s1, "bid_result", [])
    r2 = await receive_until(s2, "bid_result", [])
    # Both bid the same level: exactly one wins it, the other hears the step rule.
    assert sorted([r1["ok"], r2["ok"]]) == [False, True]
    loser = r1 if not r1["ok"] else r2
    assert loser["error"]["code"] == "step_too_small"
    assert await sync_to_async(Bid.objects.filter(lot=a.lot).count)() == 1
    await s1.disconnect()
    await s2.disconnect()


async def test_a_bid_id_with_control_characters_is_refused_and_any_text_is_kept_exactly(layer):
    """The bid id is the client's own text: a control character (which the database could not
    store) or more than 64 characters is refused for that bid alone; any other text, quotes,
    backslashes and Cyrillic included, is stored and echoed exactly."""
    a = await make_auction(suppliers=3)
    socks = []
    for user in a.bidders:
        comm, _, _ = await connect(user, a.lot)
        await receive(comm)
        socks.append(comm)
    odd = 'ставка "1" \\ ü'
    ids = (("bad", "c\x00d"), ("long", "x" * 65), ("odd", odd))
    for comm, (rid, client_bid_id) in zip(socks, ids, strict=True):
        await comm.send_to(
            text_data=json.dumps(
                {
                    "type": "bid",
                    "request_id": rid,
                    "amount": "99000",
                    "client_bid_id": client_bid_id,
                }
            )
        )
    bad, long, ok = [await receive_until(c, "bid_result", []) for c in socks]
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_client_bid_id"
    assert "control characters" in bad["error"]["message"]
    assert long["ok"] is False and long["error"]["code"] == "invalid_client_bid_id"
    assert "64" in long["error"]["message"]
    assert ok["ok"] is True and ok["bid"]["client_bid_id"] == odd
    stored = await sync_to_async(list)(Bid.objects.filter(lot=a.lot).values_list("client_bid_id"))
    assert stored == [(odd,)]
    assert (await sync_to_async(chain_verify)(lot_id=a.lot.pk))[0]
    for comm in socks:
        await comm.disconnect()


async def test_frames_are_handled_without_a_hop_to_the_thread_sensitive_thread(layer, monkeypatch):
    """Channels' dispatch would close stale connections in its one thread-sensitive thread
    before each frame; the consumer's database work closes its own (``db_async``), so a frame
    goes straight to its handler."""
    import channels.consumer

    hops = []

    async def counted():
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    a = await make_auction(suppliers=1)
    comm, connected, _ = await connect(a.bidders[0], a.lot)
    assert connected
    await receive(comm)
    await comm.send_to(text_data=json.dumps({"type": "ping", "request_id": "p"}))
    pong = await receive_until(comm, "pong", [])
    assert pong["request_id"] == "p"
    await comm.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": "b", "amount": "99000", "client_bid_id": "b"}
        )
    )
    assert (await receive_until(comm, "bid_result", []))["ok"]
    await comm.disconnect()
    assert hops == []
