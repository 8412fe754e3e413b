"""Reads of shipments, their events and acceptances, scoped as ``shipment_access`` says: an
order's shipments are read by whoever reads the order (its buyer's and supplier's people); to
anyone else they do not exist (404). The public tracking page reads one shipment by its token,
and only what the page may show."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from deals.models import Order, OrderLine
from deals.selectors import order_get, orders_visible
from marketplace.core.exceptions import NotFoundError

from .models import (
    Carrier,
    CarrierApiKey,
    ClaimPhoto,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)
from .shipment_access import supplier_carrier_scope

# What a tracking token can look like (secrets.token_urlsafe(32) is 43 characters): anything
# else is not looked up, and answers as a token that does not exist does.
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _shipments() -> QuerySet[Shipment]:
    return Shipment.objects.select_related("carrier", "order").prefetch_related(
        Prefetch(
            "lines",
            queryset=ShipmentLine.objects.select_related("order_line").order_by(
                "order_line__position"
            ),
        ),
        Prefetch("events", queryset=ShipmentEvent.objects.order_by("occurred_at", "pk")),
    )


def shipments_of(*, order: Order) -> QuerySet[Shipment]:
    """The order's shipments (the caller has read the order), by number."""
    return _shipments().filter(order=order).order_by("number")


def shipment_list(*, user, order_id: int) -> QuerySet[Shipment]:
    order = order_get(user=user, order_id=order_id)  # 404 to anyone who may not read it
    return shipments_of(order=order)


def _not_found() -> NotFoundError:
    return NotFoundError(_("No such shipment."), code="shipment_not_found")


def shipment_get(*, user, shipment_id: int) -> Shipment:
    shipment = (
        _shipments()
        .select_related("order__buyer", "order__supplier")
        .filter(pk=shipment_id, order__in=orders_visible(user=user))
        .first()
    )
    if shipment is None:
        raise _not_found()
    return shipment


def shipment_of_order(*, user, order_id: int, shipment_id: int) -> Shipment:
    """A shipment named under its order's path: another order's shipment is not found."""
    shipment = shipment_get(user=user, shipment_id=shipment_id)
    if shipment.order_id != order_id:
        raise _not_found()
    return shipment


def acceptance_of(shipment: Shipment):
    """The shipment's acceptance, or None."""
    try:
        return shipment.acceptance
    except Shipment.acceptance.RelatedObjectDoesNotExist:
        return None


def claim_photo_get(*, user, shipment_id: int, photo_id: int) -> ClaimPhoto:
    """A claim photo: for the readers of the shipment's order, no one else."""
    shipment = shipment_get(user=user, shipment_id=shipment_id)
    photo = ClaimPhoto.objects.filter(pk=photo_id, acceptance__shipment=shipment).first()
    if photo is None:
        raise NotFoundError(_("No such photo."), code="photo_not_found")
    return photo


# --- Quantities and the order's state of shipping ---------------------------------------------


def shipped_quantities(*, order_id: int, status: str | None = None) -> dict[int, Decimal]:
    """Per order line, the quantity in the order's shipments (only those in ``status``)."""
    rows = OrderLine.objects.filter(order_id=order_id)
    lines = rows.values_list("pk", flat=True)
    qs = ShipmentLine.objects.filter(order_line_id__in=list(lines))
    if status is not None:
        qs = qs.filter(shipment__status=status)
    totals = {pk: Decimal(0) for pk in lines}
    for row in qs.values("order_line_id").annotate(total=Sum("quantity")):
        totals[row["order_line_id"]] = row["total"] or Decimal(0)
    return totals


@dataclass(frozen=True)
class ShippingState:
    """Where an order's shipping stands, for the order to follow."""

    shipments: int
    all_delivered: bool  # every line's whole quantity is in delivered shipments
    all_accepted_ok: bool  # every shipment accepted without a claim (and there is one)


def order_shipping_state(*, order_id: int) -> ShippingState:
    lines = dict(OrderLine.objects.filter(order_id=order_id).values_list("pk", "quantity"))
    delivered = shipped_quantities(order_id=order_id, status=ShipmentStatus.DELIVERED)
    shipments = list(
        Shipment.objects.filter(order_id=order_id).select_related("acceptance").order_by("pk")
    )
    all_delivered = bool(lines) and all(delivered.get(pk, 0) >= qty for pk, qty in lines.items())
    accepted_ok = bool(shipments)
    for shipment in shipments:
        acceptance = acceptance_of(shipment)
        if acceptance is None or acceptance.has_claim:
            accepted_ok = False
            break
    return ShippingState(
        shipments=len(shipments), all_delivered=all_delivered, all_accepted_ok=accepted_ok
    )


# --- Carriers -------------------------------------------------------------------------------


def carriers_for_order(*, order: Order) -> QuerySet[Carrier]:
    """The active carriers the order's supplier may ship with."""
    return (
        Carrier.objects.filter(supplier_carrier_scope(supplier_id=order.supplier_id))
        .filter(is_active=True)
        .order_by("name", "pk")
    )


def carrier_key_list(*, carrier: Carrier) -> QuerySet[CarrierApiKey]:
    return CarrierApiKey.objects.filter(carrier=carrier).order_by("-created_at", "-pk")


# --- The public tracking page ----------------------------------------------------------------


def shipment_by_token(*, token: str) -> Shipment | None:
    """The shipment whose tracking token is ``token``, or None (for any other string too)."""
    if not isinstance(token, str) or not TOKEN_RE.match(token):
        return None
    return Shipment.objects.select_related("carrier").filter(tracking_token=token).first()


def public_events(*, shipment: Shipment) -> list[dict]:
    """The shipment's events as the public page shows them: status, time, place, and the note
    only when it is not marked internal. Never who entered it."""
    return [
        {
            "status": event.status,
            "status_label": ShipmentStatus(event.status).label,
            "occurred_at": event.occurred_at,
            "location": event.location,
            "note": "" if event.internal else event.note,
        }
        for event in shipment.events.order_by("occurred_at", "pk")
    ]
