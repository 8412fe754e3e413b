"""Helpers of the logistics tests: coordinates, bands, rate cards, API clients."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rest_framework.test import APIClient

from logistics import services
from logistics.bands import Band

KYIV = (Decimal("50.454660"), Decimal("30.523800"))
LVIV = (Decimal("49.838260"), Decimal("24.023240"))


def band(d0, d1, w0, w1, price, days) -> Band:
    return Band(
        distance_from=Decimal(d0),
        distance_to=Decimal(d1),
        weight_from=Decimal(w0),
        weight_to=Decimal(w1),
        price=Decimal(price),
        transit_days=days,
    )


def card(user, carrier, bands, **values):
    values.setdefault("currency", "UAH")
    values.setdefault("basis", "per_kg")
    values.setdefault("valid_from", date(2020, 1, 1))
    return services.rate_card_create(user=user, carrier_id=carrier.pk, bands=bands, **values)


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def assert_400(response, *fields: str) -> dict:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    for field in fields:
        assert field in error.get("fields", {}), error
    return error
