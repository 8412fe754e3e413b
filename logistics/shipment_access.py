"""Who may see and do what with an order's shipments.

| who                                              | reads | makes, updates, adds events | accepts |
|--------------------------------------------------|-------|-----------------------------|---------|
| the supplier's company admins and bidders        | yes   | yes                         | no      |
| the buyer's company admins and procurement       | yes   | no (403)                    | yes     |
| officers                                         |       |                             |         |
| any other member of the buyer or the supplier    | yes   | no (403)                    | no (403)|
| anyone else                                      | no: the order's shipments do not exist (404)  |
| a carrier's API key                              | pushes status events of the shipments     |
|                                                  | whose carrier is its carrier, nothing else|

The roles are the orders' (``deals.models.BUYER_ROLES``, ``SUPPLIER_ROLES``): who moves an order
for a side also ships it, or accepts its delivery. The claim photos are read by the readers of
the order, no one else. The public tracking page needs no one: its token is its key.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from deals.models import BUYER_ROLES, SUPPLIER_ROLES, Order
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import PermissionDeniedError

from .access import trading_platform_ids


def may_ship(*, user, order: Order) -> bool:
    """May ``user`` make and update the order's shipments (the supplier's side)?"""
    return user_has_company_role(user=user, company=order.supplier_id, roles=SUPPLIER_ROLES)


def may_accept(*, user, order: Order) -> bool:
    """May ``user`` accept the order's deliveries (the buyer's side)?"""
    return user_has_company_role(user=user, company=order.buyer_id, roles=BUYER_ROLES)


def ship_check(*, user, order: Order) -> None:
    """403 unless ``user`` ships for the order's supplier (call after the order was read: a
    stranger has had its 404 already)."""
    if not may_ship(user=user, order=order):
        raise PermissionDeniedError(
            _("Only the supplier's company admins and bidders make and update shipments."),
            code="not_supplier",
        )


def accept_check(*, user, order: Order) -> None:
    if not may_accept(user=user, order=order):
        raise PermissionDeniedError(
            _("Only the buyer's company admins and procurement officers accept a delivery."),
            code="not_buyer",
        )


def supplier_carrier_scope(*, supplier_id: int) -> Q:
    """The carriers the supplier may ship with: its own, and the partners of the platforms it
    trades on."""
    return Q(company_id=supplier_id) | Q(
        platform_id__in=trading_platform_ids(company_ids={supplier_id})
    )
