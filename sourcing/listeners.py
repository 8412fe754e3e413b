"""Sourcing's listeners of the domain events: they move the funnel (``funnel``; see its
docstring for which event moves which stage) and invite verified prospects. Each is idempotent:
the funnel's writes are conditional, the automatic invitation is made once."""

from __future__ import annotations

from marketplace.events.registry import listener
from marketplace.platforms.models import ParticipationStatus

from . import funnel


@listener("company.registered", name="sourcing.company_registered")
def company_registered(event) -> None:
    funnel.company_registered(company_id=event.payload["company"], at=event.occurred_at)


@listener("company.verified", name="sourcing.company_verified")
def company_verified(event) -> None:
    funnel.company_verified(company_id=event.payload["company"], at=event.occurred_at)


@listener("platform.membership_changed", name="sourcing.membership_changed")
def membership_changed(event) -> None:
    if event.payload["status_after"] == ParticipationStatus.ACCEPTED:
        funnel.membership_accepted(company_id=event.payload["company"])


@listener("tender.invited", name="sourcing.tender_invited")
def tender_invited(event) -> None:
    funnel.tender_invited(invitation_id=event.payload["invitation"], actor_id=event.actor_id)


@listener("application.submitted", name="sourcing.application_submitted")
def application_submitted(event) -> None:
    payload = event.payload
    funnel.applied(
        tender_id=payload["tender"], supplier_id=payload["supplier"], at=event.occurred_at
    )


@listener("tender.uninvited", name="sourcing.tender_uninvited")
def tender_uninvited(event) -> None:
    funnel.tender_uninvited(
        tender_id=event.payload["tender"],
        supplier_id=event.payload["supplier"],
        at=event.occurred_at,
    )


@listener("lot.outbid", name="sourcing.lot_outbid")
def lot_outbid(event) -> None:
    payload = event.payload
    funnel.bids_seen(tender_id=payload["tender"], supplier_id=payload["supplier"])


@listener("lot.closed", "lot.awarded", name="sourcing.lot_bids")
def lot_bids(event) -> None:
    funnel.bids_seen(tender_id=event.payload["tender"], lot_id=event.payload["lot"])
