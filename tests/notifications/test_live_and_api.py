"""Notifications where people meet them: pushed over /ws/notifications/ to the person's own
sockets only (on both channel layers), and the REST API (list, read, preferences, tender
subscriptions), each person seeing only its own."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.asgi import application
from marketplace.companies.models import MembershipRole
from notifications import services
from notifications.models import Kind, Notification, TenderSubscription
from tests.auctions.test_ws import FRAME_TIMEOUT, layer, settled  # noqa: F401 (fixtures)
from tests.factories import CategoryFactory, CompanyFactory, member
from tests.waiting import async_wait_until

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = (b"origin", b"http://testserver")


def make(user, key, title="Lot 7 was awarded"):
    with transaction.atomic():
        return services.notify(
            users=[user],
            kind=Kind.AUCTION_RESULT,
            key=key,
            build=lambda: (title, "…"),
            url="/lots/7/",
        )


async def open_socket(user=None):
    path = "/ws/notifications/"
    if user is not None:
        token = await sync_to_async(lambda: Token.objects.get_or_create(user=user)[0].key)()
        path += f"?token={token}"
    comm = WebsocketCommunicator(application, path, headers=[ORIGIN])
    connected, _ = await comm.connect(timeout=FRAME_TIMEOUT)
    return comm, connected


async def frame(comm, timeout=FRAME_TIMEOUT):
    return json.loads(await comm.receive_from(timeout=timeout))


async def test_a_new_notification_reaches_its_persons_open_pages_and_no_one_elses(layer):  # noqa: F811
    me, other = await sync_to_async(
        lambda: [member(CompanyFactory(), MembershipRole.BIDDER) for _ in range(2)]
    )()
    await sync_to_async(make)(me, "old")
    mine, connected = await open_socket(me)
    assert connected and await frame(mine) == {"type": "unread", "unread": 1}
    theirs, _ = await open_socket(other)
    assert await frame(theirs) == {"type": "unread", "unread": 0}

    await sync_to_async(make)(me, "new", title="You won: Lot 7")
    pushed = await frame(mine)
    assert pushed["type"] == "notification" and pushed["unread"] == 2
    assert pushed["notification"]["title"] == "You won: Lot 7"
    assert pushed["notification"]["url"] == "/lots/7/"
    assert await theirs.receive_nothing(timeout=0.5)

    await sync_to_async(services.notifications_mark_read)(user=me)
    assert await frame(mine) == {"type": "unread", "unread": 0}
    assert await theirs.receive_nothing(timeout=0.3)

    await mine.send_to(text_data=json.dumps({"type": "ping"}))
    assert (await frame(mine))["type"] == "pong"
    await mine.send_to(text_data="{not json")
    assert (await frame(mine))["code"] == "bad_frame"
    for comm in (mine, theirs):
        await comm.disconnect()


async def test_an_anonymous_socket_is_refused():
    comm, _ = await open_socket()
    refused = await frame(comm)
    assert refused["type"] == "refused" and refused["code"] == "not_authenticated"
    assert (await comm.receive_output(timeout=FRAME_TIMEOUT))["code"] == 4401


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def test_the_api_lists_and_marks_only_ones_own():
    me = member(CompanyFactory(), MembershipRole.BIDDER)
    other = member(CompanyFactory(), MembershipRole.BIDDER)
    make(me, "a")
    make(me, "b")
    (theirs,) = make(other, "a", title="Secret of another company")
    body = client(me).get("/api/notifications/").json()
    assert body["count"] == 2 and body["unread"] == 2
    assert "Secret of another company" not in json.dumps(body)

    refused = client(me).post("/api/notifications/read/", {"ids": [theirs.pk]})
    assert refused.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client(me).post("/api/notifications/read/", {}).status_code == 400
    assert client(me).post("/api/notifications/read/", {"ids": [2**70]}).status_code == 400

    first = body["results"][0]["id"]
    done = client(me).post("/api/notifications/read/", {"ids": [first]}).json()
    assert done == {"marked": 1, "unread": 1}
    assert client(me).get("/api/notifications/", {"unread": 1}).json()["count"] == 1
    assert client(me).post("/api/notifications/read/", {"all": True}).json()["unread"] == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_preferences_over_the_api():
    me = member(CompanyFactory(), MembershipRole.BIDDER)
    c = client(me)
    rows = c.get("/api/notifications/preferences/").json()
    assert {"kind": "tender_match", "channel": "email", "mode": "digest"} in rows
    r = c.put(
        "/api/notifications/preferences/", {"kind": "outbid", "channel": "email", "mode": "off"}
    )
    assert r.status_code == 200
    assert {"kind": "outbid", "channel": "email", "mode": "off"} in c.get(
        "/api/notifications/preferences/"
    ).json()
    r = c.put(
        "/api/notifications/preferences/", {"kind": "outbid", "channel": "in_app", "mode": "digest"}
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_preference"


def test_tender_subscriptions_over_the_api_are_kept_by_their_company_only():
    supplier = CompanyFactory(is_buyer=False)
    bidder = member(supplier, MembershipRole.BIDDER)
    rival = member(CompanyFactory(is_buyer=False), MembershipRole.COMPANY_ADMIN)
    category = CategoryFactory()
    c = client(bidder)
    good = {
        "company": supplier.pk,
        "name": "Diesel",
        "categories": [category.pk],
        "regions": ["ua-30", "PL"],
        "keywords": " diesel  fuel ",
        "budget_min": "1000",
        "budget_max": "90000",
        "currency": "UAH",
    }
    r = c.post("/api/tender-subscriptions/", good)
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["regions"] == ["PL", "UA-30"] and created["keywords"] == "diesel fuel"
    assert created["budget_min"] == "1000.00"

    for bad, field in (
        ({**good, "regions": ["XX-99"]}, "regions"),
        ({**good, "budget_min": "5", "budget_max": "1"}, "budget_max"),
        ({**good, "categories": [10**9]}, "categories"),
        ({**good, "currency": ""}, "currency"),
        ({**good, "name": "  "}, "name"),
    ):
        r = c.post("/api/tender-subscriptions/", bad)
        assert r.status_code == 400, (bad, r.content)
        assert field in r.json()["error"]["fields"], r.json()
    assert TenderSubscription.objects.count() == 1

    # Another company neither sees, changes nor deletes it, nor subscribes for this company.
    other = client(rival)
    assert other.get("/api/tender-subscriptions/").json() == []
    url = f"/api/tender-subscriptions/{created['id']}/"
    assert other.get(url).status_code == 404
    assert other.patch(url, {"name": "x"}).status_code == 404
    assert other.delete(url).status_code == 404
    assert other.post("/api/tender-subscriptions/", good).status_code == 404

    r = c.patch(url, {"active": False, "budget_max": "5000"})
    assert r.status_code == 200 and r.json()["active"] is False
    assert c.patch(url, {"budget_max": "10"}).status_code == 400  # below the minimum
    assert c.delete(url).status_code == 204
    assert not TenderSubscription.objects.exists()


@pytest.mark.postgres  # a second thread writes beside the bids: SQLite's in-memory test database locks
async def test_a_supplier_outbid_while_away_is_told_once_and_one_watching_is_not(layer):  # noqa: F811
    from auctions.bidding import place as engine
    from auctions.models import Lot
    from auctions.realtime.hub import hub
    from marketplace.events.models import Event
    from tests.auctions.engine_setup import Auction
    from tests.auctions.test_ws import connect, receive, receive_until

    a = await sync_to_async(lambda: Auction(suppliers=3).start())()
    away, watching, bidder = a.bidders
    # The away supplier leads through the REST API and leaves; the others are in the room.
    await sync_to_async(engine.bid_place)(lot_id=a.lot.pk, user=away, amount="99000")
    rooms = []
    for user in (watching, bidder):
        comm, connected, _ = await connect(user, a.lot)
        assert connected
        await receive(comm)
        rooms.append(comm)

    async def bid(comm, amount, cid):
        await comm.send_to(
            text_data=json.dumps(
                {"type": "bid", "request_id": cid, "amount": amount, "client_bid_id": cid}
            )
        )
        assert (await receive_until(comm, "bid_result", []))["ok"]

    await bid(rooms[0], "98000", "w1")  # the away supplier loses the lead: told
    await bid(rooms[1], "97000", "b1")  # the watching one loses it with the room open: not
    await bid(rooms[0], "96000", "w2")
    await bid(rooms[1], "95000", "b2")

    def outbid_events():
        return list(Event.objects.filter(type="lot.outbid").values_list("payload", flat=True))

    # The hub records it beside the bid path, not in it: wait until it has seen the last change
    # and finished what it started for them, rather than a while.
    last = await sync_to_async(lambda: Lot.objects.get(pk=a.lot.pk).event_seq)()
    h = hub()
    await async_wait_until(
        lambda: h.delivered.get(a.lot.pk, -1) >= last and not h.background,
        what="the hub to see every change and record what it had to",
    )
    events = await sync_to_async(outbid_events)()
    assert [e["application"] for e in events] == [a.applications[0].pk]
    told = await sync_to_async(
        lambda: list(Notification.objects.filter(kind=Kind.OUTBID).values_list("user_id", "url"))
    )()
    assert told == [(away.pk, f"/lots/{a.lot.pk}/")]
    assert await sync_to_async(lambda: Lot.objects.get(pk=a.lot.pk).bid_count)() == 5
    for comm in rooms:
        await comm.disconnect()
