"""The logistics pages through the test client (``frontend/logistics_views.py``): the top bar's
"Logistics" for a company's people, the index, the shipping calculator (from a warehouse, a
gazetteer city picked or typed, or coordinates; to a delivery place, a city or coordinates; the
distance, the cheapest and the fastest carrier, the cost formatted as money, the transit days
and the arrival date against the delivery date; a clear message when nothing fits, bad input
told next to its field; another company's place not found), and the city suggestions. The
places' pages are in test_logistics_place_pages.py, the carriers' in
test_logistics_carrier_pages.py. Anonymous people are sent to log in everywhere."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone, translation

from frontend.templatetags.money import money
from logistics import gazetteer, services
from logistics.quotes import shipping_quote
from marketplace.companies.models import MembershipRole
from tests.factories import (
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    UserFactory,
    member,
)
from tests.logistics.helpers import KYIV, LVIV, band, card
from tests.routes import url_routes

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.logistics.fixtures"]

CALCULATOR = "/logistics/calculator/"
KYIV_ID, LVIV_ID = 703448, 702550


@pytest.fixture(autouse=True)
def _no_routing_server(settings):
    settings.LOGISTICS_OSRM_URL = ""


@pytest.fixture
def carriers(platform, platform_admin, supplier_admin, supplier_company):
    """The platform's partner (per kg: 3.00 to 500 km, 2.00 from 500 to 1000 km, 2 days there;
    minimum 500, fuel 10 %) and the supplier's own trucks (9000 a truck of 20 t, 1 day)."""
    partner = services.carrier_create(
        user=platform_admin, name="Nova Freight", platform_id=platform.pk
    )
    card(
        platform_admin,
        partner,
        [band(0, 500, 0, 20000, "3", 1), band(500, 1000, 0, 20000, "2", 2)],
        name="Partner 2027",
        minimum_charge=Decimal(500),
        fuel_surcharge_percent=Decimal(10),
    )
    own = services.carrier_create(
        user=supplier_admin, name="Own trucks", company_id=supplier_company.pk
    )
    card(
        supplier_admin,
        own,
        [band(0, 1000, 1, 3, "9000", 1)],
        basis="per_truck",
        unit_capacity_kg=Decimal(20000),
    )
    return {"partner": partner, "own": own}


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def uah(amount: str) -> str:
    with translation.override("en"):
        return money(Decimal(amount), "UAH")


def section(body: str, element_id: str) -> str:
    """The element with this id, up to its closing tag (no nesting of the same tag)."""
    match = re.search(rf'<(\w+)[^>]*id="{element_id}"[^>]*>(.*?)</\1>', body, re.S)
    assert match, f"no #{element_id} in the page"
    return match.group(2)


def quote_page(client, **params):
    base = {"quantity": "10", "unit_weight_kg": "100"}
    return client.get(CALCULATOR, base | params)


def logistics_routes() -> list[str]:
    return url_routes("logistics/")


# --- The top bar, the index, anonymous people ------------------------------------------------


def test_anonymous_people_are_sent_to_log_in_from_every_logistics_page(client):
    routes = logistics_routes()
    assert "logistics/calculator/" in routes and "logistics/cards/<int:card_id>/import/" in routes
    for route in routes:
        path = "/" + re.sub(r"<int:\w+>", "1", route)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, (method, path)
            assert response["Location"].startswith("/accounts/login/?next="), path


def test_the_top_bar_offers_logistics_to_a_companys_people(client, supplier_admin, platform):
    assert 'href="/logistics/"' not in html(client.get("/"))
    body = html(as_(client, supplier_admin).get("/"))
    assert re.search(r'<a href="/logistics/">Logistics</a>', body)
    # An account manager reads the company's places and carriers too.
    reader = member(CompanyFactory(), role=MembershipRole.ACCOUNT_MANAGER)
    assert 'href="/logistics/"' in html(as_(client, reader).get("/"))
    # A platform's admin of no company keeps the platform's carriers there.
    admin = PlatformAdminFactory(platform=platform).user
    assert re.search(r'<a href="/logistics/">Logistics</a>', html(as_(client, admin).get("/")))
    # Someone of no company, admin of no platform, has nothing there.
    assert 'href="/logistics/"' not in html(as_(client, UserFactory()).get("/"))


