"""Shipping quotes: the cards a company may use (the platform's partners' and its own, never
another company's), the cheapest and the fastest, the arrival date against the required one,
OSRM's road distance when it is set and the estimate when it fails, and bad input."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from logistics import services
from logistics.quotes import shipping_quote
from tests.factories import CompanyFactory, PlatformFactory, UserFactory, member

from .helpers import KYIV, LVIV, assert_400, band, card, client

pytestmark = pytest.mark.django_db


@pytest.fixture
def carriers(
    platform, platform_admin, supplier_admin, supplier_company, buyer_admin, buyer_company
):
    """The platform's partner (per kg, 2 days), the supplier's own trucks (1 day), the buyer's
    own carrier (cheapest of all, but not the supplier's to use), an inactive partner and an
    expired card."""
    partner = services.carrier_create(
        user=platform_admin, name="Nova Freight", platform_id=platform.pk
    )
    card(
        platform_admin,
        partner,
        [band(0, 500, 0, 20000, "3", 1), band(500, 1000, 0, 20000, "2", 2)],
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
    buyers = services.carrier_create(
        user=buyer_admin, name="Buyer's fleet", company_id=buyer_company.pk
    )
    card(buyer_admin, buyers, [band(0, 5000, 0, 50000, "0.01", 1)])
    sleeping = services.carrier_create(
        user=platform_admin, name="Asleep", platform_id=platform.pk, is_active=False
    )
    card(platform_admin, sleeping, [band(0, 5000, 0, 50000, "0.01", 1)])
    card(
        platform_admin,
        partner,
        [band(0, 5000, 0, 50000, "0.01", 1)],
        valid_to=timezone.localdate() - timedelta(days=1),
    )
    return {"partner": partner, "own": own, "buyers": buyers}


def _quote(user, **body):
    return client(user).post("/api/logistics/quotes/", body)


def test_the_cheapest_and_the_fastest_of_the_cards_you_may_use(
    carriers, warehouse, supplier_admin, settings
):
    settings.LOGISTICS_OSRM_URL = ""
    required_by = timezone.localdate() + timedelta(days=1)
    response = _quote(
        supplier_admin,
        from_place=warehouse.pk,
        to_latitude=str(LVIV[0]),
        to_longitude=str(LVIV[1]),
        quantity="10",
        unit_weight_kg="100",
        required_by=required_by.isoformat(),
    )
    assert response.status_code == 200, response.content
    quote = response.json()
    assert (quote["distance_km"], quote["distance_method"]) == ("608.5", "estimate")
    assert quote["great_circle_km"] == "468.1" and quote["weight_kg"] == "1000.000"
    names = [o["carrier_name"] for o in quote["options"]]
    assert names == ["Nova Freight", "Own trucks"]  # never the buyer's, the asleep or expired
    partner, own = quote["options"]
    # 1000 kg × 2.00 = 2000 (above the minimum), + 10 % fuel; 2 days.
    assert (partner["units"], partner["base_cost"], partner["cost"]) == (
        "1000.000",
        "2000.00",
        "2200.00",
    )
    assert partner["owner"] == "platform" and partner["minimum_applied"] is False
    assert partner["transit_days"] == 2 and partner["on_time"] is False
    assert partner["arrives_on"] == (timezone.localdate() + timedelta(days=2)).isoformat()
    # One truck × 9000; 1 day: on time.
    assert (own["units"], own["cost"], own["transit_days"], own["on_time"]) == (
        "1",
        "9000.00",
        1,
        True,
    )
    assert quote["cheapest"]["carrier_name"] == "Nova Freight"
    assert quote["fastest"]["carrier_name"] == "Own trucks"
    assert quote["unavailable"] == [] and quote["notes"] == []


def test_the_minimum_charge_and_a_card_without_a_band(
    carriers, warehouse, supplier_admin, settings
):
    settings.LOGISTICS_OSRM_URL = ""
    quote = shipping_quote(
        user=supplier_admin,
        from_place_id=warehouse.pk,
        to_latitude=LVIV[0],
        to_longitude=LVIV[1],
        quantity=Decimal(10),
        unit_weight_kg=Decimal(1),
    )
    partner = quote.options[0]
    assert partner.minimum_applied and partner.cost == Decimal("550.00")  # 500 + 10 %
    # 10 kg is 1 truck: the own card still covers it.
    assert [o.terms.carrier_name for o in quote.options] == ["Nova Freight", "Own trucks"]
    heavy = shipping_quote(
        user=supplier_admin,
        from_place_id=warehouse.pk,
        to_latitude=LVIV[0],
        to_longitude=LVIV[1],
        quantity=Decimal(30),
        unit_weight_kg=Decimal(1000),
    )
    assert [o.terms.carrier_name for o in heavy.options] == ["Own trucks"]
    (unavailable,) = heavy.unavailable
    assert unavailable.terms.carrier_name == "Nova Freight" and "30000 kg" in unavailable.reason


def test_the_buyer_quotes_with_its_own_carrier_and_the_platforms(
    carriers, delivery_place, buyer_admin, warehouse, settings
):
    settings.LOGISTICS_OSRM_URL = ""
    # The buyer cannot ship from the supplier's warehouse: it does not exist for the buyer.
    assert (
        _quote(
            buyer_admin,
            from_place=warehouse.pk,
            to_place=delivery_place.pk,
            quantity=1,
            unit_weight_kg=1,
        ).status_code
        == 404
    )
    quote = shipping_quote(
        user=buyer_admin,
        from_place_id=delivery_place.pk,
        to_latitude=Decimal("50.45"),
        to_longitude=Decimal("30.52"),
        quantity=Decimal(1),
        unit_weight_kg=Decimal(100),
        currency="UAH",
    )
    assert [o.terms.carrier_name for o in quote.options] == ["Buyer's fleet", "Nova Freight"]


def test_a_company_off_the_platform_has_no_cards(carriers, settings):
    settings.LOGISTICS_OSRM_URL = ""
    outsider = member(CompanyFactory())
    place = services.place_create(
        user=outsider,
        company_id=outsider.memberships.get().company_id,
        kind="warehouse",
        name="W",
        country="UA",
        latitude=Decimal(50),
        longitude=Decimal(30),
    )
    quote = shipping_quote(
        user=outsider,
        from_place_id=place.pk,
        to_latitude=Decimal(49),
        to_longitude=Decimal(24),
        quantity=Decimal(1),
        unit_weight_kg=Decimal(1),
    )
    assert quote.options == [] and quote.cheapest is None and quote.notes


class _Osrm(BaseHTTPRequestHandler):
    """Answers as OSRM's route service does; the server records the paths it was asked."""

    def do_GET(self):
        self.server.paths.append(self.path)
        status, body = self.server.answer
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


class _OsrmServer(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Osrm)
        self.paths: list[str] = []
        self.answer: tuple[int, object] = (
            200,
            {"code": "Ok", "routes": [{"distance": 540123.4, "duration": 21000.0}]},
        )


@pytest.fixture
def osrm():
    server = _OsrmServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_osrm_gives_the_road_distance_when_set(carriers, warehouse, supplier_admin, settings, osrm):
    settings.LOGISTICS_OSRM_URL = f"http://127.0.0.1:{osrm.server_port}/"
    quote = _quote(
        supplier_admin,
        from_place=warehouse.pk,
        to_latitude="49.83826",
        to_longitude="24.02324",
        quantity=10,
        unit_weight_kg=100,
    ).json()
    assert (quote["distance_km"], quote["distance_method"]) == ("540.1", "osrm")
    assert quote["great_circle_km"] == "468.1" and quote["notes"] == []
    (path,) = osrm.paths
    assert path == "/route/v1/driving/30.523800,50.454660;24.023240,49.838260?overview=false"
    # 540.1 km is in the partner's 500-1000 km band.
    assert quote["options"][0]["unit_price"] == "2.0000"


@pytest.mark.parametrize(
    "answer",
    [
        (500, {"message": "boom"}),
        (200, {"code": "NoRoute", "message": "Impossible route between points", "routes": []}),
        (200, {"code": "Ok", "routes": [{"distance": "far"}]}),
        (200, ["not", "an", "object"]),
    ],
)
def test_the_estimate_when_osrm_fails(carriers, warehouse, supplier_admin, settings, osrm, answer):
    osrm.answer = answer
    settings.LOGISTICS_OSRM_URL = f"http://127.0.0.1:{osrm.server_port}"
    quote = _quote(
        supplier_admin,
        from_place=warehouse.pk,
        to_latitude=str(LVIV[0]),
        to_longitude=str(LVIV[1]),
        quantity=1,
        unit_weight_kg=1,
    ).json()
    assert (quote["distance_km"], quote["distance_method"]) == ("608.5", "estimate")
    assert len(osrm.paths) == 1 and "routing server" in quote["notes"][0]


def test_the_estimate_when_osrm_is_unreachable(carriers, warehouse, supplier_admin, settings):
    closed = _OsrmServer()
    port = closed.server_port
    closed.server_close()  # nothing listens there now
    settings.LOGISTICS_OSRM_URL = f"http://127.0.0.1:{port}"
    quote = _quote(
        supplier_admin,
        from_place=warehouse.pk,
        to_latitude=str(LVIV[0]),
        to_longitude=str(LVIV[1]),
        quantity=1,
        unit_weight_kg=1,
    ).json()
    assert quote["distance_method"] == "estimate" and quote["notes"]


def test_bad_quote_input_is_400_with_field_messages(warehouse, delivery_place, supplier_admin):
    base = {"from_place": warehouse.pk, "to_latitude": "49.8", "to_longitude": "24.0"}
    base |= {"quantity": "1", "unit_weight_kg": "1"}
    assert_400(_quote(supplier_admin, **base | {"quantity": "ten"}), "quantity")
    assert_400(_quote(supplier_admin, **base | {"quantity": "0"}), "quantity")
    assert_400(_quote(supplier_admin, **base | {"unit_weight_kg": "-2"}), "unit_weight_kg")
    assert_400(_quote(supplier_admin, **base | {"to_latitude": "95"}), "to_latitude")
    assert_400(_quote(supplier_admin, **base | {"to_longitude": "east"}), "to_longitude")
    assert_400(_quote(supplier_admin, **base | {"required_by": "soon"}), "required_by")
    assert_400(_quote(supplier_admin, **base | {"from_place": "x"}), "from_place")
    no_destination = {k: v for k, v in base.items() if not k.startswith("to_")}
    assert_400(_quote(supplier_admin, **no_destination), "to_place", "to_latitude", "to_longitude")
    # A place the supplier may not see: 404, as any place that does not exist.
    assert (
        _quote(supplier_admin, **no_destination | {"to_place": delivery_place.pk}).status_code
        == 404
    )
    assert _quote(supplier_admin, **base | {"from_place": 99999999}).status_code == 404
    assert_400(_quote(supplier_admin, **base | {"to_place": delivery_place.pk}), "to_place")


def test_the_required_date_compares_with_the_arrival(carriers, warehouse, supplier_admin, settings):
    settings.LOGISTICS_OSRM_URL = ""
    far = timezone.localdate() + timedelta(days=30)
    quote = shipping_quote(
        user=supplier_admin,
        from_place_id=warehouse.pk,
        to_latitude=LVIV[0],
        to_longitude=LVIV[1],
        quantity=Decimal(1),
        unit_weight_kg=Decimal(1),
        required_by=far,
    )
    assert all(o.on_time for o in quote.options) and quote.required_by == far


def test_a_platform_admin_quotes_with_its_partners(carriers, platform, platform_admin, settings):
    settings.LOGISTICS_OSRM_URL = ""
    staff = UserFactory(is_staff=True)
    hub = services.place_create(
        user=staff,
        company_id=None,
        kind="warehouse",
        name="Public hub",
        country="UA",
        latitude=KYIV[0],
        longitude=KYIV[1],
    )
    body = {"from_place": hub.pk, "to_latitude": str(LVIV[0]), "to_longitude": str(LVIV[1])}
    body |= {"quantity": 1, "unit_weight_kg": 100}
    alone = _quote(platform_admin, **body).json()
    assert alone["options"] == [] and alone["notes"]
    named = _quote(platform_admin, **body | {"platform": platform.pk}).json()
    assert [o["carrier_name"] for o in named["options"]] == ["Nova Freight"]
    assert _quote(platform_admin, **body | {"platform": PlatformFactory().pk}).status_code == 404
