"""The per-process hub: the coalescing of a lot's changes (pure asyncio, no server) and its
presence client under a burst of connections (Redis)."""

import asyncio
import uuid

import pytest
from channels.layers import channel_layers

from auctions.realtime.hub import Hub, _Coalescer
from tests.waiting import async_wait_until

# The coalescing window of these tests. The window is real time: changes offered one after the
# other must fall in one window even when a loaded machine pauses this process between them,
# so it is wide; what the window released is awaited, not slept for.
WINDOW = 0.5


def change(seq, kind="bid"):
    return {"type": "lot.changed", "lot": 1, "seq": seq, "kinds": [kind], "snapshot": {"seq": seq}}


async def test_first_change_goes_at_once_and_a_burst_becomes_one_delivery(settings):
    settings.AUCTION_WS_COALESCE_SECONDS = WINDOW
    delivered = []

    async def deliver(message):
        delivered.append((message["seq"], message["kinds"], asyncio.get_running_loop().time()))

    c = _Coalescer(deliver)
    start = asyncio.get_running_loop().time()
    await c.offer(change(1))
    assert [d[0] for d in delivered] == [1]
    await c.offer(change(2))
    await c.offer(change(4, "extended"))
    await c.offer(change(3))  # arrives late, older than 4: 4 still wins
    assert len(delivered) == 1
    await async_wait_until(lambda: len(delivered) > 1, what="the end of the window")
    assert [(d[0], d[1]) for d in delivered] == [(1, ["bid"]), (4, ["bid", "extended"])]
    assert delivered[1][2] - start >= WINDOW * 0.95  # not before the window ended
    # After a quiet window the next change goes at once again (a window at least: the
    # behaviour under test is time itself).
    await asyncio.sleep(WINDOW * 1.1)
    await c.offer(change(5))
    assert delivered[-1][0] == 5


async def test_no_window_delivers_every_change(settings):
    settings.AUCTION_WS_COALESCE_SECONDS = 0
    delivered = []

    async def deliver(message):
        delivered.append(message["seq"])

    c = _Coalescer(deliver)
    for seq in range(1, 6):
        await c.offer(change(seq))
    assert delivered == [1, 2, 3, 4, 5]


async def test_bid_batches_changes_leave_for_the_layer_once_per_window(settings, monkeypatch):
    """The hub sends a lot's changes from its bid batches through the same window: the first
    at once, then the newest of the window (with every kind); other messages at once."""
    from auctions.realtime import hub as hub_module

    settings.AUCTION_WS_COALESCE_SECONDS = WINDOW
    sent = []

    async def send(broadcasts):
        sent.extend((g, m["type"], m.get("seq"), m.get("kinds")) for g, m in broadcasts)

    monkeypatch.setattr(hub_module, "_send", send)
    h = Hub()
    await h.broadcast([("lot.1", change(1))])
    access = {"type": "access.changed", "company": 9}
    await h.broadcast([("lot.1", change(2)), ("company.9", access)])
    await h.broadcast([("lot.1", change(3, "extended"))])
    assert sent == [
        ("lot.1", "lot.changed", 1, ["bid"]),
        ("company.9", "access.changed", None, None),
    ]
    await async_wait_until(lambda: len(sent) > 2, what="the end of the window")
    assert sent[2:] == [("lot.1", "lot.changed", 3, ["bid", "extended"])]


async def test_a_hubs_own_change_reaches_its_sockets_at_once_and_not_twice(settings, monkeypatch):
    """A bid batch's change goes to the layer (the other processes) and to this process's
    sockets at once; when the layer hands it back it is skipped, another process's is not."""
    from auctions.realtime import hub as hub_module

    settings.AUCTION_WS_COALESCE_SECONDS = 0
    h = Hub()
    h.channel = "hub.me"
    delivered, sent = [], []

    async def deliver(group, message):
        delivered.append((message["seq"], message.get("origin")))

    async def send(broadcasts):
        sent.extend(broadcasts)

    monkeypatch.setattr(h, "deliver", deliver)
    monkeypatch.setattr(hub_module, "_send", send)
    await h.broadcast([("lot.1", change(1))])
    assert delivered == [(1, "hub.me")]
    assert [(g, m["seq"], m["origin"]) for g, m in sent] == [("lot.1", 1, "hub.me")]

    back = [sent[0][1], {**change(2), "origin": "hub.other"}]

    async def receive(channel):
        if back:
            return back.pop(0)
        await asyncio.sleep(3600)

    monkeypatch.setattr(h.layer, "receive", receive)
    task = asyncio.create_task(h._receive_forever())
    await async_wait_until(lambda: len(delivered) > 1, what="the other process's change")
    task.cancel()
    assert delivered == [(1, "hub.me"), (2, "hub.other")]


