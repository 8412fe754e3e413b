"""Hostile and malformed input on the bid path (issue 20, defects 1 and 2): a bad amount is
refused alone with ``invalid_amount``, and no fault of one bid fails the other bids of its batch,
on its lot or on the other lots sharing the transaction; REST and the websocket answer the same
input the same way, with a 4xx or an error frame, and the socket stays open."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from auctions.bidding import inputs, place
from auctions.bidding.inputs import parse_amount
from auctions.bidding.outcomes import BidRejected
from auctions.bidding.place import bids_place_lots
from auctions.events import chain_verify
from auctions.models import Bid, LotEvent
from auctions.realtime import bid_workers
from marketplace.core.exceptions import ApplicationError

from .engine_setup import Auction
from .test_engine_batch import req
from .test_ws import connect, layer, receive, receive_until, settled  # noqa: F401 (fixtures)

HOSTILE = [
    "1e309",
    "9" * 40,
    "1" * 17,
    "-1e309",
    "1e-400",
    "NaN",
    "sNaN",
    "Infinity",
    "0x10",
    "１e309",
    "",
    "   ",
    "12.345",
]


def kinds(outcomes):
    return [o.code if isinstance(o, ApplicationError) else "ok" for o in outcomes]


@given(
    st.one_of(
        st.text(max_size=80),
        st.floats(),
        st.integers(),
        st.decimals(),
        st.from_regex(r"\A[0-9.eE+\-]{1,40}\Z"),
    )
)
@settings(max_examples=400, deadline=None)
def test_parsing_an_amount_refuses_or_returns_money_and_never_raises_anything_else(value):
    try:
        amount = parse_amount(value)
    except BidRejected as exc:
        assert exc.code == "invalid_amount" and exc.message
        return
    assert amount > 0 and amount == amount.quantize(Decimal("0.01"))
    assert amount.adjusted() < inputs.AMOUNT_MAX_INTEGER_DIGITS


def test_full_width_digits_mean_what_they_show_and_other_forms_are_refused():
    assert parse_amount("１２３.００") == Decimal("123.00")
    assert parse_amount(" 98500.5 ") == Decimal("98500.50")
    assert parse_amount("9999999999999999.99") == Decimal("9999999999999999.99")
    for bad in [*HOSTILE, True, None, [1], {"a": 1}]:
        with pytest.raises(BidRejected) as refused:
            parse_amount(bad)
        assert refused.value.code == "invalid_amount"


@pytest.mark.django_db(transaction=True)
def test_one_malformed_amount_is_refused_alone_and_the_batch_goes_on_across_lots():
    a, b = Auction(suppliers=3).start(), Auction(suppliers=2).start()
    out = bids_place_lots(
        [
            (
                a.lot.pk,
                [
                    req(a, 0, "99000.00", "a0"),
                    req(a, 2, "1e309", "bad1"),
                    req(a, 1, "98000.00", "a1"),
                    req(a, 2, "9" * 40, "bad2"),
                ],
            ),
            (b.lot.pk, [req(b, 0, "99000.00", "b0"), req(b, 1, "-1e309", "bad3")]),
        ]
    )
    assert kinds(out[0]) == ["ok", "invalid_amount", "ok", "invalid_amount"]
    assert kinds(out[1]) == ["ok", "invalid_amount"]
    assert Bid.objects.filter(lot=a.lot).count() == 2
    assert Bid.objects.filter(lot=b.lot).count() == 1
    for auction in (a, b):
        assert chain_verify(lot_id=auction.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_an_unexpected_fault_in_one_bid_fails_that_bid_only():
    a, b = Auction(suppliers=3).start(), Auction(suppliers=2).start()
    real = place._bid_one

    def faulty(*, item, **kwargs):
        if item.client_bid_id == "poison":
            raise RuntimeError("a defect reached by one bid's input")
        return real(item=item, **kwargs)

    with mock.patch.object(place, "_bid_one", side_effect=faulty):
        out = bids_place_lots(
            [
                (
                    a.lot.pk,
                    [
                        req(a, 0, "99000.00", "a0"),
                        req(a, 2, "98500.00", "poison"),
                        req(a, 1, "98000.00", "a1"),
                    ],
                ),
                (b.lot.pk, [req(b, 0, "99000.00", "b0")]),
            ]
        )
    assert kinds(out[0]) == ["ok", "bid_failed", "ok"]
    assert kinds(out[1]) == ["ok"]
    assert out[0][1].status_code == 500 and "not recorded" in out[0][1].message
    assert sorted(Bid.objects.filter(lot=a.lot).values_list("client_bid_id", flat=True)) == [
        "a0",
        "a1",
    ]
    assert LotEvent.objects.filter(lot=a.lot, kind="bid_placed").count() == 2
    for auction in (a, b):
        auction.refresh()
        assert auction.lot.bid_count == Bid.objects.filter(lot=auction.lot).count()
        assert chain_verify(lot_id=auction.lot.pk)[0]


@pytest.mark.django_db
def test_rest_answers_hostile_amounts_with_a_json_400_and_writes_nothing():
    a = Auction(suppliers=2).start()
    c = APIClient()
    c.force_authenticate(user=a.bidders[0])
    base = f"/api/lots/{a.lot.pk}"
    for amount in ["1e309", "9" * 40, "-1e309", "NaN"]:
        r = c.post(f"{base}/bids/", {"amount": amount, "client_bid_id": "x"}, format="json")
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_amount", r.content
        r = c.get(f"{base}/quote/", {"amount": amount})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_amount", r.content
        r = c.put(f"{base}/proxy/", {"floor": amount}, format="json")
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_amount", r.content
    assert not Bid.objects.filter(lot=a.lot).exists()
    # Full-width digits: the same amount as over the websocket (below).
    r = c.post(f"{base}/bids/", {"amount": "９９０００.００", "client_bid_id": "fw"}, format="json")
    assert r.status_code == 201 and r.json()["bid"]["amount"] == "99000.00", r.content


@pytest.mark.django_db(transaction=True)
async def test_the_socket_refuses_hostile_frames_and_stays_open(layer):  # noqa: F811
    a = await sync_to_async(lambda: Auction(suppliers=2).start())()
    comm, connected, _ = await connect(a.bidders[0], a.lot)
    assert connected
    await receive(comm)  # the snapshot
    frames: list = []
    for n, amount in enumerate(["1e309", "9" * 40, "-1e309"]):
        await comm.send_to(
            text_data=json.dumps(
                {"type": "bid", "request_id": f"b{n}", "amount": amount, "client_bid_id": f"c{n}"}
            )
        )
        result = await receive_until(comm, "bid_result", frames)
        assert result["request_id"] == f"b{n}" and result["ok"] is False
        assert result["error"]["code"] == "invalid_amount", result
    await comm.send_to(text_data=json.dumps({"type": "proxy", "request_id": "p", "floor": "1e309"}))
    result = await receive_until(comm, "result", frames)
    assert result["ok"] is False and result["error"]["code"] == "invalid_amount", result
    for hostile in [
        {"type": {"nested": 1}},
        {"type": ["bid"]},
        [1, 2],
        "text",
        7,
        {"type": "ping", "request_id": {"deep": [1]}},
    ]:
        await comm.send_to(text_data=json.dumps(hostile))
        answer = await receive(comm)
        while answer["type"] == "tick":  # the lot's clock (every 5 s) may come in between
            answer = await receive(comm)
        assert answer["type"] in {"error", "pong"}, answer
        assert answer["request_id"] is None
        if answer["type"] == "error":
            assert answer["code"] == "bad_frame"
    # Still open and bidding; full-width digits are the amount they show, as over REST.
    await comm.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": "ok", "amount": "９９０００", "client_bid_id": "fw"}
        )
    )
    result = await receive_until(comm, "bid_result", frames)
    assert result["ok"] and result["bid"]["amount"] == "99000.00", result
    await comm.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_bid_while_the_database_is_away_is_answered_and_the_socket_stays(layer):  # noqa: F811
    from django.db import OperationalError

    a = await sync_to_async(lambda: Auction(suppliers=2).start())()
    comm, connected, _ = await connect(a.bidders[0], a.lot)
    assert connected
    await receive(comm)
    down = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(bid_workers, "bids_commit", side_effect=down):
        await comm.send_to(
            text_data=json.dumps(
                {"type": "bid", "request_id": "r1", "amount": "99000", "client_bid_id": "c1"}
            )
        )
        result = await receive_until(comm, "bid_result", [])
    assert result["ok"] is False and result["error"]["code"] == "bid_worker_unavailable"
    # Back: the resend is placed, on the same socket.
    await comm.send_to(
        text_data=json.dumps(
            {"type": "bid", "request_id": "r2", "amount": "99000", "client_bid_id": "c1"}
        )
    )
    result = await receive_until(comm, "bid_result", [])
    assert result["ok"] and not result["duplicate"], result
    await comm.disconnect()
