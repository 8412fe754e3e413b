"""Races on PostgreSQL, each person in their own thread and connection: two shipments of the same
order line made at the same moment, each of more than half of the line. Making a shipment locks
the order's row, so the second counts the first: one is made, the other is told how much remains
(400 ``quantity_exceeded``); what the shipments carry never exceeds the line's quantity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum

from logistics.models import ShipmentLine
from tests.crm.test_pipeline_concurrency import together

from .shipment_helpers import client, line_of, shipping_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post(user, order, quantity: str):
    body = {
        "order": order.pk,
        "carrier_name": "Typed",
        "lines": [{"order_line": line_of(order).pk, "quantity": quantity}],
    }
    return client(user).post("/api/logistics/shipments/", body, format="json")


def test_two_shipments_of_one_line_at_once_never_exceed_it():
    for _round in range(3):
        w, order, _carrier = shipping_world()
        line = line_of(order)
        first, second = together(
            [
                lambda o=order, u=w.supplier_bidder: _post(u, o, "60"),
                lambda o=order, u=w.supplier_admin: _post(u, o, "60"),
            ]
        )
        codes = sorted([first.status_code, second.status_code])
        assert codes == [201, 400], (first.content, second.content)
        loser = first if first.status_code == 400 else second
        assert loser.json()["error"]["code"] == "quantity_exceeded"
        shipped = ShipmentLine.objects.filter(order_line=line).aggregate(t=Sum("quantity"))["t"]
        assert shipped == Decimal("60") <= line.quantity
        assert list(order.shipments.values_list("number", flat=True)) == [1]


def test_four_at_once_fill_the_line_and_no_more():
    w, order, _carrier = shipping_world()
    line = line_of(order)
    people = (w.supplier_bidder, w.supplier_admin, w.supplier_bidder, w.supplier_admin)
    results = together([lambda user=user: _post(user, order, "30") for user in people])
    assert sorted(r.status_code for r in results) == [201, 201, 201, 400]
    shipped = ShipmentLine.objects.filter(order_line=line).aggregate(t=Sum("quantity"))["t"]
    assert shipped == Decimal("90")
    assert sorted(order.shipments.values_list("number", flat=True)) == [1, 2, 3]
