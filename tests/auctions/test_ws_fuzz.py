"""Hostile frames on the websockets, generated (issue 20): whatever a client sends, the socket
answers and stays open, and the server raises nothing; 0 socket crashes. The lot socket is
driven as an admitted supplier (the one that may bid), the notifications socket as its person."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from marketplace.asgi import application

from .engine_setup import Auction

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://testserver")

TYPES = ["bid", "withdraw", "proxy", "resync", "ping", "ack", "BID", "", "unknown"]
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["1e309", "-1", "0", "99000", "９９０００", "NaN", "98999.999", "1" * 40]),
)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
frame_object = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(TYPES), value)},
    optional={
        "request_id": value,
        "amount": value,
        "client_bid_id": value,
        "floor": value,
        "confirm": value,
        "count": value,
        "since": value,
    },
)
frame_text = st.one_of(
    frame_object.map(lambda f: json.dumps(f)),
    value.map(json.dumps),
    st.text(min_size=1, max_size=300),  # (the test client cannot send an empty frame)
    st.just("x" * 5000),
)


async def drive(path: str, frames: list[str]) -> list[dict]:
    comm = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await comm.connect(timeout=10)
    assert connected
    seen: list[dict] = []
    for text in frames:
        await comm.send_to(text_data=text)
    await comm.send_to(text_data=json.dumps({"type": "ping", "request_id": "last"}))
    while True:  # everything it answered, up to the pong of the last ping: no close among them
        output = await comm.receive_output(timeout=20)
        assert output["type"] == "websocket.send", f"the socket closed: {output} after {frames}"
        frame = json.loads(output["text"])
        seen.append(frame)
        if frame["type"] == "pong" and frame.get("request_id") == "last":
            break
        if frame["type"] == "pong" and "request_id" not in frame:  # the notifications socket
            break
    await comm.disconnect()
    return seen


@pytest.fixture
def lot_path():
    a = Auction(suppliers=2).start()
    token = Token.objects.create(user=a.bidders[0]).key
    return f"/ws/lots/{a.lot.pk}/?token={token}", f"/ws/notifications/?token={token}"


@given(frames=st.lists(frame_text, min_size=1, max_size=12))
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_frames_on_the_lot_socket_are_answered_and_the_socket_stays_open(lot_path, frames):
    seen = async_to_sync(drive)(lot_path[0], frames)
    assert seen[0]["type"] == "snapshot"
    assert not [f for f in seen if f["type"] == "refused"]


@given(frames=st.lists(frame_text, min_size=1, max_size=8))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_frames_on_the_notifications_socket_are_answered_and_it_stays_open(lot_path, frames):
    seen = async_to_sync(drive)(lot_path[1], frames)
    assert seen[0]["type"] == "unread"