def test_the_index_links_the_calculator_the_places_and_the_carriers(
    client, supplier_admin, warehouse, carriers
):
    response = as_(client, supplier_admin).get("/logistics/")
    assert response.status_code == 200
    body = html(response)
    index = section(body, "logistics-index")
    for href in ("/logistics/calculator/", "/logistics/places/", "/logistics/carriers/"):
        assert f'href="{href}"' in index
    assert "1 place of your companies" in body
    assert "2 carriers you may see" in body  # its own and the platform's partner


# --- The calculator --------------------------------------------------------------------------


def test_the_calculator_offers_my_warehouses_and_no_one_elses(
    client, supplier_admin, warehouse, buyers_plant, others_depot
):
    response = as_(client, supplier_admin).get(CALCULATOR)
    assert response.status_code == 200
    body = html(response)
    from_select = section(body, "id_from_place")
    assert f'value="{warehouse.pk}"' in from_select and "Kyiv warehouse" in from_select
    assert "Lviv canary plant" not in body and "Other canary depot" not in body
    assert 'list="from-city-options"' in body and 'data-city-search="/logistics/cities/"' in body
    assert 'id="quote"' not in body  # nothing asked yet, nothing quoted


def test_a_quote_from_my_warehouse_to_coordinates(client, supplier_admin, warehouse, carriers):
    required_by = timezone.localdate() + timedelta(days=1)
    response = quote_page(
        as_(client, supplier_admin),
        from_place=warehouse.pk,
        to_latitude=str(LVIV[0]),
        to_longitude=str(LVIV[1]),
        required_by=required_by.isoformat(),
    )
    assert response.status_code == 200, html(response)
    body = html(response)
    assert "608.5 km" in section(body, "quote-distance")
    assert "468.1 km in a straight line" in section(body, "quote-distance")
    assert "1,000 kg" in section(body, "quote-weight")
    # 1000 kg × 2.00 = 2000 + 10 % fuel: the cheapest; one truck × 9000 in 1 day: the fastest.
    cheapest = section(body, "quote-cheapest")
    assert "Nova Freight" in cheapest and uah("2200.00") in cheapest and "2 days" in cheapest
    assert "late" in cheapest  # 2 days, the delivery date is tomorrow
    fastest = section(body, "quote-fastest")
    assert "Own trucks" in fastest and uah("9000.00") in fastest and "1 day" in fastest
    assert "on time" in fastest
    arrives = timezone.localdate() + timedelta(days=2)
    with translation.override("en"):
        from django.utils.formats import date_format

        assert date_format(arrives, "DATE_FORMAT") in cheapest
    assert "Kyiv warehouse, Kyiv" in section(body, "quote-from-place")
    rows = section(body, "quote-options")
    assert rows.index("Nova Freight") < rows.index("Own trucks")
    assert "1000 kg" in rows and "1 truck" in rows and "platform partner" in rows
    assert "own carrier" in rows
    assert 'id="quote-all-late"' not in body


def test_a_quote_between_gazetteer_cities_picked_or_typed(client, supplier_admin, carriers):
    """From Kyiv picked from the list (its id), to "Lviv, UA" typed without picking (no
    JavaScript): the gazetteer's coordinates, the same distance as the service's."""
    expected = shipping_quote(
        user=supplier_admin,
        from_latitude=KYIV[0],
        from_longitude=KYIV[1],
        to_latitude=LVIV[0],
        to_longitude=LVIV[1],
        quantity=Decimal(10),
        unit_weight_kg=Decimal(100),
    )
    response = quote_page(
        as_(client, supplier_admin),
        from_city="Kyiv, UA",
        from_city_id=str(KYIV_ID),
        to_city="Lviv, UA",
    )
    assert response.status_code == 200, html(response)
    body = html(response)
    assert f"{expected.distance.km} km" in section(body, "quote-distance")
    assert "Kyiv, UA" in section(body, "quote-from-city")
    assert "Lviv, UA" in section(body, "quote-to-city")
    assert "49.838260" in section(body, "quote-to-city")
    # The supplier's only company quotes: its own trucks and the platform's partner.
    assert "Own trucks" in section(body, "quote-options")
    # Picked with the page's script: the city's coordinates filled in; the city named.
    picked = quote_page(
        client,
        from_city="Kyiv, UA",
        from_city_id=str(KYIV_ID),
        from_latitude="50.454660",
        from_longitude="30.523800",
        to_latitude="49.83826",
        to_longitude="24.02324",
    )
    assert "Kyiv, UA" in section(html(picked), "quote-from-city")
    assert 'id="quote-to-city"' not in html(picked)  # coordinates typed: no city named
    # Typed coordinates, with a decimal comma, go as they are.
    typed = quote_page(client, from_latitude="50,45466", from_longitude="30,5238", to_city="Львів")
    assert "608.5 km" in section(html(typed), "quote-distance")


