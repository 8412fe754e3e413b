"""What the orders do when other domains tell them something happened: an award's deal becomes
an order (``orders.order_from_deal``; delivered twice, it is made once); a new order on a platform
with a fee makes its commission invoice (``payments.invoices.commission_for_order``, once)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.events.registry import listener

from .orders import order_from_deal
from .payments.invoices import commission_for_order, invoices_void_for_order
from .payments.security import (
    securities_release_losers,
    security_forfeit,
    security_release_winner,
)


@listener("deal.created", name="deals.order_from_deal")
def deal_created(event) -> None:
    order_from_deal(deal_id=event.payload["deal"])


@listener("order.created", name="deals.commission_for_order")
def order_created(event) -> None:
    commission_for_order(order_id=event.payload["order"])


@listener("lot.awarded", name="deals.securities_release_losers")
def lot_awarded(event) -> None:
    securities_release_losers(
        lot_id=event.payload["lot"], winner_supplier_id=event.payload["supplier"]
    )


@listener("order.status_changed", name="deals.security_after_order_move")
def order_moved(event) -> None:
    """The winner's security: released when it accepts the contract, forfeited when it
    declines the order; a cancelled order's unpaid commission is cancelled."""
    action = event.payload["action"]
    if event.payload["status_after"] == "cancelled":
        invoices_void_for_order(order_id=event.payload["order"])
    if action == "accept":
        security_release_winner(order_id=event.payload["order"])
    elif action == "decline":
        security_forfeit(
            order_id=event.payload["order"],
            reason=_("The supplier declined the order: %(reason)s")
            % {"reason": event.payload["reason"]},
        )


# The order following its shipments (logistics' events) registers on import.
from . import shipment_listeners  # noqa: E402, F401
