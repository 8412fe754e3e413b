"""The ratings' listeners: a pair's scorecards and standings are recomputed when one of its
facts changes (``services.pair_recompute``, idempotent: an event delivered twice recomputes
the same rows):

* ``lot.closed``, ``lot.awarded``: every admitted supplier of the lot (bid or never bid, price
  gap, win rate);
* ``order.status_changed``: the order's pair (time to accept, declined);
* ``delivery.accepted``: the pair (on time, claims);
* ``review.submitted``: the pair (reviews)."""

from __future__ import annotations

from marketplace.events import catalogue
from marketplace.events.registry import listener

from . import facts, services

WATCHED = ("lot.closed", "lot.awarded", "order.status_changed", "review.submitted")
# Emitted by the shipments' services (logistics); listened to once it is catalogued.
DELIVERY = "delivery.accepted"


@listener(*WATCHED, *([DELIVERY] if DELIVERY in catalogue.TYPES else []), name="ratings.recompute")
def recompute(event) -> None:
    payload = event.payload
    if event.type in ("lot.closed", "lot.awarded"):
        pairs = facts.lot_pairs(lot_id=payload["lot"])
    else:
        pairs = {(payload["buyer"], payload["supplier"])}
    for buyer_id, supplier_id in sorted(pairs):
        services.pair_recompute(buyer_id=buyer_id, supplier_id=supplier_id)
