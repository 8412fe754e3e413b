"""The orders' domain events (``marketplace.events``), written in the transaction of each
change: one function per event, so each payload is made in one place. Both sides of an order
read its events; the buyer owns them."""

from __future__ import annotations

from marketplace.events.services import event_emit, money

from .models import Order, OrderDocument


def _sides(order: Order) -> dict:
    return {"company": order.buyer_id, "audience": {order.supplier_id}}


def order_created(*, order: Order, actor=None) -> None:
    event_emit(
        "order.created",
        **_sides(order),
        actor=actor,
        payload={
            "order": order.pk,
            "deal": order.deal_id,
            "number": order.number,
            "buyer": order.buyer_id,
            "supplier": order.supplier_id,
            "total": money(order.total),
            "currency": order.currency,
        },
    )


def order_status_changed(
    *, order: Order, action: str, before: str, side: str, reason: str, actor
) -> None:
    event_emit(
        "order.status_changed",
        **_sides(order),
        actor=actor,
        payload={
            "order": order.pk,
            "number": order.number,
            "buyer": order.buyer_id,
            "supplier": order.supplier_id,
            "action": action,
            "status_before": before,
            "status_after": order.status,
            "side": side,
            "reason": reason,
        },
    )


def order_document_added(*, order: Order, document: OrderDocument, actor=None) -> None:
    event_emit(
        "order.document_added",
        **_sides(order),
        actor=actor,
        payload={
            "order": order.pk,
            "number": order.number,
            "buyer": order.buyer_id,
            "supplier": order.supplier_id,
            "document": document.pk,
            "kind": document.kind,
            "document_number": document.number,
            "sha256": document.sha256,
        },
    )
