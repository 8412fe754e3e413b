"""The websocket side of the benchmark, run in its own process (asyncio + `websockets`):

    python -m infra.bench.client SCENARIO CONFIG_JSON      # prints one JSON line

Scenarios:
- ``bids``: each connection is a bidder on its lot; it bids the highest amount it may
  (``view.me.max_bid``, kept from the ``standing`` frames and its own ``bid_result``s), waits for
  the answer, and bids again, for ``seconds``. Counts accepted (``bid_result ok``) and refused.
- ``fanout``: ``participants`` connections to one lot; the first one bids, one bid at a time,
  ``bids`` times; the latency of a bid is from just before its ``bid`` frame is sent to the
  arrival of the ``standing`` frame showing it at the LAST of the connections.
- ``idle``: opens up to ``target`` connections in batches, each counted once its first frame
  (the snapshot) arrived, and reads the server's RSS from /proc before and after.

Every connection acknowledges the frames it read (``ack`` every 50), as protocol v1 asks.
The same code drives Daphne and the relay (infra/bench/relay.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import statistics
import sys
import time
from decimal import Decimal

from websockets.asyncio.client import connect

from infra.bench.stack import ORIGIN, raise_fd_limit, redis_clients, rss_kib

SUBPROTOCOL = "tradefloor.v1"
ACK_EVERY = 50
MAX_BID = re.compile(r'"max_bid": "([0-9.]+)"')
BID_COUNT = re.compile(r'"bid_count": (\d+)')
AT_MOST = re.compile(r"at most ([0-9.]+)")


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def ws_url(base: str, lot: int | None, token: str | None) -> str:
    if lot is None:  # the relay
        return f"{base}/"
    return f"{base}/ws/lots/{lot}/?token={token}"


class Conn:
    """One websocket, its reader task and what it has learnt from its frames."""

    def __init__(self, url: str, *, on_text=None):
        self.url = url
        self.ws = None
        self.frames = 0
        self.on_text = on_text
        self.first: asyncio.Future = asyncio.get_running_loop().create_future()
        self.pending: dict[str, asyncio.Future] = {}
        self.max_bid: Decimal | None = None
        self.snapshot: dict | None = None
        self.reader: asyncio.Task | None = None
        self.closed_code: int | None = None

    async def open(self, timeout: float = 60) -> Conn:
        self.ws = await connect(
            self.url,
            origin=ORIGIN,
            subprotocols=[SUBPROTOCOL],
            compression=None,
            ping_interval=None,
            max_queue=None,
            open_timeout=timeout,
            close_timeout=1,
        )
        self.reader = asyncio.create_task(self._read())
        await asyncio.wait_for(asyncio.shield(self.first), timeout)
        return self

    async def _read(self) -> None:
        try:
            async for text in self.ws:
                self.frames += 1
                if self.frames % ACK_EVERY == 0:
                    await self.ws.send(json.dumps({"type": "ack", "count": self.frames}))
                if self.on_text is not None:
                    self.on_text(self, text)
                if text.startswith('{"type": "standing"'):
                    if match := MAX_BID.search(text):
                        self._lower(Decimal(match.group(1)))
                elif not self.first.done():
                    self.snapshot = json.loads(text)
                    if self.snapshot.get("type") == "refused":
                        self.first.set_exception(RuntimeError(f"refused: {text}"))
                        continue
                    me = (self.snapshot.get("view") or {}).get("me") or {}
                    if me.get("max_bid"):
                        self._lower(Decimal(me["max_bid"]))
                    self.first.set_result(self.snapshot)
                elif text.startswith('{"type": "bid_result"'):
                    frame = json.loads(text)
                    future = self.pending.pop(frame.get("request_id"), None)
                    if future is not None and not future.done():
                        future.set_result(frame)
        except Exception:  # the connection closed: its owner sees it as not open
            pass
        finally:
            self.closed_code = getattr(self.ws, "close_code", None) or -1
            for future in self.pending.values():  # no answer will come on this socket
                if not future.done():
                    future.set_exception(ConnectionError(f"closed: {self.closed_code}"))
            self.pending.clear()
            if not self.first.done():
                self.first.set_exception(
                    RuntimeError(f"closed before the first frame: {self.closed_code}")
                )

    def _lower(self, amount: Decimal) -> None:
        if self.max_bid is None or amount < self.max_bid:
            self.max_bid = amount

    async def request(self, frame: dict, timeout: float = 30) -> dict:
        future = asyncio.get_running_loop().create_future()
        self.pending[frame["request_id"]] = future
        await self.ws.send(json.dumps(frame))
        return await asyncio.wait_for(future, timeout)

    @property
    def is_open(self) -> bool:
        return self.reader is not None and not self.reader.done()

    def abort(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws is not None and self.ws.transport is not None:
            self.ws.transport.abort()


async def open_many(urls: list[str], *, batch: int = 100, on_text=None) -> list[Conn]:
    conns: list[Conn] = []
    for i in range(0, len(urls), batch):
        chunk = [Conn(u, on_text=on_text) for u in urls[i : i + batch]]
        await asyncio.gather(*(c.open() for c in chunk))
        conns.extend(chunk)
    return conns


async def after_refusal(conn: Conn, error: dict) -> Decimal | None:
    """What a refused bid teaches its bidder: the "at most X" the refusal names (lowered on the
    connection and returned); a refusal that is not a lost race costs a pause (no spinning)."""
    if match := AT_MOST.search(error.get("message", "")):
        limit = Decimal(match.group(1).rstrip("."))
        conn._lower(limit)
        return limit
    if error.get("code") not in ("step_too_small", "equal_bid_refused"):
        await asyncio.sleep(0.05)
    return None


# --- bids --------------------------------------------------------------------------------------


async def bids(config: dict) -> dict:
    """config: base (or bases: one per server process, the connections spread over them in
    turn), step, seconds, connections: [[lot, token], ...]."""
    step = Decimal(config.get("step", "1.00"))
    bases = config.get("bases") or [config["base"]]
    urls = [
        ws_url(bases[i % len(bases)], lot, token)
        for i, (lot, token) in enumerate(config["connections"])
    ]
    conns = await open_many(urls)
    stats = {"accepted": 0, "refused": 0, "codes": {}, "latencies": []}

    async def bidder(index: int, conn: Conn, deadline: float) -> None:
        n = 0
        while time.monotonic() < deadline and conn.is_open:
            n += 1
            amount = conn.max_bid
            frame = {
                "type": "bid",
                "request_id": f"r-{n}",
                "amount": str(amount),
                "client_bid_id": f"b{index}-{n}-{time.time_ns()}",
            }
            sent = time.monotonic()
            answer = await conn.request(frame)
            stats["latencies"].append(time.monotonic() - sent)
            if answer.get("ok"):
                stats["accepted"] += 1
                conn._lower(amount - step)
            else:
                stats["refused"] += 1
                error = answer.get("error") or {}
                code = error.get("code", "?")
                stats["codes"][code] = stats["codes"].get(code, 0) + 1
                await after_refusal(conn, error)

    started = time.monotonic()
    deadline = started + float(config["seconds"])
    await asyncio.gather(*(bidder(i, c, deadline) for i, c in enumerate(conns)))
    elapsed = time.monotonic() - started
    closed = sum(1 for c in conns if not c.is_open)
    for c in conns:
        c.abort()
    lat = stats["latencies"]
    return {
        "connections": len(conns),
        "seconds": round(elapsed, 2),
        "accepted": stats["accepted"],
        "refused": stats["refused"],
        "codes": stats["codes"],
        "accepted_per_s": stats["accepted"] / elapsed,
        "answered_per_s": (stats["accepted"] + stats["refused"]) / elapsed,
        "answer_p50_ms": 1000 * (percentile(lat, 50) or 0),
        "answer_p99_ms": 1000 * (percentile(lat, 99) or 0),
        "closed_early": closed,
    }


# --- fan-out -----------------------------------------------------------------------------------


async def fanout(config: dict) -> dict:
    """config: base, lot (None for the relay), tokens (one per participant), bids, gap,
    start_price, step, template (optional view sent to the relay)."""
    tokens = config["tokens"]
    arrivals: dict[int, list[float]] = {}  # bid_count -> arrival times
    last_seen: dict[int, int] = {}
    waiting: dict[int, asyncio.Future] = {}
    total = len(tokens)

    def on_text(conn: Conn, text: str) -> None:
        if not text.startswith('{"type": "standing"'):
            return
        match = BID_COUNT.search(text)
        if not match:
            return
        now = time.monotonic()
        count = int(match.group(1))
        previous = last_seen.get(id(conn))
        last_seen[id(conn)] = count
        if previous is None:
            previous = count - 1
        for k in range(previous + 1, count + 1):  # a coalesced frame covers the bids it skips
            times = arrivals.setdefault(k, [])
            times.append(now)
            future = waiting.get(k)
            if len(times) >= total and future is not None and not future.done():
                future.set_result(now)

    urls = [ws_url(config["base"], config.get("lot"), t) for t in tokens]
    conns = await open_many(urls, on_text=on_text)
    bidder = conns[0]
    if config.get("template"):
        await bidder.ws.send(json.dumps({"type": "template", "view": config["template"]}))
        await asyncio.sleep(0.2)
    base_count = int((bidder.snapshot.get("view") or {}).get("bid_count") or 0)
    for c in conns:
        last_seen[id(c)] = base_count
    step = Decimal(config.get("step", "1.00"))
    price = Decimal(config.get("start_price", "10000000.00"))
    if bidder.max_bid is not None:
        price = bidder.max_bid + step
    sends: dict[int, float] = {}
    failures = 0
    for i in range(1, int(config["bids"]) + 1):
        count = base_count + i
        waiting[count] = asyncio.get_running_loop().create_future()
        amount = price - i * step
        sends[count] = time.monotonic()
        await bidder.ws.send(
            json.dumps(
                {
                    "type": "bid",
                    "request_id": f"f-{i}",
                    "amount": str(amount),
                    "client_bid_id": f"fan-{i}-{time.time_ns()}",
                }
            )
        )
        try:
            await asyncio.wait_for(waiting[count], 5)
        except TimeoutError:
            failures += 1
        await asyncio.sleep(float(config.get("gap", 0.02)))
    await asyncio.sleep(0.2)
    last, first = [], []
    for count, sent in sends.items():
        times = arrivals.get(count, [])
        if len(times) >= total:
            last.append(1000 * (max(times) - sent))
            first.append(1000 * (min(times) - sent))
    template = (bidder.snapshot or {}).get("view")
    for c in conns:
        c.abort()
    return {
        "participants": total,
        "bids": len(sends),
        "complete": len(last),
        "timeouts": failures,
        "p50_ms": percentile(last, 50),
        "p99_ms": percentile(last, 99),
        "max_ms": max(last) if last else None,
        "mean_ms": statistics.fmean(last) if last else None,
        "first_p50_ms": percentile(first, 50),
        "template": template,
    }


# --- idle connections --------------------------------------------------------------------------


async def idle(config: dict) -> dict:
    """config: base, targets: [[lot, token], ...] cycled, target, batch, pid (server's), settle,
    max_seconds."""
    pid = int(config["pid"])
    targets = config["targets"]
    goal = int(config["target"])
    batch = int(config.get("batch", 200))
    before = rss_kib(pid)
    conns: list[Conn] = []
    failed = 0
    errors: dict[str, int] = {}
    curve = []
    started = time.monotonic()
    deadline = started + float(config.get("max_seconds", 180))
    while len(conns) < goal and time.monotonic() < deadline:
        n = min(batch, goal - len(conns))
        chunk = []
        for i in range(len(conns) + failed, len(conns) + failed + n):
            lot, token = targets[i % len(targets)]
            chunk.append(Conn(ws_url(config["base"], lot, token)))
        results = await asyncio.gather(*(c.open() for c in chunk), return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                reason = f"{type(r).__name__}: {r}"[:160]
                errors[reason] = errors.get(reason, 0) + 1
        ok = [c for c, r in zip(chunk, results, strict=True) if not isinstance(r, BaseException)]
        bad = len(chunk) - len(ok)
        for c in chunk:
            if c not in ok:
                c.abort()
        conns.extend(ok)
        failed += bad
        curve.append([len(conns), rss_kib(pid), round(time.monotonic() - started, 2)])
        if bad > n // 2:
            break  # the server stopped accepting: report what it holds
    connect_seconds = time.monotonic() - started
    await asyncio.sleep(float(config.get("settle", 3)))
    held = sum(1 for c in conns if c.is_open)
    after = rss_kib(pid)
    redis = redis_clients(config["redis"]) if config.get("redis") else None
    for c in conns:
        c.abort()
    return {
        "target": goal,
        "opened": len(conns),
        "held": held,
        "failed": failed,
        "rss_before_kib": before,
        "rss_after_kib": after,
        "kib_per_connection": (after - before) / held if held else None,
        "connect_seconds": round(connect_seconds, 2),
        "connections_per_s": len(conns) / connect_seconds if connect_seconds else None,
        "curve": curve,
        "errors": errors,
        "redis_clients": redis,
    }


SCENARIOS = {"bids": bids, "fanout": fanout, "idle": idle}


def run_scenario(name: str, config: dict) -> dict:
    raise_fd_limit()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(SCENARIOS[name](config))
    # Called from a thread that already runs a loop (e.g. a test session where a plugin left
    # one running): run the scenario on its own loop in a thread of its own.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, SCENARIOS[name](config)).result()


def main(argv: list[str]) -> int:
    result = run_scenario(argv[0], json.loads(argv[1]))
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main(sys.argv[1:]))
