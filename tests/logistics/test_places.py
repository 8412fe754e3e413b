"""Places and the gazetteer: a city found by any of its names (Cyrillic too) fills a place's
coordinates; typed coordinates are checked; another company's places do not exist for you."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics import gazetteer
from logistics.models import Place
from marketplace.companies.models import Membership, MembershipRole
from tests.factories import CompanyFactory, UserFactory, member

from .helpers import assert_400, client

pytestmark = pytest.mark.django_db

KYIV_ID = 703448


@pytest.mark.parametrize("query", ["Kyiv", "kyiv", "KYI", "Київ", "київ", "Киев", "Kiev"])
def test_the_gazetteer_finds_kyiv_by_any_of_its_names(query):
    found = gazetteer.city_search(query=query, country="UA")
    assert found, query
    kyiv = found[0]
    assert (kyiv.geonameid, kyiv.name, kyiv.country) == (KYIV_ID, "Kyiv", "UA")
    assert kyiv.latitude == Decimal("50.454660") and kyiv.longitude == Decimal("30.523800")
    assert kyiv.region == "12" and kyiv.population > 2_000_000


def test_the_gazetteer_ranks_exact_names_then_population_and_filters_by_country():
    lviv = gazetteer.city_search(query="Львів")
    assert [c.name for c in lviv][:1] == ["Lviv"]
    assert gazetteer.city_search(query="Kyiv", country="PL") == []
    assert gazetteer.city_search(query="no such city at all") == []
    assert gazetteer.city_search(query="  ") == []
    paris = gazetteer.city_search(query="paris", limit=3)
    assert paris[0].country == "FR" and len(paris) <= 3
    assert gazetteer.city_get(KYIV_ID).name == "Kyiv"
    assert gazetteer.city_get(1) is None


def test_the_gazetteer_api(supplier_admin):
    response = client(supplier_admin).get(
        "/api/logistics/gazetteer/", {"q": "Київ", "country": "ua"}
    )
    assert response.status_code == 200, response.content
    first = response.json()[0]
    assert first == {
        "geonameid": KYIV_ID,
        "name": "Kyiv",
        "country": "UA",
        "region": "12",
        "latitude": "50.454660",
        "longitude": "30.523800",
        "population": first["population"],
    }
    assert_400(client(supplier_admin).get("/api/logistics/gazetteer/"), "q")
    assert_400(
        client(supplier_admin).get("/api/logistics/gazetteer/", {"q": "Kyiv", "country": "XX"}),
        "country",
    )
    assert_400(
        client(supplier_admin).get("/api/logistics/gazetteer/", {"q": "Kyiv", "limit": 500}),
        "limit",
    )


def test_a_place_from_a_picked_city_gets_its_coordinates(supplier_admin, supplier_company):
    response = client(supplier_admin).post(
        "/api/logistics/places/",
        {"kind": "warehouse", "name": "Main warehouse", "gazetteer_id": KYIV_ID},
    )
    assert response.status_code == 201, response.content
    place = response.json()
    assert place["company"] == {"id": supplier_company.pk, "name": "Supplier Ltd"}
    assert (place["city"], place["country"], place["region"]) == ("Kyiv", "UA", "12")
    assert (place["latitude"], place["longitude"]) == ("50.454660", "30.523800")
    assert place["gazetteer_id"] == KYIV_ID and place["platform_wide"] is False
    # Typed coordinates win over the city's (the warehouse's own gate).
    typed = client(supplier_admin).post(
        "/api/logistics/places/",
        {
            "kind": "warehouse",
            "name": "Gate 2",
            "gazetteer_id": KYIV_ID,
            "latitude": "50.5",
            "longitude": "30.61234567",
        },
    )
    assert typed.status_code == 201, typed.content
    assert (typed.json()["latitude"], typed.json()["longitude"]) == ("50.500000", "30.612346")
    assert_400(
        client(supplier_admin).post(
            "/api/logistics/places/", {"kind": "warehouse", "name": "X", "gazetteer_id": 1}
        ),
        "gazetteer_id",
    )


@pytest.mark.parametrize(
    ("latitude", "longitude", "fields"),
    [
        ("north", "30", ["latitude"]),
        ("50", "", ["longitude"]),
        ("91", "30", ["latitude"]),
        ("-90.0000001", "30", ["latitude"]),
        ("50", "180.5", ["longitude"]),
        ("NaN", "Infinity", ["latitude", "longitude"]),
        (None, None, ["latitude", "longitude"]),
    ],
)
def test_typed_coordinates_are_checked(supplier_admin, latitude, longitude, fields):
    body = {"kind": "warehouse", "name": "W", "country": "UA"}
    if latitude is not None:
        body |= {"latitude": latitude, "longitude": longitude}
    response = client(supplier_admin).post("/api/logistics/places/", body)
    assert_400(response, *fields)
    assert not Place.objects.exists()


def test_other_place_fields_are_checked(supplier_admin):
    response = client(supplier_admin).post(
        "/api/logistics/places/",
        {"kind": "port", "name": " ", "country": "ZZ", "latitude": 1, "longitude": 1},
    )
    assert_400(response, "kind")
    response = client(supplier_admin).post(
        "/api/logistics/places/",
        {"kind": "warehouse", "name": " ", "country": "UA", "latitude": 1, "longitude": 1},
    )
    assert_400(response, "name")
    response = client(supplier_admin).post(
        "/api/logistics/places/",
        {"kind": "warehouse", "name": "W", "country": "ZZ", "latitude": 1, "longitude": 1},
    )
    assert_400(response, "country")
    assert not Place.objects.exists()


def test_another_company_never_sees_your_places(warehouse, supplier_admin, other_admin):
    mine = client(supplier_admin).get("/api/logistics/places/").json()["results"]
    assert [p["id"] for p in mine] == [warehouse.pk]
    theirs = client(other_admin)
    assert theirs.get("/api/logistics/places/").json()["results"] == []
    url = f"/api/logistics/places/{warehouse.pk}/"
    assert theirs.get(url).status_code == 404
    assert theirs.patch(url, {"name": "Mine now"}).status_code == 404
    assert theirs.delete(url).status_code == 404
    assert theirs.get("/api/logistics/places/99999999/").status_code == 404
    assert client(supplier_admin).get(f"/api/logistics/places/{2**63}/").status_code == 404
    warehouse.refresh_from_db()
    assert warehouse.name == "Kyiv warehouse"


def test_who_changes_a_company_place(warehouse, supplier_company):
    url = f"/api/logistics/places/{warehouse.pk}/"
    manager = member(supplier_company, MembershipRole.ACCOUNT_MANAGER)
    assert client(manager).get(url).status_code == 200
    assert client(manager).patch(url, {"name": "No"}).status_code == 403
    assert client(manager).delete(url).status_code == 403
    bidder = member(supplier_company, MembershipRole.BIDDER)
    moved = client(bidder).patch(url, {"gazetteer_id": 702550})  # Lviv
    assert moved.status_code == 200, moved.content
    assert (moved.json()["city"], moved.json()["latitude"]) == ("Lviv", "49.838260")
    assert_400(client(bidder).patch(url, {"latitude": "100"}), "latitude")
    assert client(bidder).delete(url).status_code == 204
    assert not Place.objects.exists()


def test_platform_wide_places_are_read_by_all_and_kept_by_staff(supplier_admin, other_admin):
    body = {"company": None, "kind": "delivery_place", "name": "Port of Odesa"}
    body |= {"country": "UA", "latitude": "46.48", "longitude": "30.73"}
    assert client(supplier_admin).post("/api/logistics/places/", body).status_code == 403
    staff = UserFactory(is_staff=True)
    created = client(staff).post("/api/logistics/places/", body)
    assert created.status_code == 201, created.content
    assert created.json()["platform_wide"] is True and created.json()["company"] is None
    url = f"/api/logistics/places/{created.json()['id']}/"
    for user in (supplier_admin, other_admin):
        assert client(user).get(url).status_code == 200
        assert client(user).patch(url, {"name": "Mine"}).status_code == 403
    listed = client(other_admin).get("/api/logistics/places/", {"platform_wide": "false"})
    assert listed.json()["results"] == []


def test_a_person_of_several_companies_names_one(supplier_admin, supplier_company):
    second = CompanyFactory()
    member_of_two = member(supplier_company)
    Membership.objects.create(user=member_of_two, company=second, role="company_admin")
    body = {"kind": "warehouse", "name": "W", "country": "UA", "latitude": 1, "longitude": 1}
    assert_400(client(member_of_two).post("/api/logistics/places/", body), "company")
    made = client(member_of_two).post("/api/logistics/places/", body | {"company": second.pk})
    assert made.status_code == 201 and made.json()["company"]["id"] == second.pk
    stranger = client(supplier_admin).post("/api/logistics/places/", body | {"company": second.pk})
    assert stranger.status_code == 404
    assert_400(
        client(supplier_admin).post("/api/logistics/places/", body | {"company": 2**63}), "company"
    )
