"""The room's quick bids are what the engine accepts (issue 14's defect): the "one step" amount
the view offers (``me.max_bid``) is accepted, and a cent more is refused, for every step kind,
step reference and band table, as the lot's standing moves. Before the view and the engine
shared ``rules.bid_limit``, bands with the "own" reference offered 59,900 where 59,000 was the
most the engine took."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auctions.bidding.outcomes import BidRejected
from auctions.bidding.place import bid_place
from auctions.selectors import lot_snapshot
from auctions.standing import Viewer, render

from .engine_setup import Auction

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def money(low: float, high: float):
    return st.decimals(min_value=Decimal(str(low)), max_value=Decimal(str(high)), places=2)


@st.composite
def step_rules(draw):
    kind = draw(st.sampled_from(["amount", "percent"]))
    size = money(1, 3000) if kind == "amount" else money(0.1, 3)
    bands = draw(st.lists(st.tuples(money(20000, 100000), size), max_size=3))
    return {
        "step_kind": kind,
        "step_value": draw(size),
        "step_bands": [{"below": str(below), "step": str(step)} for below, step in bands],
        "step_reference": draw(st.sampled_from(["own", "best"])),
    }


def offered(a: Auction, i: int) -> Decimal:
    a.lot.refresh_from_db()
    view = render(lot_snapshot(lot=a.lot), Viewer("supplier", a.applications[i].pk))
    return Decimal(view["me"]["max_bid"])


moves = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 30)), min_size=1, max_size=6)


@given(rule=step_rules(), moves=moves)
@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_the_offered_one_step_bid_is_exactly_the_most_the_engine_accepts(rule, moves):
    """Each move: a bidder checks the offered amount (accepted; a cent more refused), then bids
    it less ``drop`` percent of the start price, so the standing crosses the band table."""
    a = Auction(suppliers=3, **rule).start()
    for i, drop in moves:
        amount = offered(a, i)
        if amount <= 0:
            continue  # nothing left below: the view offers what no one may bid
        with pytest.raises(BidRejected) as refused, transaction.atomic():
            bid_place(lot_id=a.lot.pk, user=a.bidders[i], amount=amount + CENT, confirm=True)
        assert refused.value.code in {"step_too_small", "above_start_price"}, refused.value
        with transaction.atomic():
            accepted = bid_place(lot_id=a.lot.pk, user=a.bidders[i], amount=amount, confirm=True)
            assert accepted.bid.amount == amount
            transaction.set_rollback(True)  # checked, not kept: the move below is the bid
        lower = amount - a.lot.start_price * drop / 100
        if lower > 0:
            bid_place(lot_id=a.lot.pk, user=a.bidders[i], amount=lower.quantize(CENT), confirm=True)


def test_the_case_the_issue_names_bands_with_the_own_reference():
    """Steps of 100 below 50,000 and of 1,000 up to the start: a bidder at 60,000 must bid at
    most 59,000 (the step at its own price), whatever the step at the best price (45,000)."""
    a = Auction(
        suppliers=2,
        start_price="100000.00",
        step_kind="amount",
        step_value=Decimal("1000"),
        step_bands=[{"below": "50000", "step": "100"}, {"below": "100000.01", "step": "1000"}],
        step_reference="own",
    ).start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="60000.00", confirm=True)
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="45000.00", confirm=True)
    assert offered(a, 0) == Decimal("59000.00")
    with pytest.raises(BidRejected):
        bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="59000.01", confirm=True)
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="59000.00", confirm=True)
