"""Which admitted suppliers have a socket open on a lot, across every server process.

Each process keeps its own counts (application -> open sockets, per lot) and, with Redis, writes
them as absolute values, never increments: the lot's hash ``<prefix>:presence:<lot>`` has one
field per (application, process), ``"<application>@<process>"``. A process that dies (``kill
-9``, a crashed host) cannot take its sockets back, so it also says it lives: every
``AUCTION_PRESENCE_HEARTBEAT_SECONDS`` (10) it scores itself in ``<prefix>:presence-alive`` (a
sorted set, score the time) and writes its counts again. A reader counts only the fields of
processes heard from in the last ``AUCTION_PRESENCE_DEAD_SECONDS`` (30) and removes the fields of
the others; the hub's tick sends the buyer's side the change (``Hub._tick_presence``). Before, a shared ``HINCRBY``
counter kept a killed process's suppliers "connected" for a day: the buyer's console showed them
and the lead passing from them was not told (``lot.outbid`` goes only to suppliers not watching).

Redis is written when who is connected changes (a supplier's first socket in the process opens
or its last closes); a second tab only counts here, until the heartbeat. The changes a crowd
makes at once go to Redis together: a change waits for the next write,
which carries every (lot, application) changed before it starts, with its count at that moment
(one pipeline for a connect burst, not one per socket).

Without Redis (the in-memory layer, one process) the local counts are the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections import defaultdict

import redis.asyncio
from django.conf import settings

logger = logging.getLogger(__name__)

CONNECTIONS = 20  # Redis connections of the presence client, per process
KEY_TTL_SECONDS = 24 * 3600


def heartbeat_seconds() -> float:
    return getattr(settings, "AUCTION_PRESENCE_HEARTBEAT_SECONDS", 10.0)


def dead_after_seconds() -> float:
    return getattr(settings, "AUCTION_PRESENCE_DEAD_SECONDS", 30.0)


class Presence:
    def __init__(self, prefix: str | None, redis_url: str | None = None) -> None:
        self.prefix = prefix or "local"
        self.process = uuid.uuid4().hex[:12]
        self.local: dict[int, dict[int, int]] = defaultdict(dict)  # lot -> application -> n
        self._redis_url = redis_url if prefix else None
        self._redis = None
        self._heartbeat: asyncio.Task | None = None
        self._dirty: set[tuple[int, int]] = set()  # (lot, application) changed, not yet written
        self._next: asyncio.Future | None = None  # the write the next change waits for
        self._writer: asyncio.Task | None = None
        # More sockets connecting at once than the client has connections wait their turn
        # here (the pool itself raises "Too many connections", and the socket closed 1011).
        self._slots = asyncio.Semaphore(CONNECTIONS)

    @classmethod
    def for_layer(cls, layer) -> Presence:
        if hasattr(layer, "prefix") and settings.REDIS_URL:  # channels-redis
            return cls(layer.prefix, settings.REDIS_URL)
        return cls(None)

    def client(self):
        """One Redis client per process (not per socket), when the layer is Redis."""
        if self._redis is None and self._redis_url:
            self._redis = redis.asyncio.Redis.from_url(
                self._redis_url, max_connections=CONNECTIONS, socket_timeout=10
            )
        return self._redis

    def key(self, lot_id: int) -> str:
        return f"{self.prefix}:presence:{lot_id}"

    @property
    def alive_key(self) -> str:
        return f"{self.prefix}:presence-alive"

    def field(self, application_id: int) -> str:
        return f"{application_id}@{self.process}"

    async def change(self, lot_id: int, application_id: int, delta: int) -> bool:
        """A supplier's socket opened (+1) or closed (-1) here. True if who is connected
        changed (its first socket in this process opened, or its last closed): only then is
        Redis written and is there anything to announce. A second tab, or a reconnect that
        overlaps the old socket's close, changes a count no reader looks at (readers ask
        whether it is above zero; the heartbeat writes the counts themselves)."""
        counts = self.local[lot_id]
        before = counts.get(application_id, 0)
        count = max(0, before + delta)
        if count:
            counts[application_id] = count
        else:
            counts.pop(application_id, None)
            if not counts:
                del self.local[lot_id]
        if (before > 0) == (count > 0):
            return False
        if self.client() is None:
            return True
        self._ensure_heartbeat()
        self._dirty.add((lot_id, application_id))
        await self._written()
        return True

    async def _written(self) -> None:
        """Until the next write to Redis, which carries every change made before it starts:
        one pipeline for a crowd connecting at once, not one per socket (``make bench``'s
        idle). The counts are absolute values, so a write carries the newest count, and the
        writes go one at a time, in order."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if self._writer is None or self._writer.done():
                self._writer = asyncio.create_task(self._write_forever())
        await asyncio.shield(self._next)

    async def _write_forever(self) -> None:
        while self._next is not None:
            done, self._next = self._next, None
            dirty, self._dirty = self._dirty, set()
            try:
                await self._write(dirty)
            except asyncio.CancelledError:
                done.cancel()
                raise
            except Exception as exc:
                self._dirty |= dirty  # written with the next change, or by the heartbeat
                done.set_exception(exc)
                done.exception()  # the waiters have it; not "never retrieved" if none waits
            else:
                done.set_result(None)

    async def _write(self, dirty: set[tuple[int, int]]) -> None:
        client = self.client()
        async with self._slots, client.pipeline(transaction=False) as pipe:
            for lot_id, application_id in dirty:
                key = self.key(lot_id)
                count = self.local.get(lot_id, {}).get(application_id, 0)
                if count:
                    pipe.hset(key, self.field(application_id), count)
                    pipe.expire(key, KEY_TTL_SECONDS)
                else:
                    pipe.hdel(key, self.field(application_id))
            pipe.zadd(self.alive_key, {self.process: time.time()})
            await pipe.execute()

    async def connected(self, lot_id: int) -> list[int]:
        client = self.client()
        if client is None:
            return sorted(self.local.get(lot_id, {}))
        key = self.key(lot_id)
        async with self._slots, client.pipeline(transaction=False) as pipe:
            pipe.hgetall(key)
            pipe.zrangebyscore(self.alive_key, time.time() - dead_after_seconds(), "+inf")
            raw, alive = await pipe.execute()
        alive_set = {a.decode() for a in alive} | {self.process}
        applications, dead = set(), []
        for field, value in raw.items():
            application, _, process = field.decode().partition("@")
            if process not in alive_set:
                dead.append(field)
            elif int(value) > 0:
                applications.add(int(application))
        if dead:
            async with self._slots:
                await client.hdel(key, *dead)
        return sorted(applications)

    # --- staying alive -------------------------------------------------------------------------

    def _ensure_heartbeat(self) -> None:
        if self._heartbeat is None or self._heartbeat.done():
            self._heartbeat = asyncio.create_task(self._beat_forever())

    async def _beat_forever(self) -> None:
        while True:
            try:
                await self.beat()
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis away for a moment: the next beat writes it all again
                logger.warning("presence: heartbeat failed", exc_info=True)
            await asyncio.sleep(heartbeat_seconds())

    async def beat(self) -> None:
        """Say this process lives, write its counts again (absolute values: a beat after
        Redis restarted, or after a reader took this process for dead, restores them) and
        forget processes dead for an hour."""
        client = self.client()
        if client is None:
            return
        now = time.time()
        async with self._slots, client.pipeline(transaction=False) as pipe:
            pipe.zadd(self.alive_key, {self.process: now})
            pipe.zremrangebyscore(self.alive_key, "-inf", now - 3600)
            pipe.expire(self.alive_key, KEY_TTL_SECONDS)
            for lot_id, counts in list(self.local.items()):
                if counts:
                    pipe.hset(
                        self.key(lot_id),
                        mapping={self.field(a): n for a, n in counts.items()},
                    )
                    pipe.expire(self.key(lot_id), KEY_TTL_SECONDS)
            await pipe.execute()

    async def close(self) -> None:
        for task in (self._heartbeat, self._writer):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._next is not None and not self._next.done():
            self._next.cancel()
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
