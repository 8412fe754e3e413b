"""The websocket side of the scale-out scenarios (infra/bench/scale.py), in its own process:

    python -m infra.bench.client_scale SCENARIO CONFIG_JSON   # prints JSON lines, the last the answer

- ``storm``: ``clients`` connections to one server; once all have their snapshot it prints
  ``{"phase": "connected"}`` and waits for the server to go away (the orchestrator kills it with
  ``kill -9`` and starts it again on the same port); then every connection reconnects as the
  auction room does (docs/frontend.md: 0.5 s doubling to 10 s, plus up to 0.3 s of jitter)
  until its new snapshot arrives. The answer has each snapshot's arrival on the machine's
  monotonic clock (the orchestrator's too), failures and attempts.
- ``survive``: bidders over several servers, each bidding as ``bids`` does; when its socket
  dies (the orchestrator kills a server or a bid worker) it reconnects to the next server and
  resends its unanswered bid with the same ``client_bid_id``, as the protocol says. The answer
  lists every bid acknowledged ``ok``, for the orchestrator to find in the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
from decimal import Decimal

from infra.bench.client import Conn, after_refusal, percentile, ws_url
from infra.bench.stack import raise_fd_limit


def room_backoff(retry: int) -> float:
    """The auction room's delay before its next attempt (frontend/static/frontend/auction-room.js)."""
    return min(10.0, 0.5 * 2**retry) + random.random() * 0.3


# --- storm -------------------------------------------------------------------------------------


async def storm(config: dict) -> dict:
    """config: base, targets [[lot, token], ...] (cycled), clients, batch, max_seconds."""
    targets = config["targets"]
    urls = [
        ws_url(config["base"], *targets[i % len(targets)]) for i in range(int(config["clients"]))
    ]
    batch = int(config.get("batch", 200))
    conns: list[Conn] = []
    for i in range(0, len(urls), batch):
        chunk = [Conn(u) for u in urls[i : i + batch]]
        await asyncio.gather(*(c.open() for c in chunk))
        conns.extend(chunk)
    first_seqs = [c.snapshot.get("seq") for c in conns if c.snapshot]
    print(json.dumps({"phase": "connected", "clients": len(conns)}), flush=True)
    # The server is killed: every reader ends.
    down_deadline = time.monotonic() + float(config.get("max_seconds", 120))
    while any(c.is_open for c in conns) and time.monotonic() < down_deadline:
        await asyncio.sleep(0.01)
    closed_at = time.monotonic()
    still_open = sum(1 for c in conns if c.is_open)
    for c in conns:
        c.abort()
    errors: dict[str, int] = {}
    deadline = closed_at + float(config.get("max_seconds", 120))

    async def reconnect(url: str) -> tuple[float | None, int, int | None]:
        retry, attempts = 0, 0
        while time.monotonic() < deadline:
            await asyncio.sleep(room_backoff(retry))
            attempts += 1
            conn = Conn(url)
            try:
                await conn.open(timeout=30)
            except Exception as exc:  # refused while the server restarts, or a failure
                reason = type(exc).__name__
                errors[reason] = errors.get(reason, 0) + 1
                conn.abort()
                retry += 1
                continue
            arrived = time.monotonic()
            seq = (conn.snapshot or {}).get("seq")
            conn.abort()
            return arrived, attempts, seq
        return None, attempts, None

    results = await asyncio.gather(*(reconnect(u) for u in urls))
    arrivals = [r[0] for r in results if r[0] is not None]
    seqs = [r[2] for r in results if r[2] is not None]
    return {
        "clients": len(conns),
        "open_after_kill": still_open,
        "closed_at": closed_at,
        "reconnected": len(arrivals),
        "failed": len(urls) - len(arrivals),
        "attempts": sum(r[1] for r in results),
        "errors": errors,
        "first_snapshot": min(arrivals) if arrivals else None,
        "last_snapshot": max(arrivals) if arrivals else None,
        "arrival_p50_s": percentile([a - closed_at for a in arrivals], 50),
        "arrival_p99_s": percentile([a - closed_at for a in arrivals], 99),
        "seq_before": max(first_seqs) if first_seqs else None,
        "seq_after_min": min(seqs) if seqs else None,
    }


# --- survive -----------------------------------------------------------------------------------


async def survive(config: dict) -> dict:
    """config: bases, step, seconds, connections [[lot, token], ...]."""
    bases = config["bases"]
    step = Decimal(config.get("step", "1.00"))
    acked: dict[str, list] = {}  # client_bid_id -> [lot, amount]
    stats = {"reconnects": 0, "resent": 0, "refused": 0, "unavailable": 0, "lost_sockets": 0}
    codes: dict[str, int] = {}
    deadline = time.monotonic() + float(config["seconds"])

    async def bidder(index: int, lot: int, token: str) -> None:
        server = index % len(bases)
        conn: Conn | None = None
        pending: dict | None = None  # a bid sent and not answered: resent as it was
        low: Decimal | None = None  # the lowest amount this bidder may bid, as it learnt
        n, retry = 0, 0
        while time.monotonic() < deadline:
            if conn is None or not conn.is_open:
                if conn is not None:
                    stats["lost_sockets"] += 1
                    conn.abort()
                conn = Conn(ws_url(bases[server], lot, token))
                try:
                    await conn.open(timeout=20)
                except Exception:
                    conn.abort()
                    conn = None
                    server = (server + 1) % len(bases)  # as a balancer would: another one
                    stats["reconnects"] += 1
                    await asyncio.sleep(min(2.0, 0.1 * 2**retry))
                    retry += 1
                    continue
                retry = 0
                if low is not None:
                    conn._lower(low)
            n += 1
            if pending is None:
                amount = conn.max_bid
                pending = {
                    "type": "bid",
                    "amount": str(amount),
                    "client_bid_id": f"s{index}-{n}-{time.time_ns()}",
                }
            else:
                stats["resent"] += 1
            frame = {**pending, "request_id": f"r-{n}"}
            try:
                answer = await conn.request(frame, timeout=15)
            except Exception:  # the socket died, or no answer: reconnect and resend
                conn.abort()
                continue
            if answer.get("ok"):
                acked[pending["client_bid_id"]] = [lot, pending["amount"]]
                low = Decimal(pending["amount"]) - step
                conn._lower(low)
                pending = None
                continue
            error = answer.get("error") or {}
            code = error.get("code", "?")
            codes[code] = codes.get(code, 0) + 1
            if code == "bid_worker_unavailable":
                stats["unavailable"] += 1
                await asyncio.sleep(0.1)
                continue  # the protocol's answer: send it again, the same bid
            stats["refused"] += 1
            pending = None
            if (limit := await after_refusal(conn, error)) is not None:
                low = limit
        if conn is not None:
            conn.abort()

    started = time.monotonic()
    await asyncio.gather(
        *(bidder(i, lot, token) for i, (lot, token) in enumerate(config["connections"]))
    )
    return {
        "connections": len(config["connections"]),
        "seconds": round(time.monotonic() - started, 2),
        "acked": acked,
        "accepted": len(acked),
        "codes": codes,
        **stats,
    }


SCENARIOS = {"storm": storm, "survive": survive}


def main(argv: list[str]) -> int:
    raise_fd_limit()
    result = asyncio.run(SCENARIOS[argv[0]](json.loads(argv[1])))
    print(json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main(sys.argv[1:]))
