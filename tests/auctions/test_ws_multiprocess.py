"""Two Daphne processes over PostgreSQL and the Redis channel layer serve one lot: clients on
either process see the same sequence of changes, whichever process took the bid."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from rest_framework.authtoken.models import Token

from infra.bench.stack import children, cmdline
from tests.servers import ROOT, database_url, free_port, listening
from tests.waiting import async_wait_until, wait_until

from .engine_setup import Auction

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def daphne_processes(
    count: int, bid_workers: int = 0, extra_env: dict | None = None, started: list | None = None
):
    """``count`` Daphne processes on the test's servers; their ports are yielded, and the
    processes appended to ``started`` when given (a test may kill one)."""
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DB_CONN_MAX_AGE": "0",
        "AUCTION_BID_WORKERS": str(bid_workers),
        **(extra_env or {}),
    }
    ports = [free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "--websocket_connect_timeout",  # as infra/bin/web: storms queue, not fail
                "30",
                "-e",  # the listen backlog as infra/bin/web sets it, for connection storms
                f"tcp:port={port}:interface=127.0.0.1:backlog=1024",
                "marketplace.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    if started is not None:
        started.extend(procs)
    try:
        for port, proc in zip(ports, procs, strict=True):
            wait_until(
                lambda p=port, proc=proc: listening(p) or proc.poll() is not None,
                what=f"daphne to listen on {port}",
            )
            assert proc.poll() is None, f"daphne on {port} exited with {proc.returncode}"
        yield ports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


async def watch(
    port: int, lot_id: int, token: str, bids: int, seqs: list, send: list | None, peer: list
):
    """One client's socket: record the sequence of changes it sees in ``seqs``; with ``send``,
    bid those amounts one at a time, each once both this client and the other (``peer``, its
    ``seqs``) have seen the previous bid's change, and a coalescing window later: then each
    bid's change is alone in its window on both processes, and both see every one."""
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/lots/{lot_id}/?token={token}"
    async with websockets.connect(url, origin="http://127.0.0.1", open_timeout=60) as ws:
        snapshot = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
        assert snapshot["type"] == "snapshot", snapshot
        seqs.append(snapshot["seq"])
        ready.append(port)
        await async_wait_until(lambda: len(ready) >= 2, what="both clients' snapshots")
        pending = list(send or [])
        if pending:
            await ws.send(json.dumps({"type": "bid", "amount": pending.pop(0)}))
        deadline = time.monotonic() + 120  # a hang's bound (ticks keep coming meanwhile)
        while time.monotonic() < deadline:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
            if frame["type"] == "standing":
                seqs.append(frame["seq"])
                if frame["view"]["bid_count"] >= bids:
                    return
                if pending:
                    seq = frame["seq"]
                    await async_wait_until(
                        lambda s=seq: peer and peer[-1] >= s, what=f"the other client to see {seq}"
                    )
                    await asyncio.sleep(0.15)  # past the change-coalescing window (0.1 s)
                    await ws.send(json.dumps({"type": "bid", "amount": pending.pop(0)}))
        raise AssertionError(f"only saw {seqs}")


ready: list = []


@pytest.mark.parametrize("bid_workers", [0, 1], ids=["bids-in-thread", "bid-worker-process"])
def test_two_daphne_processes_serve_one_lot_consistently(bid_workers):
    """Both processes' sockets see the same sequence, with the bids placed in a thread of each
    process (the embedded default) or in each process's worker (production)."""
    a = Auction(suppliers=2)
    a.start()
    tokens = [Token.objects.create(user=user).key for user in a.bidders]
    amounts = ["99000", "98000", "97000", "96000"]
    with daphne_processes(2, bid_workers) as ports:
        seen_a: list = []
        seen_b: list = []
        ready.clear()

        async def run():
            await asyncio.gather(
                watch(ports[0], a.lot.pk, tokens[0], len(amounts), seen_a, amounts, seen_b),
                watch(ports[1], a.lot.pk, tokens[1], len(amounts), seen_b, None, seen_a),
            )

        asyncio.run(run())
    assert seen_a == seen_b, (seen_a, seen_b)
    assert seen_a == sorted(set(seen_a))
    a.refresh()
    assert a.lot.bid_count == len(amounts)


STORM = 300


