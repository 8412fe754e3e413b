"""What the people of an order's two companies are told as it moves: each move, the other
side (the side that moved knows); a new order, the buyer's staff (it is their draft to send);
a new invoice or delivery note, the buyer's staff. Imported by ``listeners`` (the module the
events app discovers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from deals.models import DocumentKind, Order, OrderStatus
from marketplace.events.registry import listener

from .models import Kind
from .people import BUYER_ROLES, SUPPLIER_ROLES, company_people
from .services import notify


def _order(event) -> Order | None:
    return (
        Order.objects.select_related("buyer", "supplier").filter(pk=event.payload["order"]).first()
    )


def _url(order: Order) -> str:
    return reverse("frontend:order", args=[order.pk])


@listener("order.created", name="notifications.order_created")
def order_created(event) -> None:
    order = _order(event)
    if order is None:
        return

    def build():
        names = {"number": order.number, "supplier": order.supplier.legal_name}
        return (
            _("Order %(number)s is ready to send") % names,
            _(
                "Order %(number)s with %(supplier)s was made from the award. Check its contract and "
                "specification, then send it to the supplier."
            )
            % names,
        )

    notify(
        users=company_people(order.buyer_id, BUYER_ROLES),
        kind=Kind.ORDER_UPDATE,
        key=f"order_created:{order.pk}",
        build=build,
        url=_url(order),
        event=event,
    )


@listener("order.status_changed", name="notifications.order_status_changed")
def order_status_changed(event) -> None:
    order = _order(event)
    if order is None:
        return
    payload = event.payload
    by_buyer = payload["side"] == "buyer"
    other = order.supplier_id if by_buyer else order.buyer_id
    roles = SUPPLIER_ROLES if by_buyer else BUYER_ROLES

    def build():
        names = {
            "number": order.number,
            "by": (order.buyer if by_buyer else order.supplier).legal_name,
            "status": OrderStatus(payload["status_after"]).label,
        }
        title = _("Order %(number)s: %(status)s") % names
        body = _("%(by)s changed the status of order %(number)s: it is now “%(status)s”.") % names
        if payload["reason"]:
            body += " " + _("Reason: %(reason)s") % {"reason": payload["reason"]}
        return title, body

    notify(
        users=company_people(other, roles),
        kind=Kind.ORDER_UPDATE,
        key=f"order_status:{event.pk}",
        build=build,
        url=_url(order),
        event=event,
    )


@listener("order.document_added", name="notifications.order_document_added")
def order_document_added(event) -> None:
    kind = event.payload["kind"]
    if kind not in (DocumentKind.INVOICE, DocumentKind.DELIVERY_NOTE):
        return  # the contract and specification come with the order or its sending
    order = _order(event)
    if order is None:
        return

    def build():
        names = {
            "number": order.number,
            "document": DocumentKind(kind).label,
            "document_number": event.payload["document_number"],
        }
        return (
            _("%(document)s %(document_number)s for order %(number)s") % names,
            _("The supplier's %(document)s %(document_number)s for order %(number)s is ready.")
            % names,
        )

    notify(
        users=company_people(order.buyer_id, BUYER_ROLES),
        kind=Kind.ORDER_UPDATE,
        key=f"order_document:{event.payload['document']}",
        build=build,
        url=_url(order),
        event=event,
    )
