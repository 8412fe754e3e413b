"""The shipments tests' world: an awarded order (``tests.deals.factories``) the supplier has
accepted, its people (``World``: ``supplier_bidder`` ships, ``officer`` accepts, ``buyer_bidder``
and a supplier's procurement officer only read, ``other_admin`` and ``stranger`` are strangers),
the supplier's own carrier, and helpers that drive the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIClient

from deals.models import Order, OrderLine, OrderStatus
from logistics import services, shipments
from logistics.models import Carrier, Shipment
from tests.auctions.factories import World
from tests.deals.factories import awarded_order

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def shipping_world(*, status: str = OrderStatus.ACCEPTED) -> tuple[World, Order, Carrier]:
    """A world, its order (100 t, one line, delivery date in 10 days) in ``status``, and the
    supplier's own carrier."""
    w = World()
    order = awarded_order(w, documents=False)
    month_ago = timezone.now() - timedelta(days=30)
    Order.objects.filter(pk=order.pk).update(status=status, created_at=month_ago)
    order.refresh_from_db()
    OrderLine.objects.filter(order=order).update(
        delivery_date=timezone.localdate() + timedelta(days=10)
    )
    carrier = services.carrier_create(
        user=w.supplier_admin, name="Own Trucks", company_id=w.supplier.pk
    )
    return w, order, carrier


def line_of(order: Order, position: int = 1) -> OrderLine:
    return order.lines.get(position=position)


def add_line(order: Order, quantity: str = "50", **values) -> OrderLine:
    first = line_of(order)
    return OrderLine.objects.create(
        order=order,
        position=order.lines.count() + 1,
        item=values.get("item", "Second item"),
        quantity=Decimal(quantity),
        unit="t",
        unit_price=first.unit_price,
        amount=first.unit_price * Decimal(quantity),
        currency=first.currency,
        delivery_date=values.get("delivery_date"),
    )


def ship(w: World, order: Order, quantity: str = "100", *, carrier=None, **values) -> Shipment:
    lines = values.pop("lines", None) or [{"order_line": line_of(order).pk, "quantity": quantity}]
    if carrier is None and "carrier_name" not in values:
        values["carrier_name"] = "Typed Carrier"
    return shipments.shipment_create(
        user=values.pop("user", w.supplier_bidder),
        order_id=order.pk,
        lines=lines,
        carrier_id=getattr(carrier, "pk", None),
        **values,
    )


def event(w: World, shipment: Shipment, status: str, **values):
    return shipments.shipment_event_add(
        user=values.pop("user", w.supplier_bidder), shipment_id=shipment.pk, status=status, **values
    )


def deliver(w: World, shipment: Shipment, *, at=None):
    return event(w, shipment, "delivered", occurred_at=at or timezone.now())
