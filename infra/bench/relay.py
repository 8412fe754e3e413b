"""The fan-out and memory baseline: a minimal `websockets` server, no framework, no database.

Every client gets a small ``snapshot`` frame on connect. A client may send ``{"type":
"template", "view": {...}}`` (the view Daphne sent, so both servers send frames of the same
size); a ``bid`` frame from any client is answered by a ``standing`` frame to every connected
client, its JSON serialised per recipient like the consumer does, with ``bid_count`` advanced,
then a ``bid_result`` to the sender. Run: ``python -m infra.bench.relay PORT``.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import signal
import sys

from websockets.asyncio.server import serve

from infra.bench.stack import raise_fd_limit

clients: set = set()
state: dict = {"view": {"lot": 0, "bid_count": 0}, "seq": 0}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


async def handler(ws) -> None:
    clients.add(ws)
    try:
        await ws.send(
            json.dumps(
                {"type": "snapshot", "protocol": 1, "seq": state["seq"], "view": state["view"]}
            )
        )
        async for text in ws:
            frame = json.loads(text)
            kind = frame.get("type")
            if kind == "template":
                # Keep the count: the clients know it from their snapshot.
                state["view"] = dict(frame["view"], bid_count=state["view"].get("bid_count", 0))
            elif kind == "bid":
                state["seq"] += 1
                view = dict(state["view"], bid_count=state["view"].get("bid_count", 0) + 1)
                state["view"] = view
                for other in list(clients):
                    message = {
                        "type": "standing",
                        "seq": state["seq"],
                        "prev": state["seq"] - 1,
                        "kinds": ["bid"],
                        "server_time": _now(),
                        "view": view,
                    }
                    try:
                        await other.send(json.dumps(message))
                    except Exception:  # a client gone mid-broadcast
                        clients.discard(other)
                await ws.send(
                    json.dumps(
                        {"type": "bid_result", "request_id": frame.get("request_id"), "ok": True}
                    )
                )
    except Exception:  # a closed connection ends its handler
        pass
    finally:
        clients.discard(ws)


async def main(port: int) -> None:
    raise_fd_limit()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        handler,
        "127.0.0.1",
        port,
        compression=None,
        ping_interval=None,
        max_queue=None,
        backlog=4096,
    ):
        await stop


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
