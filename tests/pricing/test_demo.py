"""demo/pricing_demo.py: kinds, an assigned wholesale list, a promotion and stock; the demo
buyer gets the wholesale price with the promotion; a second load adds nothing."""

from decimal import Decimal

import pytest
from django.utils import timezone

from demo.pricing_demo import pricing_demo_load
from marketplace.companies.models import MembershipRole
from pricing import selectors
from pricing.models import PriceAssignment, Promotion
from suppliers.models import CustomerKind, StockLevel
from tests.factories import CategoryFactory, member
from tests.suppliers.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(supplier_company, buyer_company):
    category = CategoryFactory(code="D1")
    ProductFactory(supplier=supplier_company, sku="A", category=category)
    manager = member(supplier_company, MembershipRole.ACCOUNT_MANAGER)
    now = timezone.now()
    args = {"now": now, "supplier": supplier_company, "buyer": buyer_company, "manager": manager}
    loaded = pricing_demo_load(**args, categories=[category])
    assert CustomerKind.objects.filter(supplier=supplier_company).count() == 4
    resolved = selectors.price_for(
        supplier=supplier_company,
        buyer_company=buyer_company,
        product=loaded["products"][0],
        quantity=Decimal(1),
        on_date=now.date(),
    )
    assert resolved.source.level == "account" and resolved.source.promotion is not None
    assert resolved.price == Decimal("90.00")
    assert StockLevel.objects.count() == 2
    pricing_demo_load(**args, categories=[category])
    assert (PriceAssignment.objects.count(), Promotion.objects.count()) == (1, 1)
    assert StockLevel.objects.count() == 2
