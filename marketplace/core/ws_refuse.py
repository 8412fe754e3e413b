"""A websocket path no consumer serves (``/ws/lots/abc/``, ``/ws/nope/``): refused with a frame
that says so and the close code 4404, not an error of the server (Channels' router raises for
an unknown path, which Daphne answers as a failed handshake).

A bare ASGI application, not a consumer: it needs no channel layer. As a Channels consumer it
opened a channel on the layer for every refused socket, and with Redis its receive outlived
the socket (the consumer's task ended only when the server gave up waiting for it: 30 s in a
test)."""

from __future__ import annotations

import json

CLOSE_NOT_FOUND = 4404
REFUSAL = json.dumps({"type": "refused", "code": "not_found", "message": "No such websocket path."})


async def refuse_unknown_path(scope, receive, send) -> None:
    if scope["type"] != "websocket" or (await receive())["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    await send({"type": "websocket.send", "text": REFUSAL})
    await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})
    while (await receive())["type"] != "websocket.disconnect":
        pass  # the client's last frames before it answers the close
