"""Reading orders: a member of the buyer's or the supplier's company reads an order, its lines,
history and documents; to anyone else it does not exist (404)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError

from .models import Order, OrderDocument, OrderHistory


def orders_visible(*, user) -> QuerySet[Order]:
    companies = user_company_ids(user=user)
    return Order.objects.filter(Q(buyer_id__in=companies) | Q(supplier_id__in=companies))


def order_list(*, user, side: str = "", status: str = "", q: str = "") -> QuerySet[Order]:
    """The orders of the user's companies, newest first: ``side`` ``buyer`` keeps those they
    buy, ``supplier`` those they supply."""
    companies = user_company_ids(user=user)
    if side == "buyer":
        orders = Order.objects.filter(buyer_id__in=companies)
    elif side == "supplier":
        orders = Order.objects.filter(supplier_id__in=companies)
    else:
        orders = orders_visible(user=user)
    if status:
        orders = orders.filter(status=status)
    text = (q or "").strip()
    if text:
        orders = orders.filter(Q(number__icontains=text) | Q(title__icontains=text))
    return orders.select_related("buyer", "supplier").order_by("-created_at", "-pk")


def order_get(*, user, order_id: int) -> Order:
    order = (
        orders_visible(user=user)
        .select_related("buyer", "supplier", "deal__lot__tender", "contract_accepted_by")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFoundError(_("No such order."), code="order_not_found")
    return order


def order_history(*, order: Order) -> QuerySet[OrderHistory]:
    return order.history.select_related("actor", "document").order_by("at", "pk")


def order_documents(*, order: Order) -> QuerySet[OrderDocument]:
    return order.documents.order_by("kind", "-version")


def order_document_get(*, user, order_id: int, document_id: int) -> OrderDocument:
    order = order_get(user=user, order_id=order_id)
    document = order.documents.filter(pk=document_id).first()
    if document is None:
        raise NotFoundError(_("No such document."), code="document_not_found")
    return document
