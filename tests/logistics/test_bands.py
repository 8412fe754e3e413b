"""The pure rules: the great-circle distance and the road factor, a band's edges, units per
pallet or truck, the minimum charge and the fuel surcharge, overlapping and wrong bands, and
the cheapest and the fastest option. No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from logistics.bands import band_errors, band_for, card_errors, price_of, units_of
from logistics.distance import Point, haversine_km, road_distance
from logistics.quotes import CardTerms, cheapest_and_fastest, price_options

from .helpers import KYIV, LVIV, band

D = Decimal


def test_haversine_against_known_distances():
    kyiv, lviv = Point(*KYIV), Point(*LVIV)
    assert haversine_km(kyiv, lviv) == pytest.approx(468, abs=1)
    assert haversine_km(lviv, kyiv) == pytest.approx(haversine_km(kyiv, lviv))
    london, paris = Point(D("51.5074"), D("-0.1278")), Point(D("48.8566"), D("2.3522"))
    assert haversine_km(london, paris) == pytest.approx(344, abs=1)
    assert haversine_km(kyiv, kyiv) == 0
    # Across the antimeridian and pole to pole.
    assert haversine_km(Point(D(0), D(179.5)), Point(D(0), D(-179.5))) == pytest.approx(111.2, 0.01)
    assert haversine_km(Point(D(90), D(0)), Point(D(-90), D(0))) == pytest.approx(20015, abs=1)


def test_the_estimate_is_the_great_circle_times_the_road_factor(settings):
    settings.LOGISTICS_OSRM_URL = ""
    distance = road_distance(Point(*KYIV), Point(*LVIV))
    assert distance.method == "estimate" and distance.note == ""
    assert distance.great_circle_km == D("468.1")
    assert distance.km == D("608.5")  # 468.1 × 1.3
    settings.LOGISTICS_ROAD_FACTOR = 1.5
    assert road_distance(Point(*KYIV), Point(*LVIV)).km == D("702.2")
    settings.LOGISTICS_ROAD_FACTOR = 0.5
    with pytest.raises(ImproperlyConfigured):
        road_distance(Point(*KYIV), Point(*LVIV))


def test_a_band_covers_from_inclusive_to_exclusive():
    bands = [band(0, 100, 0, 1000, "1", 1), band(100, 200, 0, 1000, "2", 2)]
    bands.append(band(0, 200, 1000, 5000, "3", 3))
    assert band_for(bands, distance=D(0), units=D(0)) is bands[0]
    assert band_for(bands, distance=D("99.99"), units=D("999.999")) is bands[0]
    assert band_for(bands, distance=D(100), units=D(1)) is bands[1]
    assert band_for(bands, distance=D(150), units=D(1000)) is bands[2]
    assert band_for(bands, distance=D(200), units=D(1)) is None
    assert band_for(bands, distance=D(50), units=D(5000)) is None


def test_units_per_kg_per_pallet_and_per_truck():
    assert units_of(weight_kg=D("1234.5"), basis="per_kg", unit_capacity_kg=None) == D("1234.5")
    assert units_of(weight_kg=D(1000), basis="per_pallet", unit_capacity_kg=D(500)) == 2
    assert units_of(weight_kg=D(1001), basis="per_pallet", unit_capacity_kg=D(500)) == 3
    assert units_of(weight_kg=D(1), basis="per_truck", unit_capacity_kg=D(20000)) == 1
    with pytest.raises(ValueError):
        units_of(weight_kg=D(1), basis="per_truck", unit_capacity_kg=None)


def test_minimum_charge_and_fuel_surcharge():
    the_band = band(0, 1000, 0, 20000, "2.5", 2)
    above = price_of(
        band=the_band, units=D(1000), minimum_charge=D(500), fuel_surcharge_percent=D("12.5")
    )
    assert above.base == D("2500.00") and not above.minimum_applied
    assert above.cost == D("2812.50")  # 2500 × 1.125
    below = price_of(
        band=the_band, units=D(10), minimum_charge=D(500), fuel_surcharge_percent=D("12.5")
    )
    assert below.base == D("25.00") and below.minimum_applied
    assert below.charged == D("500.00") and below.cost == D("562.50")
    rounded = price_of(
        band=band(0, 10, 0, 10, "0.3333", 0),
        units=D(1),
        minimum_charge=D(0),
        fuel_surcharge_percent=D(0),
    )
    assert rounded.cost == D("0.33")


def test_wrong_bands_are_named():
    assert band_errors(band(0, 100, 0, 10, "1", 1)) == []
    columns = [c for c, _ in band_errors(band(100, 100, 10, 5, "-1", 1))]
    assert columns == ["distance_to", "weight_to", "price"]
    assert [c for c, _ in band_errors(band(-1, 5, 0, 1, "0", 400))] == [
        "distance_from",
        "transit_days",
    ]


def test_overlaps_are_in_both_dimensions_only():
    bands = [
        band(0, 100, 0, 1000, "1", 1),
        band(100, 200, 0, 1000, "1", 1),  # adjacent in distance: fine
        band(0, 100, 1000, 2000, "1", 1),  # adjacent in weight: fine
        band(50, 150, 500, 1500, "1", 1),  # meets all three
        band(300, 400, 0, 1, "-1", 1),  # wrong on its own: not checked for overlaps
        band(300, 400, 0, 1, "1", 1),
    ]
    errors = card_errors(bands)
    assert set(errors) == {3, 4}
    (column, message), *_ = errors[3]
    assert column == "" and "band 1" in message and "band 2" in message and "band 3" in message


def _terms(card_id, carrier, currency, bands, *, minimum="0", fuel="0", basis="per_kg", cap=None):
    return CardTerms(
        card_id=card_id,
        card_name="",
        carrier_id=card_id,
        carrier_name=carrier,
        owner="company",
        currency=currency,
        basis=basis,
        unit_capacity_kg=None if cap is None else D(cap),
        minimum_charge=D(minimum),
        fuel_surcharge_percent=D(fuel),
        bands=tuple(bands),
    )


def test_the_cheapest_and_the_fastest():
    cards = [
        _terms(1, "Slow", "UAH", [band(0, 1000, 0, 5000, "1", 5)]),
        _terms(2, "Fast", "UAH", [band(0, 1000, 0, 5000, "3", 1)]),
        _terms(3, "Truck", "UAH", [band(0, 1000, 1, 3, "1500", 1)], basis="per_truck", cap=20000),
        _terms(4, "Far only", "UAH", [band(1000, 2000, 0, 5000, "0.1", 1)]),
    ]
    options, unavailable = price_options(
        cards,
        distance_km=D("608.5"),
        weight_kg=D(1000),
        ship_on=date(2027, 3, 1),
        required_by=date(2027, 3, 4),
    )
    assert [o.terms.carrier_name for o in options] == ["Slow", "Truck", "Fast"]
    assert [o.cost for o in options] == [D("1000.00"), D("1500.00"), D("3000.00")]
    assert [u.terms.carrier_name for u in unavailable] == ["Far only"]
    assert "608.5 km" in unavailable[0].reason
    slow = options[0]
    assert slow.arrives_on == date(2027, 3, 6) and slow.on_time is False
    assert options[1].arrives_on == date(2027, 3, 2) and options[1].on_time is True
    cheapest, fastest, note = cheapest_and_fastest(options)
    assert cheapest is slow and note == ""
    # Two options take one day: the cheaper of them is the fastest.
    assert fastest is not None and fastest.terms.carrier_name == "Truck"
    assert cheapest_and_fastest([]) == (None, None, "")


def test_costs_in_several_currencies_are_not_compared():
    cards = [
        _terms(1, "Hryvnia", "UAH", [band(0, 1000, 0, 5000, "40", 3)]),
        _terms(2, "Euro", "EUR", [band(0, 1000, 0, 5000, "1", 2)]),
    ]
    options, _ = price_options(cards, distance_km=D(10), weight_kg=D(10), ship_on=date(2027, 3, 1))
    assert all(o.on_time is None for o in options)
    cheapest, fastest, note = cheapest_and_fastest(options)
    assert cheapest is None and "currency" in note
    assert fastest is not None and fastest.terms.currency == "EUR"
