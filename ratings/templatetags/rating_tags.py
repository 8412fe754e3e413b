"""Ratings shown on other domains' pages, each a one-line include:

* ``{% account_standing buyer_id supplier_id %}``: a CRM account's supplier standing, as its
  buyer's people may see it (their own standing with it; else its platform-wide standing when
  it applied to their tenders or supplied them);
* ``{% order_review order user %}``: the order's review link (write, change, or read)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from marketplace.standings.models import SupplierStanding
from marketplace.standings.selectors import standing_text

from .. import facts, selectors, services
from ..models import Review

register = template.Library()


@register.inclusion_tag("frontend/ratings/_badge.html")
def account_standing(buyer_id, supplier_id) -> dict:
    standing = None
    if buyer_id and supplier_id and buyer_id != supplier_id:
        rows = {
            row.buyer_id: row
            for row in SupplierStanding.objects.filter(supplier_id=supplier_id, buyer_id=buyer_id)
            | SupplierStanding.objects.filter(supplier_id=supplier_id, buyer__isnull=True)
        }
        standing = rows.get(buyer_id)
        if (
            standing is None
            and None in rows
            and facts.buyer_knows_supplier(buyer_ids={buyer_id}, supplier_id=supplier_id)
        ):
            standing = rows[None]
    return {"standing": standing, "text": standing_text(standing) if standing else ""}


@register.inclusion_tag("frontend/ratings/_order_review_link.html")
def order_review(order, user) -> dict:
    review = Review.objects.filter(order_id=order.pk).first()
    may = selectors.may_review(user=user, order=order)
    action = ""
    if review is not None:
        editable = may and services.review_editable_until(review) >= timezone.now()
        action = "edit" if editable else "read"
    elif may and selectors.review_open(order=order):
        action = "write"
    return {"order": order, "review": review, "action": action}
