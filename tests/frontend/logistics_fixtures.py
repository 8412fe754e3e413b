"""The logistics pages' tests' people and places (``test_logistics_*.py`` load them with
``pytest_plugins``): another company on the platform and its admin, the platform's admin, the
supplier's Kyiv warehouse, the buyer's Lviv plant and the other company's depot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics import services
from tests.factories import CompanyFactory, PlatformAdminFactory, PlatformMembershipFactory, member
from tests.logistics.helpers import KYIV, LVIV


@pytest.fixture
def other_company(platform):
    company = CompanyFactory(legal_name="Other Canary Ltd")
    PlatformMembershipFactory(platform=platform, company=company)
    return company


@pytest.fixture
def other_admin(other_company):
    return member(other_company)


@pytest.fixture
def platform_admin(platform):
    return PlatformAdminFactory(platform=platform).user


@pytest.fixture
def warehouse(supplier_admin, supplier_company):
    return services.place_create(
        user=supplier_admin,
        company_id=supplier_company.pk,
        kind="warehouse",
        name="Kyiv warehouse",
        address="1 Warehouse Rd",
        country="UA",
        city="Kyiv",
        latitude=KYIV[0],
        longitude=KYIV[1],
    )


@pytest.fixture
def buyers_plant(buyer_admin, buyer_company):
    return services.place_create(
        user=buyer_admin,
        company_id=buyer_company.pk,
        kind="delivery_place",
        name="Lviv canary plant",
        country="UA",
        latitude=LVIV[0],
        longitude=LVIV[1],
    )


@pytest.fixture
def others_depot(other_admin, other_company):
    return services.place_create(
        user=other_admin,
        company_id=other_company.pk,
        kind="warehouse",
        name="Other canary depot",
        country="UA",
        latitude=Decimal(48),
        longitude=Decimal(35),
    )
