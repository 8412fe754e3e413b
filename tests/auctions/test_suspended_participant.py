"""A supplier whose participation in the lot's platform is suspended may not bid (issue 20,
defect 6): not over REST, not over the websocket, not by a proxy (setting one, or one set before
the suspension acting on its own), not by the buyer's surrogate bid for it. The refusal is
``not_platform_participant`` (403), read under the lot's lock with what the batch reads anyway
(the ORM on SQLite, ``bidding.pg_reads`` on PostgreSQL), and nothing is written for it."""

from __future__ import annotations

import json
from decimal import Decimal
from unittest import mock

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from auctions.bidding import pg_reads
from auctions.bidding.place import bids_place
from auctions.events import chain_verify
from auctions.models import Bid, LotEvent, ProxyBid
from marketplace.core.exceptions import ApplicationError
from marketplace.platforms import services as platform_services
from marketplace.platforms.models import ParticipationStatus, PlatformMembership
from tests.factories import PlatformAdminFactory, PlatformMembershipFactory

from .engine_setup import Auction
from .test_engine_batch import req
from .test_ws import connect, layer, receive, receive_until, settled  # noqa: F401 (fixtures)

CODE = "not_platform_participant"


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def url(a: Auction, what: str) -> str:
    return f"/api/lots/{a.lot.pk}/{what}/"


def participating_auction(**kwargs) -> Auction:
    """An auction whose suppliers are accepted participants of its platform."""
    a = Auction(**kwargs)
    for company in a.companies:
        PlatformMembershipFactory(platform=a.platform, company=company)
    return a.start()


def suspend(a: Auction, i: int) -> None:
    """What a platform admin does: the participation service, with its audit row and events."""
    membership = PlatformMembership.objects.get(platform=a.platform, company=a.companies[i])
    admin = PlatformAdminFactory(platform=a.platform).user
    platform_services.membership_suspend(actor=admin, membership=membership, reason="Unpaid fees")


def written(a: Auction) -> tuple:
    return (
        Bid.objects.filter(lot=a.lot).count(),
        LotEvent.objects.filter(lot=a.lot).count(),
        ProxyBid.objects.filter(application__lot=a.lot).count(),
    )


def assert_refused(response) -> None:
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == CODE
    assert "suspended" in error["message"]


