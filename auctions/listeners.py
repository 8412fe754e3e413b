"""What the auction app does when other domains' events arrive (``marketplace.events``)."""

from __future__ import annotations

from marketplace.events.registry import listener

from .realtime.broadcast import company_access_changed_now


@listener("company.access_changed", "application.rejected", name="auctions.recheck_sockets")
def recheck_sockets(event) -> None:
    """A company's right to take part may be gone: its open auction sockets re-check their
    access at once and close if it is. Safe to repeat (a re-check changes nothing)."""
    company = event.payload.get("supplier") or event.payload["company"]
    company_access_changed_now(company_id=company)
