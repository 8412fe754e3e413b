"""Building blocks for the approval chains' tests: the tender world of the auction tests (a
platform, a verified buyer with its officer ``officer``, admin ``buyer_admin`` and a bidder-only
member; categories ``root`` "Fuels" > ``category`` "Diesel", ``elsewhere`` "Furniture"), two
more people of the buyer who approve (``first``, ``second``), a rival buyer with its own
officer and admin, and what the approval tables hold (to assert that a refusal wrote nothing)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from rest_framework.test import APIClient

from auctions.approval_models import (
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRule,
    TenderHistoryEntry,
)
from auctions.models import Tender
from auctions.tenders import approval_rules, approvals
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from tests.auctions.factories import World
from tests.factories import CompanyFactory, PlatformMembershipFactory, member

OFFICER = MembershipRole.PROCUREMENT_OFFICER
ADMIN = MembershipRole.COMPANY_ADMIN
BIDDER = MembershipRole.BIDDER
MANAGER = MembershipRole.ACCOUNT_MANAGER


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


class Approvals(World):
    def __init__(self):
        super().__init__()
        self.first = member(self.buyer, MANAGER, full_name="Anna First")
        self.second = member(self.buyer, OFFICER, full_name="Boris Second")
        self.rival = CompanyFactory(legal_name="Rival Buyer Ltd", is_buyer=True, is_supplier=False)
        PlatformMembershipFactory(platform=self.platform, company=self.rival)
        self.rival_officer = member(self.rival, OFFICER)
        self.rival_admin = member(self.rival, ADMIN)

    def rule(
        self,
        *,
        name: str = "Big tenders",
        approvers=None,
        mode: str = "in_order",
        thresholds: dict | None = None,
        categories=(),
        buyer=None,
        actor=None,
    ) -> ApprovalRule:
        buyer = buyer or self.buyer
        actor = actor or (self.buyer_admin if buyer == self.buyer else self.rival_admin)
        if thresholds is None and not categories:
            thresholds = {"UAH": Decimal("150000.00")}
        return approval_rules.rule_create(
            actor=actor,
            buyer_id=buyer.pk,
            name=name,
            mode=mode,
            thresholds=thresholds or {},
            category_ids=[c.pk for c in categories],
            approver_ids=[u.pk for u in (approvers or [self.first, self.second])],
        )

    def big(self, *, lots: int = 2, **overrides) -> Tender:
        """A draft in UAH of ``lots`` lots at 100 000.00 each (above the default threshold)."""
        overrides.setdefault("currency", "UAH")
        return self.draft(lots=lots, **overrides)

    def ask(self, tender: Tender, *, note: str = ""):
        return approvals.approval_request(actor=self.officer, tender=tender, note=note)

    def decide(self, request, user, decision: str = "approve", comment: str = ""):
        return approvals.approval_decide(
            actor=user, request_id=request.pk, decision=decision, comment=comment
        )


def snapshot() -> dict:
    """What the approval tables (and the events) hold."""
    return {
        "rules": sorted(ApprovalRule.objects.values_list()),
        "requests": sorted(ApprovalRequest.objects.values_list("pk", "status")),
        "decisions": sorted(ApprovalDecision.objects.values_list("pk", "decision")),
        "history": TenderHistoryEntry.objects.count(),
        "events": Event.objects.count(),
    }
