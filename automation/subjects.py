"""What an event is about, for one workspace: the CRM rows its actions act on (a lead, an
opportunity, an account, a contact, their owner) and the facts its conditions test (the payload
and the resolved ``party``, ``account_stage``, ``account_segment``, ``account_owner``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crm.models import Account, Contact, Lead, Opportunity, OpportunityStatus

from .triggers import PARTY_BUYER, PARTY_SUPPLIER, Trigger


@dataclass
class Subject:
    workspace_id: int
    party: str
    account: Account | None = None
    contact: Contact | None = None
    lead: Lead | None = None
    opportunity: Opportunity | None = None

    @property
    def owner(self):
        """Whose the event's rows are: the lead's, the opportunity's, else the account's."""
        for row in (self.lead, self.opportunity, self.account):
            if row is not None and row.owner_id:
                return row.owner
        return None


def _id(payload: dict, key: str) -> int | None:
    value = payload.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _row(model, workspace_id: int, pk: int | None):
    if pk is None:
        return None
    return model.objects.filter(workspace_id=workspace_id, pk=pk).select_related("owner").first()


def subject_resolve(*, trigger: Trigger, event, workspace_id: int, party: str) -> Subject:
    payload = event.payload or {}
    s = Subject(workspace_id=workspace_id, party=party)
    if party in (PARTY_BUYER, PARTY_SUPPLIER):
        # A marketplace event: the workspace's account of the other party, and its opportunity
        # of the lot (a supplier's sale) or the tender (a buyer's purchase).
        if party == PARTY_SUPPLIER:
            other = _id(payload, "buyer") or event.company_id
        else:
            other = _id(payload, "supplier")
        if other and other != workspace_id:
            s.account = (
                Account.objects.filter(workspace_id=workspace_id, company_id=other)
                .select_related("owner")
                .first()
            )
        opportunities = Opportunity.objects.filter(
            workspace_id=workspace_id, status=OpportunityStatus.OPEN
        ).select_related("owner", "account")
        lot, tender = _id(payload, "lot"), _id(payload, "tender")
        if party == PARTY_SUPPLIER and lot:
            s.opportunity = opportunities.filter(lot_id=lot).order_by("pk").first()
        elif party == PARTY_BUYER and tender:
            s.opportunity = opportunities.filter(tender_id=tender).order_by("pk").first()
        if s.opportunity is not None and s.account is None:
            s.account = s.opportunity.account
        return s
    rows = trigger.rows
    if "lead" in rows:
        s.lead = _row(Lead, workspace_id, _id(payload, rows["lead"]))
    if "opportunity" in rows:
        s.opportunity = _row(Opportunity, workspace_id, _id(payload, rows["opportunity"]))
    if "account" in rows:
        s.account = _row(Account, workspace_id, _id(payload, rows["account"]))
    if "contact" in rows:
        s.contact = _row(Contact, workspace_id, _id(payload, rows["contact"]))
    if s.account is None:
        for row in (s.lead, s.opportunity, s.contact):
            if row is not None and row.account_id:
                s.account = row.account
                break
    return s


def facts_of(*, payload: dict, subject: Subject) -> dict[str, Any]:
    account = subject.account
    return {
        **payload,
        "party": subject.party,
        "account_stage": account.stage if account else None,
        "account_segment": account.segment if account else None,
        "account_owner": account.owner_id if account else None,
    }
