"""The logistics tests' world: a platform with a buyer and a supplier trading on it, a third
company on it too, their admins, the platform's admin, and places in Kyiv and Lviv."""

from __future__ import annotations

import pytest

from logistics import services
from tests.factories import CompanyFactory, PlatformAdminFactory, PlatformMembershipFactory, member

from .helpers import KYIV, LVIV


@pytest.fixture
def other_company(db, platform):
    company = CompanyFactory(legal_name="Other Ltd")
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
        country="UA",
        latitude=KYIV[0],
        longitude=KYIV[1],
    )


@pytest.fixture
def delivery_place(buyer_admin, buyer_company):
    return services.place_create(
        user=buyer_admin,
        company_id=buyer_company.pk,
        kind="delivery_place",
        name="Lviv plant",
        country="UA",
        latitude=LVIV[0],
        longitude=LVIV[1],
    )


# The landed-cost tests' world (a lot ranked by landed cost, the supplier's warehouse and card).
from .landed_helpers import landed_world, world  # noqa: E402, F401
