import datetime
from decimal import Decimal

import pytest

from crm.models import Account
from marketplace.companies.models import MembershipRole
from pricing import services
from tests.factories import CompanyFactory, member
from tests.suppliers.factories import PriceListFactory, PriceListItemFactory, ProductFactory

DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def other_buyer(db, platform):
    from tests.factories import PlatformMembershipFactory

    company = CompanyFactory(legal_name="Other Buyer", is_buyer=True, is_supplier=False)
    PlatformMembershipFactory(platform=platform, company=company)
    return company


@pytest.fixture
def world(supplier_company, buyer_company, other_buyer):
    """A supplier with retail (default) and wholesale lists; buyer A's account gets wholesale."""
    services.customer_kinds_ensure(supplier=supplier_company)
    manager = member(supplier_company, MembershipRole.ACCOUNT_MANAGER)
    product = ProductFactory(supplier=supplier_company, sku="P-1", unit="pcs")
    retail = PriceListFactory(supplier=supplier_company, name="Retail 2026", kind="retail")
    wholesale = PriceListFactory(supplier=supplier_company, name="Wholesale 2026", kind="wholesale")
    PriceListItemFactory(price_list=retail, product=product, price=Decimal("120.00"))
    PriceListItemFactory(price_list=wholesale, product=product, price=Decimal("100.00"))
    PriceListItemFactory(
        price_list=wholesale, product=product, price=Decimal("90.00"), min_quantity=Decimal("10")
    )
    account_a = Account.objects.create(workspace=supplier_company, company=buyer_company, name="A")
    Account.objects.create(workspace=supplier_company, company=other_buyer, name="B")
    services.assignment_create(
        actor=manager,
        supplier=supplier_company,
        account_id=account_a.pk,
        price_list_id=wholesale.pk,
    )
    return {
        "supplier": supplier_company,
        "manager": manager,
        "product": product,
        "retail": retail,
        "wholesale": wholesale,
        "account_a": account_a,
    }
