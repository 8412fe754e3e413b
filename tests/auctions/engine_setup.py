"""Building blocks for the engine tests: a buyer's tender with one lot and admitted suppliers."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from auctions.lifecycle import lot_start
from auctions.models import Application, ApplicationStatus, Lot, LotStatus, Tender, TenderStatus
from marketplace.companies.models import MembershipRole
from tests.factories import CategoryFactory, CompanyFactory, PlatformFactory, member


def running_tender(*, platform, buyer, officer, title: str, ago: timedelta = timedelta(0)):
    """A published tender whose applications closed and whose auctions began ``ago`` before
    now (its lots are the caller's)."""
    now = timezone.now() - ago
    return Tender.objects.create(
        platform=platform,
        buyer=buyer,
        created_by=officer,
        title=title,
        category=CategoryFactory(),
        currency="UAH",
        questions_deadline=now - timedelta(days=3),
        applications_deadline=now - timedelta(days=2),
        auction_start=now - timedelta(minutes=1),
        status=TenderStatus.PUBLISHED,
    )


class Auction:
    """A tender with one lot, its buyer's officer, and ``suppliers`` admitted bidders."""

    def __init__(
        self,
        *,
        suppliers: int = 3,
        start_price: str = "100000.00",
        deliveries: list[Decimal] | None = None,
        **lot_rules,
    ):
        """``deliveries``: each supplier's delivery cost, making the lot one ranked by landed
        cost (FCA, with a delivery place and a unit weight)."""
        now = timezone.now()
        self.platform = PlatformFactory()
        self.buyer = CompanyFactory(legal_name="Buyer Canary Ltd", is_supplier=False)
        self.officer = member(self.buyer, MembershipRole.PROCUREMENT_OFFICER)
        self.tender = running_tender(
            platform=self.platform, buyer=self.buyer, officer=self.officer, title="Diesel fuel"
        )
        defaults = {
            "step_kind": "amount",
            "step_value": Decimal("1000"),
            "duration_seconds": 1800,
            "soft_close_window_seconds": 180,
            "soft_close_extension_seconds": 180,
        }
        if deliveries is not None:
            defaults.update(
                landed_cost=True,
                incoterms="FCA",
                delivery_latitude=Decimal("49.839683"),
                delivery_longitude=Decimal("24.029717"),
                unit_weight_kg=Decimal("1000"),
            )
        defaults.update(lot_rules)
        self.lot = Lot.objects.create(
            tender=self.tender,
            number=1,
            title="Diesel fuel EN 590",
            quantity=Decimal("100"),
            unit="t",
            start_price=Decimal(start_price),
            status=LotStatus.AUCTION_SCHEDULED,
            starts_at=now - timedelta(seconds=1),
            **defaults,
        )
        self.companies = []
        self.bidders = []
        self.applications = []
        for i in range(suppliers):
            company = CompanyFactory(legal_name=f"Canary Supplier {i + 1}", is_buyer=False)
            self.companies.append(company)
            self.bidders.append(member(company, MembershipRole.BIDDER))
            self.applications.append(
                Application.objects.create(
                    lot=self.lot,
                    supplier=company,
                    submitted_by=self.bidders[-1],
                    status=ApplicationStatus.ADMITTED,
                    terms_accepted_at=now,
                    label=i + 1,
                    delivery_cost=None if deliveries is None else deliveries[i],
                )
            )

    def start(self, now=None):
        lot_start(lot_id=self.lot.pk, now=now)
        self.refresh()
        return self

    def refresh(self):
        self.lot.refresh_from_db()
        for app in self.applications:
            app.refresh_from_db()
        return self


def assert_each_bid_beats_the_last(bids, step: Decimal):
    """The lot's bids in the order recorded (``placed_at``, id) break no step rule; returns the
    last amount (the best), or None."""
    best = None
    for bid in bids:
        if best is not None:
            assert bid.amount <= best - step, (bid.amount, best)
        best = bid.amount
    return best
