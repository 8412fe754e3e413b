"""A websocket path no consumer serves (``/ws/lots/abc/``, ``/ws/nope/``): refused with a frame
that says so and the close code 4404, not an error of the server (Channels' router raises for
an unknown path, which Daphne answers as a failed handshake)."""

from __future__ import annotations

import json

from channels.generic.websocket import AsyncWebsocketConsumer

CLOSE_NOT_FOUND = 4404


class UnknownPathConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send(
            json.dumps(
                {"type": "refused", "code": "not_found", "message": "No such websocket path."}
            )
        )
        await self.close(code=CLOSE_NOT_FOUND)
