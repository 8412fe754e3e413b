"""One channel-layer subscription per server process, fanned out to its sockets in memory.

A plain Channels consumer has a channel of its own, and a group send to a lot then costs one
channel-layer message per socket. Here each process subscribes once: its hub joins the lot's
group with a single process channel, receives each change once, renders each distinct view once
and hands the text to the local sockets. Consumers have no channel of their own
(``channel_layer_alias`` points at no layer). On Redis the layer is channels-redis's pub/sub
layer by default (a change is one ``PUBLISH``; settings ``CHANNEL_LAYER``); a change published
while this process's subscription is down is not kept for it, and the tick's look at the lots'
heads in the database (``_catch_up``) delivers it.

A company's access changes (``access.changed``, rare: a verification, an admission) go to one
group every hub joins (``ACCESS_GROUP``), and each hub hands them to its sockets of that company
(the company groups are local only). A group per company cost a Redis ``group_add`` for each
supplier's company as its first socket connected to a process: in a reconnect storm of
different people, one per socket.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from collections import defaultdict
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer
from django.conf import settings

from marketplace.core.asyncdb import db_async
from marketplace.core.layers import renew_seconds
from marketplace.core.times import now_iso

from ..models import Lot
from ..outbox import lot_outbid
from ..selectors import lot_get, lot_snapshot
from . import bid_batches, bid_workers
from .broadcast import ACCESS_GROUP, company_group, lot_group
from .presence import Presence
from .snapshot_cache import Head, snapshot_cached

logger = logging.getLogger(__name__)

LAYER_CONCURRENCY = 20  # the hub's channel-layer calls (joins, leaves, presence) at once

_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Hub:
    """The local subscribers of one event loop (one Daphne process has one loop)."""

    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.members: dict[str, set] = defaultdict(set)  # group -> local consumers
        self.ready = asyncio.Lock()
        self.lots: dict[int, _Coalescer] = {}  # a lot's changes as they arrive, to the sockets
        self.outgoing: dict[int, _Coalescer] = {}  # a lot's changes from bid batches, to the layer
        self.ticker: asyncio.Task | None = None  # one for all the lots of this process
        self.delivered: dict[int, int] = {}  # lot -> the newest seq handed to its sockets
        self.leaders: dict[int, int | None] = {}  # lot -> the leading application last seen
        self.told_outbid: set[tuple[int, int]] = set()  # (lot, application) recorded here
        self.background: set[asyncio.Future] = set()
        self.presence = Presence.for_layer(self.layer)
        self.announcing: set[int] = set()  # lots whose presence change is about to be sent
        # The layer's calls of a crowd joining at once wait their turn here: each call beyond
        # the pool's idle connections opened a new Redis connection (and redis-py reads its
        # own version from the installed files for each: a 1,000-socket storm spent 1.7 s
        # of the event loop on that alone).
        self.layer_slots = asyncio.Semaphore(LAYER_CONCURRENCY)
        self.bid_queues: dict[int, _BidQueue] = {}
        self.bid_workers: bid_workers.Workers | None = None

    # --- bids: one lot's bids of this process go to the database in batches ---------------

    async def bid(self, lot_id: int, request):
        """Place a websocket bid through the lot's queue (group commit, ``services.bids_place``);
        returns its ``BidResult`` or the ``ApplicationError`` that refused it, once committed.
        With ``AUCTION_BID_WORKERS`` the lot's worker process batches them instead."""
        workers = self._bid_workers()
        if workers is not None:
            return await workers.bid(lot_id, request)
        queue = self.bid_queues.get(lot_id)
        if queue is None:
            queue = self.bid_queues[lot_id] = _BidQueue(lot_id)
        return await queue.submit(request)

    def _bid_workers(self) -> bid_workers.Workers | None:
        count = bid_workers.workers()
        if not count:
            return None
        if self.bid_workers is None or self.bid_workers.count != count:
            if self.bid_workers is not None:
                self.bid_workers.close()
            self.bid_workers = bid_workers.Workers(count, send=self.broadcast)
        return self.bid_workers

    async def broadcast(self, broadcasts: list[tuple[str, dict]]) -> None:
        """A committed bid batch's broadcasts, to the channel layer (every process). A lot's
        changes leave through a ``_Coalescer`` as every process delivers them: the first at
        once, then only the newest of each window (each change is the lot's whole state).
        Every process would coalesce them on arrival anyway; here the hot lot costs one Redis
        message per window instead of one per batch, to send and for each process to read."""
        for group, message in broadcasts:
            if message.get("type") != "lot.changed":
                await _send([(group, message)])
                continue
            lot = message["lot"]
            coalescer = self.outgoing.get(lot)
            if coalescer is None:
                coalescer = self.outgoing[lot] = _Coalescer(functools.partial(self._publish, group))
            await coalescer.offer(message)

    async def _publish(self, group: str, message: dict) -> None:
        """A change to the other processes through the layer, and to this one's sockets at
        once: its own copy, marked with this hub's channel, is skipped when it comes back.
        (Skipping the layer when this process is the group's only member was tried and
        measured: no gain in the spread scenario, docs/benchmarks.md.)"""
        message = {**message, "origin": self.channel}
        await _send([(group, message)])
        await self.dispatch(message)

    # --- presence: which admitted suppliers have a socket open, across every process ------

    def presence_announce(self, lot_id: int) -> None:
        """Tell every process of the lot that who is connected changed, at most once per
        coalescing window per lot: a crowd connecting at once announced itself once per
        socket, and the 1,000 messages overflowed each hub channel's capacity in Redis."""
        if lot_id in self.announcing:
            return
        self.announcing.add(lot_id)
        task = asyncio.ensure_future(self._announce_later(lot_id))
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _announce_later(self, lot_id: int) -> None:
        try:
            await asyncio.sleep(coalesce_seconds())
        finally:
            self.announcing.discard(lot_id)  # a change from now on is announced again
        message = {"type": "presence.changed", "lot": lot_id}
        async with self.layer_slots:
            await _guard(self.layer.group_send(lot_group(lot_id), message))

    async def _ensure_running(self):
        async with self.ready:
            if self.channel is None:
                self.channel = await self.layer.new_channel(prefix="hub.")
                async with self.layer_slots:
                    await self.layer.group_add(ACCESS_GROUP, self.channel)
            if self.task is None or self.task.done():
                self.task = asyncio.create_task(self._receive_forever())

    def _layer_groups(self) -> list[str]:
        """The groups this process is a member of on the layer: its lots' and the access
        group."""
        return [*(g for g in list(self.members) if _on_layer(g)), ACCESS_GROUP]

    async def join(self, group: str, consumer) -> None:
        await self._ensure_running()
        if group.startswith("lot.") and (workers := self._bid_workers()) is not None:
            workers.start()  # before the first bid: a worker takes a second or two to start
        first = not self.members[group]
        self.members[group].add(consumer)
        if group.startswith("lot.") and (self.ticker is None or self.ticker.done()):
            self.ticker = asyncio.create_task(self._tick_forever())
        if first and _on_layer(group):
            async with self.layer_slots:
                await self.layer.group_add(group, self.channel)

    async def leave(self, group: str, consumer) -> None:
        members = self.members.get(group)
        if not members:
            return
        members.discard(consumer)
        if not members:
            del self.members[group]  # (the ticker stays: with no lot it only sleeps)
            if not _on_layer(group):
                return
            try:
                async with self.layer_slots:
                    await self.layer.group_discard(group, self.channel)
            except Exception:  # the layer away (Redis restarting): the membership expires there
                # by itself (the layer's group expiry), and a socket's close must not fail
                logger.warning("hub: leaving %s failed; the layer forgets it by expiry", group)

    async def _tick_forever(self) -> None:
        """Every few seconds, the server's time to every local socket, for countdowns and to
        show the connection lives; and a look at the watched lots' sequence numbers in the
        database, so a change whose broadcast never reached this process (another process on
        the in-memory layer, e.g. the scheduler under `make run`, or a lost message) still
        arrives: the database is the truth. One task and one query per process for all its
        lots (it was a task and a query per lot: 10,000 lots, 2,000 queries a second)."""
        poll = poll_seconds(self.layer)
        since_tick = since_renewal = 0.0
        while True:
            await asyncio.sleep(poll)
            since_tick += poll
            since_renewal += poll
            if since_renewal >= renew_seconds(self.layer):
                since_renewal = 0.0
                await _guard(self._renew_memberships())
            lots = [int(g.split(".", 1)[1]) for g in list(self.members) if g.startswith("lot.")]
            if not lots:
                continue
            await _guard(self._catch_up(lots))
            if since_tick + 1e-9 >= tick_seconds():
                since_tick = 0.0
                now = now_iso()
                for lot_id in lots:
                    group = lot_group(lot_id)
                    cache: dict = {}
                    for consumer in list(self.members.get(group, ())):
                        await _guard(consumer.tick(now, cache))
                    await _guard(self._tick_presence(lot_id, group))

    async def _catch_up(self, lots: list[int]) -> None:
        """A lot whose chain head in the database is past what this process delivered gets
        its snapshot at that head: the one a socket connecting at it made (``snapshot_cache``),
        else read. (Every lot's first socket left its lot behind by the delivered count, so
        after a restart each lot cost one more snapshot read here.)"""
        heads = await _lot_heads(lots)
        for lot_id in lots:
            head = heads.get(lot_id)
            if head is None or head[0] <= self.delivered.get(lot_id, -1):
                continue
            snapshot = snapshot_cached(lot_id, head) or await _lot_snapshot(lot_id)
            await self.dispatch(
                {
                    "type": "lot.changed",
                    "lot": lot_id,
                    "seq": snapshot["seq"],
                    "kinds": ["sync"],
                    "snapshot": snapshot,
                }
            )

    async def _renew_memberships(self) -> None:
        """Join every group again: the layer drops a membership not renewed within its group
        expiry (``marketplace.core.layers``), which is how a killed process's go."""
        for group in self._layer_groups():
            async with self.layer_slots:
                await self.layer.group_add(group, self.channel)

    async def _tick_presence(self, lot_id: int, group: str) -> None:
        """Who is connected, again, to the buyer's side's sockets that see it, when it changed
        without a socket saying so: a process that was killed with its sockets open stops
        counting once its heartbeat is old (``presence``), and nobody announces that."""
        watchers = [c for c in self.members.get(group, ()) if c.watches_presence]
        if watchers:
            connected = await self.presence.connected(lot_id)
            for consumer in watchers:
                await _guard(consumer.presence_refresh(connected))

    async def _receive_forever(self):
        # The list layer's receive fails while Redis is away, and Redis forgets the groups when
        # it restarts: join them again. (The pub/sub layer's receive does not fail; redis-py
        # subscribes again as its connection comes back.)
        rejoin = False
        while True:
            if rejoin:
                rejoin = not await self._rejoin()
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer hiccupped (e.g. Redis restarting): try again
                logger.exception("hub receive failed")
                rejoin = True  # a restarted Redis has forgotten this process's groups
                await asyncio.sleep(0.5)
                continue
            if message.get("origin") is not None and message["origin"] == self.channel:
                continue  # this process's own change, delivered here when it was sent
            await self.dispatch(message)

    async def _rejoin(self) -> bool:
        """Join every group this process serves again (adding a member twice is harmless):
        after Redis restarted, the layer no longer knows them, and other processes' changes
        would reach this one only through the database poll. True once all are joined."""
        groups = self._layer_groups()
        try:
            for group in groups:
                await self.layer.group_add(group, self.channel)
        except Exception:
            logger.warning("hub: joining the groups again failed; retrying", exc_info=True)
            await asyncio.sleep(0.5)
            return False
        logger.info("hub: joined %d groups again after the layer failed", len(groups))
        return True

    async def dispatch(self, message: dict) -> None:
        kind = message.get("type", "")
        if kind == "lot.changed" or kind == "presence.changed":
            group = lot_group(message["lot"])
        elif kind == "access.changed":
            group = company_group(message["company"])
        else:
            logger.warning("hub: unknown message type %r", kind)
            return
        if kind == "lot.changed":
            lot = message["lot"]
            coalescer = self.lots.get(lot)
            if coalescer is None:
                coalescer = self.lots[lot] = _Coalescer(functools.partial(self.deliver, group))
            await coalescer.offer(message)
            return
        consumers = list(self.members.get(group, ()))
        if kind == "presence.changed":
            for consumer in consumers:
                await _guard(consumer.presence_changed(message))
        else:
            for consumer in consumers:
                await _guard(consumer.access_changed(message))

    async def deliver(self, group: str, message: dict) -> None:
        lot_id = message["lot"]
        self.delivered[lot_id] = max(self.delivered.get(lot_id, -1), message["seq"])
        self._watch_leader(lot_id, message["snapshot"])
        cache: dict = {}  # one rendering and one JSON text per distinct view
        for consumer in list(self.members.get(group, ())):
            await _guard(consumer.lot_changed(message, cache))

    def note_snapshot(self, lot_id: int, snapshot: dict) -> None:
        """A socket's first snapshot: where this process starts watching the lead from."""
        if lot_id not in self.leaders:
            self._watch_leader(lot_id, snapshot)

    def _watch_leader(self, lot_id: int, snapshot: dict) -> None:
        """A live lot's lead passed from one supplier to another: if none of the old leader's
        people has the room open, that supplier is told (``lot.outbid``, once per lot; the
        notifications app listens). Seen here from the changes every process receives, so
        the bid path writes nothing for it."""
        entries = snapshot.get("entries") or []
        live = snapshot.get("status") == "live" and snapshot.get("format") != "sealed"
        leader = entries[0]["application"] if live and entries else None
        previous = self.leaders.get(lot_id)
        self.leaders[lot_id] = leader
        if previous is None or leader is None or previous == leader:
            return
        if (lot_id, previous) in self.told_outbid:
            return
        self.told_outbid.add((lot_id, previous))
        task = asyncio.ensure_future(_guard(self._outbid(lot_id, previous)))
        self.background.add(task)
        task.add_done_callback(self.background.discard)

    async def _outbid(self, lot_id: int, application_id: int) -> None:
        if application_id in await self.presence.connected(lot_id):
            self.told_outbid.discard((lot_id, application_id))  # watching: nothing to tell
            return
        await _record_outbid(lot_id, application_id)


