"""The ratings API: who reads which scorecard, the weights' and bands' validation, reviews."""

from __future__ import annotations

from datetime import timedelta

import pytest

from logistics.shipment_models import DeliveryAcceptance
from marketplace.core.exceptions import ConflictError
from marketplace.events.models import Event
from ratings import services
from ratings.models import Review, Scorecard
from tests.deals.factories import client
from tests.factories import CompanyFactory, member
from tests.ratings.helpers import full_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w, order = full_world()
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk)
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.other_supplier.pk)
    w.order = order
    return w


def _ids(user, **params):
    response = client(user).get("/api/ratings/scorecards/", params)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {(r["buyer"]["id"] if r["buyer"] else None, r["supplier"]["id"]) for r in rows}


def test_a_supplier_reads_only_its_own_scorecards(world):
    w = world
    assert _ids(w.supplier_admin) == {(w.buyer.pk, w.supplier.pk), (None, w.supplier.pk)}
    mine = Scorecard.objects.filter(supplier=w.supplier, period_kind="month").first()
    theirs = Scorecard.objects.filter(supplier=w.other_supplier).first()
    response = client(w.supplier_admin).get(f"/api/ratings/scorecards/{mine.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == str(mine.total)
    assert [row["criterion"] for row in body["lowered_by"]][:2] == ["on_time", "quality"]
    assert client(w.supplier_admin).get(f"/api/ratings/scorecards/{theirs.pk}/").status_code == 404


def test_the_buyer_reads_its_suppliers_and_another_buyer_nothing(world):
    w = world
    assert _ids(w.officer) == {
        (w.buyer.pk, w.supplier.pk),
        (None, w.supplier.pk),
        (w.buyer.pk, w.other_supplier.pk),
        (None, w.other_supplier.pk),
    }
    card = Scorecard.objects.filter(buyer=w.buyer).first()
    assert _ids(w.stranger) == set()
    assert client(w.stranger).get(f"/api/ratings/scorecards/{card.pk}/").status_code == 404
    other_buyer = member(CompanyFactory(legal_name="Other buyer"))
    assert client(other_buyer).get(f"/api/ratings/scorecards/{card.pk}/").status_code == 404


def test_the_platform_admin_reads_its_platforms_suppliers(world):
    w = world
    assert (w.buyer.pk, w.supplier.pk) in _ids(w.platform_admin)


def test_weights_are_validated_with_a_clear_message(world):
    w = world
    api = client(w.officer)
    path = f"/api/ratings/settings/{w.buyer.pk}/weights/"
    assert api.get(path).json()["on_time"] == 25
    bad = {
        "price": 50,
        "win_rate": 10,
        "on_time": 25,
        "quality": 25,
        "responsiveness": 10,
        "reliability": 10,
    }
    response = api.put(path, bad, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "The weights must sum to 100 % (they sum to 130 %)."
    )
    response = api.put(path, {**bad, "price": 101}, format="json")
    assert response.status_code == 400 and "price" in response.json()["error"]["fields"]
    good = {**bad, "price": 20, "on_time": 0, "quality": 50}
    response = api.put(path, good, format="json")
    assert response.status_code == 200 and response.json()["quality"] == 50
    # Suppliers and strangers may not; a member without the role gets 403.
    assert client(w.supplier_admin).put(path, good, format="json").status_code == 404
    assert client(w.buyer_bidder).put(path, good, format="json").status_code == 403


def test_bands_must_increase(world):
    w = world
    path = f"/api/ratings/settings/{w.buyer.pk}/bands/"
    api = client(w.officer)
    response = api.put(
        path, {"blocked_below": "60", "warning_below": "50", "excellent_from": "80"}, format="json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_bands"
    response = api.put(
        path, {"blocked_below": "40", "warning_below": "60", "excellent_from": "90"}, format="json"
    )
    assert response.status_code == 200 and response.json()["blocked_below"] == "40.00"


def test_a_review_is_written_once_a_delivery_was_accepted_and_editable_for_14_days(world):
    w = world
    path = f"/api/ratings/orders/{w.order.pk}/review/"
    marks = {"quality": 4, "delivery": 2, "communication": 5, "documents": 5, "comment": "Late."}
    assert client(w.supplier_admin).put(path, marks, format="json").status_code == 403
    response = client(w.officer).put(path, marks, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["average"] == "4.00"
    event = Event.objects.get(type="review.submitted")
    assert event.payload["average"] == "4.00" and event.payload["edited"] is False
    # The supplier reads it; a stranger does not.
    assert client(w.supplier_admin).get(path).json()["comment"] == "Late."
    assert client(w.stranger).get(path).status_code == 404
    review = Review.objects.get()
    # Day 13: still editable; day 15: locked.
    day13 = review.submitted_at + timedelta(days=13)
    services.review_save(
        user=w.officer, order_id=w.order.pk, marks={**marks, "delivery": 3}, now=day13
    )
    assert Review.objects.get().delivery == 3
    day15 = review.submitted_at + timedelta(days=15)
    with pytest.raises(ConflictError) as locked:
        services.review_save(user=w.officer, order_id=w.order.pk, marks=marks, now=day15)
    assert locked.value.code == "review_locked"
    assert Review.objects.get().delivery == 3


def test_no_review_before_a_delivery_is_accepted(world):
    w = world
    DeliveryAcceptance.objects.all().delete()
    response = client(w.officer).put(
        f"/api/ratings/orders/{w.order.pk}/review/",
        {"quality": 4, "delivery": 4, "communication": 4, "documents": 4},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "review_not_open"
    assert not Review.objects.exists()
    bad = client(w.officer).put(
        f"/api/ratings/orders/{w.order.pk}/review/",
        {"quality": 9, "delivery": 4, "communication": 4, "documents": 4},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"]["quality"] == ["A mark from 1 to 5 is required."]
