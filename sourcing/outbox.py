"""Sourcing's domain events (``marketplace.events``), written in the transaction of each change.
A registered supplier's invitation is told by the auction app (``tender.invited``); a
prospect's by ``sourcing.prospect_invited`` (the CRM makes the buyer's lead of it)."""

from __future__ import annotations

from marketplace.events.services import event_emit

from .models import SupplierInvitation


def prospect_invited(*, invitation: SupplierInvitation, actor) -> None:
    tender = invitation.tender
    event_emit(
        "sourcing.prospect_invited",
        company=tender.buyer_id,
        platform=tender.platform_id,
        actor=actor,
        payload={
            "invitation": invitation.pk,
            "tender": tender.pk,
            "buyer": tender.buyer_id,
            "company_name": invitation.company_name,
            "person_name": invitation.person_name,
            "email": invitation.email,
            "country": invitation.country,
            "identifier": invitation.identifier,
        },
    )
