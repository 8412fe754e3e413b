"""The scripted auction: three suppliers, a proxy bid, a refusal, a pause and its resumption, two
soft-close extensions, the close by the scheduler and the award, written once as websocket and
REST client steps with fixed amounts and relative timings, and run unchanged on any stack.

Each supplier (S1, S2, S3: the lot's labels 1-3) has its own websocket (protocol v1,
docs/websocket.md); the buyer's officer acts over the REST API (docs/api/auctions.md). After
every step the script waits until all three sockets show its effect (so the next step meets the
state the script expects, whichever Daphne process each socket is on) and records what each
supplier sees: its rank, its amount, whether it leads, the ladder. The timings are relative to
the lot's own end (``ends_at`` from the server): the window bids are sent 4 s before the end,
inside the 6 s soft-close window.

    step  who    what                                  expected
    0     -      the scheduler starts the lot           live
    1     S1     bid 99,000                              rank 1
    2     S2     bid 98,000                              rank 1
    3     S3     proxy, floor 95,000                     its proxy bids 97,000 at once
    4     S1     bid 96,000                              S3's proxy answers 95,000
    5     S2     bid 95,500                              refused: step_too_small
    6     buyer  pause ("Clarifying the delivery terms")  paused
    7     S2     bid 94,000                              refused: lot_not_live
    8     buyer  resume                                  live, the remaining time kept
    9     S2     bid 94,000, 4 s before the end          extended (1)
    10    S1     bid 93,000, 4 s before the new end      extended (2)
    11    -      the scheduler closes the lot            closed: S1, S2, S3
    12    buyer  award (to the best ranked)              awarded to S1 at 93,000

About 40 s of wall time, most of it waiting for the lot's clock. With ``spread=True`` each
supplier's socket must land on a different Daphne process (the load balancer names the process
in a response header; a socket that lands on a process another supplier holds is kept open
while the script connects again, so that the balancer's least-connections rule moves the next
one on, and closed once the three are placed).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from websockets.asyncio.client import connect
from websockets.typing import Origin, Subprotocol

from .haproxy import BACKEND_HEADER

SUBPROTOCOL = "tradefloor.v1"
ORIGIN = "http://127.0.0.1"
WAIT = 45.0  # seconds: the bound of a hang, never a measure of speed
AHEAD = 4.0  # the window bids: this long before the lot's end (its window is 6 s)
PAUSE_REASON = "Clarifying the delivery terms"


class ScriptError(AssertionError):
    """The stack did not do what the script waits for (or the machine was too slow for it)."""


def parse_time(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class Bidder:
    """One supplier's websocket and the latest view the server sent it."""

    ids = itertools.count(1)

    def __init__(self, name: str, url: str):
        self.name = name
        self.url = url
        self.ws: Any = None  # a websockets ClientConnection once open
        self.view: dict = {}
        self.backend: str | None = None
        self.frames = 0
        self.pending: dict[str, asyncio.Future] = {}
        self.reader: asyncio.Task | None = None

    async def open(self) -> None:
        self.ws = await connect(
            self.url,
            origin=Origin(ORIGIN),
            subprotocols=[Subprotocol(SUBPROTOCOL)],
            open_timeout=60,
            ping_interval=None,
            close_timeout=2,
        )
        self.backend = self.ws.response.headers.get(BACKEND_HEADER)
        first = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
        if first.get("type") != "snapshot":
            raise ScriptError(f"{self.name}: the first frame is not a snapshot: {first}")
        self.view = first["view"]
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for text in self.ws:
            self.frames += 1
            if self.frames % 50 == 0:  # protocol v1: acknowledge at least every 100 frames
                await self.ws.send(json.dumps({"type": "ack", "count": self.frames}))
            frame = json.loads(text)
            kind = frame.get("type")
            if kind in ("snapshot", "standing"):
                self.view = frame["view"]
            elif kind in ("bid_result", "result", "error"):
                future = self.pending.pop(str(frame.get("request_id")), None)
                if future is not None and not future.done():
                    future.set_result(frame)

    async def request(self, frame: dict) -> dict:
        request_id = f"{self.name}-{next(self.ids)}"
        future = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        await self.ws.send(json.dumps({**frame, "request_id": request_id}))
        try:
            return await asyncio.wait_for(future, WAIT)
        except TimeoutError:
            raise ScriptError(f"{self.name}: no answer to {frame} in {WAIT:g} s") from None

    async def close(self) -> None:
        if self.reader:
            self.reader.cancel()
        if self.ws is not None:
            await self.ws.close()


