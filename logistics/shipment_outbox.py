"""The shipments' domain events (``marketplace.events``), written in the transaction of each
change: one function per event, so each payload is made in one place. Both sides of the order
read them; the buyer owns them, as the order's own events."""

from __future__ import annotations

from deals.models import Order
from marketplace.events.services import event_emit

from .models import DeliveryAcceptance, Shipment


def label(shipment: Shipment, order: Order | None = None) -> str:
    """A shipment's number for people: its order's and its own, ``PO-2027-00012/2``."""
    return f"{(order or shipment.order).number}/{shipment.number}"


def _sides(order: Order) -> dict:
    return {"company": order.buyer_id, "audience": {order.supplier_id}}


def _base(shipment: Shipment, order: Order) -> dict:
    return {
        "shipment": shipment.pk,
        "order": order.pk,
        "number": label(shipment, order),
        "buyer": order.buyer_id,
        "supplier": order.supplier_id,
    }


def shipment_created(shipment: Shipment, order: Order, actor) -> None:
    planned = shipment.planned_arrival
    event_emit(
        "shipment.created",
        **_sides(order),
        actor=actor,
        payload={
            **_base(shipment, order),
            "carrier": shipment.carrier_id,
            "planned_arrival": planned.isoformat() if planned else None,
        },
    )


def shipment_status_changed(shipment: Shipment, order: Order, before: str, source: str, actor):
    event_emit(
        "shipment.status_changed",
        **_sides(order),
        actor=actor,
        payload={
            **_base(shipment, order),
            "status_before": before,
            "status_after": shipment.status,
            "source": source,
        },
    )


def delivery_accepted(acceptance: DeliveryAcceptance, order: Order, actor) -> None:
    event_emit(
        "delivery.accepted",
        **_sides(order),
        actor=actor,
        payload={
            "shipment": acceptance.shipment_id,
            "order": order.pk,
            "buyer": order.buyer_id,
            "supplier": order.supplier_id,
            "days_late": acceptance.days_late,
            "quantity_ok": acceptance.quantity_ok,
            "quality_ok": acceptance.quality_ok,
            "claim": acceptance.has_claim,
        },
    )
