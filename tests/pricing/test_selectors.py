"""price_for: precedence (account > segment > default), tiers, promotions; a larger quantity
never costs more per unit within one list (hypothesis)."""

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketing.models import Segment
from pricing import selectors, services
from pricing.models import Promotion, PromotionKind
from suppliers.models import CustomerKind
from tests.suppliers.factories import PriceListFactory, PriceListItemFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db


def test_the_account_assignment_wins_with_its_tiers(world, buyer_company):
    price, currency, source = selectors.price_for(
        supplier=world["supplier"],
        buyer_company=buyer_company,
        product=world["product"],
        quantity=Decimal("12"),
        on_date=DAY,
    )
    assert (price, currency) == (Decimal("90.00"), "UAH")
    assert source.level == "account" and source.price_list == world["wholesale"]
    assert "Wholesale 2026" in source.explain()


def test_without_assignment_the_default_kind(world, other_buyer):
    resolved = selectors.price_for(
        supplier=world["supplier"],
        buyer_company=other_buyer,
        product=world["product"],
        quantity=Decimal("12"),
        on_date=DAY,
    )
    assert resolved.price == Decimal("120.00") and resolved.source.level == "default"


def test_a_segment_assignment_applies_below_the_account(world, other_buyer, monkeypatch):
    segment = Segment.objects.create(workspace=world["supplier"], name="Big", filters={})
    kind = CustomerKind.objects.get(supplier=world["supplier"], code="wholesale")
    services.assignment_create(
        actor=world["manager"],
        supplier=world["supplier"],
        segment_id=segment.pk,
        customer_kind_id=kind.pk,
        priority=5,
    )
    resolved = selectors.price_for(
        supplier=world["supplier"],
        buyer_company=other_buyer,
        product=world["product"],
        quantity=Decimal("1"),
        on_date=DAY,
    )
    assert resolved.source.level == "segment" and resolved.price == Decimal("100.00")


def test_the_best_valid_promotion_applies_when_lower(world, buyer_company):
    promo = Promotion.objects.create(
        supplier=world["supplier"],
        name="June",
        kind=PromotionKind.PERCENT,
        percent=Decimal("20"),
        price_list=world["wholesale"],
        valid_from=DAY,
        valid_until=DAY,
    )
    promo.products.add(world["product"])
    fixed = Promotion.objects.create(
        supplier=world["supplier"],
        name="Fixed",
        kind=PromotionKind.FIXED_PRICE,
        price=Decimal("95.00"),
        currency="UAH",
        customer_kind=CustomerKind.objects.get(supplier=world["supplier"], code="wholesale"),
        valid_from=DAY,
        valid_until=DAY,
    )
    fixed.products.add(world["product"])
    args = {
        "supplier": world["supplier"],
        "buyer_company": buyer_company,
        "product": world["product"],
        "quantity": Decimal("1"),
    }
    resolved = selectors.price_for(**args, on_date=DAY)
    assert resolved.price == Decimal("80.00") and resolved.source.promotion == promo
    day_after = DAY.replace(day=2)
    assert selectors.price_for(**args, on_date=day_after).price == Decimal("100.00")


def test_a_product_priced_in_no_list_has_no_price(world, buyer_company):
    from tests.suppliers.factories import ProductFactory

    other = ProductFactory(supplier=world["supplier"], sku="X")
    assert (
        selectors.price_for(
            supplier=world["supplier"],
            buyer_company=buyer_company,
            product=other,
            quantity=Decimal(1),
            on_date=DAY,
        )
        is None
    )


tiers = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=1000),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999"), places=2),
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda t: t[0],
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tiers=tiers, a=st.integers(1, 2000), b=st.integers(1, 2000))
def test_a_larger_quantity_never_costs_more_per_unit(supplier_company, buyer_company, tiers, a, b):
    price_list = PriceListFactory(supplier=supplier_company, kind="retail")
    product = PriceListItemFactory(
        price_list=price_list, price=tiers[0][1], min_quantity=Decimal(tiers[0][0])
    ).product
    for qty, price in tiers[1:]:
        PriceListItemFactory(
            price_list=price_list, product=product, price=price, min_quantity=Decimal(qty)
        )
    small, large = sorted((a, b))
    found_small = selectors.price_in_list(
        price_list=price_list, product=product, quantity=Decimal(small), on_date=DAY
    )
    found_large = selectors.price_in_list(
        price_list=price_list, product=product, quantity=Decimal(large), on_date=DAY
    )
    if found_small is not None:
        assert found_large is not None and found_large[0] <= found_small[0]
