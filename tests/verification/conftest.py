import pytest

from marketplace.companies.models import MembershipRole
from tests.factories import UserFactory, member

from .factories import unverified_company


@pytest.fixture
def company(db):
    return unverified_company(legal_name="Applicant LLC", tax_id="UA123456789012")


@pytest.fixture
def company_admin(company):
    return member(company, MembershipRole.COMPANY_ADMIN)


@pytest.fixture
def company_bidder(company):
    return member(company, MembershipRole.BIDDER)


@pytest.fixture
def other_company(db):
    return unverified_company(legal_name="Other LLC")


@pytest.fixture
def other_admin(other_company):
    return member(other_company, MembershipRole.COMPANY_ADMIN)


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True, email="reviewer@operator.example")


@pytest.fixture
def stranger(db):
    return UserFactory()
