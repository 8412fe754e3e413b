"""Group memberships past the layer's group expiry (``marketplace.core.layers``): a member
that lives renews its membership; a killed process's is dropped by the layer (Redis)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from channels_redis.core import RedisChannelLayer

from marketplace.core import layers


async def test_a_membership_is_renewed_until_cancelled(monkeypatch):
    monkeypatch.setattr(layers, "renew_seconds", lambda layer: 0.01)
    added = []

    class Layer:
        async def group_add(self, group, channel):
            added.append((group, channel))

    task = asyncio.create_task(layers.renew_forever(Layer(), "user.1", "specific.a!b"))
    while len(added) < 3:
        await asyncio.sleep(0.01)
    task.cancel()
    assert set(added) == {("user.1", "specific.a!b")}


def test_renewal_comes_four_times_within_the_expiry():
    class Layer:
        group_expiry = 3600

    assert layers.renew_seconds(Layer()) == 900
    assert layers.renew_seconds(object()) == 86400 / 4


@pytest.mark.redis
async def test_the_layer_drops_a_member_not_renewed(settings):
    layer = RedisChannelLayer(
        hosts=[settings.REDIS_URL], prefix=f"test-{uuid.uuid4().hex[:8]}", group_expiry=1
    )
    live = await layer.new_channel()
    dead = await layer.new_channel()
    await layer.group_add("lot.1", live)
    await layer.group_add("lot.1", dead)  # then killed: never renewed
    # The layer compares whole seconds: 2.2 s later the dead one is past the expiry of 1 s
    # whatever the fraction it joined at.
    await asyncio.sleep(2.2)
    await layer.group_add("lot.1", live)  # the live one renews
    await layer.group_send("lot.1", {"type": "hello"})
    connection = layer.connection(layer.consistent_hash("lot.1"))
    members = {m.decode() for m in await connection.zrange(layer._group_key("lot.1"), 0, -1)}
    assert members == {live}
    assert (await layer.receive(live))["type"] == "hello"
    await layer.flush()
