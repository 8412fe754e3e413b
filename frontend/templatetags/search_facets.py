"""``{% facet_url facet bucket %}``: the current search with a facet's value chosen, or unchosen
when it was (page reset); the price ranges set ``price_min`` and ``price_max``."""

from __future__ import annotations

from django import template

from search.backends.database_facets import PRICE_EDGES

register = template.Library()


@register.simple_tag(takes_context=True)
def facet_url(context, facet, bucket) -> str:
    query = context["request"].GET.copy()
    query.pop("page", None)
    if facet.name == "price":
        index = int(bucket.value)
        low = PRICE_EDGES[index - 1] if index > 0 else None
        high = PRICE_EDGES[index] if index < len(PRICE_EDGES) else None
        chosen = query.get("price_min") == (str(low) if low else "") and query.get("price_max") == (
            str(high) if high else ""
        )
        for name, value in (("price_min", low), ("price_max", high)):
            query.pop(name, None)
            if value is not None and not chosen:
                query[name] = str(value)
        return "?" + query.urlencode()
    if facet.name == "deadline":
        if query.get("deadline") == bucket.value:
            query.pop("deadline")
        else:
            query["deadline"] = bucket.value
        return "?" + query.urlencode()
    values = [v for raw in query.getlist(facet.name) for v in raw.split(",") if v]
    if bucket.value in values:
        values.remove(bucket.value)
    elif facet.name == "category":
        values = [bucket.value]  # one branch of the tree at a time
    else:
        values.append(bucket.value)
    query.setlist(facet.name, values)
    return "?" + query.urlencode()
