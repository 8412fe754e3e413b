"""The idle scenario's second baseline: the same Daphne as ours (``marketplace.core.daphne_tuning``
installed, the same options), serving an application that only accepts each websocket and sends
it one small snapshot frame: no Django, no token, no access check, no database, no Redis. Its
connect rate is what Daphne's own stack (Twisted's HTTP, autobahn's handshake, the ASGI queue)
allows on this machine, so the gap between it and ours is what our connect path costs.
Run: ``daphne infra.bench.bare_daphne:application``."""

from __future__ import annotations

from marketplace.core import daphne_tuning

daphne_tuning.install()

SNAPSHOT = '{"type": "snapshot", "protocol": 1, "seq": 0, "view": {"lot": 0, "bid_count": 0}}'


async def application(scope, receive, send) -> None:
    if scope["type"] != "websocket":
        return
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": SNAPSHOT})
        elif message["type"] == "websocket.disconnect":
            return
