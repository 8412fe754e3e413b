"""The order follows its shipments through their events (``logistics``), never by their calls:

- ``shipment.created``: an order still ``accepted`` starts fulfilment (``start``): its
  supplier is shipping it;
- ``shipment.status_changed`` to ``delivered``: once every line's whole quantity is in
  delivered shipments, an order ``in_fulfilment`` is delivered (``deliver``, by the supplier's
  side: its delivery note follows);
- ``delivery.accepted``: without a claim, once every shipment of a ``delivered`` order is
  accepted without one, the buyer has received it (``receive``); with a claim, the order is
  disputed (``dispute``, by the buyer's side, the claim's reason as the dispute's) when its
  state allows one. The dispute is resolved on the order by its two sides, as any other.

Each is a system move (``orders.order_move_system``): made only from the states the order's
table allows it from, so an event delivered twice, or an order moved by hand meanwhile, moves
nothing more. Imported by ``listeners`` (the module the events app discovers)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from logistics.models import DeliveryAcceptance
from logistics.shipment_selectors import order_shipping_state
from marketplace.events.registry import listener

from .models import Side
from .orders import order_move_system


def _follow(order_id: int, actor=None) -> None:
    """Move the order as far as its shipments say: started, delivered, received."""
    state = order_shipping_state(order_id=order_id)
    if state.shipments:
        order_move_system(order_id=order_id, action="start", side=Side.SUPPLIER)
    if state.all_delivered:
        order_move_system(order_id=order_id, action="deliver", side=Side.SUPPLIER)
    if state.all_delivered and state.all_accepted_ok:
        order_move_system(order_id=order_id, action="receive", side=Side.BUYER, actor=actor)


@listener("shipment.created", name="deals.order_follows_shipment_created")
def shipment_created(event) -> None:
    _follow(event.payload["order"])


@listener("shipment.status_changed", name="deals.order_follows_shipment_status")
def shipment_status_changed(event) -> None:
    if event.payload["status_after"] == "delivered":
        _follow(event.payload["order"])


@listener("delivery.accepted", name="deals.order_follows_delivery_accepted")
def delivery_accepted(event) -> None:
    payload = event.payload
    actor = get_user_model().objects.filter(pk=event.actor_id).first() if event.actor_id else None
    if not payload["claim"]:
        _follow(payload["order"], actor)
        return
    acceptance = DeliveryAcceptance.objects.filter(shipment_id=payload["shipment"]).first()
    reason = acceptance.claim_reason if acceptance is not None else ""
    order_move_system(
        order_id=payload["order"], action="dispute", side=Side.BUYER, actor=actor, reason=reason
    )
