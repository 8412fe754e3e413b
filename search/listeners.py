"""The index follows the domain events (after commit, in Celery): a published or cancelled
tender, one whose invitations or versions in other languages changed, and each change of a
lot's state the search shows (started, closed, awarded), is indexed again; so is a supplier
(and its catalogue) whose profile, catalogue, verification or platform-wide standing
changed."""

from __future__ import annotations

from marketplace.events.registry import listener

from . import services


@listener(
    "tender.published",
    "tender.cancelled",
    "tender.invited",
    "tender.uninvited",
    "tender.version_changed",
    "lot.started",
    "lot.closed",
    "lot.awarded",
    name="search.tender_reindex",
)
def tender_changed(event) -> None:
    services.tender_reindex(tender_id=event.payload["tender"])


@listener(
    "supplier.changed",
    "company.verified",
    "company.verification_changed",
    name="search.supplier_reindex",
)
def supplier_changed(event) -> None:
    services.supplier_reindex(company_id=event.payload.get("supplier") or event.payload["company"])


@listener("supplier.standing_changed", name="search.supplier_standing_reindex")
def standing_changed(event) -> None:
    if event.payload["buyer"] is None:  # the directory shows the platform-wide band
        services.supplier_reindex(company_id=event.payload["supplier"])
