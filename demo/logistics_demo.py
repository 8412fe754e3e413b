"""The demo's logistics: the public platform's freight partner with its rate card, a supplier's
own carrier, each supplier's warehouse and the buyer's delivery place (Mashivka, Poltava
region), so that the demo tender's third lot is ranked by landed cost with real quotes.

Written through the logistics services, as a person would; looked up by name first, so a second
``load_demo`` adds nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from logistics import services
from logistics.bands import Band
from logistics.models import Carrier, Place, PlaceKind, RateBasis, RateCard
from marketplace.companies.models import Company
from marketplace.platforms.models import Platform
from marketplace.users.models import User

# The buyer's fuel store (the demo lots' delivery place).
DELIVERY = ("Машівка, склад ПММ", "Машівка", "UA", Decimal("49.440600"), Decimal("34.868600"))
# Each supplier's warehouse: company key -> (name, city, country, latitude, longitude).
WAREHOUSES = {
    "steel": (
        "Склад Дніпро-Лівобережний",
        "Дніпро",
        "UA",
        Decimal("48.464700"),
        Decimal("35.046200"),
    ),
    "fuel": ("Нафтобаза Одеса", "Одеса", "UA", Decimal("46.482500"), Decimal("30.723300")),
    "logi": ("Tallinn port terminal", "Tallinn", "EE", Decimal("59.437000"), Decimal("24.753600")),
}
PARTNER = "Нова Логістика (партнер майданчика)"
OWN_CARRIER = "Baltic Freight own trucks"


def _band(d0, d1, w0, w1, price, days) -> Band:
    return Band(
        distance_from=Decimal(d0),
        distance_to=Decimal(d1),
        weight_from=Decimal(w0),
        weight_to=Decimal(w1),
        price=Decimal(price),
        transit_days=days,
    )


# The partner's card, UAH per kg by distance (km) and weight (kg); 10% fuel surcharge.
PARTNER_BANDS = [
    _band(0, 300, 0, 100000, "0.45", 1),
    _band(300, 1000, 0, 100000, "0.90", 2),
    _band(1000, 2500, 0, 100000, "1.60", 4),
]
# Baltic's own trucks: per truck of 20 t, cheaper over long distances but slower.
OWN_BANDS = [_band(0, 3000, 0, 10, "28000.00", 6)]


def _place(user: User, company: Company, kind: str, row) -> Place:
    name, city, country, latitude, longitude = row
    place = Place.objects.filter(owner=company, kind=kind, name=name).first()
    return place or services.place_create(
        user=user,
        company_id=company.pk,
        kind=kind,
        name=name,
        city=city,
        country=country,
        latitude=latitude,
        longitude=longitude,
    )


def _carrier(user: User, *, name: str, bands: list[Band], card: dict, **owner) -> Carrier:
    carrier = Carrier.objects.filter(name=name, **owner).first()
    if carrier is None:
        carrier = services.carrier_create(
            user=user,
            name=name,
            company_id=owner.get("company_id"),
            platform_id=owner.get("platform_id"),
        )
    if not RateCard.objects.filter(carrier=carrier).exists():
        services.rate_card_create(
            user=user, carrier_id=carrier.pk, bands=bands, valid_from=date(2026, 1, 1), **card
        )
    return carrier


def logistics_demo_load(
    *, admin: User, platform: Platform, companies: dict[str, Company], people: dict
) -> dict[str, Place]:
    """The carriers, cards and places; returns the warehouses by company key."""
    _carrier(
        admin,
        name=PARTNER,
        bands=PARTNER_BANDS,
        card={
            "name": "2026",
            "currency": "UAH",
            "basis": RateBasis.PER_KG,
            "minimum_charge": Decimal("3000.00"),
            "fuel_surcharge_percent": Decimal("10.00"),
        },
        platform_id=platform.pk,
    )
    baltic_user = people["baltic@demo.tradefloor.local"][0]
    _carrier(
        baltic_user,
        name=OWN_CARRIER,
        bands=OWN_BANDS,
        card={
            "name": "Trucks 2026",
            "currency": "UAH",
            "basis": RateBasis.PER_TRUCK,
            "unit_capacity_kg": Decimal("20000"),
        },
        company_id=companies["logi"].pk,
    )
    buyer_user = people["buyer@demo.tradefloor.local"][0]
    _place(buyer_user, companies["agro"], PlaceKind.DELIVERY_PLACE, DELIVERY)
    warehouses = {}
    for key, row in WAREHOUSES.items():
        user = next(u for u, c in people.values() if c.pk == companies[key].pk)
        warehouses[key] = _place(user, companies[key], PlaceKind.WAREHOUSE, row)
    return warehouses
