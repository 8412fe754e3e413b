"""``{% standing_badge buyer_id supplier_id %}``: the supplier's standing with the buyer as a
small badge (nothing when it has none). For pages the buyer's people read."""

from __future__ import annotations

from django import template

from ..selectors import admission_standing, standing_text

register = template.Library()


@register.inclusion_tag("standings/_badge.html")
def standing_badge(buyer_id, supplier_id) -> dict:
    standing = None
    if buyer_id and supplier_id:
        standing = admission_standing(buyer_id=int(buyer_id), supplier_id=int(supplier_id))
    return {"standing": standing, "text": standing_text(standing) if standing else ""}