@db_async
def _record_outbid(lot_id: int, application_id: int) -> bool:
    return lot_outbid(lot_id=lot_id, application_id=application_id)


def tick_seconds() -> float:
    return getattr(settings, "AUCTION_WS_TICK_SECONDS", 5)


def _on_layer(group: str) -> bool:
    """A company's group is local: its changes come through ``ACCESS_GROUP``."""
    return not group.startswith("company.")


def poll_seconds(layer) -> float:
    """How often the hub compares a watched lot's sequence with the database: every second on
    the in-memory layer (one process cannot hear another's broadcasts), with the ticks on a
    shared layer (a backstop only)."""
    if hasattr(layer, "prefix"):  # channels-redis
        return tick_seconds()
    return min(getattr(settings, "AUCTION_WS_POLL_SECONDS", 1.0), tick_seconds())


@db_async
def _lot_heads(lot_ids: list[int]) -> dict[int, Head]:
    """The lots' chain heads, ``(event_seq, last_hash)``, as ``snapshot_cache`` keys them."""
    rows = Lot.objects.filter(pk__in=lot_ids).values_list("pk", "event_seq", "last_hash")
    return {pk: (seq, last_hash or "") for pk, seq, last_hash in rows}


@db_async
def _lot_snapshot(lot_id: int) -> dict:
    return lot_snapshot(lot=lot_get(lot_id=lot_id))


