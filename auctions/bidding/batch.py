"""The shapes a batch of bids reads and writes through, whichever store (``store``) serves it."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import lot_save
from ..models import Application, Bid, Lot


@dataclass
class BatchReads:
    """What a batch reads under the lot's lock before it checks a bid."""

    lot: Lot
    earlier: dict  # (application id, client bid id) -> Bid
    applications: list[Application]
    members: set[tuple[int, int]]  # (user id, company id) holding a bidding role
    bid_ids: list[int]  # from the bids' sequence, for the bids the batch may accept


class ImmediateWrites:
    """Each row written as it is made: the ORM store's way, and any write outside a batch.

    ``events`` is None: ``event_append`` inserts each event at once."""

    deferred = False
    events: list | None = None

    def bid(self, bid: Bid) -> None:
        bid.save(force_insert=True)

    def standing(self, application: Application) -> None:
        Application.objects.filter(pk=application.pk).update(
            current_amount=application.current_amount, current_at=application.current_at
        )

    def flush(self, *, lot: Lot | None = None, lot_fields=()) -> None:
        """Write ``lot``'s ``lot_fields`` (with its event chain); the rest is written."""
        if lot is not None:
            lot_save(lot, lot_fields)
