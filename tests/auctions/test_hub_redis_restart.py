"""After Redis restarts, the hub joins its lots' groups again, so changes made by other server
processes reach its sockets at once again, not only through the database poll (issue 20,
defect 3). Driven with a private Redis server that the test restarts, on both of channels-redis's
layers (``CHANNEL_LAYER``): the pub/sub layer (the default) subscribes again as its connection
comes back; on the list layer the hub joins again when its receive fails."""

from __future__ import annotations

import asyncio
import shutil
import time
import uuid

import pytest
import redis.asyncio
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

from auctions.bidding.outcomes import BidRequest
from auctions.bidding.place import bids_commit
from auctions.realtime.broadcast import lot_changed_message
from infra.testenv import Redis

from .engine_setup import Auction
from .test_ws import connect, receive, receive_until, settled  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


BACKENDS = {"pubsub": RedisPubSubChannelLayer, "lists": RedisChannelLayer}


@pytest.fixture(params=sorted(BACKENDS))
def private_redis(request, tmp_path, settings, settled):  # noqa: F811
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs redis-server to restart one")
    server = Redis(binary, tmp_path)
    url = server.start()
    prefix = f"restart-{uuid.uuid4().hex[:8]}"
    backend = BACKENDS[request.param]
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": f"{backend.__module__}.{backend.__qualname__}",
            "CONFIG": {"hosts": [url], "prefix": prefix},
        }
    }
    settings.AUCTION_WS_TICK_SECONDS = 120  # the database poll must not be what delivers
    channel_layers.backends.clear()
    yield server, url, prefix, backend
    channel_layers.backends.clear()
    server.stop()


@sync_to_async
def bid_elsewhere(a: Auction, amount: str) -> list:
    """A bid placed by 'another process': its broadcast is returned, not sent from here."""
    placed = bids_commit(
        [
            (
                a.lot.pk,
                [BidRequest(application_id=a.applications[0].pk, user=a.bidders[0], amount=amount)],
            )
        ]
    )
    ((outcome,),) = placed.outcomes
    assert not hasattr(outcome, "code"), outcome
    return [
        lot_changed_message(lot_id=c.lot_id, kinds=c.kinds, snapshot=c.snapshot)
        for c in placed.changes
    ]


@pytest.mark.faults
async def test_the_hub_rejoins_its_groups_after_redis_restarts(private_redis):
    server, url, prefix, backend = private_redis
    a = await sync_to_async(lambda: Auction(suppliers=2).start())()
    buyer, connected, _ = await connect(a.officer, a.lot)
    assert connected
    await receive(buyer)  # the snapshot
    other = backend(hosts=[url], prefix=prefix)  # another server process's layer

    async def change_arrives(amount: str) -> bool:
        for group, message in await bid_elsewhere(a, amount):
            await other.group_send(group, message)
        frame = await receive_until(buyer, "standing", [], timeout=30)
        return frame["view"]["best"]["amount"] == f"{amount}.00"

    assert await change_arrives("99000")
    server.stop()
    await asyncio.sleep(1)  # the hub's receive fails meanwhile
    server.start()  # the same port, empty: every group membership is gone
    client = redis.asyncio.Redis.from_url(url)
    started = time.monotonic()
    while not await joined(client, backend, prefix, f"lot.{a.lot.pk}"):  # the hub joins again
        assert time.monotonic() - started < 60, "the hub never joined its group again"
        await asyncio.sleep(0.1)
    await client.aclose()
    other = backend(hosts=[url], prefix=prefix)
    assert await change_arrives("98000")  # at once, not after the database poll (120 s)
    await buyer.disconnect()


async def joined(client, backend, prefix: str, group: str) -> bool:
    """Is some process a member of ``group`` on the restarted server?"""
    if backend is RedisPubSubChannelLayer:
        ((_name, subscribers),) = await client.pubsub_numsub(f"{prefix}__group__{group}")
        return subscribers > 0
    return bool(await client.exists(f"{prefix}:group:{group}"))