def test_bad_input_is_told_next_to_its_field_and_nothing_is_quoted(
    client, supplier_admin, warehouse, carriers
):
    as_(client, supplier_admin)
    to = {"to_latitude": "49.8", "to_longitude": "24.0", "from_place": warehouse.pk}
    cases = [
        ({"quantity": "ten"} | to, "id_quantity_errors", "Enter a number."),
        ({"quantity": "0"} | to, "id_quantity_errors", "Must be greater than zero."),
        ({"unit_weight_kg": "-1"} | to, "id_unit_weight_kg_errors", "Must be greater than zero."),
        (to | {"to_latitude": "95"}, "id_to_latitude_errors", "Must be from -90 to 90."),
        (
            {"from_place": warehouse.pk},
            "id_to_place_errors",
            "Name the place to ship to, or its coordinates.",
        ),
        (
            {"to_latitude": "49.8", "to_longitude": "24.0"},
            "id_from_place_errors",
            "Name the place to ship from, or its coordinates.",
        ),
        (
            to | {"from_latitude": "50", "from_longitude": "30"},
            "id_from_place_errors",
            "Name the place to ship from or its coordinates, not both.",
        ),
        (
            to | {"to_city": "Qqqxyzzy", "to_latitude": "", "to_longitude": ""},
            "id_to_city_errors",
            "The gazetteer has no such city",
        ),
        (to | {"required_by": "soon"}, "id_required_by_errors", "Enter a valid date."),
    ]
    for params, box, message in cases:
        response = quote_page(client, **params)
        assert response.status_code == 400, params
        body = html(response)
        assert message in section(body, box), (params, section(body, box))
        assert 'id="quote"' not in body


def test_another_companys_place_is_not_found_by_the_calculator(
    client, supplier_admin, warehouse, buyers_plant, others_depot
):
    as_(client, supplier_admin)
    coordinates = {"to_latitude": "49.8", "to_longitude": "24.0"}
    assert quote_page(client, from_place=others_depot.pk, **coordinates).status_code == 404
    assert quote_page(client, from_place=warehouse.pk, to_place=buyers_plant.pk).status_code == 404
    assert quote_page(client, from_place=99999999, **coordinates).status_code == 404
    # Nor a company, nor a platform, not the person's.
    other = CompanyFactory()
    assert (
        quote_page(client, from_place=warehouse.pk, company=other.pk, **coordinates).status_code
        == 404
    )
    hidden = PlatformFactory(kind="dedicated", owner=other)
    assert (
        quote_page(client, from_place=warehouse.pk, platform=hidden.pk, **coordinates).status_code
        == 404
    )


def test_clear_messages_when_nothing_fits(client, supplier_admin, warehouse, carriers):
    as_(client, supplier_admin)
    to = {"from_place": warehouse.pk, "to_latitude": str(LVIV[0]), "to_longitude": str(LVIV[1])}
    # 30 t: over the partner's 20 t, and two trucks where the own card counts 1 to 3.
    heavy = html(quote_page(client, **to | {"quantity": "30", "unit_weight_kg": "1000"}))
    assert "Own trucks" in section(heavy, "quote-options")
    assert "No band covers 608.5 km and 30000 kg." in section(heavy, "quote-unavailable")
    # 100 t: five trucks, nothing covers it.
    none = html(quote_page(client, **to | {"quantity": "100", "unit_weight_kg": "1000"}))
    assert "None of the rate cards you may use covers" in section(none, "quote-nothing")
    assert "No band covers 608.5 km and 5 trucks." in section(none, "quote-unavailable")
    assert 'id="quote-options"' not in none
    # No card in euros at all.
    euros = html(quote_page(client, **to | {"currency": "EUR"}))
    nothing = section(euros, "quote-nothing")
    assert "No carrier you may use has a rate card valid today" in nothing
    assert "Try without naming a currency." in nothing
    assert "No rate card may be used for this quote." in section(euros, "quote-notes")
    # Every option after the delivery date.
    late = html(quote_page(client, **to | {"required_by": timezone.localdate().isoformat()}))
    assert "No option arrives by the delivery date." in section(late, "quote-all-late")


