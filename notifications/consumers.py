"""``/ws/notifications/``: a signed-in person's notifications, pushed as they are made, and the
unread count, on every page (the bell). The protocol: docs/websocket.md."""

from __future__ import annotations

import asyncio
import json

from channels.generic.websocket import AsyncWebsocketConsumer

from marketplace.core.asyncdb import db_async
from marketplace.core.layers import renew_forever
from marketplace.core.times import now_iso

from .services import unread_count, user_group

CLOSE_UNAUTHENTICATED = 4401
MAX_FRAME_BYTES = 1024


class NotificationConsumer(AsyncWebsocketConsumer):
    group: str | None = None
    renewing: asyncio.Task | None = None  # keeps the group membership past the layer's expiry

    async def connect(self):
        user = self.scope.get("user")
        await self.accept()
        if not user or not user.is_authenticated:
            await self.send(
                json.dumps(
                    {"type": "refused", "code": "not_authenticated", "message": "Log in first."}
                )
            )
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        self.renewing = asyncio.create_task(
            renew_forever(self.channel_layer, self.group, self.channel_name)
        )
        count = await db_async(lambda: unread_count(user=user))()
        await self.send(json.dumps({"type": "unread", "unread": count}))

    async def disconnect(self, code):
        if self.renewing is not None:
            self.renewing.cancel()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        frame = None
        if text_data is not None and len(text_data) <= MAX_FRAME_BYTES:
            try:
                frame = json.loads(text_data)
            except ValueError:
                frame = None
        if isinstance(frame, dict) and frame.get("type") == "ping":
            await self.send(json.dumps({"type": "pong", "server_time": now_iso()}))
            return
        await self.send(
            json.dumps(
                {
                    "type": "error",
                    "code": "bad_frame",
                    "message": 'Send {"type": "ping"} or nothing.',
                }
            )
        )

    async def notification_new(self, message):
        await self.send(
            json.dumps(
                {
                    "type": "notification",
                    "notification": message["notification"],
                    "unread": message["unread"],
                }
            )
        )

    async def notification_count(self, message):
        await self.send(json.dumps({"type": "unread", "unread": message["unread"]}))
