"""One channel-layer subscription per server process, fanned out to its sockets in memory.

A plain Channels consumer has a channel of its own, and a group send to a lot then costs one
channel-layer message per socket (with channels-redis, one Redis list push and one blocking
``BZPOPMIN`` connection per socket). Here each process subscribes once: its hub joins the lot's
group (and the companies' groups of its suppliers) with a single process channel, receives each
change once, renders each distinct view once and hands the text to the local sockets. Consumers
have no channel of their own (``channel_layer_alias`` points at no layer).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import defaultdict

from channels.layers import get_channel_layer

from .broadcast import company_group, lot_group

logger = logging.getLogger(__name__)

_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Hub:
    """The local subscribers of one event loop (one Daphne process has one loop)."""

    def __init__(self):
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self.members: dict[str, set] = defaultdict(set)  # group -> local consumers
        self.ready = asyncio.Lock()

    async def _ensure_running(self):
        async with self.ready:
            if self.channel is None:
                self.channel = await self.layer.new_channel(prefix="hub.")
            if self.task is None or self.task.done():
                self.task = asyncio.create_task(self._receive_forever())

    async def join(self, group: str, consumer) -> None:
        await self._ensure_running()
        first = not self.members[group]
        self.members[group].add(consumer)
        if first:
            await self.layer.group_add(group, self.channel)

    async def leave(self, group: str, consumer) -> None:
        members = self.members.get(group)
        if not members:
            return
        members.discard(consumer)
        if not members:
            del self.members[group]
            await self.layer.group_discard(group, self.channel)

    async def _receive_forever(self):
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # the layer hiccupped (e.g. Redis restarting): try again
                logger.exception("hub receive failed")
                await asyncio.sleep(0.5)
                continue
            await self.dispatch(message)

    async def dispatch(self, message: dict) -> None:
        kind = message.get("type", "")
        if kind == "lot.changed" or kind == "presence.changed":
            group = lot_group(message["lot"])
        elif kind == "access.changed":
            group = company_group(message["company"])
        else:
            logger.warning("hub: unknown message type %r", kind)
            return
        consumers = list(self.members.get(group, ()))
        if kind == "lot.changed":
            cache: dict = {}  # one rendering and one JSON text per distinct view
            for consumer in consumers:
                await _guard(consumer.lot_changed(message, cache))
        elif kind == "presence.changed":
            for consumer in consumers:
                await _guard(consumer.presence_changed(message))
        else:
            for consumer in consumers:
                await _guard(consumer.access_changed(message))


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
