"""The supplier pages' fixtures (``test_supplier_*.py`` load them with ``pytest_plugins``): a
supplier with a profile, categories, a certificate, a product and a price list with an item;
another supplier company and its admin; a bidder and a procurement officer of the supplier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from marketplace.companies.models import MembershipRole
from suppliers.models import SupplierRegion
from tests.factories import CategoryFactory, CompanyFactory, PlatformMembershipFactory, member
from tests.suppliers.factories import (
    CertificateFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProductFactory,
    SupplierProfileFactory,
)


@pytest.fixture
def categories(db):
    root = CategoryFactory(code="T100", name_en="Office supplies")
    paper = CategoryFactory(code="T110", name_en="Copy paper", parent=root)
    fuel = CategoryFactory(code="T200", name_en="Diesel fuel")
    return {"root": root, "paper": paper, "fuel": fuel}


@pytest.fixture
def profile(supplier_company, categories):
    profile = SupplierProfileFactory(company=supplier_company, description="Paper by the ton.")
    profile.categories.set([categories["paper"]])
    SupplierRegion.objects.create(profile=profile, code="UA-30")
    return profile


@pytest.fixture
def certificate(profile):
    return CertificateFactory(profile=profile, name="ISO 9001", number="Q-1")


@pytest.fixture
def product(supplier_company, categories):
    return ProductFactory(
        supplier=supplier_company,
        sku="A4-80",
        name="Copy paper A4 80 g",
        unit="pack",
        category=categories["paper"],
    )


@pytest.fixture
def price_list(supplier_company):
    return PriceListFactory(
        supplier=supplier_company,
        name="Wholesale 2027",
        currency="UAH",
        valid_from=date(2027, 1, 1),
    )


@pytest.fixture
def item(price_list, product):
    return PriceListItemFactory(
        price_list=price_list, product=product, price=Decimal("250.00"), min_quantity=Decimal(10)
    )


@pytest.fixture
def other_company(platform):
    company = CompanyFactory(legal_name="Rival Paper Ltd", is_supplier=True)
    PlatformMembershipFactory(platform=platform, company=company)
    return company


@pytest.fixture
def other_admin(other_company):
    return member(other_company)


@pytest.fixture
def bidder(supplier_company):
    return member(supplier_company, role=MembershipRole.BIDDER)


@pytest.fixture
def officer(supplier_company):
    """A procurement officer of the supplier: reads its catalogue, changes nothing."""
    return member(supplier_company, role=MembershipRole.PROCUREMENT_OFFICER)
