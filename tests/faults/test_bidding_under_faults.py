"""The fault-injection suite (``make test-faults``; part of ``make test`` too): bidders bid
without pause through two real Daphne processes (each with its bid worker) on PostgreSQL and
Redis while a part fails under them: a Daphne process is killed with SIGKILL, or every database
session is cut as a PostgreSQL restart would. Each client resends what was not acknowledged, to
the other process when its own is gone, as the protocol asks. Whatever failed:

- every acknowledged bid is in the database, exactly once (by its client bid id);
- no client bid id was placed twice;
- clients got only documented answers (ok, or a documented error code);
- bidding resumed after the fault, and the lot's hash chain is intact."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token

from auctions.events import chain_verify
from auctions.models import Bid
from tests.auctions.engine_setup import Auction
from tests.servers import ROOT, database_url, free_port

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

DOCUMENTED = {"bid_worker_unavailable", "bid_failed", "step_too_small", "lot_not_live"}
BIDDERS = 4


def start_daphne() -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DB_CONN_MAX_AGE": "60",
        "AUCTION_BID_WORKERS": "1",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "marketplace.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    import socket

    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return proc, port
        assert time.monotonic() < deadline, "daphne did not start"
        time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


class Bidder:
    """One supplier bidding without pause: each bid one unit below its own last (the lot's step
    is 1 and its reference "own", so a bid is refused only by a fault); a bid not acknowledged is resent
    with the same client id, on a new socket, to the other process if its own went away."""

    def __init__(self, index: int, token: str, lot_id: int, ports: list[int]):
        self.index, self.token, self.lot_id, self.ports = index, token, lot_id, ports
        self.port = ports[index % len(ports)]
        self.next_amount = Decimal("99000") - index * 10_000
        self.acknowledged: dict[str, Decimal] = {}
        self.answers: list[str] = []
        self.count = 0
        self.after_fault = 0
        self.reconnects = 0

    async def run(self, stop_at: float, fault: asyncio.Event):
        import websockets

        pending: tuple[str, Decimal] | None = None
        while time.monotonic() < stop_at:
            url = f"ws://127.0.0.1:{self.port}/ws/lots/{self.lot_id}/?token={self.token}"
            try:
                async with websockets.connect(
                    url, origin="http://127.0.0.1", open_timeout=10
                ) as ws:
                    await ws.recv()  # the snapshot
                    read = 1
                    while time.monotonic() < stop_at:
                        if pending is None:
                            self.count += 1
                            pending = (f"b{self.index}-{self.count}", self.next_amount)
                        cid, amount = pending
                        await ws.send(
                            json.dumps(
                                {
                                    "type": "bid",
                                    "request_id": cid,
                                    "amount": str(amount),
                                    "client_bid_id": cid,
                                }
                            )
                        )
                        while True:
                            frame = json.loads(await asyncio.wait_for(ws.recv(), 20))
                            read += 1
                            if read % 50 == 0:  # as the protocol asks, or we are dropped
                                await ws.send(json.dumps({"type": "ack", "count": read}))
                            if frame["type"] == "bid_result" and frame["request_id"] == cid:
                                break
                        if frame["ok"]:
                            self.acknowledged[cid] = Decimal(frame["bid"]["amount"])
                            self.answers.append("ok")
                            self.next_amount = amount - 1
                            pending = None
                            if fault.is_set():
                                self.after_fault += 1
                        else:
                            self.answers.append(frame["error"]["code"])
                            await asyncio.sleep(0.05)  # then the same bid again
            except (TimeoutError, OSError, websockets.WebSocketException):
                self.reconnects += 1
                others = [p for p in self.ports if p != self.port]
                if others:
                    self.port = others[0]
                await asyncio.sleep(0.1)


def run_bidders(a: Auction, ports: list[int], fault_after: float, fault, seconds: float):
    tokens = [Token.objects.create(user=user).key for user in a.bidders[:BIDDERS]]
    bidders = [Bidder(i, t, a.lot.pk, ports) for i, t in enumerate(tokens)]

    async def main():
        stop_at = time.monotonic() + seconds
        happened = asyncio.Event()

        async def inject():
            await asyncio.sleep(fault_after)
            await asyncio.get_running_loop().run_in_executor(None, fault)
            happened.set()

        await asyncio.gather(inject(), *(b.run(stop_at, happened) for b in bidders))

    asyncio.run(main())
    return bidders


def assert_nothing_lost_or_doubled(a: Auction, bidders: list[Bidder]) -> None:
    rows = list(Bid.objects.filter(lot=a.lot).values_list("client_bid_id", "amount"))
    placed = [cid for cid, _amount in rows]
    assert len(placed) == len(set(placed)), "a client bid id was placed twice"
    stored = dict(rows)
    for bidder in bidders:
        for cid, amount in bidder.acknowledged.items():
            assert stored.get(cid) == amount, f"acknowledged bid {cid} lost or changed"
        assert set(bidder.answers) <= {"ok"} | DOCUMENTED, bidder.answers
        assert bidder.after_fault > 0, f"bidder {bidder.index} never bid again after the fault"
    assert chain_verify(lot_id=a.lot.pk)[0]
    a.refresh()
    assert a.lot.bid_count == len(rows)


def test_a_daphne_killed_under_load_loses_no_acknowledged_bid_and_doubles_none():
    a = Auction(
        suppliers=BIDDERS, step_reference="own", step_value=Decimal("1"), duration_seconds=3600
    ).start()
    first, second = start_daphne(), start_daphne()
    try:
        bidders = run_bidders(
            a, [first[1], second[1]], fault_after=2.0, fault=lambda: stop(first[0]), seconds=6
        )
    finally:
        stop(first[0])
        stop(second[0])
    assert sum(b.reconnects for b in bidders) >= BIDDERS // 2  # the killed one's clients moved
    assert_nothing_lost_or_doubled(a, bidders)


def test_every_database_session_cut_under_load_loses_no_acknowledged_bid_and_doubles_none():
    a = Auction(
        suppliers=BIDDERS, step_reference="own", step_value=Decimal("1"), duration_seconds=3600
    ).start()

    def cut():  # what a PostgreSQL restart does to every open session (but the test's own)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()

    procs = [start_daphne(), start_daphne()]
    try:
        bidders = run_bidders(a, [p for _proc, p in procs], fault_after=2.0, fault=cut, seconds=7)
    finally:
        for proc, _port in procs:
            stop(proc)
        connection.close()  # this thread's session was cut too: the checks open a new one
    assert_nothing_lost_or_doubled(a, bidders)
