"""What the people of an order's two companies are told of its shipments: each change of a
shipment's status, the buyer's staff (the supplier entered it, or its carrier pushed it); each
acceptance of a delivery, the supplier's staff (with the claim, if there is one). Imported by
``listeners`` (the module the events app discovers)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from deals.models import Order
from logistics.models import DeliveryAcceptance, Shipment, ShipmentStatus
from marketplace.events.registry import listener

from .models import Kind
from .people import BUYER_ROLES, SUPPLIER_ROLES, company_people
from .services import notify


def _shipment(event) -> Shipment | None:
    return (
        Shipment.objects.select_related("order__buyer", "order__supplier", "carrier")
        .filter(pk=event.payload["shipment"])
        .first()
    )


def _url(order: Order) -> str:
    return reverse("frontend:order", args=[order.pk]) + "#order-shipments"


@listener("shipment.status_changed", name="notifications.shipment_status_changed")
def shipment_status_changed(event) -> None:
    shipment = _shipment(event)
    if shipment is None:
        return
    order = shipment.order
    status = event.payload["status_after"]

    def build():
        names = {
            "number": event.payload["number"],
            "status": ShipmentStatus(status).label,
            "supplier": order.supplier.legal_name,
        }
        title = _("Shipment %(number)s: %(status)s") % names
        if status == ShipmentStatus.DELIVERED:
            body = _(
                "Shipment %(number)s from %(supplier)s was delivered. Check the goods and accept "
                "the delivery on the order's page, or make a claim."
            )
        else:
            body = _("Shipment %(number)s from %(supplier)s is now “%(status)s”.")
        return title, body % names

    notify(
        users=company_people(order.buyer_id, BUYER_ROLES),
        kind=Kind.SHIPMENT_UPDATE,
        key=f"shipment_status:{event.pk}",
        build=build,
        url=_url(order),
        event=event,
    )


@listener("delivery.accepted", name="notifications.delivery_accepted")
def delivery_accepted(event) -> None:
    shipment = _shipment(event)
    if shipment is None:
        return
    order = shipment.order
    acceptance = DeliveryAcceptance.objects.filter(shipment=shipment).first()
    payload = event.payload
    number = f"{order.number}/{shipment.number}"

    def build():
        names = {"number": number, "buyer": order.buyer.legal_name, "days": payload["days_late"]}
        if payload["claim"]:
            title = _("Claim on shipment %(number)s") % names
            body = _("%(buyer)s accepted shipment %(number)s with a claim.") % names
            if acceptance is not None and acceptance.claim_reason:
                body += " " + _("Claim: %(reason)s") % {"reason": acceptance.claim_reason}
        else:
            title = _("Shipment %(number)s accepted") % names
            body = _("%(buyer)s accepted shipment %(number)s: quantity and quality as ordered.")
            body %= names
        if payload["days_late"]:
            body += " " + _("Days late: %(days)s.") % names
        return title, body

    notify(
        users=company_people(order.supplier_id, SUPPLIER_ROLES),
        kind=Kind.SHIPMENT_UPDATE,
        key=f"delivery_accepted:{shipment.pk}",
        build=build,
        url=_url(order),
        event=event,
    )
