"""Channel-layer group memberships that outlive the layer's group expiry.

channels-redis's list layer (``CHANNEL_LAYER=lists``) drops a group member whose membership is
older than ``group_expiry`` at the next send to the group: that is how the membership of a
killed process (which never said goodbye) goes. Members that live renew theirs (``group_add``
again, which only refreshes the time) every quarter of the expiry. The pub/sub layer (the
default) has no expiry: a subscription ends with its connection, and a renewal, every quarter of
channels-redis's default day, subscribes again to what is already subscribed.
"""

from __future__ import annotations

import asyncio
import logging

logger = logging.getLogger(__name__)

DEFAULT_EXPIRY = 86400  # channels-redis's own default


def renew_seconds(layer) -> float:
    return max(30.0, float(getattr(layer, "group_expiry", DEFAULT_EXPIRY)) / 4)


async def renew_forever(layer, group: str, channel: str) -> None:
    """Renew one membership until cancelled (a socket's task, cancelled when it closes)."""
    while True:
        await asyncio.sleep(renew_seconds(layer))
        try:
            await layer.group_add(group, channel)
        except Exception:  # the layer away a moment: the next renewal tries again
            logger.warning("renewing %s's membership of %s failed", channel, group)
