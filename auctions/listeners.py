"""What the auction app does when other domains' events arrive (``marketplace.events``)."""

from __future__ import annotations

from marketplace.events.registry import listener

from .models import Application, SecurityStatus
from .realtime.broadcast import company_access_changed_now
from .tenders import versions

# What a bid security's status becomes on the application (the deals app's statuses).
SECURITY_STATUSES = {
    "provided": SecurityStatus.PROVIDED,
    "rejected": SecurityStatus.AWAITING,  # a guarantee the buyer refused: another is awaited
    "released": SecurityStatus.RELEASED,
    "forfeited": SecurityStatus.FORFEITED,
}


@listener("company.access_changed", "application.rejected", name="auctions.recheck_sockets")
def recheck_sockets(event) -> None:
    """A company's right to take part may be gone: its open auction sockets re-check their
    access at once and close if it is. Safe to repeat (a re-check changes nothing)."""
    company = event.payload.get("supplier") or event.payload["company"]
    company_access_changed_now(company_id=company)


@listener("bid_security.changed", name="auctions.application_security")
def application_security(event) -> None:
    """The application's bid security as the deals app holds it: admission waits for
    "provided" (``tenders.applications.application_admit``). Setting it twice is the same."""
    status = SECURITY_STATUSES.get(event.payload["status"])
    if status is not None:
        Application.objects.filter(pk=event.payload["application"]).update(security_status=status)


@listener("tender.published", name="auctions.tender_machine_versions")
def tender_machine_versions(event) -> None:
    """A published tender's versions in the languages it has none in, asked of the machine
    translation provider when one is configured (in the background; none by default)."""
    versions.tender_versions_auto(tender_id=event.payload["tender"])