def coalesce_seconds() -> float:
    return getattr(settings, "AUCTION_WS_COALESCE_SECONDS", 0.1)


class _Coalescer:
    """At most one delivery of a lot's changes per window (100 ms by default): the first
    change goes out at once, later ones within the window wait for its end and only the
    newest goes out, carrying every kind it replaced. Each change is the lot's whole state,
    so nothing is lost; a bidder's own acknowledgement never waits here."""

    def __init__(self, deliver: Callable[[dict], Awaitable[None]]) -> None:
        self.deliver = deliver
        self.pending: dict | None = None
        self.last = float("-inf")
        self.timer: asyncio.TimerHandle | None = None

    async def offer(self, message: dict) -> None:
        loop = asyncio.get_running_loop()
        window = coalesce_seconds()
        now = loop.time()
        if self.timer is None and now - self.last >= window:
            self.last = now
            await self.deliver(message)
            return
        if self.pending is None:
            self.pending = message
        else:
            kinds = list(dict.fromkeys([*self.pending.get("kinds", []), *message.get("kinds", [])]))
            newer = message if message["seq"] > self.pending["seq"] else self.pending
            self.pending = {**newer, "kinds": kinds}
        if self.timer is None:
            self.timer = loop.call_later(
                max(0.0, self.last + window - now), lambda: asyncio.ensure_future(self.flush())
            )

    async def flush(self) -> None:
        self.timer = None
        message, self.pending = self.pending, None
        self.last = asyncio.get_running_loop().time()
        if message is not None:
            await self.deliver(message)


