"""The ranking arithmetic replayed against recorded Prozorro auctions (shared/reference/prozorro)."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from auctions import rules

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "prozorro"


def load(name: str) -> dict:
    path = REFERENCE / f"{name}.json"
    if not path.exists():
        pytest.skip(f"reference data not found at {path}")
    return json.loads(path.read_text())


@pytest.mark.parametrize(
    "name",
    [
        "openprocurement.auction__sorting_by_amount_ties_case_a",
        "openprocurement.auction__sorting_by_amount_ties_case_b",
    ],
)
def test_ties_rank_the_earlier_bid_first_and_turn_order_puts_it_later(name):
    data = load(name)
    keys = {b["bidder"]: i for i, b in enumerate(data["initial_bids"])}
    standings = [
        rules.Standing(
            key=keys[b["bidder"]],
            amount=Decimal(str(b["amount"])),
            at=datetime.fromisoformat(b["time"]),
        )
        for b in data["initial_bids"]
    ]
    names = {v: k for k, v in keys.items()}
    assert [names[s.key] for s in rules.rank(standings)] == [
        r["bidder"] for r in data["expected_result"]
    ]
    assert [names[s.key] for s in rules.turn_order(standings)] == data[
        "expected_turn_order_next_round"
    ]


def test_equal_prices_award_to_the_earliest_bid():
    data = load("openprocurement.api__same_value_auction_ties")
    base = datetime.fromisoformat("2026-01-01T12:00:00+00:00")
    from datetime import timedelta

    # The "reversed" case: bid_0 at T, bid_1 at T-1s, bid_2 at T-2s.
    standings = [
        rules.Standing(key=i, amount=Decimal("469"), at=base - timedelta(seconds=i))
        for i in range(3)
    ]
    ranked = [f"bid_{s.key}" for s in rules.rank(standings)]
    assert ranked == [r["bidder"] for r in data["expected_result"]]


def test_meat_two_features_479_beats_469():
    data = load("prozorro-auction__meat_importer_469_vs_479")
    features = data["rules"]["meat"]["features"]
    max_sum = rules.features_max_sum([f["enum"] for f in features])
    assert max_sum == Fraction(3, 10)
    standings = []
    for i, bid in enumerate(data["initial_bids"]):
        coeff = rules.coefficient([p["value"] for p in bid["parameters"]], max_sum)
        assert coeff == Fraction(bid["coefficient_exact_intent"])
        # The source computed with binary floats; the exact rational is within 1e-9 of it.
        assert abs(float(coeff) - bid["coefficient_approx"]) < 1e-9
        weighted = rules.weighted(Decimal(str(bid["amount"])), coeff)
        assert abs(float(weighted) - bid["amount_features_approx"]) / float(weighted) < 1e-9
        standings.append(
            rules.Standing(
                key=i,
                amount=Decimal(str(bid["amount"])),
                at=datetime(2026, 1, 1, tzinfo=UTC),
                coeff=coeff,
            )
        )
    ranked = [data["initial_bids"][s.key]["bidder"] for s in rules.rank(standings)]
    assert ranked == [r["bidder"] for r in data["expected_result"]]


def test_meat_coefficient_matches_the_documented_example():
    # Features with maxima 0.15 + 0.15, parameters 0.1 + 0.1: 9/7, and 499 -> 388.11.
    coeff = rules.coefficient(["0.1", "0.1"], Fraction(3, 10))
    assert coeff == Fraction(9, 7)
    assert rules.as_decimal(rules.weighted(Decimal("499"), coeff), rules.CENT) == Decimal("388.11")


def test_the_rounds_limit_is_exact_in_decimals():
    # prozorro-auction computes the limit in Decimal: 100.1 - 10.2 is exactly 89.9.
    assert rules.max_allowed(own_amount=Decimal("100.1"), step=Decimal("10.2")) == Decimal("89.9")


@pytest.mark.parametrize(
    ("kind", "value", "bands", "reference", "expected"),
    [
        ("amount", "35", None, Decimal("480000"), Decimal("35.00")),
        ("percent", "0.5", None, Decimal("480000"), Decimal("2500.00")),
        (
            "percent",
            "0.5",
            [{"below": "100000", "step": "0.1"}],
            Decimal("90000"),
            Decimal("500.00"),
        ),
        (
            "percent",
            "0.5",
            [{"below": "100000", "step": "0.1"}],
            Decimal("100000"),
            Decimal("2500.00"),
        ),
        (
            "amount",
            "1000",
            [{"below": "50000", "step": "100"}, {"below": "10000", "step": "10"}],
            Decimal("9000"),
            Decimal("10.00"),
        ),
    ],
)
def test_minimum_step_by_kind_and_band(kind, value, bands, reference, expected):
    assert (
        rules.min_step(
            step_kind=kind,
            step_value=Decimal(value),
            start_price=Decimal("500000"),
            bands=bands,
            reference=reference,
        )
        == expected
    )


def test_coefficient_refuses_criteria_whose_maxima_reach_one():
    with pytest.raises(ValueError):
        rules.coefficient(["0.1"], Fraction(1))
