"""Ids out of range in the auction API (issue 20, defect 5): the embedded SQLite cannot bind an
integer beyond 64 bits, so an id above 2⁶³ − 1 reaching a query was a 500. Ids are validated as
input: a path id no row can have is a 404, a body or query id out of range a 400 naming the
field; on every database, never a 500."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from auctions.models import Bid, ProxyBid
from marketplace.core.ids import ID_MAX
from tests.auctions.factories import World, future, lot_json

from .engine_setup import Auction

pytestmark = pytest.mark.django_db

TOO_BIG = [2**63, 2**64 + 1, 10**30]
OUT_OF_RANGE = [*TOO_BIG, 0, -1, -(2**63) - 1]


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def assert_error(response, status: int, code: str | None = None, field: str | None = None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    if code is not None:
        assert error["code"] == code
    if field is not None:
        assert field in error["fields"], error


LOT_PATHS = [
    ("get", "standing/", None),
    ("get", "bids/", None),
    ("post", "bids/", {"amount": "99000.00", "client_bid_id": "x"}),
    ("post", "bids/withdraw/", None),
    ("get", "quote/?amount=99000.00", None),
    ("get", "proxy/", None),
    ("put", "proxy/", {"floor": "90000.00"}),
    ("delete", "proxy/", None),
    ("post", "surrogate-bids/", {"application": 1, "amount": "99000.00", "reason": "phone"}),
    ("post", "pause/", {"reason": "why"}),
    ("post", "resume/", None),
    ("post", "close/", None),
    ("post", "award/", {"reason": "why"}),
    ("get", "events/", None),
    ("get", "events/verify/", None),
]


@pytest.mark.parametrize("lot_id", [2**63, 2**64 + 1, 10**30, 0])
@pytest.mark.parametrize(("method", "path", "body"), LOT_PATHS)
def test_a_lot_id_no_lot_can_have_is_not_found_on_every_lot_endpoint(lot_id, method, path, body):
    a = Auction().start()
    for user in (a.bidders[0], a.officer):
        response = getattr(client(user), method)(f"/api/lots/{lot_id}/{path}", body, format="json")
        assert_error(response, 404, "lot_not_found")
    assert not Bid.objects.exists() and not ProxyBid.objects.exists()


def test_the_largest_id_is_still_an_id():
    a = Auction().start()
    response = client(a.bidders[0]).post(f"/api/lots/{ID_MAX}/bids/withdraw/")
    assert_error(response, 403, "not_admitted")  # as for any other lot it is not admitted to
    response = client(a.bidders[0]).put(f"/api/lots/{ID_MAX}/proxy/", {"floor": "1.00"})
    assert_error(response, 403, "not_admitted")


@pytest.mark.parametrize("deal_id", [2**63, 0])
def test_a_deal_id_out_of_range_is_not_found(deal_id):
    a = Auction()
    assert_error(client(a.officer).get(f"/api/deals/{deal_id}/"), 404, "deal_not_found")


@pytest.mark.parametrize("value", [*OUT_OF_RANGE, "1.5", "1e400", "abc"])
@pytest.mark.parametrize("name", ["buyer", "platform", "category"])
def test_tender_list_filters_refuse_ids_out_of_range(name, value):
    w = World()
    w.published()
    response = client(w.officer).get("/api/tenders/", {name: value})
    assert_error(response, 400, "invalid", name)


def test_tender_list_filters_still_take_ids():
    w = World()
    w.published()
    c = client(w.officer)
    assert len(c.get("/api/tenders/", {"buyer": w.buyer.pk}).json()["results"]) == 1
    assert c.get("/api/tenders/", {"buyer": ID_MAX}).json()["results"] == []
    assert len(c.get("/api/tenders/", {"platform": w.platform.pk}).json()["results"]) == 1


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_bid_body_ids_out_of_range_are_refused(value):
    a = Auction().start()
    c = client(a.officer)
    response = c.post(
        f"/api/lots/{a.lot.pk}/surrogate-bids/",
        {"application": value, "amount": "99000.00", "reason": "phone"},
        format="json",
    )
    assert_error(response, 400, "invalid", "application")
    response = c.post(f"/api/lots/{a.lot.pk}/award/", {"application": value}, format="json")
    assert_error(response, 400, "invalid", "application")
    assert not Bid.objects.exists()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["platform", "buyer", "category"])
def test_tender_body_ids_out_of_range_are_refused(field, value):
    w = World()
    body = {
        "platform": w.platform.pk,
        "buyer": w.buyer.pk,
        "title": "Diesel",
        "category": w.category.pk,
        "questions_deadline": future(days=1).isoformat(),
        "applications_deadline": future(days=2).isoformat(),
        "auction_start": future(days=3).isoformat(),
        "lots": [lot_json()],
        field: value,
    }
    assert_error(
        client(w.officer).post("/api/tenders/", body, format="json"), 400, "invalid", field
    )


@pytest.mark.parametrize("value", TOO_BIG)
def test_supplier_side_body_ids_out_of_range_are_refused(value):
    w = World()
    tender = w.published()
    lot = tender.lots.get()
    supplier = client(w.supplier_admin)
    response = supplier.post(
        f"/api/lots/{lot.pk}/applications/",
        {"supplier": value, "terms_accepted": True},
        format="json",
    )
    assert_error(response, 400, "invalid", "supplier")
    for field in ("company", "lot"):
        response = supplier.post(
            f"/api/tenders/{tender.pk}/questions/", {field: value, "text": "When?"}, format="json"
        )
        assert_error(response, 400, "invalid", field)
