"""The sealed-bid format: offers hidden from everyone, the buyer included, until the opening."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from auctions.bidding.place import bid_place
from auctions.events import chain_verify
from auctions.formats.sealed import seal_commitment
from auctions.lifecycle import lot_award, lot_close
from auctions.models import Application, Lot, LotEvent, LotStatus

from .engine_setup import Auction

pytestmark = pytest.mark.django_db


def api(user):
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def test_offers_stay_sealed_until_the_opening_then_rank():
    a = Auction(auction_format="sealed", visibility="ladder")
    Application.objects.filter(pk=a.applications[2].pk).update(initial_amount=Decimal("97500"))
    a.start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="96000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="95000")
    # An offer may be replaced, higher or lower, until the deadline: the latest counts.
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="94000.50")
    secret_amounts = ["96000", "95000", "94000.5", "97500"]

    standing = api(a.officer).get(f"/api/lots/{a.lot.pk}/standing/").json()
    assert standing["offers"] == 3 and "ladder" not in standing and "best" not in standing
    assert api(a.officer).get(f"/api/lots/{a.lot.pk}/bids/").json() == []
    events = api(a.officer).get(f"/api/lots/{a.lot.pk}/events/").json()["results"]
    text = json.dumps(events)
    assert all(amount not in text for amount in secret_amounts)
    mine = api(a.bidders[1]).get(f"/api/lots/{a.lot.pk}/standing/").json()
    assert mine["me"]["amount"] == "95000.00" and mine["me"]["rank"] is None
    assert "best" not in mine and "ladder" not in mine and "bid_count" not in mine
    assert "96000" not in json.dumps(mine) and "94000.50" not in json.dumps(mine)

    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    opened = LotEvent.objects.get(lot=a.lot, kind="offers_opened")
    commitments = {
        e.payload["bid"]: e.payload["commitment"]
        for e in LotEvent.objects.filter(lot=a.lot, kind="sealed_offer")
    }
    for offer in opened.payload["offers"]:
        assert commitments[offer["bid"]] == seal_commitment(
            lot_id=a.lot.pk,
            application_id=offer["application"],
            amount=Decimal(offer["amount"]),
            seal=offer["seal"],
        )
    final = api(a.bidders[1]).get(f"/api/lots/{a.lot.pk}/standing/").json()
    assert [e["amount"] for e in final["ladder"]] == ["94000.50", "95000.00", "97500.00"]
    award = lot_award(lot_id=a.lot.pk, user=a.officer)
    assert award.amount == Decimal("94000.50")
    assert chain_verify(lot_id=a.lot.pk)[0]


def test_no_offers_after_the_deadline():
    a = Auction(auction_format="sealed").start()
    Lot.objects.filter(pk=a.lot.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    r = api(a.bidders[0]).post(f"/api/lots/{a.lot.pk}/bids/", {"amount": "90000"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "auction_closed"
