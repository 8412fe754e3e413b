"""What the orders do when other domains tell them something happened: an award's deal becomes
an order (``orders.order_from_deal``; delivered twice, it is made once)."""

from __future__ import annotations

from marketplace.events.registry import listener

from .orders import order_from_deal


@listener("deal.created", name="deals.order_from_deal")
def deal_created(event) -> None:
    order_from_deal(deal_id=event.payload["deal"])
