"""The leads of attracting suppliers: a company a buyer invites to one of its tenders before it
is registered (``sourcing.prospect_invited``) becomes a lead in the buyer's CRM, with the
company's name, the person and the e-mail the buyer gave, on the buyer's account of that company
when its CRM already has one with the same identifier. One lead per invitation (a redelivered
event adds nothing).

A registered supplier invited to a tender is not a lead here: the invitation's own event
(``tender.invited``) already makes the lead, in the invited supplier's CRM
(``pipeline_listeners.invitation_lead``)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from auctions.models import Tender
from marketplace.events.registry import listener

from .models import Account, LeadSource
from .pipeline_leads import lead_add_for_event
from .pipeline_listeners import _site_language
from .pipelines import workspace_lock


def _account(*, workspace_id: int, country: str, identifier: str) -> Account | None:
    return (
        Account.objects.filter(workspace_id=workspace_id, country=country)
        .filter(Q(registration_number=identifier) | Q(tax_id=identifier))
        .order_by("pk")
        .first()
    )


@listener("sourcing.prospect_invited", name="crm.prospect_leads")
@_site_language
def prospect_lead(event) -> None:
    payload = event.payload
    tender = Tender.objects.filter(pk=payload["tender"]).first()
    if tender is None:
        return
    workspace_id = payload["buyer"]
    workspace_lock(workspace_id)
    identifier = f"{payload['country']} {payload['identifier']}"
    lead_add_for_event(
        workspace_id=workspace_id,
        source=LeadSource.INVITATION,
        title=_("Invited to tender: %(title)s") % {"title": tender.title},
        event=event,
        company_name=payload["company_name"] or identifier,
        person_name=payload["person_name"],
        email=payload["email"],
        notes=_("Invited by e-mail to the tender “%(title)s”; tax identifier: %(identifier)s.")
        % {"title": tender.title, "identifier": identifier},
        account=_account(
            workspace_id=workspace_id,
            country=payload["country"],
            identifier=payload["identifier"],
        ),
    )
