"""Carriers and rate cards through the API: who keeps which (a company's admins its own, a
platform's admins its partners'), who reads them, and bands that overlap, are inverted or
negative refused with nothing written."""

from __future__ import annotations

import pytest

from logistics.models import Carrier, RateBand, RateCard
from marketplace.companies.models import MembershipRole
from tests.factories import CompanyFactory, PlatformFactory, member

from .helpers import assert_400, client

pytestmark = pytest.mark.django_db

BANDS = [
    {"distance_from": "0", "distance_to": "500", "weight_from": "0", "weight_to": "1000"}
    | {"price": "3.5", "transit_days": 1},
    {"distance_from": "500", "distance_to": "1000", "weight_from": "0", "weight_to": "1000"}
    | {"price": "4", "transit_days": 2},
]
CARD = {"name": "2027", "currency": "UAH", "basis": "per_kg", "valid_from": "2027-01-01"}
CARD |= {"minimum_charge": "300.00", "fuel_surcharge_percent": "7.5"}


def _own_carrier(user, **extra):
    response = client(user).post("/api/logistics/carriers/", {"name": "Own trucks", **extra})
    assert response.status_code == 201, response.content
    return response.json()


def test_a_company_admin_keeps_its_own_carrier_and_cards(supplier_admin, supplier_company):
    carrier = _own_carrier(supplier_admin)
    assert carrier["company"] == {"id": supplier_company.pk, "name": "Supplier Ltd"}
    assert carrier["platform"] is None and carrier["is_active"] is True
    cards_url = f"/api/logistics/carriers/{carrier['id']}/rate-cards/"
    made = client(supplier_admin).post(cards_url, CARD | {"bands": BANDS})
    assert made.status_code == 201, made.content
    card = made.json()
    assert card["minimum_charge"] == "300.00" and card["fuel_surcharge_percent"] == "7.50"
    assert [b["price"] for b in card["bands"]] == ["3.5000", "4.0000"]
    listed = client(supplier_admin).get(cards_url).json()["results"]
    assert [c["id"] for c in listed] == [card["id"]]
    url = f"/api/logistics/rate-cards/{card['id']}/"
    changed = client(supplier_admin).patch(
        url, {"fuel_surcharge_percent": "10", "bands": BANDS[:1]}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["fuel_surcharge_percent"] == "10.00"
    assert len(changed.json()["bands"]) == 1
    off = client(supplier_admin).patch(
        f"/api/logistics/carriers/{carrier['id']}/", {"is_active": False}
    )
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert client(supplier_admin).delete(url).status_code == 204
    assert (
        client(supplier_admin).delete(f"/api/logistics/carriers/{carrier['id']}/").status_code
        == 204
    )
    assert not Carrier.objects.exists() and not RateBand.objects.exists()


def test_another_company_gets_404_everywhere(supplier_admin, other_admin):
    carrier = _own_carrier(supplier_admin)
    card = (
        client(supplier_admin)
        .post(f"/api/logistics/carriers/{carrier['id']}/rate-cards/", CARD | {"bands": BANDS})
        .json()
    )
    theirs = client(other_admin)
    assert theirs.get("/api/logistics/carriers/").json()["results"] == []
    carrier_url = f"/api/logistics/carriers/{carrier['id']}/"
    card_url = f"/api/logistics/rate-cards/{card['id']}/"
    answers = [
        theirs.get(carrier_url),
        theirs.patch(carrier_url, {"name": "Mine"}),
        theirs.delete(carrier_url),
        theirs.get(carrier_url + "rate-cards/"),
        theirs.post(carrier_url + "rate-cards/", CARD),
        theirs.get(card_url),
        theirs.patch(card_url, {"name": "Mine"}),
        theirs.delete(card_url),
        theirs.post(card_url + "import/", {"dry_run": "true"}, format="multipart"),
    ]
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert answers[0].json()["error"]["code"] == "carrier_not_found"
    assert answers[5].json()["error"]["code"] == "rate_card_not_found"
    assert Carrier.objects.get().name == "Own trucks" and RateCard.objects.get().name == "2027"


def test_the_company_reads_but_only_its_admins_change(supplier_admin, supplier_company):
    carrier = _own_carrier(supplier_admin)
    bidder = client(member(supplier_company, MembershipRole.BIDDER))
    url = f"/api/logistics/carriers/{carrier['id']}/"
    assert bidder.get(url).status_code == 200
    assert bidder.patch(url, {"name": "x"}).status_code == 403
    assert bidder.post(url + "rate-cards/", CARD).status_code == 403
    assert bidder.post("/api/logistics/carriers/", {"name": "Mine"}).status_code == 403
    assert Carrier.objects.count() == 1


def test_a_platform_keeps_its_partners(platform, platform_admin, supplier_admin, other_admin):
    body = {"name": "Nova Freight", "platform": platform.pk}
    assert client(supplier_admin).post("/api/logistics/carriers/", body).status_code == 403
    made = client(platform_admin).post("/api/logistics/carriers/", body)
    assert made.status_code == 201, made.content
    partner = made.json()
    assert partner["platform"] == {"id": platform.pk, "name": platform.name}
    url = f"/api/logistics/carriers/{partner['id']}/"
    card = client(platform_admin).post(url + "rate-cards/", CARD | {"bands": BANDS})
    assert card.status_code == 201, card.content
    # The platform's participants read its partners' cards (they quote with them), no more.
    for user in (supplier_admin, other_admin):
        assert client(user).get(url).status_code == 200
        assert (
            client(user).get(f"/api/logistics/rate-cards/{card.json()['id']}/").status_code == 200
        )
        assert client(user).patch(url, {"name": "x"}).status_code == 403
    # A company not on the platform does not see them.
    outsider = member(CompanyFactory())
    assert client(outsider).get(url).status_code == 404
    assert client(outsider).get("/api/logistics/carriers/").json()["results"] == []
    # A platform nobody lets you see is not found; both owners at once is refused.
    dedicated = PlatformFactory(kind="dedicated", owner=CompanyFactory())
    hidden = client(supplier_admin).post(
        "/api/logistics/carriers/", {"name": "x", "platform": dedicated.pk}
    )
    assert hidden.status_code == 404
    both = client(platform_admin).post(
        "/api/logistics/carriers/", {"name": "x", "platform": platform.pk, "company": 1}
    )
    assert_400(both, "company", "platform")


@pytest.mark.parametrize(
    ("bands", "fields"),
    [
        ([BANDS[0], BANDS[0] | {"price": "1"}], ["bands.1"]),
        ([BANDS[0] | {"price": "-0.01"}], ["bands.0.price"]),
        ([BANDS[0] | {"distance_to": "0"}], ["bands.0.distance_to"]),
        ([BANDS[0] | {"weight_from": "1000"}], ["bands.0.weight_to"]),
        ([BANDS[0] | {"weight_from": "-1"}], ["bands.0.weight_from"]),
        ([BANDS[0] | {"price": "abc"}], ["bands.0.price"]),
        ([BANDS[0] | {"price": "1.23456"}], ["bands.0.price"]),
    ],
)
def test_wrong_bands_are_refused_and_nothing_written(supplier_admin, bands, fields):
    carrier = _own_carrier(supplier_admin)
    url = f"/api/logistics/carriers/{carrier['id']}/rate-cards/"
    error = assert_400(client(supplier_admin).post(url, CARD | {"bands": bands}), *fields)
    if fields == ["bands.1"]:
        # The key counts from 0 (bands.1 is the second band); the message as people do.
        assert error["fields"]["bands.1"] == ["Overlaps band 1 in both distance and weight."]
    assert not RateCard.objects.exists() and not RateBand.objects.exists()


def test_wrong_card_fields_are_refused(supplier_admin):
    carrier = _own_carrier(supplier_admin)
    url = f"/api/logistics/carriers/{carrier['id']}/rate-cards/"
    assert_400(client(supplier_admin).post(url, CARD | {"basis": "per_pallet"}), "unit_capacity_kg")
    assert_400(client(supplier_admin).post(url, CARD | {"valid_to": "2026-01-01"}), "valid_to")
    assert_400(client(supplier_admin).post(url, CARD | {"minimum_charge": "-1"}), "minimum_charge")
    fuel = assert_400(
        client(supplier_admin).post(url, CARD | {"fuel_surcharge_percent": "101"}),
        "fuel_surcharge_percent",
    )
    assert fuel["fields"]["fuel_surcharge_percent"] == [
        "The fuel surcharge must be between 0 and 100%."
    ]
    assert_400(client(supplier_admin).post(url, CARD | {"currency": "XXX"}), "currency")
    assert not RateCard.objects.exists()
    made = client(supplier_admin).post(url, CARD | {"bands": BANDS})
    card_url = f"/api/logistics/rate-cards/{made.json()['id']}/"
    # A failed change leaves the bands as they were.
    assert_400(client(supplier_admin).patch(card_url, {"bands": [BANDS[0], BANDS[0]]}), "bands.1")
    assert RateBand.objects.count() == 2
