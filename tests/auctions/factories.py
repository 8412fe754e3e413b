"""Building blocks for the tender lifecycle tests: a platform with a verified buyer, suppliers in
every situation the permission matrix needs, and helpers that drive the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from auctions.models import (
    Application,
    LotCriterion,
    LotEvent,
    Participation,
    Question,
    Tender,
    TenderDocument,
    TenderInvitation,
)
from auctions.models import Lot as LotModel
from auctions.tenders import applications, drafting
from marketplace.companies.models import MembershipRole, VerificationStatus
from suppliers.models import SupplierProfile
from tests.factories import (
    CategoryFactory,
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    UserFactory,
    member,
)

OFFICER = MembershipRole.PROCUREMENT_OFFICER
ADMIN = MembershipRole.COMPANY_ADMIN
BIDDER = MembershipRole.BIDDER
PDF_BYTES = b"%PDF-1.4\n% tender spec\n"


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs)


def future(hours: float = 0, days: float = 0):
    return timezone.now() + timedelta(hours=hours, days=days)


def pdf(name: str = "spec.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def lot_data(**overrides) -> dict:
    data = {
        "title": "Diesel fuel EN 590",
        "quantity": Decimal("100"),
        "unit": "t",
        "start_price": Decimal("100000.00"),
        "reserve_price": Decimal("91234.56"),
        "delivery_place": "Kyiv",
        "incoterms": "DAP",
    }
    data.update(overrides)
    return data


def lot_json(**overrides) -> dict:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in lot_data(**overrides).items()}


class World:
    """A platform; a verified buyer (officer, admin, bidder-only member); suppliers:

    * ``supplier`` (admin ``supplier_admin``, bidder ``supplier_bidder``): verified participant
      whose profile covers the tender's category (through its parent);
    * ``other_supplier`` (``other_admin``): the same, a competitor for the canary test;
    * ``unverified`` (``unverified_admin``): participant, not verified;
    * ``outsider`` (``outsider_admin``): verified, not a participant of the platform;
    * ``uncovered`` (``uncovered_admin``): verified participant, profile in another category;
    * ``platform_admin`` and ``staff``.
    """

    def __init__(self):
        self.platform = PlatformFactory(slug="tenders", name="Tenders platform")
        self.root = CategoryFactory(code="TR000000", name_en="Fuels")
        self.category = CategoryFactory(code="TR100000", name_en="Diesel", parent=self.root)
        self.elsewhere = CategoryFactory(code="TX000000", name_en="Furniture")

        self.buyer = self._company("Buyer Canary Ltd", buyer=True)
        self.officer = member(self.buyer, OFFICER)
        self.buyer_admin = member(self.buyer, ADMIN)
        self.buyer_bidder = member(self.buyer, BIDDER)

        self.supplier = self._company("Supplier Alpha Canary", categories=[self.root])
        self.supplier_admin = member(self.supplier, ADMIN)
        self.supplier_bidder = member(self.supplier, BIDDER)
        self.other_supplier = self._company("Supplier Beta Canary", categories=[self.category])
        self.other_admin = member(self.other_supplier, ADMIN)
        self.unverified = self._company(
            "Unverified Gamma", categories=[self.root], status=VerificationStatus.PENDING
        )
        self.unverified_admin = member(self.unverified, ADMIN)
        self.outsider = self._company("Outsider Delta", categories=[self.root], participant=False)
        self.outsider_admin = member(self.outsider, ADMIN)
        self.uncovered = self._company("Uncovered Epsilon", categories=[self.elsewhere])
        self.uncovered_admin = member(self.uncovered, ADMIN)

        self.platform_admin = PlatformAdminFactory(platform=self.platform).user
        self.staff = UserFactory(is_staff=True)
        self.stranger = member(CompanyFactory(legal_name="Stranger Ltd"), ADMIN)

    def _company(
        self,
        name,
        *,
        buyer=False,
        categories=(),
        status=VerificationStatus.VERIFIED,
        participant=True,
    ):
        company = CompanyFactory(
            legal_name=name, is_buyer=buyer, is_supplier=not buyer, verification_status=status
        )
        if participant:
            PlatformMembershipFactory(platform=self.platform, company=company)
        if categories:
            profile = SupplierProfile.objects.create(company=company)
            profile.categories.set(categories)
        return company

    # --- driving the services ----------------------------------------------------------------

    def tender_kwargs(self, **overrides) -> dict:
        data = {
            "platform": self.platform,
            "buyer": self.buyer,
            "title": "Diesel for the winter",
            "description": "Winter grade",
            "category": self.category,
            "questions_deadline": future(days=1),
            "applications_deadline": future(days=2),
            "auction_start": future(days=3),
            "participation": Participation.OPEN,
        }
        data.update(overrides)
        return data

    def draft(self, *, lots: int = 1, lot_overrides: dict | None = None, **overrides) -> Tender:
        kwargs = self.tender_kwargs(**overrides)
        kwargs["lots"] = [
            lot_data(title=f"Lot {i + 1}", **(lot_overrides or {})) for i in range(lots)
        ]
        return drafting.tender_create(actor=self.officer, **kwargs)

    def published(self, **kwargs) -> Tender:
        tender = self.draft(**kwargs)
        return drafting.tender_publish(actor=self.officer, tender=tender)

    def apply(self, lot, company=None, user=None, **kwargs) -> Application:
        company = company or self.supplier
        user = (
            user
            or {
                self.supplier.pk: self.supplier_admin,
                self.other_supplier.pk: self.other_admin,
            }[company.pk]
        )
        kwargs.setdefault("terms_accepted", True)
        return applications.application_submit(actor=user, lot=lot, supplier=company, **kwargs)

    def past_deadline(self, tender: Tender) -> None:
        """Move the tender's deadlines into the past (as time passing would)."""
        now = timezone.now()
        Tender.objects.filter(pk=tender.pk).update(
            questions_deadline=now - timedelta(hours=3),
            applications_deadline=now - timedelta(hours=2),
            auction_start=now + timedelta(hours=1),
        )
        tender.refresh_from_db()


def snapshot() -> dict:
    """What the tender tables hold, to assert that a refused request changed nothing."""
    return {
        "tenders": sorted(Tender.objects.values_list()),
        "lots": sorted(LotModel.objects.values_list()),
        "criteria": sorted(LotCriterion.objects.values_list()),
        "applications": sorted(Application.objects.values_list()),
        "invitations": sorted(TenderInvitation.objects.values_list()),
        "documents": sorted(TenderDocument.objects.values_list()),
        "questions": sorted(Question.objects.values_list()),
        "events": sorted(LotEvent.objects.values_list()),
    }
