"""Building blocks for the planning tests: the tender world of the auction tests (a platform, a
verified buyer with its officer, admin and a bidder-only member, suppliers), a rival buyer on the
same platform, a plan with lines, awards of lots with their deals (and orders), and what the
planning tables hold (to assert that a refusal wrote nothing)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from auctions.models import Application, ApplicationStatus, Award, Deal, Lot, LotStatus, Tender
from auctions.tenders import drafting
from deals.models import Order, OrderStatus
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from planning import services
from planning.models import PlanLine, PlanLineTender, ProcurementPlan
from tests.auctions.factories import World, lot_data
from tests.factories import CompanyFactory, PlatformMembershipFactory, member

OFFICER = MembershipRole.PROCUREMENT_OFFICER
ADMIN = MembershipRole.COMPANY_ADMIN
BIDDER = MembershipRole.BIDDER
YEAR = 2026


def api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


class Plans(World):
    """The tender world (buyer ``buyer`` with ``officer``, ``buyer_admin``, ``buyer_bidder``;
    category ``category`` "Diesel" under ``root`` "Fuels"; ``elsewhere`` "Furniture"), plus a
    rival buyer (``rival``, officer ``rival_officer``) on the same platform."""

    def __init__(self):
        super().__init__()
        self.rival = CompanyFactory(legal_name="Rival Buyer Ltd", is_buyer=True, is_supplier=False)
        PlatformMembershipFactory(platform=self.platform, company=self.rival)
        self.rival_officer = member(self.rival, OFFICER)

    def plan(self, *, buyer=None, actor=None, year: int = YEAR, title: str = "Plan 2026", **kw):
        buyer = buyer or self.buyer
        actor = actor or (self.officer if buyer == self.buyer else self.rival_officer)
        return services.plan_create(actor=actor, buyer_id=buyer.pk, year=year, title=title, **kw)

    def line(self, plan: ProcurementPlan, *, category=None, actor=None, **overrides) -> PlanLine:
        values = {
            "category_id": (category or self.root).pk,
            "quarter": 1,
            "description": "Diesel for the spring works",
            "budget": Decimal("500000.00"),
        }
        values.update(overrides)
        actor = actor or (self.officer if plan.buyer_id == self.buyer.pk else self.rival_officer)
        return services.line_create(actor=actor, plan_id=plan.pk, **values)

    def tender(self, *, buyer=None, lots: int = 1, **overrides) -> Tender:
        if buyer is not None and buyer != self.buyer:
            overrides.setdefault("buyer", buyer)
            return self._rival_tender(lots=lots, **overrides)
        return self.draft(lots=lots, **overrides)

    def _rival_tender(self, *, lots: int, **overrides) -> Tender:
        kwargs = self.tender_kwargs(**overrides)
        kwargs["lots"] = [lot_data(title=f"Lot {i + 1}") for i in range(lots)]
        return drafting.tender_create(actor=self.rival_officer, **kwargs)

    def award(
        self,
        lot: Lot,
        amount: str,
        *,
        start: str | None = None,
        deal_status: str = "awarded",
        order_status: str | None = None,
    ) -> Award:
        """Award ``lot`` to the supplier at ``amount`` (the lot's total), with its deal and,
        when ``order_status`` is given, its order."""
        if start is not None:
            Lot.objects.filter(pk=lot.pk).update(start_price=Decimal(start))
            lot.refresh_from_db()
        now = timezone.now()
        application = Application.objects.create(
            lot=lot,
            supplier=self.supplier,
            submitted_by=self.supplier_admin,
            status=ApplicationStatus.ADMITTED,
            terms_accepted_at=now,
        )
        made = Award.objects.create(
            lot=lot,
            application=application,
            amount=Decimal(amount),
            awarded_by=lot.tender.created_by,
            awarded_at=now,
        )
        Lot.objects.filter(pk=lot.pk).update(status=LotStatus.AWARDED, closed_at=now)
        deal = Deal.objects.create(
            award=made,
            lot=lot,
            buyer=lot.tender.buyer,
            supplier=self.supplier,
            price=Decimal(amount),
            currency=lot.tender.currency,
            quantity=lot.quantity,
            unit=lot.unit,
            status=deal_status,
        )
        if order_status is not None:
            sequence = Order.objects.filter(buyer=lot.tender.buyer).count() + 1
            Order.objects.create(
                deal=deal,
                buyer=lot.tender.buyer,
                supplier=self.supplier,
                number=f"T-{sequence}",
                year=YEAR,
                sequence=sequence,
                status=order_status,
                total=Decimal(amount),
                currency=lot.tender.currency,
                title=lot.title,
            )
        return made


ORDER_CANCELLED = OrderStatus.CANCELLED


def snapshot() -> dict:
    """What the planning tables (and the events) hold."""
    return {
        "plans": sorted(ProcurementPlan.objects.values_list()),
        "lines": sorted(PlanLine.objects.values_list()),
        "links": sorted(PlanLineTender.objects.values_list()),
        "events": Event.objects.count(),
    }
