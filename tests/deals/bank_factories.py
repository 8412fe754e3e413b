"""Bank reconciliation in the tests: a platform whose open invoices the sample statements in
``tests/deals/statements/`` pay (their numbers, amounts and payers are the samples'), and the
people of the permission matrix."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from deals.models import Invoice, LedgerEntry, LedgerKind
from marketplace.companies.models import MembershipRole
from tests.factories import (
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    UserFactory,
    member,
)

STATEMENTS = Path(__file__).parent / "statements"
PLATFORM_IBAN = "UA213223130000026007233566001"


def sample(name: str) -> bytes:
    return (STATEMENTS / name).read_bytes()


def upload(name: str, data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, sample(name) if data is None else data)


def invoice(company, platform, number: str, amount: str, currency: str = "UAH") -> Invoice:
    made = Invoice.objects.create(
        company=company,
        platform=platform,
        number=number,
        amount=Decimal(amount),
        currency=currency,
    )
    LedgerEntry.objects.create(
        company=company,
        invoice=made,
        kind=LedgerKind.OWED,
        amount=made.amount,
        currency=currency,
        at=timezone.now(),
    )
    return made


class Bank:
    """A platform with three open invoices (TF-2027-000101 1470.00 to Baltic Steel, EDRPOU
    32855961; TF-2027-000102 2500.00 to Volyn Fuel, 41234567; TF-2027-000103 900.00 to a
    third company), another platform with an invoice of the same amount and number pattern,
    and the people: staff (who record transfers), this platform's named admin, another
    platform's, the invoiced company's admin, a stranger company's admin."""

    def __init__(self) -> None:
        self.platform = PlatformFactory(slug="bank-home", name="Home platform")
        self.other_platform = PlatformFactory(slug="bank-other", name="Other platform")
        self.baltic = CompanyFactory(legal_name="TOV Baltic Steel", registration_number="32855961")
        self.volyn = CompanyFactory(legal_name="TOV Volyn Fuel", registration_number="41234567")
        self.third = CompanyFactory(legal_name="TOV Third")
        self.a = invoice(self.baltic, self.platform, "TF-2027-000101", "1470.00")
        self.b = invoice(self.volyn, self.platform, "TF-2027-000102", "2500.00")
        self.c = invoice(self.third, self.platform, "TF-2027-000103", "900.00")
        self.elsewhere = invoice(self.baltic, self.other_platform, "TF-2027-000201", "1470.00")
        self.staff = UserFactory(is_staff=True)
        self.platform_admin = PlatformAdminFactory(platform=self.platform).user
        self.other_platform_admin = PlatformAdminFactory(platform=self.other_platform).user
        self.payer_admin = member(self.baltic, MembershipRole.COMPANY_ADMIN)
        self.payer_officer = member(self.baltic, MembershipRole.PROCUREMENT_OFFICER)
        self.stranger = member(
            CompanyFactory(legal_name="Stranger Ltd"), MembershipRole.COMPANY_ADMIN
        )

    def outsiders(self) -> dict:
        """Everyone signed in who may not reconcile, by name."""
        return {
            "this platform's named admin": self.platform_admin,
            "another platform's admin": self.other_platform_admin,
            "the invoiced company's admin": self.payer_admin,
            "the invoiced company's officer": self.payer_officer,
            "a stranger": self.stranger,
        }