def test_a_reconnect_storm_loses_no_client_and_leaves_no_stale_member():
    """Hundreds of clients connecting at once (a reconnect storm after a network blip): every
    one gets its snapshot and the next change, and after they leave the lot's group in Redis
    is empty (redis-py's pool must wait rather than fail, see docs/performance)."""
    import redis
    import websockets
    from django.conf import settings

    a = Auction(suppliers=1)
    a.start()
    token = Token.objects.create(user=a.officer).key  # the buyer may watch from many tabs
    bidder = Token.objects.create(user=a.bidders[0]).key
    with daphne_processes(1) as ports:
        url = f"ws://127.0.0.1:{ports[0]}/ws/lots/{a.lot.pk}/?token="

        async def client(results: list, go: asyncio.Event):
            async with websockets.connect(
                url + token, origin="http://127.0.0.1", open_timeout=60
            ) as ws:
                snapshot = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                assert snapshot["type"] == "snapshot"
                results.append("snapshot")
                await go.wait()
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                    if frame["type"] == "standing":
                        results.append("standing")
                        return

        async def run():
            results: list = []
            go = asyncio.Event()
            tasks = [asyncio.create_task(client(results, go)) for _ in range(STORM)]
            deadline = time.monotonic() + 90
            while results.count("snapshot") < STORM and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
                if any(t.done() and t.exception() for t in tasks):
                    break
            go.set()
            async with websockets.connect(
                url + bidder, origin="http://127.0.0.1", open_timeout=60
            ) as ws:
                await asyncio.wait_for(ws.recv(), timeout=60)
                await ws.send(json.dumps({"type": "bid", "amount": "99000"}))
                await asyncio.gather(*tasks)
            return results

        results = asyncio.run(run())
        assert results.count("snapshot") == STORM
        assert results.count("standing") == STORM
        server = redis.Redis.from_url(settings.REDIS_URL)

        def members() -> int:
            return sum(
                server.zcard(key)
                for key in server.keys("*group*")
                if key.decode().endswith(f"lot.{a.lot.pk}")
            )

        # The clients have closed; Daphne handles their disconnects as it gets to them.
        wait_until(lambda: members() == 0, what="the lot's group in Redis to empty")


def test_a_killed_process_stops_counting_its_suppliers_as_connected():
    """A supplier's socket on a process that is killed (``kill -9``: no close, no goodbye)
    leaves the buyer's console, on another process, once the dead process's heartbeat is old.
    A shared counter once kept such a supplier "connected" for a day."""
    import signal

    import websockets

    a = Auction(suppliers=1)
    a.start()
    buyer = Token.objects.create(user=a.officer).key
    supplier = Token.objects.create(user=a.bidders[0]).key
    application = a.applications[0].pk
    fast = {
        "AUCTION_PRESENCE_HEARTBEAT_SECONDS": "0.5",
        "AUCTION_PRESENCE_DEAD_SECONDS": "2",
        "AUCTION_WS_TICK_SECONDS": "0.5",
    }
    procs: list = []
    with daphne_processes(2, extra_env=fast, started=procs) as ports:

        def url(port: int, token: str) -> str:
            return f"ws://127.0.0.1:{port}/ws/lots/{a.lot.pk}/?token={token}"

        async def presence_becomes(ws, wanted: list[int]) -> None:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
                if frame["type"] == "presence" and frame["connected"] == wanted:
                    return
            raise AssertionError(f"presence never became {wanted}")

        async def run():
            async with websockets.connect(
                url(ports[1], buyer), origin="http://127.0.0.1", open_timeout=60
            ) as console:
                assert json.loads(await console.recv())["type"] == "snapshot"
                room = await websockets.connect(
                    url(ports[0], supplier), origin="http://127.0.0.1", open_timeout=60
                )
                assert json.loads(await room.recv())["type"] == "snapshot"
                await presence_becomes(console, [application])
                procs[0].send_signal(signal.SIGKILL)
                procs[0].wait(10)
                await presence_becomes(console, [])
                room.transport.abort()

        asyncio.run(run())


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except OSError:
        return False


def _workers(pid: int) -> list[int]:
    return [child for child in children(pid) if _running(child)]


def test_a_servers_bid_workers_are_forked_before_it_listens_and_end_with_it():
    """A Daphne forks its bid workers as it builds its factories (they start with Django
    loaded: a spawned one imports it, a second or two of CPU each, which a crowd reconnecting
    after a restart shared); they place bids; and each ends when its server is killed, though
    each forked one was born holding copies of the server's pipe ends (closed at its start)."""
    a = Auction(suppliers=2, step_reference="own")
    a.start()
    token = Token.objects.create(user=a.bidders[0]).key
    procs: list = []
    with daphne_processes(1, bid_workers=2, started=procs) as (port,):
        daphne = procs[0]
        wait_until(lambda: len(_workers(daphne.pid)) == 2, what="the two bid workers")
        workers = _workers(daphne.pid)
        for pid in workers:  # forked: the server's own command line, not multiprocessing's
            assert cmdline(pid) == cmdline(daphne.pid)

        async def bid():
            import websockets

            url = f"ws://127.0.0.1:{port}/ws/lots/{a.lot.pk}/?token={token}"
            async with websockets.connect(url, origin="http://127.0.0.1", open_timeout=60) as ws:
                assert json.loads(await ws.recv())["type"] == "snapshot"
                await ws.send(json.dumps({"type": "bid", "amount": "99000", "client_bid_id": "f1"}))
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=60))
                    if frame["type"] == "bid_result":
                        return frame

        try:
            assert asyncio.run(bid())["ok"]
            daphne.kill()
            daphne.wait(10)
            wait_until(
                lambda: not any(_running(pid) for pid in workers),
                what="the workers to end with their server",
            )
        finally:  # a worker left over would hold its database session past the test
            for pid in workers:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
    a.refresh()
    assert a.lot.bid_count == 1