@pytest.mark.django_db
def test_a_suspended_participant_cannot_bid_over_rest_and_nothing_is_written():
    a = participating_auction()
    assert client(a.bidders[0]).post(url(a, "bids"), {"amount": "99000.00"}).status_code == 201
    suspend(a, 1)
    a.refresh()
    before = written(a)
    assert_refused(
        client(a.bidders[1]).post(url(a, "bids"), {"amount": "98000.00", "client_bid_id": "s"})
    )
    assert written(a) == before
    a.lot.refresh_from_db()
    assert a.lot.bid_count == 1 and a.lot.best_application_id == a.applications[0].pk
    # The others bid on; lifting the suspension lets the supplier bid again.
    assert client(a.bidders[2]).post(url(a, "bids"), {"amount": "98000.00"}).status_code == 201
    membership = PlatformMembership.objects.get(platform=a.platform, company=a.companies[1])
    admin = PlatformAdminFactory(platform=a.platform).user
    platform_services.membership_accept(actor=admin, membership=membership)
    assert client(a.bidders[1]).post(url(a, "bids"), {"amount": "97000.00"}).status_code == 201
    assert chain_verify(lot_id=a.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_in_a_batch_only_the_suspended_participants_bid_is_refused_and_read_once():
    """The participation comes with the admitted applications the batch reads anyway (one
    statement for the whole batch, none per bid)."""
    a = participating_auction()
    suspend(a, 1)
    table = PlatformMembership._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        out = bids_place(
            lot_id=a.lot.pk,
            requests=[
                req(a, 0, "99000.00", "a"),
                req(a, 1, "98000.00", "b"),
                req(a, 2, "98000.00", "c"),
                req(a, 1, "97000.00", "d"),
            ],
        )
    assert [o.code if isinstance(o, ApplicationError) else "ok" for o in out] == [
        "ok",
        CODE,
        "ok",
        CODE,
    ]
    assert out[1].status_code == 403
    assert sum(table in q["sql"] for q in queries.captured_queries) == 1
    assert set(Bid.objects.filter(lot=a.lot).values_list("client_bid_id", flat=True)) == {"a", "c"}
    assert chain_verify(lot_id=a.lot.pk)[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_suspended_participant_is_refused_through_the_postgres_batch_reads():
    """On PostgreSQL the bid path reads through ``bidding.pg_reads`` (one pipelined round trip)."""
    a = participating_auction()
    suspend(a, 1)
    with mock.patch.object(pg_reads, "read", wraps=pg_reads.read) as read:
        assert_refused(
            client(a.bidders[1]).post(url(a, "bids"), {"amount": "98000.00", "client_bid_id": "x"})
        )
        assert client(a.bidders[0]).post(url(a, "bids"), {"amount": "99000.00"}).status_code == 201
    assert read.call_count == 2
    assert list(Bid.objects.filter(lot=a.lot).values_list("application_id", flat=True)) == [
        a.applications[0].pk
    ]


@pytest.mark.django_db
def test_a_suspended_participant_cannot_set_a_proxy_and_its_proxy_stops_bidding():
    a = participating_auction()
    c1 = client(a.bidders[1])
    assert c1.put(url(a, "proxy"), {"floor": "90000.00"}).status_code == 200
    suspend(a, 1)
    before = written(a)
    assert_refused(c1.put(url(a, "proxy"), {"floor": "80000.00"}))
    assert written(a) == before
    assert ProxyBid.objects.get(application=a.applications[1]).floor_amount == Decimal("90000.00")
    # Outbid, the suspended supplier's proxy set before the suspension does not bid for it.
    assert client(a.bidders[0]).post(url(a, "bids"), {"amount": "99000.00"}).status_code == 201
    assert not Bid.objects.filter(application=a.applications[1]).exists()
    # The quote says the bid would be refused, and why.
    quote = c1.get(url(a, "quote"), {"amount": "95000.00"}).json()
    assert quote["acceptable"] is False and quote["refusal"]["code"] == CODE


@pytest.mark.django_db
def test_the_buyer_cannot_enter_a_surrogate_bid_for_a_suspended_participant():
    a = participating_auction()
    suspend(a, 1)
    before = written(a)
    response = client(a.officer).post(
        url(a, "surrogate-bids"),
        {"application": a.applications[1].pk, "amount": "98000.00", "reason": "by phone"},
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == CODE
    assert written(a) == before


@pytest.mark.django_db
def test_suspension_on_another_platform_does_not_matter():
    a = participating_auction()
    elsewhere = PlatformMembershipFactory(company=a.companies[1])
    PlatformMembership.objects.filter(pk=elsewhere.pk).update(status=ParticipationStatus.SUSPENDED)
    assert client(a.bidders[1]).post(url(a, "bids"), {"amount": "98000.00"}).status_code == 201


@pytest.mark.django_db(transaction=True)
async def test_a_suspended_participant_cannot_bid_over_the_websocket(layer):  # noqa: F811
    a = await sync_to_async(participating_auction)()
    s1, connected, _ = await connect(a.bidders[1], a.lot)
    assert connected
    frames = [await receive(s1)]

    def suspend_quietly():  # the socket may still be open when the suspension lands
        PlatformMembership.objects.filter(platform=a.platform, company=a.companies[1]).update(
            status=ParticipationStatus.SUSPENDED
        )
        return written(a)

    before = await sync_to_async(suspend_quietly)()
    await s1.send_to(
        text_data=json.dumps({"type": "bid", "request_id": "r1", "amount": "98000.00"})
    )
    result = await receive_until(s1, "bid_result", frames)
    assert result["ok"] is False and result["error"]["code"] == CODE
    await s1.send_to(text_data=json.dumps({"type": "proxy", "request_id": "p1", "floor": "1.00"}))
    result = await receive_until(s1, "result", frames)
    assert result["ok"] is False and result["error"]["code"] == CODE
    assert await sync_to_async(written)(a) == before
    await s1.disconnect()