def test_costs_in_several_currencies_name_no_cheapest(
    client, supplier_admin, supplier_company, warehouse, carriers
):
    dollars = services.carrier_create(
        user=supplier_admin, name="Dollar lines", company_id=supplier_company.pk
    )
    card(supplier_admin, dollars, [band(0, 5000, 0, 50000, "1", 5)], currency="USD")
    to = {"from_place": warehouse.pk, "to_latitude": str(LVIV[0]), "to_longitude": str(LVIV[1])}
    body = html(quote_page(as_(client, supplier_admin), **to))
    assert "Not compared: the options are in several currencies" in section(body, "quote-cheapest")
    assert "Own trucks" in section(body, "quote-fastest")
    only_usd = html(quote_page(client, **to | {"currency": "USD"}))
    assert "Dollar lines" in section(only_usd, "quote-cheapest")
    assert "Nova Freight" not in section(only_usd, "quote-options")


def test_a_company_off_the_platform_quotes_with_no_one(client, carriers):
    outsider = member(CompanyFactory())
    body = html(
        quote_page(
            as_(client, outsider),
            from_latitude="50.45",
            from_longitude="30.52",
            to_latitude="49.84",
            to_longitude="24.02",
        )
    )
    assert "No carrier you may use" in section(body, "quote-nothing")
    assert "Nova Freight" not in body and "Own trucks" not in body


def test_a_person_of_several_companies_names_the_one_to_quote_for(
    client, supplier_admin, supplier_company, carriers
):
    second = CompanyFactory(legal_name="Second hat Ltd")
    from marketplace.companies.models import Membership

    Membership.objects.create(user=supplier_admin, company=second, role="company_admin")
    as_(client, supplier_admin)
    assert "Second hat Ltd" in section(html(client.get(CALCULATOR)), "id_company")
    coordinates = {"from_latitude": "50.45", "from_longitude": "30.52"}
    coordinates |= {"to_latitude": "49.84", "to_longitude": "24.02"}
    body = html(quote_page(client, company=supplier_company.pk, **coordinates))
    assert "Own trucks" in section(body, "quote-options")
    # The second company trades on no platform and has no carrier.
    assert "No carrier you may use" in html(quote_page(client, company=second.pk, **coordinates))


def test_a_platform_admin_quotes_with_its_partners(client, platform, platform_admin, carriers):
    as_(client, platform_admin)
    assert "Public platform" in section(html(client.get(CALCULATOR)), "id_platform")
    coordinates = {"from_latitude": "50.45466", "from_longitude": "30.5238"}
    coordinates |= {"to_latitude": "49.83826", "to_longitude": "24.02324"}
    named = html(quote_page(client, platform=platform.pk, **coordinates))
    assert "Nova Freight" in section(named, "quote-cheapest")
    assert "Own trucks" not in named  # a company's own carrier is never the platform's
    alone = html(quote_page(client, **coordinates))
    assert "No carrier you may use" in section(alone, "quote-nothing")


def test_a_place_and_a_city_on_one_side_are_one_too_many(
    client, supplier_admin, warehouse, carriers
):
    response = quote_page(
        as_(client, supplier_admin),
        from_place=warehouse.pk,
        from_city="Kyiv",
        to_latitude="49.8",
        to_longitude="24.0",
    )
    assert response.status_code == 400
    assert "Name the place to ship from or its coordinates, not both." in section(
        html(response), "id_from_place_errors"
    )


def test_the_city_suggestions(client, supplier_admin):
    as_(client, supplier_admin)
    body = html(client.get("/logistics/cities/", {"q": "Льв"}))
    assert 'value="Lviv, UA"' in body
    assert f'data-id="{LVIV_ID}"' in body and 'data-latitude="49.838260"' in body
    assert 'data-country="UA"' in body
    assert "<option" not in html(client.get("/logistics/cities/", {"q": "L"}))
    kyiv = html(client.get("/logistics/cities/", {"q": "kyiv", "country": "ua"}))
    assert kyiv.index('value="Kyiv, UA"') < kyiv.index("Kyivskyi")
    assert "<option" not in html(client.get("/logistics/cities/", {"q": "kyiv", "country": "PL"}))


def test_the_gazetteer_ids_used_here_are_the_gazetteers():
    assert gazetteer.city_get(KYIV_ID).name == "Kyiv"
    assert gazetteer.city_get(LVIV_ID).name == "Lviv"
