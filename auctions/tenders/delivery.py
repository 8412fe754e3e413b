"""A lot ranked by landed cost: each supplier's delivery cost to the lot's delivery place.

The supplier chooses the warehouse it ships from; the logistics app quotes the delivery from it
to the lot's delivery place and records the cost here, with what the quote was made of
(``delivery_basis``: the warehouse, carrier, distance and transit days), while the application
waits for the buyer. The buyer admits only an application with its delivery cost; from then on
the cost is fixed (``applications.application_admit`` puts it in the lot's hash chain) and every
bid of that supplier ranks as its price plus it (``rules.weighted``).

The auction app knows nothing of warehouses or rate cards: it takes the cost and the basis.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.core.times import iso_utc

from .. import rules
from ..lock_objects import application_lock, lot_lock
from ..models import Application, ApplicationStatus, Lot, LotStatus
from ._common import current_time, supplier_gate

BASIS_KEYS = ("from", "place", "carrier", "distance_km", "transit_days", "quoted_at")


def delivery_quote_refusal(lot: Lot) -> ApplicationError | None:
    """Why a delivery cannot be quoted for ``lot`` (None: it can)."""
    if not lot.landed_cost:
        return ConflictError(
            _("This lot is ranked by price alone: it takes no delivery cost."),
            code="not_landed_cost",
        )
    if lot.delivery_latitude is None or lot.delivery_longitude is None:
        return ConflictError(
            _("The buyer has not given this lot's delivery place on the map yet."),
            code="delivery_place_missing",
        )
    return None


def application_delivery_set(
    *,
    actor,
    application_id: int,
    cost: Decimal,
    basis: dict,
    now: datetime | None = None,
) -> Application:
    """Record the supplier's delivery cost (in the tender's currency) to a lot ranked by landed
    cost while its application waits for the buyer's decision."""
    now = current_time(now)
    if not isinstance(cost, Decimal) or cost < 0 or not cost.is_finite():
        message = _("The delivery cost must be an amount of zero or more.")
        raise ApplicationError(message, code="invalid", fields={"cost": [message]})
    lot_id = Application.objects.filter(pk=application_id).values_list("lot_id", flat=True).first()
    if lot_id is None:
        raise NotFoundError(_("No such application."), code="application_not_found")
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)  # the lot's row first, as every writer of the lot
        application = application_lock(application_id=application_id)
        supplier_gate(actor=actor, tender=lot.tender, supplier=application.supplier)
        refusal = delivery_quote_refusal(lot)
        if refusal is not None:
            raise refusal
        if application.status != ApplicationStatus.SUBMITTED or lot.status not in (
            LotStatus.PUBLISHED,
            LotStatus.APPLICATIONS_CLOSED,
        ):
            raise ConflictError(
                _(
                    "The delivery cost is fixed when the buyer admits the application; it can "
                    "be changed only while the application waits for the decision."
                ),
                code="delivery_fixed",
            )
        application.delivery_cost = rules.money(cost)
        application.delivery_basis = {
            **{k: basis[k] for k in BASIS_KEYS if k in basis},
            "quoted_at": basis.get("quoted_at") or iso_utc(now),
        }
        application.save(update_fields=["delivery_cost", "delivery_basis"])
    return application


def admission_delivery_refusal(lot: Lot, application: Application) -> ConflictError | None:
    """Why ``application`` cannot be admitted to ``lot`` for want of its delivery cost."""
    if lot.landed_cost and application.delivery_cost is None:
        return ConflictError(
            _(
                "This lot is ranked by landed cost: the supplier must first choose the "
                "warehouse it ships from, which gives its delivery cost."
            ),
            code="delivery_not_quoted",
        )
    return None
