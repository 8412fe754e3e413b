import pytest

from marketplace.companies.models import MembershipRole, VerificationStatus
from tests.factories import CategoryFactory, CompanyFactory, member


@pytest.fixture
def other_supplier(db):
    return CompanyFactory(legal_name="Rival Supply", is_buyer=False, is_supplier=True)


@pytest.fixture
def unverified_supplier(db):
    return CompanyFactory(
        legal_name="Newcomer Ltd",
        is_buyer=False,
        is_supplier=True,
        verification_status=VerificationStatus.PENDING,
        verified_at=None,
    )


@pytest.fixture
def category_tree(db):
    root = CategoryFactory(code="T100", name_en="Office supplies")
    child = CategoryFactory(code="T110", name_en="Paper", parent=root)
    leaf = CategoryFactory(code="T111", name_en="Copy paper", parent=child)
    other = CategoryFactory(code="T200", name_en="Fuel")
    return {"root": root, "child": child, "leaf": leaf, "other": other}


@pytest.fixture
def supplier_roles(supplier_company):
    return {role: member(supplier_company, role) for role in MembershipRole.values}
