"""Practice auctions (issue 19): a private copy of a lot's rules against bots on a fast clock. The
engine answers as the lot's own format would (the same refusals, the soft close, the clock's
levels), the bots keep the rules, the person wins or loses; through the API only its owner
reads it; nothing of it reaches the real tenders, bids, events or protocols."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from auctions.bidding.outcomes import BidRejected
from auctions.models import Bid, Lot, LotEvent, Tender
from marketplace.events.models import Event
from practice import engine
from practice.models import PracticeSession

from ..auctions.engine_setup import Auction


def english_lot(**rules_) -> Lot:
    return Lot(
        tender=Tender(currency="UAH"),
        title="Diesel",
        auction_format="english",
        start_price=Decimal("100000"),
        step_kind="amount",
        step_value=Decimal("1000"),
        duration_seconds=600,
        soft_close_window_seconds=60,
        soft_close_extension_seconds=60,
        visibility="ladder",
        **rules_,
    )


def refused(code, fn, *args, **kwargs):
    with pytest.raises(BidRejected) as err:
        fn(*args, **kwargs)
    assert err.value.code == code, err.value.message


def test_english_practice_keeps_the_lot_s_rules_and_ends_with_a_winner():
    now = timezone.now()
    state = engine.start(english_lot(), bots=2, speed=10, now=now, seed=7)
    # Half a wall minute is five practice minutes: the bots have bid.
    engine.step(state, now + timedelta(seconds=30))
    assert state["bids"] and all(b["label"] != engine.ME for b in state["bids"])
    best = None
    for b in state["bids"]:  # every bot bid beat the one before by the step
        amount = Decimal(b["amount"])
        assert best is None or amount <= best - Decimal("1000")
        best = amount
    view = engine.view(state)
    max_bid = Decimal(view["me"]["max_bid"])
    assert max_bid == best - Decimal("1000")
    refused("step_too_small", engine.bid, state, max_bid + 1, now + timedelta(seconds=30))
    refused("above_start_price", engine.bid, state, Decimal("100001"), now + timedelta(seconds=30))
    engine.bid(state, max_bid, now + timedelta(seconds=30))
    assert engine.view(state)["me"]["leading"] is True
    # Run out the clock (with its soft close): the practice ends, ranked.
    engine.step(state, now + timedelta(hours=1))
    assert state["status"] == "closed"
    final = engine.view(state)
    assert final["winner"] == final["ladder"][0]["label"]
    assert Decimal(final["ladder"][0]["amount"]) == min(Decimal(b["amount"]) for b in state["bids"])


def test_a_bid_in_the_last_minute_extends_the_practice_as_the_soft_close_does():
    now = timezone.now()
    state = engine.start(english_lot(), bots=1, speed=10, now=now, seed=1)
    state["bots"] = {}  # no bots: the person alone
    end = engine._dt(state["ends_at"])
    late = now + (end - now) / 10 - timedelta(seconds=3)  # 30 practice seconds before the end
    engine.bid(state, Decimal("99000"), late)
    assert engine._dt(state["ends_at"]) == end + timedelta(seconds=60)
    assert state["extensions"] == 1


def test_japanese_practice_the_last_one_standing_wins():
    now = timezone.now()
    lot = english_lot(level_seconds=30, floor_price=Decimal("60000"))
    lot.auction_format = "japanese"
    state = engine.start(lot, bots=2, speed=10, now=now, seed=3)
    wall = now
    for _ in range(200):
        view = engine.view(state)
        if view["status"] != "live":
            break
        if view["me"]["still_in"] and not view["me"]["confirmed"]:
            engine.bid(state, Decimal(view["clock"]["price"]), wall)
        wall += timedelta(seconds=1)
        engine.step(state, wall)
    assert state["status"] == "closed"
    lowest_bot = min(Decimal(b["price"]) for b in state["bots"].values())
    # The person confirmed every level: it outlasted every bot, which stopped at its price.
    assert state["winner"] == engine.ME
    assert Decimal(engine.view(state)["me"]["amount"]) <= lowest_bot


def test_dutch_practice_the_first_to_accept_wins():
    now = timezone.now()
    lot = english_lot(level_seconds=30, floor_price=Decimal("50000"))
    lot.auction_format = "dutch"
    state = engine.start(lot, bots=2, speed=10, now=now, seed=5)
    view = engine.view(state)
    assert view["clock"]["price"] == "50000.00"
    refused("price_moved", engine.bid, state, Decimal("51000"), now)
    engine.bid(state, Decimal("50000"), now)
    engine.step(state, now + timedelta(seconds=1))
    assert (state["status"], state["winner"]) == ("closed", engine.ME)


def rounds_lot(**rules_) -> Lot:
    lot = english_lot(rounds=3, first_pause_seconds=30, round_pause_seconds=20, turn_seconds=60)
    lot.auction_format = "rounds"
    for key, value in rules_.items():
        setattr(lot, key, value)
    return lot


def test_rounds_practice_takes_bids_in_turns_from_the_turn_s_price():
    now = timezone.now()
    state = engine.start(rounds_lot(), bots=2, speed=10, now=now, seed=11)
    # The initial offers: the person's at the start price, the bots' below it; round one's
    # order is the standings', highest first, so the person (the start price) goes first.
    initial = {b["label"]: Decimal(b["amount"]) for b in state["bids"]}
    assert initial[engine.ME] == Decimal("100000") and max(initial.values()) == Decimal("100000")
    view = engine.view(state)
    assert view["turn"]["round"] == 1 and view["turn"]["turn"] == 0  # the first pause
    assert view["turn"]["order"][0] == engine.ME
    refused("not_your_turn", engine.bid, state, Decimal("90000"), now)
    # The pause (30 practice seconds) is 3 wall seconds: then the person's turn.
    wall = now + timedelta(seconds=4)
    engine.step(state, wall)
    view = engine.view(state)
    assert view["turn"]["label"] == engine.ME and view["me"]["my_turn"] is True
    assert view["me"]["max_bid"] == "99000.00"  # its price as the turn began, less the step
    refused("step_too_small", engine.bid, state, Decimal("99000.01"), wall)
    engine.bid(state, Decimal("95000"), wall)
    # A second bid in the same turn is measured from the turn's price, not the first bid's.
    engine.bid(state, Decimal("98000"), wall)
    assert engine.view(state)["me"]["amount"] == "98000.00"
    # The turn passes (6 wall seconds): it is a bot's turn, not the person's.
    wall += timedelta(seconds=7)
    engine.step(state, wall)
    assert engine.view(state)["turn"]["label"] != engine.ME
    refused("not_your_turn", engine.bid, state, Decimal("90000"), wall)
    engine.step(state, now + timedelta(hours=1))
    assert state["status"] == "closed"
    # Every bot bid was made in its own turn, a step or more below its price as it began.
    for bid in state["bids"]:
        if bid["round"] and bid["label"] != engine.ME:
            start = max(
                Decimal(b["amount"])
                for b in state["bids"]
                if b["label"] == bid["label"] and b["round"] < bid["round"]
            )
            assert Decimal(bid["amount"]) <= start - Decimal("1000")
    rounds_seen = {e["round"] for e in state["log"] if e["kind"] == "round_started"}
    assert rounds_seen == {1, 2, 3}
    final = engine.view(state)
    assert final["winner"] == final["ladder"][0]["label"]


def test_sealed_practice_shows_nothing_of_the_others_until_the_opening():
    now = timezone.now()
    lot = english_lot()
    lot.auction_format = "sealed"
    state = engine.start(lot, bots=2, speed=10, now=now, seed=4)
    engine.bid(state, Decimal("97000"), now)
    engine.bid(state, Decimal("96000"), now)  # a later offer replaces the earlier one
    wall = now + timedelta(seconds=55)  # 550 of 600 practice seconds: the bots have offered
    engine.step(state, wall)
    assert {b["label"] for b in state["bids"]} == {1, 2, 3}
    view = engine.view(state)
    assert view["me"]["amount"] == "96000.00"
    assert (view["best"], view["ladder"], view["bids"], view["me"]["rank"]) == (
        None,
        None,
        None,
        None,
    )
    assert view["me"]["leading"] is False
    refused("above_start_price", engine.bid, state, Decimal("100000.01"), wall)
    engine.step(state, now + timedelta(minutes=2))
    assert state["status"] == "closed"
    opened = next(e for e in state["log"] if e["kind"] == "offers_opened")
    assert len(opened["offers"]) == 4
    final = engine.view(state)
    lowest = min(Decimal(b["price"]) for b in state["bots"].values())
    assert Decimal(final["best"]) == min(lowest, Decimal("96000"))
    assert final["ladder"][0]["label"] == final["winner"]


# --- through the API -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_runs_a_practice_for_its_owner_only_and_touches_nothing_real():
    a = Auction().start()
    before = (
        Bid.objects.count(),
        LotEvent.objects.count(),
        Event.objects.count(),
        Tender.objects.count(),
        Lot.objects.count(),
    )
    supplier = APIClient()
    supplier.force_authenticate(a.bidders[0])
    started = supplier.post(f"/api/lots/{a.lot.pk}/practice/", {"bots": 2}, format="json")
    assert started.status_code == 201, started.json()
    body = started.json()
    assert body["status"] == "live" and body["me"]["label"] == engine.ME
    url = f"/api/practice/{body['id']}/"
    refused_bid = supplier.post(url + "bids/", {"amount": "100000.01"}, format="json")
    assert refused_bid.status_code == 400
    assert refused_bid.json()["error"]["code"] == "above_start_price"
    placed = supplier.post(url + "bids/", {"amount": body["me"]["max_bid"]}, format="json")
    assert placed.status_code == 200 and placed.json()["me"]["amount"] is not None
    assert supplier.get(url).status_code == 200
    # Another person: no such practice. A stranger to the tender cannot start one.
    other = APIClient()
    other.force_authenticate(a.bidders[1])
    assert other.get(url).status_code == 404
    assert other.post(url + "bids/", {"amount": "90000"}, format="json").status_code == 404
    stranger = APIClient()
    from marketplace.companies.models import MembershipRole
    from tests.factories import CompanyFactory, member

    stranger.force_authenticate(member(CompanyFactory(), MembershipRole.BIDDER))
    assert stranger.post(f"/api/lots/{a.lot.pk}/practice/").status_code == 404
    bad = supplier.post(f"/api/lots/{a.lot.pk}/practice/", {"bots": 9}, format="json")
    assert bad.status_code == 400
    after = (
        Bid.objects.count(),
        LotEvent.objects.count(),
        Event.objects.count(),
        Tender.objects.count(),
        Lot.objects.count(),
    )
    assert after == before  # nothing real moved
    assert PracticeSession.objects.filter(user=a.bidders[0]).count() == 1


@pytest.mark.django_db
def test_the_practice_page():
    a = Auction().start()
    page = Client()
    page.force_login(a.bidders[0])
    room = page.get(f"/lots/{a.lot.pk}/").content.decode()
    assert f'action="/lots/{a.lot.pk}/practice/"' in room
    response = page.post(f"/lots/{a.lot.pk}/practice/")
    assert response.status_code == 302
    session = PracticeSession.objects.get()
    assert response.url == f"/practice/{session.pk}/"
    html = page.get(response.url).content.decode()
    assert "practice-config" in html and "Practice auction" in html
    other = Client()
    other.force_login(a.bidders[1])
    assert other.get(response.url).status_code == 404


def test_bots_keep_to_their_prices():
    from practice.bots import decide

    view = {"status": "live", "format": "english", "me": {"leading": False, "max_bid": "90000"}}
    assert decide(view, price=Decimal("85000")) == Decimal("90000")
    assert decide(view, price=Decimal("95000")) is None
    turn = {
        "status": "live",
        "format": "rounds",
        "best": "93000",
        "me": {"my_turn": True, "leading": False, "amount": "100000", "max_bid": "99000"},
    }
    assert decide(turn, price=Decimal("80000")) == Decimal("92000")  # a step below the best
    assert decide(turn, price=Decimal("95000")) == Decimal("95000")  # not below its price
    assert decide(turn, price=Decimal("99500")) is None
    assert decide({**turn, "me": {**turn["me"], "amount": "95000"}}, price=Decimal(1)) is None
    assert decide({**turn, "me": {**turn["me"], "my_turn": False}}, price=Decimal(1)) is None
    sealed = {"status": "live", "format": "sealed", "me": {"amount": None}}
    assert decide(sealed, price=Decimal("88000")) == Decimal("88000")
    assert decide({**sealed, "me": {"amount": "88000"}}, price=Decimal("88000")) is None
