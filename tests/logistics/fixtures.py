"""The logistics world's people and places, one copy for the logistics tests (their conftest
imports them) and the logistics pages' tests (``test_logistics_*.py`` load this module with
``pytest_plugins``): another company on the platform and its admin, the platform's admin, the
supplier's Kyiv warehouse, the buyer's Lviv plant and the other company's depot. The names say
"canary": the pages' tests look for them where they must not be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics import services
from tests.factories import CompanyFactory, PlatformAdminFactory, PlatformMembershipFactory, member
from tests.logistics.helpers import KYIV, LVIV


def place(user, company, kind: str, name: str, at: tuple, **more):
    return services.place_create(
        user=user,
        company_id=company.pk,
        kind=kind,
        name=name,
        country="UA",
        latitude=at[0],
        longitude=at[1],
        **more,
    )


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
    return place(
        supplier_admin,
        supplier_company,
        "warehouse",
        "Kyiv warehouse",
        KYIV,
        address="1 Warehouse Rd",
        city="Kyiv",
    )


@pytest.fixture
def buyers_plant(buyer_admin, buyer_company):
    return place(buyer_admin, buyer_company, "delivery_place", "Lviv canary plant", LVIV)


@pytest.fixture
def others_depot(other_admin, other_company):
    return place(
        other_admin, other_company, "warehouse", "Other canary depot", (Decimal(48), Decimal(35))
    )
