"""The index follows the tenders through the domain events (after commit, in Celery): a
published, cancelled or invited tender, and each change of a lot's state the search shows
(started, closed, awarded), is indexed again."""

from __future__ import annotations

from marketplace.events.registry import listener

from . import services


@listener(
    "tender.published",
    "tender.cancelled",
    "tender.invited",
    "lot.started",
    "lot.closed",
    "lot.awarded",
    name="search.tender_reindex",
)
def tender_changed(event) -> None:
    services.tender_reindex(tender_id=event.payload["tender"])