class Rest:
    """The REST API as one person (an API token), through the stack's HTTP address."""

    def __init__(self, http: str, token: str):
        self.http = http
        self.token = token
        self.backends: list[str] = []

    def _call(self, method: str, path: str, body: dict | None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.http}{path}",
            data=data,
            method=method,
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=WAIT) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            status, headers, raw = exc.code, exc.headers, exc.read()
        if headers.get(BACKEND_HEADER):
            self.backends.append(headers[BACKEND_HEADER])
        try:
            return status, json.loads(raw or b"{}")
        except ValueError:
            return status, {"unparsed": raw[:500].decode(errors="replace")}

    async def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        return await asyncio.to_thread(self._call, method, path, body)


def answer_of(frame: dict) -> dict:
    """A websocket answer without its ids and times."""
    if not frame.get("ok"):
        error = frame.get("error") or {"code": frame.get("code")}
        return {"ok": False, "code": error.get("code")}
    out: dict = {"ok": True}
    if frame.get("type") == "bid_result":
        bid = frame.get("bid") or {}
        out.update(
            extended=frame.get("extended"),
            duplicate=frame.get("duplicate"),
            amount=bid.get("amount"),
            kind=bid.get("kind"),
        )
    return out


def seen(view: dict) -> dict:
    """What a supplier sees of the lot, less ids and times."""
    me = view.get("me") or {}
    return {
        "status": view.get("status"),
        "bid_count": view.get("bid_count"),
        "extensions": view.get("extensions"),
        "best": (view.get("best") or {}).get("amount"),
        "me": {k: me.get(k) for k in ("label", "rank", "amount", "leading", "won", "max_bid")},
        "ladder": [
            [row.get("rank"), row.get("label"), row.get("amount"), row.get("me")]
            for row in view.get("ladder") or []
        ],
    }


