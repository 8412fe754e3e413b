"""The lot websocket on a brand's host: a lot of the brand's platform connects; a lot of another
platform is refused as an unknown lot is (the same frame and close code), whoever asks. On
Tradefloor's own host both connect as before."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from marketplace.asgi import application
from tests.platforms.brand_world import HOST_A, Brands

from .test_ws import FRAME_TIMEOUT, layer, settled  # noqa: F401 (the fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


async def connect(user, lot_id: int, host: str | None):
    headers = [(b"origin", f"http://{host or 'testserver'}".encode())]
    if host:
        headers.append((b"host", host.encode()))
    comm = WebsocketCommunicator(
        application, f"/ws/lots/{lot_id}/", headers=headers, subprotocols=["tradefloor.v1"]
    )
    comm.scope["user"] = user
    connected, _ = await comm.connect(timeout=FRAME_TIMEOUT)
    assert connected
    frame = json.loads(await comm.receive_from(timeout=FRAME_TIMEOUT))
    if frame["type"] == "refused":
        close = await comm.receive_output(timeout=FRAME_TIMEOUT)
        return frame, close["code"]
    await comm.disconnect()
    return frame, None


@sync_to_async
def world():
    w = Brands()
    tenders = w.tenders()
    return w, tenders["a"].lots.get(), tenders["public"].lots.get()


async def test_a_brand_host_refuses_another_platforms_lot_as_an_unknown_one(layer):  # noqa: F811
    w, lot_a, public = await world()
    ok, code = await connect(w.officer_a, lot_a.pk, HOST_A)
    assert ok["type"] == "snapshot" and code is None
    unknown, unknown_code = await connect(w.officer, 10**9, HOST_A)
    assert unknown["code"] == "lot_not_found" and unknown_code == 4404
    # The public platform's lot, to its own buyer's officer, on the brand's host: not found.
    refused, refused_code = await connect(w.officer, public.pk, HOST_A)
    assert (refused, refused_code) == (unknown, unknown_code)
    # On Tradefloor's own host both connect as before.
    for user, lot in ((w.officer, public), (w.officer_a, lot_a)):
        frame, code = await connect(user, lot.pk, None)
        assert frame["type"] == "snapshot" and code is None, frame
    frame, code = await connect(w.officer, public.pk, "localhost")
    assert frame["type"] == "snapshot" and code is None, frame
