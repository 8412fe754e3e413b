"""A published lot ranked by landed cost and the supplier's warehouse and rate card, for the
landed-cost tests of the services, the API and the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics import services
from tests.auctions.factories import World

from .helpers import KYIV, LVIV, band, card

LANDED = {
    "landed_cost": True,
    "incoterms": "FCA",
    "delivery_place": "Lviv plant",
    "delivery_latitude": LVIV[0],
    "delivery_longitude": LVIV[1],
    "unit_weight_kg": Decimal("1000"),  # 100 t
}


@pytest.fixture
def world():
    return World()


@pytest.fixture
def landed_world(world):
    """A published lot ranked by landed cost (100 t from Kyiv to Lviv), the supplier's Kyiv
    warehouse and its own carrier's rate card: 2 UAH/kg up to 1,000 km, 3 days."""
    tender = world.published(lot_overrides=LANDED)
    world.lot = tender.lots.get()
    world.warehouse = services.place_create(
        user=world.supplier_admin,
        company_id=world.supplier.pk,
        kind="warehouse",
        name="Kyiv warehouse",
        city="Kyiv",
        country="UA",
        latitude=KYIV[0],
        longitude=KYIV[1],
    )
    carrier = services.carrier_create(
        user=world.supplier_admin, company_id=world.supplier.pk, name="Own trucks"
    )
    card(world.supplier_admin, carrier, [band(0, 1000, 0, 200000, "2", 3)])
    world.application = world.apply(world.lot)
    return world