async def test_a_change_before_the_snapshot_is_held_and_sent_after_it_only_if_newer(monkeypatch):
    import json

    from auctions.realtime import consumers
    from auctions.standing import Viewer

    monkeypatch.setattr(
        consumers, "render", lambda snapshot, viewer, **kw: {"seq": snapshot["seq"]}
    )
    consumer = consumers.LotConsumer()
    consumer.viewer = Viewer(role="buyer")
    sent = []

    async def emit(message):
        sent.append(json.loads(message))

    consumer._emit = emit
    await consumer.lot_changed(change(7))
    await consumer.lot_changed(change(6))  # older than the one held: dropped
    assert sent == [] and consumer.held["seq"] == 7
    # The snapshot (seq 6) went out; the held change is newer, so it follows.
    consumer.last_seq, consumer.ready = 6, True
    held, consumer.held = consumer.held, None
    await consumer.lot_changed(held)
    assert [(f["type"], f["seq"], f["prev"]) for f in sent] == [("standing", 7, 6)]
    await consumer.lot_changed(change(7))  # the same state again: nothing
    assert len(sent) == 1


@pytest.mark.redis
async def test_presence_survives_more_sockets_at_once_than_its_redis_pool(settings):
    """200 sockets connecting together share the hub's 20 Redis connections (they wait their
    turn instead of failing with "Too many connections")."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [settings.REDIS_URL], "prefix": prefix},
        }
    }
    channel_layers.backends.clear()
    try:
        h = Hub()
        await asyncio.gather(*(h.presence.change(7, 100 + i % 50, +1) for i in range(200)))
        assert await h.presence.connected(7) == list(range(100, 150))
        await asyncio.gather(*(h.presence.change(7, 100 + i % 50, -1) for i in range(200)))
        assert await h.presence.connected(7) == []
        await h.presence.close()
    finally:
        channel_layers.backends.clear()


async def test_the_hub_renews_every_membership_it_holds():
    """The layer drops a membership not renewed within its group expiry (a killed process's);
    the hub's ticker renews each of its groups on the layer: its lots' and the access group
    (a company's group is local: its changes come through the access group)."""
    h = Hub()
    h.channel = "hub.test!1"
    added = []

    class Layer:
        async def group_add(self, group, channel):
            added.append((group, channel))

    h.layer = Layer()
    h.members["lot.1"].add(object())
    h.members["company.2"].add(object())
    await h._renew_memberships()
    assert sorted(added) == [("access", "hub.test!1"), ("lot.1", "hub.test!1")]


async def test_the_catch_up_takes_the_snapshot_a_socket_made_at_the_lots_head(monkeypatch):
    """The hub's database poll finds a lot past what it delivered (every lot's first socket
    leaves it so): the snapshot made at exactly that head is taken, not read again; a head
    with no snapshot made at it is read."""
    from auctions.realtime import hub as hub_module
    from auctions.realtime.snapshot_cache import snapshot_cache_clear, snapshot_remember

    heads = {1: (4, "h4"), 2: (9, "h9")}
    read = []

    async def lot_heads(lots):
        return {lot: heads[lot] for lot in lots}

    async def lot_snapshot(lot_id):
        read.append(lot_id)
        return {"seq": heads[lot_id][0], "read": True}

    monkeypatch.setattr(hub_module, "_lot_heads", lot_heads)
    monkeypatch.setattr(hub_module, "_lot_snapshot", lot_snapshot)
    snapshot_cache_clear()
    snapshot_remember(1, (4, "h4"), {"seq": 4, "cached": True})
    snapshot_remember(2, (8, "h8"), {"seq": 8, "cached": True})  # an older head than the lot's
    h = Hub()
    sent = []

    async def dispatch(message):
        sent.append(message)

    h.dispatch = dispatch
    await h._catch_up([1, 2])
    assert read == [2]
    assert {m["lot"]: m["snapshot"] for m in sent} == {
        1: {"seq": 4, "cached": True},
        2: {"seq": 9, "read": True},
    }
    h.delivered.update({1: 4, 2: 9})
    sent.clear()
    await h._catch_up([1, 2])  # nothing new
    assert sent == [] and read == [2]
    snapshot_cache_clear()


async def test_a_companys_sockets_add_no_group_on_the_layer_its_changes_come_through_access():
    """A supplier's first socket in a process joins its lot's group on the layer, not a group
    of its company (one Redis ``group_add`` per company in a storm of different people): the
    hub is in the one access group, and hands an access change to that company's sockets."""
    h = Hub()
    added, discarded, told = [], [], []

    class Layer:
        async def new_channel(self, prefix=""):
            return prefix + "test!1"

        async def group_add(self, group, channel):
            added.append(group)

        async def group_discard(self, group, channel):
            discarded.append(group)

        async def receive(self, channel):
            await asyncio.Event().wait()  # nothing arrives in this test

    class Socket:
        def __init__(self, name):
            self.name = name

        async def access_changed(self, message):
            told.append((self.name, message["company"]))

    h.layer = Layer()
    ours, theirs = Socket("ours"), Socket("theirs")
    await h.join("lot.1", ours)
    await h.join("company.7", ours)
    await h.join("company.8", theirs)
    assert added == ["access", "lot.1"]
    await h.dispatch({"type": "access.changed", "company": 7})
    assert told == [("ours", 7)]
    await h.leave("company.7", ours)
    await h.leave("lot.1", ours)
    assert discarded == ["lot.1"]
    h.task.cancel()
    if h.ticker is not None:
        h.ticker.cancel()
