"""A supplier's delivery cost to a lot ranked by landed cost, quoted from its chosen warehouse.

The supplier names one of its company's warehouses; the quote (``quotes.shipping_quote``) prices
the lot's quantity x unit weight from there to the lot's delivery place with the rate cards the
supplier may use in the tender's currency (its own carriers' and its platforms' partners'), on
the delivery date; the cheapest option's cost becomes the application's delivery cost
(``auctions.tenders.delivery``), fixed when the buyer admits it. The auction app only ever sees
the cost and what it was made of.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from auctions.models import Application
from auctions.tenders.delivery import application_delivery_set, delivery_quote_refusal
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ConflictError, NotFoundError

from .models import Place, PlaceKind
from .quotes import Quote, shipping_quote


def _application_for_supplier(*, user, application_id: int) -> Application:
    application = (
        Application.objects.select_related("lot__tender", "supplier")
        .filter(pk=application_id, supplier_id__in=user_company_ids(user=user))
        .first()
    )
    if application is None:
        raise NotFoundError(_("No such application."), code="application_not_found")
    return application


def delivery_quote_for_application(
    *, user, application_id: int, warehouse_id: int
) -> tuple[Application, Quote]:
    """Quote the delivery of ``application``'s lot from the supplier's warehouse and record the
    cheapest option's cost on the application (while it waits for the buyer's decision)."""
    application = _application_for_supplier(user=user, application_id=application_id)
    lot = application.lot
    refusal = delivery_quote_refusal(lot)
    if refusal is not None:
        raise refusal
    warehouse = Place.objects.filter(
        pk=warehouse_id, owner_id=application.supplier_id, kind=PlaceKind.WAREHOUSE
    ).first()
    if warehouse is None:
        raise NotFoundError(_("No such warehouse of your company."), code="warehouse_not_found")
    currency = lot.tender.currency
    quote = shipping_quote(
        user=user,
        quantity=lot.quantity,
        unit_weight_kg=lot.unit_weight_kg or Decimal(0),
        from_place_id=warehouse.pk,
        to_latitude=lot.delivery_latitude,
        to_longitude=lot.delivery_longitude,
        required_by=lot.delivery_date,
        company_id=application.supplier_id,
        platform_id=lot.tender.platform_id,
        currency=currency,
    )
    best = quote.cheapest
    if best is None:
        raise ConflictError(
            _(
                "No rate card you may use prices this delivery in %(currency)s (%(km)s km, "
                "%(kg)s kg). Add a rate card of your own carrier, or choose another warehouse."
            )
            % {"currency": currency, "km": quote.distance.km, "kg": quote.weight_kg},
            code="no_rate_card",
        )
    basis = {
        "from": ", ".join(p for p in (warehouse.name, warehouse.city) if p),
        "place": lot.delivery_place,
        "carrier": best.terms.carrier_name,
        "distance_km": str(quote.distance.km),
        "transit_days": best.transit_days,
    }
    application = application_delivery_set(
        actor=user, application_id=application.pk, cost=best.cost, basis=basis
    )
    return application, quote
