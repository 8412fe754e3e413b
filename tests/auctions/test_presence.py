"""Presence across server processes (Redis): each process writes its own counts, and a process
that died (``kill -9``: it never took its sockets back) stops counting once its heartbeat is
old. Two ``Presence`` objects stand for two processes."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from auctions.realtime import presence as presence_module
from auctions.realtime.presence import Presence
from tests.waiting import async_wait_until

pytestmark = pytest.mark.redis


@pytest.fixture
async def processes(settings):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    made = [Presence(prefix, settings.REDIS_URL) for _ in range(2)]
    yield made
    client = made[0].client()
    keys = [k async for k in client.scan_iter(f"{prefix}:*")]
    if keys:
        await client.delete(*keys)
    for p in made:
        await p.close()


async def test_suppliers_connected_through_any_process_are_counted_once(processes):
    a, b = processes
    await a.change(7, 1, +1)
    await a.change(7, 2, +1)
    await b.change(7, 2, +1)
    await b.change(7, 3, +1)
    await b.change(8, 4, +1)  # another lot
    assert await a.connected(7) == [1, 2, 3]
    assert await b.connected(7) == [1, 2, 3]
    await a.change(7, 2, -1)  # supplier 2 still has b's socket
    assert await b.connected(7) == [1, 2, 3]
    await b.change(7, 2, -1)
    await a.change(7, 1, -1)
    assert await a.connected(7) == [3]
    assert await a.connected(8) == [4]


async def test_a_process_killed_with_its_sockets_open_stops_counting(processes):
    a, b = processes
    await a.change(7, 1, +1)
    await b.change(7, 2, +1)
    # a is killed: no close, no decrement; its last heartbeat grows old.
    await a.close()
    client = b.client()
    old = time.time() - presence_module.dead_after_seconds() - 1
    await client.zadd(b.alive_key, {a.process: old})
    assert await b.connected(7) == [2]
    assert await client.hkeys(b.key(7)) == [b.field(2).encode()]  # a's field removed


async def test_a_heartbeat_writes_the_counts_again(processes):
    """After Redis lost the keys (a restart), or a reader took a slow process for dead, the
    next beat restores what the process holds: the counts are absolute, not increments."""
    a, b = processes
    await a.change(7, 1, +1)
    await a.change(7, 1, +1)
    await a.change(9, 5, +1)
    client = a.client()
    await client.delete(a.key(7), a.key(9), a.alive_key)
    assert await b.connected(7) == []
    await a.beat()
    assert await b.connected(7) == [1]
    assert await b.connected(9) == [5]
    assert await client.hget(a.key(7), a.field(1)) == b"2"
    await a.change(7, 1, -1)
    await a.change(7, 1, -1)
    assert await b.connected(7) == []


async def test_the_heartbeat_runs_by_itself(processes, settings):
    settings.AUCTION_PRESENCE_HEARTBEAT_SECONDS = 0.05
    a = processes[0]
    await a.change(7, 1, +1)
    client = a.client()
    await client.zrem(a.alive_key, a.process)

    async def beaten():
        return await client.zscore(a.alive_key, a.process) is not None

    await async_wait_until(beaten, what="a heartbeat")


async def test_a_crowd_connecting_at_once_is_written_in_few_pipelines_with_the_newest_counts(
    processes, monkeypatch
):
    """The changes made while a write is on its way go together in the next one (one write for
    a crowd, not one per socket), and each carries the count at its writing: a supplier that
    connected and left within one batch is not counted."""
    a, b = processes
    writes = []
    real_write = a._write

    async def counted(dirty):
        writes.append(len(dirty))
        await real_write(dirty)

    monkeypatch.setattr(a, "_write", counted)
    changes = [a.change(7, 100 + i, +1) for i in range(200)]
    changes += [a.change(7, 100, -1), a.change(8, 5, +1), a.change(8, 5, -1)]
    await asyncio.gather(*changes)
    assert writes == [201], writes  # 201 (lot, supplier) pairs, in one write
    assert await b.connected(7) == list(range(101, 300))
    assert await b.connected(8) == []
    assert await a.client().hexists(a.key(7), a.field(100)) == 0


async def test_a_failed_write_is_raised_to_its_changes_and_written_with_the_next(
    processes, monkeypatch
):
    a, b = processes
    real_write = a._write
    failing = {"on": True}

    async def flaky(dirty):
        if failing["on"]:
            raise ConnectionError("Redis away")
        await real_write(dirty)

    monkeypatch.setattr(a, "_write", flaky)
    with pytest.raises(ConnectionError):
        await a.change(7, 1, +1)
    failing["on"] = False
    await a.change(7, 2, +1)  # carries supplier 1's count too
    assert await b.connected(7) == [1, 2]


async def test_a_suppliers_second_socket_writes_nothing_and_announces_nothing(processes):
    """Only a change of who is connected is written (and announced by the hub): the second
    tab and its closing leave Redis as it was; the last socket's closing removes the field."""
    a, b = processes
    client = a.client()
    assert await a.change(7, 1, +1) is True
    await client.hset(a.key(7), a.field(1), 1)  # as written; a change that wrote would alter it
    assert await a.change(7, 1, +1) is False  # a second tab
    assert await a.change(7, 1, -1) is False
    assert await client.hget(a.key(7), a.field(1)) == b"1"
    assert await b.connected(7) == [1]
    assert await a.change(7, 1, -1) is True
    assert await b.connected(7) == []
    assert await a.change(7, 1, -1) is False  # never below zero
