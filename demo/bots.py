"""Demo bidder bots: suppliers that bid over the live protocol (docs/websocket.md), exactly as a
person's browser does, so a new user of ``make run`` has someone to bid against.

Each bot is one admitted supplier on one lot, with an API token, a floor (the lowest price it
will ever offer) and a pace (a random pause before each bid). It connects to
``/ws/lots/<id>/?token=...``, keeps the latest view from ``snapshot`` and ``standing`` frames, and
bids when it is not leading: in the English format ``view.me.max_bid`` or a step or two lower,
never below its floor; in the rounds format once per turn of its own, below the best price.
It acknowledges the frames it reads, reconnects with a growing pause when the connection drops,
and stops when the lot is closed, awarded, failed or cancelled.

The bot loop is pure asyncio and ``websockets``: no ORM. ``manage.py run_demo_bots`` looks up the
lots and tokens once, at the start.

The server's clock drives the lot, but a scheduler's change reaches a socket only through the
channel layer; with the in-memory layer of ``make run`` (scheduler and server in two processes)
it does not. So when a ``tick`` shows that the lot's start or current deadline has passed (or
nothing has changed for 30 seconds, or a bid is refused as too late), the bot asks for a
``resync``, as a browser's countdown would.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, Decimal

import websockets
from websockets.typing import Origin, Subprotocol

logger = logging.getLogger(__name__)

SUBPROTOCOL = "tradefloor.v1"
FINISHED = {"closed", "awarded", "failed", "cancelled"}
ACK_EVERY = 20  # frames; the server drops a client more than 200 behind
FATAL_REFUSALS = {"not_authenticated", "lot_not_found"}
STALE_BID_ERRORS = {"auction_closed", "lot_not_live", "not_your_turn"}
RESYNC_EVERY = 30.0  # seconds without a snapshot or standing: ask for a fresh snapshot
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BotConfig:
    """One bot on one lot. ``floor`` is an amount, or ``floor_ratio`` a share of the start
    price (read from the first snapshot). ``pace``: the pause before a bid, in seconds."""

    name: str
    url: str  # ws://host:port/ws/lots/<id>/?token=<key>
    origin: str = "http://127.0.0.1"
    floor: Decimal | None = None
    floor_ratio: Decimal | None = None
    pace: tuple[float, float] = (4.0, 15.0)
    seed: int | None = None
    backoff: tuple[float, float] = (0.5, 10.0)  # first and longest pause between reconnects


@dataclass
class BotOutcome:
    name: str
    bids: list[Decimal] = field(default_factory=list)  # amounts the server accepted
    refused: list[str] = field(default_factory=list)  # error codes of refused bids
    connections: int = 0
    stopped: str = ""  # why the bot ended: the lot's final status or the refusal's code


def floor_for(*, start_price: Decimal, ratio: Decimal) -> Decimal:
    return (start_price * ratio).quantize(CENT, rounding=ROUND_CEILING)


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def decide(view: dict, *, floor: Decimal, steps_lower: int = 0, bid_turn=None) -> Decimal | None:
    """The amount to bid now on ``view`` (a supplier's view), or None. Pure.

    English: when not leading, ``max_bid`` less ``steps_lower`` steps, not below ``floor``.
    Rounds: in its own turn (``bid_turn`` is the (round, turn) it already bid in), when not
    leading, the best price less ``steps_lower + 1`` steps, at most its own price less a step.
    Japanese: the level's price while still in and not yet confirmed, down to ``floor``.
    Dutch: the level's price once it has risen to ``floor``."""
    me = view.get("me") or {}
    clock = view.get("clock")
    if view.get("status") == "live" and clock:
        # Japanese: confirm each level down to its floor; Dutch: accept once the price has
        # risen to its floor.
        price = _dec(clock["price"])
        if price is None:
            return None
        if view.get("format") == "japanese":
            stays = me.get("still_in") and not me.get("confirmed")
            return price if stays and price >= floor else None
        return price if price >= floor else None
    if view.get("status") != "live" or me.get("leading"):
        return None
    step = _dec(view.get("step")) or CENT
    if view.get("format") == "english":
        max_bid = _dec(me.get("max_bid"))
        if max_bid is None or max_bid < floor:
            return None
        return max(max_bid - steps_lower * step, floor)
    if view.get("format") == "rounds":
        own = _dec(me.get("amount"))
        if not me.get("my_turn") or own is None or bid_turn == (view["round"], view["turn"]):
            return None
        limit = own - step
        best = _dec((view.get("best") or {}).get("amount"))
        target = limit if best is None else min(limit, best - (steps_lower + 1) * step)
        target = max(target, floor)
        return target if target <= limit else None
    return None  # sealed lots are not for bots


class Bot:
    def __init__(self, config: BotConfig):
        self.config = config
        self.outcome = BotOutcome(name=config.name)
        self.rng = random.Random(config.seed)  # noqa: S311 (pacing, not secrets)
        self.view: dict = {}
        self.seq: int | None = None
        self.floor: Decimal | None = config.floor
        self.done = False
        self.bid_turn: tuple[int, int] | None = None
        self.changed = asyncio.Event()
        self.server_offset = 0.0  # server time minus local time, seconds
        self.seen_at = 0.0  # monotonic time of the last snapshot or standing
        self.ids = itertools.count(1)

    # --- the connection ------------------------------------------------------------------

    async def run(self) -> BotOutcome:
        first, longest = self.config.backoff
        pause = first
        while not self.done:
            try:
                async with websockets.connect(
                    self.config.url,
                    origin=Origin(self.config.origin),
                    subprotocols=[Subprotocol(SUBPROTOCOL)],
                    open_timeout=10,
                    proxy=None,
                ) as ws:
                    self.outcome.connections += 1
                    pause = first
                    await self._session(ws)
            except (TimeoutError, OSError, websockets.WebSocketException) as exc:
                logger.info("%s: connection lost (%s)", self.config.name, exc or type(exc).__name__)
            except (ValueError, KeyError, TypeError):  # a frame it did not understand
                logger.exception("%s: unexpected frame; reconnecting", self.config.name)
            if not self.done:
                await asyncio.sleep(pause * self.rng.uniform(0.8, 1.2))
                pause = min(pause * 2, longest)
        logger.info(
            "%s: stopped (%s) after %s bids",
            self.config.name,
            self.outcome.stopped,
            len(self.outcome.bids),
        )
        return self.outcome

    async def _session(self, ws) -> None:
        self.seq = None
        read = acked = 0
        bidder = asyncio.create_task(self._bid_forever(ws))
        try:
            async for raw in ws:
                read += 1
                if read - acked >= ACK_EVERY:
                    acked = read
                    await ws.send(json.dumps({"type": "ack", "count": read}))
                await self._handle(ws, json.loads(raw))
                if self.done:
                    return
        finally:
            bidder.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await bidder

    async def _handle(self, ws, frame: dict) -> None:
        kind = frame.get("type")
        if frame.get("server_time"):
            server_time = datetime.fromisoformat(frame["server_time"])
            self.server_offset = server_time.timestamp() - time.time()
        if kind in ("snapshot", "standing"):
            if kind == "standing" and frame.get("prev") != self.seq:
                await ws.send(json.dumps({"type": "resync", "since": self.seq}))
            self.seq = frame["seq"]
            self.seen_at = time.monotonic()
            self._see(frame["view"])
        elif kind == "tick":
            if self._deadline_passed() or time.monotonic() - self.seen_at > RESYNC_EVERY:
                await ws.send(json.dumps({"type": "resync", "since": self.seq}))
        elif kind == "bid_result":
            if frame.get("ok"):
                self.outcome.bids.append(Decimal(frame["bid"]["amount"]))
                logger.info("%s: bid %s", self.config.name, frame["bid"]["amount"])
            else:
                code = frame["error"]["code"]
                self.outcome.refused.append(code)
                logger.info("%s: bid refused (%s)", self.config.name, code)
                if code in STALE_BID_ERRORS:  # the view in hand is behind the server's
                    await ws.send(json.dumps({"type": "resync", "since": self.seq}))
                self.changed.set()  # look again at the latest view
        elif kind == "refused":
            logger.warning("%s: refused: %s", self.config.name, frame.get("message"))
            if frame.get("code") in FATAL_REFUSALS:
                self.done = True
                self.outcome.stopped = frame["code"]

    def _see(self, view: dict) -> None:
        self.view = view
        if self.floor is None and self.config.floor_ratio is not None:
            self.floor = floor_for(
                start_price=Decimal(view["start_price"]), ratio=self.config.floor_ratio
            )
        if view.get("status") in FINISHED:
            self.done = True
            self.outcome.stopped = view["status"]
        self.changed.set()

    def _deadline_passed(self) -> bool:
        """Has the moment the server's scheduler acts on passed (so a change may be waiting)?"""
        status = self.view.get("status", "")
        due = {"auction_scheduled": "starts_at", "live": "ends_at"}.get(status)
        moment = _time(self.view.get(due)) if due else None
        return moment is not None and moment.timestamp() <= time.time() + self.server_offset

    # --- bidding -------------------------------------------------------------------------

    def _decide(self) -> Decimal | None:
        if self.floor is None or self.done:
            return None
        steps_lower = self.rng.choice((0, 0, 1, 2))
        return decide(self.view, floor=self.floor, steps_lower=steps_lower, bid_turn=self.bid_turn)

    async def _bid_forever(self, ws) -> None:
        while True:
            await self.changed.wait()
            self.changed.clear()
            if self._decide() is None:
                continue
            await asyncio.sleep(self.rng.uniform(*self.config.pace))
            amount = self._decide()  # on the view as it is now
            if amount is None:
                continue
            if self.view.get("format") == "rounds":
                self.bid_turn = (self.view["round"], self.view["turn"])
            n = next(self.ids)
            await ws.send(
                json.dumps(
                    {
                        "type": "bid",
                        "request_id": f"r-{n}",
                        "amount": f"{amount:.2f}",
                        "client_bid_id": f"{self.config.name}-{time.time_ns()}-{n}",
                    }
                )
            )


async def run_bots(configs: list[BotConfig]) -> list[BotOutcome]:
    """Run the bots side by side until every one has stopped."""
    return list(await asyncio.gather(*(Bot(c).run() for c in configs)))


async def wait_for_port(host: str, port: int, *, timeout: float | None = None) -> bool:
    """Wait until something accepts TCP connections on ``host:port`` (the server started)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while deadline is None or time.monotonic() < deadline:
        try:
            _reader, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.5)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True
    return False
