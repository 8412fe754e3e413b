"""A websocket message over Daphne's limit (1 MiB) is refused with the close code 1009 and a
reason, through a real Daphne process, not by dropping the connection (issue 20, defect 7);
frames under it but over the application's own limit get an error frame, the socket open."""

from __future__ import annotations

import asyncio
import json

import pytest
from rest_framework.authtoken.models import Token

from tests.auctions.test_ws_multiprocess import daphne_processes
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_oversize_message_is_refused_with_1009_and_a_smaller_one_with_an_error_frame():
    import websockets

    token = Token.objects.create(user=UserFactory()).key

    async def talk(port: int):
        url = f"ws://127.0.0.1:{port}/ws/notifications/?token={token}"
        async with websockets.connect(
            url, origin="http://127.0.0.1", max_size=None, open_timeout=60
        ) as ws:
            assert json.loads(await asyncio.wait_for(ws.recv(), 60))["type"] == "unread"
            await ws.send("x" * 200_000)  # under Daphne's limit, over ours: an error, still open
            assert json.loads(await asyncio.wait_for(ws.recv(), 60))["code"] == "bad_frame"
            await ws.send("x" * (2 * 1024 * 1024))
            with pytest.raises(websockets.ConnectionClosed):
                await asyncio.wait_for(ws.recv(), 60)
            return ws.close_code, ws.close_reason

    with daphne_processes(1) as (port,):
        code, reason = asyncio.run(talk(port))
    assert code == 1009 and "exceeds payload limit of 1048576" in reason
