"""Two Daphne processes over PostgreSQL and the Redis channel layer serve one lot: clients on
either process see the same sequence of changes, whichever process took the bid."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from .engine_setup import Auction

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    d = connection.settings_dict
    password = f":{d['PASSWORD']}" if d.get("PASSWORD") else ""
    return f"postgres://{d['USER']}{password}@{d['HOST']}:{d['PORT']}/{d['NAME']}"


@contextlib.contextmanager
def daphne_processes(count: int):
    from django.conf import settings

    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DB_CONN_MAX_AGE": "0",
    }
    ports = [free_port() for _ in range(count)]
    procs = [
        subprocess.Popen(
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
        )
        for port in ports
    ]
    try:
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", port), 0.2),
                ):
                    break
                assert time.monotonic() < deadline, "daphne did not start"
                time.sleep(0.1)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)


async def watch(port: int, lot_id: int, token: str, bids: int, seqs: list, send: list | None):
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/lots/{lot_id}/?token={token}"
    async with websockets.connect(url, origin="http://127.0.0.1", open_timeout=10) as ws:
        snapshot = json.loads(await ws.recv())
        assert snapshot["type"] == "snapshot", snapshot
        seqs.append(snapshot["seq"])
        ready.append(port)
        while len(ready) < 2:
            await asyncio.sleep(0.05)
        for amount in send or []:
            await ws.send(json.dumps({"type": "bid", "amount": amount, "request_id": amount}))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=20))
            if frame["type"] == "standing":
                seqs.append(frame["seq"])
                if frame["view"]["bid_count"] >= bids:
                    return
        raise AssertionError(f"only saw {seqs}")


ready: list = []


def test_two_daphne_processes_serve_one_lot_consistently():
    a = Auction(suppliers=2)
    a.start()
    tokens = [Token.objects.create(user=user).key for user in a.bidders]
    amounts = ["99000", "98000", "97000", "96000"]
    with daphne_processes(2) as ports:
        seen_a: list = []
        seen_b: list = []
        ready.clear()

        async def run():
            await asyncio.gather(
                watch(ports[0], a.lot.pk, tokens[0], len(amounts), seen_a, amounts),
                watch(ports[1], a.lot.pk, tokens[1], len(amounts), seen_b, None),
            )

        asyncio.run(run())
    assert seen_a == seen_b, (seen_a, seen_b)
    assert seen_a == sorted(set(seen_a))
    a.refresh()
    assert a.lot.bid_count == len(amounts)