class Run:
    def __init__(self, *, ws_bases: list[str], http: str, seed: dict, spread: bool):
        self.seed = seed
        self.lot = seed["lot"]
        self.spread = spread
        self.bidders = {
            s["name"]: Bidder(s["name"], f"{base}/ws/lots/{self.lot}/?token={s['token']}")
            for s, base in zip(seed["suppliers"], ws_bases, strict=True)
        }
        self.buyer = Rest(http, seed["buyer"]["token"])
        self.transcript: list[dict] = []
        self.window = seed["rules"]["soft_close_window_seconds"]

    # --- helpers -------------------------------------------------------------------------------

    async def connect(self) -> None:
        spare: list[Bidder] = []
        for name, first in list(self.bidders.items()):
            bidder = first
            await bidder.open()
            for _try in range(6):
                taken = {b.backend for n, b in self.bidders.items() if n != name and b.ws}
                if not self.spread or (bidder.backend and bidder.backend not in taken):
                    break
                spare.append(bidder)  # kept open: least-connections moves the next one on
                bidder = Bidder(name, first.url)
                await bidder.open()
            else:
                raise ScriptError(
                    f"{name}: the load balancer sent every try to a process another supplier "
                    f"holds ({bidder.backend}; taken: {sorted(map(str, taken))})"
                )
            self.bidders[name] = bidder
        for extra in spare:
            await extra.close()

    async def settle(self, predicate, what: str, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not all(predicate(b.view) for b in self.bidders.values()):
            if time.monotonic() > deadline:
                views = {n: seen(b.view) for n, b in self.bidders.items()}
                raise ScriptError(f"timed out after {timeout:g} s waiting for {what}: {views}")
            await asyncio.sleep(0.02)

    def note(self, who: str, action: str, answer: dict) -> None:
        self.transcript.append(
            {
                "step": len(self.transcript) + 1,
                "who": who,
                "action": action,
                "answer": answer,
                "seen": {n: seen(b.view) for n, b in self.bidders.items()},
            }
        )

    async def bid(self, who: str, amount: str) -> dict:
        frame = await self.bidders[who].request(
            {"type": "bid", "amount": amount, "client_bid_id": f"{who}-{amount}"}
        )
        return answer_of(frame)

    async def proxy(self, who: str, floor: str) -> dict:
        return answer_of(await self.bidders[who].request({"type": "proxy", "floor": floor}))

    def ends_at(self) -> float:
        return parse_time(next(iter(self.bidders.values())).view["ends_at"])

    async def until_before_end(self, seconds: float) -> None:
        delay = self.ends_at() - seconds - time.time()
        if delay > 0:
            await asyncio.sleep(delay)

    def count(self, n: int, status: str = "live", extensions: int = 0):
        return lambda v: (
            v.get("bid_count") == n
            and v.get("status") == status
            and v.get("extensions") == extensions
        )

    # --- the script ----------------------------------------------------------------------------

    async def play(self) -> dict:
        await self.connect()
        try:
            await self.steps()
        finally:
            for bidder in self.bidders.values():
                await bidder.close()
        return {
            "transcript": self.transcript,
            "backends": {n: b.backend for n, b in self.bidders.items()},
            "rest_backends": sorted(set(self.buyer.backends)),
        }

    async def steps(self) -> None:
        await self.settle(lambda v: v.get("status") == "live", "the scheduler to start the lot")
        self.note("scheduler", "start", {"ok": True})
        plan = [
            ("S1", "bid", "99000.00", 1),
            ("S2", "bid", "98000.00", 2),
            ("S3", "proxy", "95000.00", 3),  # its proxy bids one step below the best at once
            ("S1", "bid", "96000.00", 5),  # and answers this one down to its floor
        ]
        for who, action, amount, count in plan:
            answer = await (self.bid(who, amount) if action == "bid" else self.proxy(who, amount))
            await self.settle(self.count(count), f"{who}'s {action} of {amount} everywhere")
            self.note(who, f"{action} {amount}", answer)
        answer = await self.bid("S2", "95500.00")  # less than a step below 95,000
        self.note("S2", "bid 95500.00", answer)
        if self.ends_at() - time.time() < self.window + 1:
            raise ScriptError(
                "the steps before the pause reached the soft-close window: the machine is too "
                "slow for the script's 20 s lot"
            )

        status, body = await self.buyer.call(
            "POST", f"/api/lots/{self.lot}/pause/", {"reason": PAUSE_REASON}
        )
        await self.settle(lambda v: v.get("status") == "paused", "the pause everywhere")
        self.note("buyer", "pause", {"status": status, "lot_status": body.get("status")})
        self.note("S2", "bid 94000.00", await self.bid("S2", "94000.00"))
        status, body = await self.buyer.call("POST", f"/api/lots/{self.lot}/resume/")
        await self.settle(self.count(5), "the resumption everywhere")
        self.note("buyer", "resume", {"status": status, "lot_status": body.get("status")})

        await self.until_before_end(AHEAD)
        answer = await self.bid("S2", "94000.00")
        await self.settle(self.count(6, extensions=1), "S2's window bid and its extension")
        self.note("S2", f"bid 94000.00 {AHEAD:g} s before the end", answer)
        await self.until_before_end(AHEAD)
        answer = await self.bid("S1", "93000.00")
        await self.settle(self.count(7, extensions=2), "S1's window bid and its extension")
        self.note("S1", f"bid 93000.00 {AHEAD:g} s before the end", answer)

        wait = max(0.0, self.ends_at() - time.time()) + WAIT
        await self.settle(
            lambda v: v.get("status") == "closed", "the scheduler to close the lot", wait
        )
        self.note("scheduler", "close", {"ok": True})
        status, body = await self.buyer.call("POST", f"/api/lots/{self.lot}/award/", {})
        await self.settle(lambda v: v.get("status") == "awarded", "the award everywhere")
        self.note("buyer", "award", {"status": status, "price": body.get("price")})


def play(*, ws_bases: list[str], http: str, seed: dict, spread: bool) -> dict:
    """Run the script against one stack; returns its transcript and where each socket was."""
    return asyncio.run(Run(ws_bases=ws_bases, http=http, seed=seed, spread=spread).play())
