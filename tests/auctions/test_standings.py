"""A bidder's standing is kept on its application between rankings (``participation.standing_of``),
and made again as soon as anything it is made of is set anew."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from auctions.models import Application, ApplicationStatus
from auctions.participation import best_refresh, standing_of
from auctions.rules import Standing

AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def application(pk: int, amount: str, **kw) -> Application:
    return Application(
        pk=pk,
        lot_id=1,
        supplier_id=pk,
        status=ApplicationStatus.ADMITTED,
        current_amount=Decimal(amount),
        current_at=AT,
        **kw,
    )


def test_a_standing_is_kept_while_its_application_is_unchanged():
    a = application(1, "100.00")
    first = standing_of(a)
    assert standing_of(a) is first
    assert first == Standing(key=1, amount=Decimal("100.00"), at=AT)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("current_amount", Decimal("100.0")),  # equal, written otherwise: its text differs
        ("current_amount", Decimal("99.00")),
        ("current_at", datetime(2026, 12, 6, 12, 0, tzinfo=UTC)),  # equal, another object
        ("current_at", datetime(2026, 12, 6, 12, 1, tzinfo=UTC)),
        ("coefficient", Decimal("1.25")),
        ("delivery_cost", Decimal("10.00")),
        ("label", 7),
        ("id", 2),
    ],
)
def test_a_standing_is_made_again_when_a_value_it_is_made_of_is_set(field, value):
    a = application(1, "100.00")
    first = standing_of(a)
    setattr(a, field, value)
    again = standing_of(a)
    assert again is not first
    assert again == Standing(
        key=a.pk,
        amount=a.current_amount,
        at=a.current_at,
        coeff=standing_of(application(a.pk, "1", coefficient=a.coefficient)).coeff,
        label=a.label or 0,
        delivery=a.delivery_cost or Decimal(0),
    )
    assert str(again.amount) == str(a.current_amount)


def test_a_price_considered_is_not_kept():
    a = application(1, "100.00")
    considered = standing_of(a, amount=Decimal("90.00"), at=AT)
    assert considered.amount == Decimal("90.00")
    assert standing_of(a).amount == Decimal("100.00")


def test_the_ranking_follows_each_new_price():
    apps = [application(1, "100.00"), application(2, "101.00"), application(3, "102.00")]
    lot = type("L", (), {})()
    assert [s.key for s in best_refresh(lot, apps)] == [1, 2, 3]
    apps[2].current_amount = Decimal("99.00")
    assert [s.key for s in best_refresh(lot, apps)] == [3, 1, 2]
    assert (lot.best_amount, lot.best_application_id) == (Decimal("99.00"), 3)
    apps[0].current_amount = Decimal("98.00")
    assert [s.key for s in best_refresh(lot, apps)] == [1, 3, 2]
