"""Building blocks of the documents' and analytics' tests: a CRM workspace with a person of
every role and an outsider, its rows, and the auction's rows (tenders, lots, applications,
awards, deals) written directly, as the auction engine leaves them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from rest_framework.test import APIClient

from auctions.models import (
    Application,
    ApplicationStatus,
    Award,
    Deal,
    DealStatus,
    Lot,
    LotStatus,
    Tender,
    TenderStatus,
)
from crm.models import Account, Contact, Opportunity, Pipeline, Stage
from marketplace.companies.models import MembershipRole
from tests.factories import CategoryFactory, CompanyFactory, PlatformFactory, member

MANAGER = MembershipRole.ACCOUNT_MANAGER
ADMIN = MembershipRole.COMPANY_ADMIN
OFFICER = MembershipRole.PROCUREMENT_OFFICER
BIDDER = MembershipRole.BIDDER
_serial = itertools.count(1)


def at(text: str) -> datetime:
    """``"2026-03-10"`` or ``"2026-03-10 15:00"`` as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


class Workspace:
    """A company's CRM: a person of every role (``manager``, ``admin``, ``officer``,
    ``bidder``), an outsider (another company's account manager), a counterparty company with
    its account, a contact, and a sales pipeline with open, won and lost stages."""

    def __init__(self, name: str = "ТОВ «Продавець»"):
        serial = next(_serial)
        self.company = CompanyFactory(
            legal_name=name, tax_id=f"UA1{serial:07d}", address="вул. Хрещатик, 1", city="Київ"
        )
        self.id = self.company.pk
        self.manager = member(self.company, MANAGER, full_name="Олена Коваль")
        self.admin = member(self.company, ADMIN, full_name="Андрій Мельник")
        self.officer = member(self.company, OFFICER, full_name="Officer")
        self.bidder = member(self.company, BIDDER, full_name="Bidder")
        self.outsider_company = CompanyFactory(legal_name="Outsider Ltd")
        self.outsider = member(self.outsider_company, MANAGER)
        self.outsider_admin = member(self.outsider_company, ADMIN)
        self.counterparty = CompanyFactory(legal_name="ТОВ «Покупець»", tax_id=f"UA2{serial:07d}")
        self.account = Account.objects.create(
            workspace=self.company,
            company=self.counterparty,
            name="ТОВ «Покупець» <b>",
            name_key="покупець",
            tax_id=f"UA2{serial:07d}",
            city="Львів",
            owner=self.manager,
            custom={"contract_no": "Д-17"},
        )
        self.contact = Contact.objects.create(
            workspace=self.company,
            account=self.account,
            first_name="Іван",
            last_name="Петренко",
            position="Директор",
            emails=["ivan@example.com"],
            phones=["+380501234567"],
        )
        self.pipeline = Pipeline.objects.create(workspace=self.company, name="Sales")
        self.qualify = Stage.objects.create(
            pipeline=self.pipeline, name="Qualify", position=1, probability=20, kind="open"
        )
        self.proposal = Stage.objects.create(
            pipeline=self.pipeline, name="Proposal", position=2, probability=60, kind="open"
        )
        self.won = Stage.objects.create(
            pipeline=self.pipeline, name="Won", position=3, probability=100, kind="won"
        )
        self.lost = Stage.objects.create(
            pipeline=self.pipeline, name="Lost", position=4, probability=0, kind="lost"
        )

    def opportunity(self, *, account=None, stage=None, **fields) -> Opportunity:
        """An opportunity; ``created_at`` may be given (it is written after the insert)."""
        created_at = fields.pop("created_at", None)
        stage = stage or self.qualify
        fields.setdefault("title", "Diesel supply")
        opportunity = Opportunity.objects.create(
            workspace=self.company,
            account=account or self.account,
            pipeline=stage.pipeline,
            stage=stage,
            **fields,
        )
        if created_at is not None:
            Opportunity.objects.filter(pk=opportunity.pk).update(created_at=created_at)
            opportunity.refresh_from_db()
        return opportunity

    def readers(self):
        return [self.manager, self.admin, self.officer, self.bidder]


# --- The auction's rows ------------------------------------------------------------------------


def tender_for(buyer, *, category=None, currency: str = "UAH", auction_start=None) -> Tender:
    platform = PlatformFactory(slug="crm-analytics", name="Analytics platform")
    start = auction_start or at("2026-03-10 10:00")
    return Tender.objects.create(
        platform=platform,
        buyer=buyer,
        created_by=member(buyer, OFFICER),
        title="Пальне на зиму",
        category=category or CategoryFactory(),
        currency=currency,
        questions_deadline=start - timedelta(days=3),
        applications_deadline=start - timedelta(days=2),
        auction_start=start,
        status=TenderStatus.PUBLISHED,
    )


def lot_for(tender: Tender, *, start_price: str, title: str = "Дизельне пальне EN 590") -> Lot:
    return Lot.objects.create(
        tender=tender,
        number=tender.lots.count() + 1,
        title=title,
        quantity=Decimal("100"),
        unit="т",
        start_price=Decimal(start_price),
        delivery_place="Київ",
        incoterms="DAP",
        status=LotStatus.PUBLISHED,
    )


def apply(lot: Lot, supplier, *, status: str = ApplicationStatus.ADMITTED) -> Application:
    return Application.objects.create(
        lot=lot,
        supplier=supplier,
        submitted_by=member(supplier, BIDDER),
        status=status,
        terms_accepted_at=at("2026-03-01"),
    )


def award(
    lot: Lot,
    application: Application,
    *,
    amount: str,
    awarded_at: datetime | None = None,
    deal_status: str = DealStatus.AWARDED,
) -> Deal:
    """Award the lot to the application at ``amount`` (the lot's total), with its deal."""
    when = awarded_at or at("2026-03-10 12:00")
    made = Award.objects.create(
        lot=lot,
        application=application,
        amount=Decimal(amount),
        awarded_by=lot.tender.created_by,
        awarded_at=when,
    )
    Lot.objects.filter(pk=lot.pk).update(status=LotStatus.AWARDED, closed_at=when)
    return Deal.objects.create(
        award=made,
        lot=lot,
        buyer=lot.tender.buyer,
        supplier=application.supplier,
        price=Decimal(amount),
        currency=lot.tender.currency,
        quantity=lot.quantity,
        unit=lot.unit,
        terms={
            "delivery_place": lot.delivery_place,
            "delivery_date": "2026-04-15",
            "incoterms": lot.incoterms,
            "tender": lot.tender_id,
            "lot_number": lot.number,
        },
        status=deal_status,
    )
