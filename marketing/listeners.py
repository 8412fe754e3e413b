"""Marketing's listeners: a supplier's steps on a tender (applied, bid, won) credited to the
campaigns that reached it shortly before (``attribution``)."""

from __future__ import annotations

from marketplace.events.registry import listener

from .attribution import attribute_event


@listener("application.submitted", "lot.closed", "lot.awarded")
def campaign_attribution(event) -> None:
    attribute_event(event)
