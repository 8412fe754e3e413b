"""Facts for the ratings tests, built from real rows: a tender run to its award (the supplier
``w.supplier`` wins at 98 000 against ``w.other_supplier`` at 99 000), its order answered 48
hours after it was sent, and a delivery accepted two days late with a quality claim."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone

from deals.models import Order, OrderHistory, Side
from logistics.shipment_models import DeliveryAcceptance, Shipment, ShipmentStatus
from tests.auctions.factories import World
from tests.deals.factories import awarded_order


def answered_order(w: World, *, now=None) -> Order:
    """The awarded order, sent and accepted 48 hours later (its history rows as the order's
    moves write them)."""
    now = now or timezone.now()
    order = awarded_order(w, documents=False)
    sent = now - timedelta(hours=50)
    OrderHistory.objects.create(
        order=order,
        action="send",
        status_before="draft",
        status_after="sent",
        side=Side.BUYER,
        at=sent,
    )
    OrderHistory.objects.create(
        order=order,
        action="accept",
        status_before="sent",
        status_after="accepted",
        side=Side.SUPPLIER,
        at=sent + timedelta(hours=48),
    )
    Order.objects.filter(pk=order.pk).update(status="in_fulfilment")
    order.refresh_from_db()
    return order


def accepted_delivery(
    order: Order, *, days_late=2, quality_ok=False, number=1, at=None
) -> DeliveryAcceptance:
    shipment = Shipment.objects.create(
        order=order,
        number=number,
        status=ShipmentStatus.DELIVERED,
        delivered_at=at or timezone.now(),
        tracking_token=secrets.token_urlsafe(32),
    )
    return DeliveryAcceptance.objects.create(
        shipment=shipment,
        buyer=order.buyer,
        supplier=order.supplier,
        accepted_by=order.buyer.memberships.first().user,
        accepted_at=at or timezone.now(),
        days_late=days_late,
        quantity_ok=True,
        quality_ok=quality_ok,
        claim_reason="" if quality_ok else "Scratched drums",
    )


def full_world():
    """The world, its order and the late, claimed delivery."""
    w = World()
    order = answered_order(w)
    accepted_delivery(order)
    return w, order