class _BidQueue:
    """Group commit for one lot in this process: while one batch of its bids is in the
    database, the bids that arrive wait here, and the next batch takes all of them (at most
    ``bid_workers.bid_batch_max``) into one transaction. Each bid is still checked by the same
    rules, in arrival order, and answered only after its batch committed. Bids of other processes
    serialise with these on the lot's row lock, as single bids do."""

    def __init__(self, lot_id: int):
        self.lot_id = lot_id
        self.waiting: list[tuple[object, asyncio.Future]] = []
        self.task: asyncio.Task | None = None
        self.sending: asyncio.Task | None = None

    async def submit(self, request):
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((request, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self.waiting:
            most = bid_batches.bid_batch_max()
            batch, self.waiting = self.waiting[:most], self.waiting[most:]
            try:
                outcomes, broadcasts = await bid_workers.place_here(
                    self.lot_id, [r for r, _f in batch]
                )
            except asyncio.CancelledError:
                for _r, future in batch:
                    future.cancel()
                raise
            except Exception as exc:  # every waiter of the batch hears of it
                for _r, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_r, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():  # its socket may have gone meanwhile
                    future.set_result(outcome)
            # The batch committed: its change goes to the lot's group (every process) while
            # the next batch runs, after the previous batch's, so they leave in their order.
            if broadcasts:
                self.sending = asyncio.ensure_future(
                    bid_workers.chain(self.sending, hub().broadcast(broadcasts))
                )


async def _send(broadcasts: list[tuple[str, dict]]) -> None:
    layer = get_channel_layer()
    for group, message in broadcasts:
        try:
            await layer.group_send(group, message)
        except Exception:  # a failed broadcast must not fail committed bids; ticks catch up
            logger.exception("broadcast to %s failed", group)


async def _guard(coro):
    try:
        await coro
    except Exception:  # one broken socket must not stop the others' updates
        logger.exception("hub: delivering to a socket failed")


def hub() -> Hub:
    loop = asyncio.get_running_loop()
    current = _hubs.get(loop)
    if current is None or current.layer is not get_channel_layer():
        current = Hub()
        _hubs[loop] = current
    return current
