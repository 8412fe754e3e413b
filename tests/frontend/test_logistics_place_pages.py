"""The places' pages through the test client (``frontend/logistics_views.py``): a company's
warehouses and delivery places listed with the platform-wide ones (read only), made by hand or
from a gazetteer city (picked from the list, or its name typed without JavaScript: the city
fills the country, region and coordinates not typed), changed (another city picked moves the
place) and removed by their keepers; a wrong place told field by field with the services'
messages and nothing written; read only for the company's other people (a change answers 403);
not there at all (404) for another company's people and the platform's admins."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest

from logistics import services
from logistics.models import Place
from marketplace.companies.models import Membership, MembershipRole
from tests.factories import (
    CompanyFactory,
    UserFactory,
    member,
)
from tests.logistics.helpers import KYIV, LVIV

from .test_logistics_pages import KYIV_ID, LVIV_ID, as_, html, section, texts

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.logistics.fixtures"]


def place_data(**values) -> dict:
    data = {"kind": "warehouse", "name": "Dnipro depot", "country": "UA"}
    data |= {"latitude": "48.4647", "longitude": "35.0462"}
    return data | values


def test_the_places_of_my_companies_and_the_platform_wide_ones(
    client, supplier_admin, warehouse, buyers_plant, others_depot
):
    staff = UserFactory(is_staff=True)
    hub = services.place_create(
        user=staff,
        company_id=None,
        kind="warehouse",
        name="Odesa port hub",
        country="UA",
        latitude=Decimal("46.48"),
        longitude=Decimal("30.72"),
    )
    response = as_(client, supplier_admin).get("/logistics/places/")
    assert response.status_code == 200
    body = html(response)
    mine = section(body, f"place-{warehouse.pk}")
    assert "Kyiv warehouse" in mine and "Supplier Ltd" in mine and "Edit" in mine
    assert "Remove" in mine
    public = section(body, f"place-{hub.pk}")
    assert "platform-wide" in public and "read only" in public and "Edit" not in public
    assert "Lviv canary plant" not in body and "Other canary depot" not in body
    assert 'id="place-new"' in body
    only_delivery = html(client.get("/logistics/places/?kind=delivery_place"))
    assert "Kyiv warehouse" not in only_delivery and "No place of this kind yet." in only_delivery
    # An account manager reads them, adds none.
    reader = member(warehouse.owner, role=MembershipRole.ACCOUNT_MANAGER)
    read_only = html(as_(client, reader).get("/logistics/places/"))
    assert "Kyiv warehouse" in read_only and 'id="place-new"' not in read_only


def test_a_place_typed_by_hand(client, supplier_admin, supplier_company):
    response = as_(client, supplier_admin).get("/logistics/places/new/?kind=delivery_place")
    assert response.status_code == 200
    assert '<option value="delivery_place" selected>' in html(response)
    saved = client.post("/logistics/places/new/", place_data(address="5 Depot St"))
    assert saved.status_code == 302 and saved["Location"] == "/logistics/places/"
    assert texts(saved) == ["The place “Dnipro depot” is saved."]
    place = Place.objects.get()
    assert (place.owner_id, place.kind, place.address) == (
        supplier_company.pk,
        "warehouse",
        "5 Depot St",
    )
    assert (place.latitude, place.longitude) == (Decimal("48.464700"), Decimal("35.046200"))
    assert place.gazetteer_id is None


def test_a_place_from_a_gazetteer_city_fills_country_region_and_coordinates(client, supplier_admin):
    as_(client, supplier_admin)
    # Picked from the list: its id (the page's script also fills the boxes; here it did not).
    picked = client.post(
        "/logistics/places/new/",
        {"kind": "warehouse", "name": "Lviv hub", "city": "Lviv, UA", "gazetteer_id": LVIV_ID},
    )
    assert picked.status_code == 302, html(picked)
    place = Place.objects.get(name="Lviv hub")
    assert (place.city, place.country, place.region, place.gazetteer_id) == (
        "Lviv",
        "UA",
        "15",
        LVIV_ID,
    )
    assert (place.latitude, place.longitude) == LVIV
    # Typed without picking, no coordinates: the gazetteer's city of that name.
    typed = client.post(
        "/logistics/places/new/",
        {"kind": "delivery_place", "name": "Dnipro site", "city": "Dnipro"},
    )
    assert typed.status_code == 302
    dnipro = Place.objects.get(name="Dnipro site")
    assert (dnipro.country, dnipro.region, dnipro.latitude) == ("UA", "04", Decimal("48.466640"))
    # A city with the gate's own coordinates typed: the coordinates win.
    gate = client.post(
        "/logistics/places/new/",
        {
            "kind": "warehouse",
            "name": "Kyiv gate 3",
            "city": "Kyiv, UA",
            "gazetteer_id": KYIV_ID,
            "latitude": "50.5",
            "longitude": "30.6",
        },
    )
    assert gate.status_code == 302
    gate_place = Place.objects.get(name="Kyiv gate 3")
    assert (gate_place.city, gate_place.latitude) == ("Kyiv", Decimal("50.500000"))


def test_a_wrong_place_is_told_field_by_field_and_nothing_is_written(client, supplier_admin):
    as_(client, supplier_admin)
    cases = [
        (place_data(name=""), "id_name_errors", "A place needs a name."),
        (place_data(kind=""), "id_kind_errors", "Choose a warehouse or a delivery place."),
        (place_data(latitude="91"), "id_latitude_errors", "Must be from -90 to 90."),
        (place_data(longitude="east"), "id_longitude_errors", "Enter a number."),
        (
            place_data(latitude="", longitude=""),
            "id_latitude_errors",
            "Type the coordinates or pick a city from the gazetteer.",
        ),
        (
            place_data(country="", latitude="", longitude="", city="Qqqxyzzy"),
            "id_country_errors",
            "Not an ISO 3166-1 alpha-2 country code.",
        ),
    ]
    for data, box, message in cases:
        response = client.post("/logistics/places/new/", data)
        assert response.status_code == 400, data
        assert message in section(html(response), box), data
    assert not Place.objects.exists()


def test_a_person_of_several_companies_chooses_whose_place(client, supplier_admin):
    second = CompanyFactory(legal_name="Second hat Ltd")
    Membership.objects.create(user=supplier_admin, company=second, role="bidder")
    as_(client, supplier_admin)
    assert "Second hat Ltd" in section(html(client.get("/logistics/places/new/")), "id_company")
    refused = client.post("/logistics/places/new/", place_data())
    assert refused.status_code == 400
    assert "Choose the company whose place it is." in section(html(refused), "id_company_errors")
    assert client.post("/logistics/places/new/", place_data(company=second.pk)).status_code == 302
    assert Place.objects.get().owner_id == second.pk
    # A company not the person's: not found.
    stranger = CompanyFactory()
    assert client.post("/logistics/places/new/", place_data(company=stranger.pk)).status_code in (
        400,
        404,
    )
    assert Place.objects.count() == 1


def test_a_place_is_changed_by_its_keepers(client, supplier_admin, warehouse):
    as_(client, supplier_admin)
    page = html(client.get(f"/logistics/places/{warehouse.pk}/"))
    assert 'value="Kyiv warehouse"' in page and 'value="50.45466"' in page
    data = place_data(name="Kyiv main warehouse", latitude="50.45466", longitude="30.5238")
    data |= {"city": "Kyiv", "address": "1 Warehouse Rd"}
    changed = client.post(f"/logistics/places/{warehouse.pk}/", data)
    assert changed.status_code == 302
    warehouse.refresh_from_db()
    assert (warehouse.name, warehouse.latitude) == ("Kyiv main warehouse", KYIV[0])
    # Another city picked, its coordinates not typed: the place moves there.
    moved = client.post(
        f"/logistics/places/{warehouse.pk}/",
        data | {"city": "Lviv, UA", "gazetteer_id": LVIV_ID, "latitude": "", "longitude": ""},
    )
    assert moved.status_code == 302
    warehouse.refresh_from_db()
    assert (warehouse.city, warehouse.region, warehouse.latitude) == ("Lviv", "15", LVIV[0])
    # A wrong change: told, and nothing written.
    wrong = client.post(f"/logistics/places/{warehouse.pk}/", data | {"latitude": "-100"})
    assert wrong.status_code == 400
    assert "Must be from -90 to 90." in section(html(wrong), "id_latitude_errors")
    warehouse.refresh_from_db()
    assert warehouse.latitude == LVIV[0]


def test_a_reader_sees_a_place_and_may_not_change_it(client, warehouse):
    reader = member(warehouse.owner, role=MembershipRole.ACCOUNT_MANAGER)
    as_(client, reader)
    page = html(client.get(f"/logistics/places/{warehouse.pk}/"))
    assert "You may read this place but not change it." in page
    assert 'id="place-form"' not in page and "1 Warehouse Rd" in page
    refused = client.post(f"/logistics/places/{warehouse.pk}/", place_data(name="Mine now"))
    assert refused.status_code == 403
    assert "You may read this place but not change it." in section(html(refused), "refusal")
    assert client.post(f"/logistics/places/{warehouse.pk}/delete/").status_code == 403
    unparsed = client.post(f"/logistics/places/{warehouse.pk}/", place_data(latitude="north"))
    assert unparsed.status_code == 403 and 'id="refusal"' in html(unparsed)
    created = client.post("/logistics/places/new/", place_data())
    assert created.status_code == 403
    assert (
        "Only the company's admins, procurement officers and bidders may manage its places."
        in unescape(section(html(created), "place-form"))
    )
    warehouse.refresh_from_db()
    assert warehouse.name == "Kyiv warehouse" and Place.objects.count() == 1


def test_a_place_is_removed(client, supplier_admin, warehouse):
    response = as_(client, supplier_admin).post(f"/logistics/places/{warehouse.pk}/delete/")
    assert response.status_code == 302 and texts(response) == [
        "The place “Kyiv warehouse” is removed."
    ]
    assert not Place.objects.exists()
    assert client.get(f"/logistics/places/{warehouse.pk}/delete/").status_code == 405


def test_another_companys_place_is_not_found(client, other_admin, platform_admin, warehouse):
    for user in (other_admin, platform_admin):
        as_(client, user)
        assert client.get(f"/logistics/places/{warehouse.pk}/").status_code == 404
        assert client.post(f"/logistics/places/{warehouse.pk}/", place_data()).status_code == 404
        assert client.post(f"/logistics/places/{warehouse.pk}/delete/").status_code == 404
        assert "Kyiv warehouse" not in html(client.get("/logistics/places/"))
    assert client.get("/logistics/places/99999999999999999999/").status_code == 404
    warehouse.refresh_from_db()
    assert warehouse.name == "Kyiv warehouse"
