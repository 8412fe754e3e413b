"""The pure scoring functions: facts in, figures out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ratings import scoring
from ratings.scoring import CRITERIA, DEFAULT_WEIGHTS, Bands, Facts

score_values = st.decimals(min_value=0, max_value=100, places=2)
maybe_score = st.none() | score_values
scores_st = st.fixed_dictionaries(dict.fromkeys(CRITERIA, maybe_score))


@st.composite
def weights_st(draw):
    """Whole per cents summing to 100."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=5, max_size=5)))
    bounds = [0, *cuts, 100]
    return {code: bounds[i + 1] - bounds[i] for i, code in enumerate(CRITERIA)}


def test_the_default_weights_sum_to_100_and_pass_their_own_check():
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert scoring.weights_errors(DEFAULT_WEIGHTS) == {}


@given(weights_st())
def test_generated_weights_are_accepted(weights):
    assert sum(weights.values()) == 100
    assert scoring.weights_errors(weights) == {}


@given(weights_st(), st.sampled_from(CRITERIA), st.integers(1, 50))
def test_weights_not_summing_to_100_are_refused_with_the_sum(weights, code, extra):
    changed = {**weights, code: weights[code] + extra}
    errors = scoring.weights_errors(changed)
    if changed[code] > 100:
        assert code in errors
    else:
        assert errors["weights"] == [
            f"The weights must sum to 100 % (they sum to {100 + extra} %)."
        ]


def test_weights_out_of_range_or_missing_are_refused_by_field():
    errors = scoring.weights_errors({**DEFAULT_WEIGHTS, "price": -5, "bogus": 1})
    assert set(errors) == {"price", "bogus"}
    errors = scoring.weights_errors({k: v for k, v in DEFAULT_WEIGHTS.items() if k != "quality"})
    assert set(errors) == {"quality"}


@given(scores_st, weights_st())
def test_the_total_is_within_0_and_100(scores, weights):
    total = scoring.total(scores, weights)
    if total is not None:
        assert Decimal(0) <= total <= Decimal(100)
        assert total == total.quantize(Decimal("0.01"))


@given(scores_st, weights_st(), st.sampled_from(CRITERIA), score_values)
def test_the_total_never_falls_when_a_criterion_rises(scores, weights, code, better):
    low = {**scores, code: min(better, scores[code] or better)}
    high = {**scores, code: max(better, scores[code] or better)}
    before, after = scoring.total(low, weights), scoring.total(high, weights)
    if before is not None:
        assert after is not None and after >= before


@given(scores_st, weights_st())
def test_a_criterion_without_data_is_left_out_and_the_rest_renormalised(scores, weights):
    with_data = [c for c in CRITERIA if scores[c] is not None]
    weight_sum = sum(weights[c] for c in with_data)
    total = scoring.total(scores, weights)
    if weight_sum == 0:
        assert total is None
        return
    expected = sum(Decimal(weights[c]) * scores[c] for c in with_data) / weight_sum
    assert total == scoring.q(expected)
    # The same as a total over only the criteria with data.
    assert total == scoring.total({c: scores[c] for c in with_data}, weights)


@given(scores_st, weights_st())
def test_what_lowered_it_accounts_for_the_points_lost(scores, weights):
    total = scoring.total(scores, weights)
    lowered = scoring.shortfalls(scores, weights)
    points = [p for _c, p in lowered]
    assert points == sorted(points, reverse=True)
    if total is not None:
        assert sum(points, Decimal(0)) <= Decimal(100) - total + Decimal("0.06")


def test_no_criterion_with_data_has_no_total_and_no_band():
    assert scoring.total(dict.fromkeys(CRITERIA), DEFAULT_WEIGHTS) is None
    assert scoring.band_for(None) is None


def test_each_criterion_from_facts():
    facts = Facts(
        price_gaps=(Decimal("0"), Decimal("4.00")),
        lots_entered=4,
        lots_won=1,
        deliveries=4,
        deliveries_on_time=3,
        claims=1,
        review_scores=(Decimal("4.00"), Decimal("5.00")),
        response_hours=(Decimal("24"), Decimal("132")),
        admitted=5,
        never_bid=1,
        orders_answered=1,
        declined=0,
    )
    c = scoring.criteria(facts)
    assert (c["price"].figure, c["price"].score) == (Decimal("2.00"), Decimal("90.00"))
    assert (c["win_rate"].figure, c["win_rate"].score) == (Decimal("25.00"), Decimal("25.00"))
    assert c["on_time"].score == Decimal("75.00")
    # reviews 4.5 → 87.5; claim-free 3/4 → 75; mean 81.25
    assert (c["quality"].figure, c["quality"].score) == (Decimal("4.50"), Decimal("81.25"))
    # 78 h: 100 × (240 − 78) / 216 = 75
    assert (c["responsiveness"].figure, c["responsiveness"].score) == (
        Decimal("78.00"),
        Decimal("75.00"),
    )
    # 6 chances, 1 failure
    assert c["reliability"].score == Decimal("83.33")


def test_empty_facts_leave_every_criterion_out():
    assert all(c.score is None for c in scoring.criteria(Facts()).values())
    assert Facts().empty


@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
)
def test_scores_of_price_and_response_fall_as_the_gap_and_the_hours_grow(a, b):
    low, high = min(a, b), max(a, b)
    assert scoring.price_score(low) >= scoring.price_score(high)
    assert scoring.response_score(low * 3) >= scoring.response_score(high * 3)


@pytest.mark.parametrize(
    ("score", "band"),
    [
        ("0", "blocked"),
        ("29.99", "blocked"),
        ("30", "warning"),
        ("49.99", "warning"),
        ("50", "average"),
        ("79.99", "average"),
        ("80", "excellent"),
        ("100", "excellent"),
    ],
)
def test_the_default_bands_are_erpnexts(score, band):
    assert scoring.band_for(Decimal(score)) == band


def test_bands_must_increase_within_0_and_100():
    assert scoring.bands_errors(Bands()) == {}
    assert "bands" in scoring.bands_errors(Bands(Decimal(50), Decimal(50), Decimal(80)))
    assert "excellent_from" in scoring.bands_errors(Bands(Decimal(1), Decimal(2), Decimal(101)))


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "previous", "label"),
    [
        (
            "month",
            date(2026, 12, 15),
            date(2026, 12, 1),
            date(2027, 1, 1),
            date(2026, 11, 1),
            "2026-12",
        ),
        (
            "quarter",
            date(2026, 5, 14),
            date(2026, 4, 1),
            date(2026, 7, 1),
            date(2026, 1, 1),
            "2026 Q2",
        ),
        (
            "quarter",
            date(2026, 1, 1),
            date(2026, 1, 1),
            date(2026, 4, 1),
            date(2025, 10, 1),
            "2026 Q1",
        ),
        ("year", date(2026, 5, 14), date(2026, 1, 1), date(2027, 1, 1), date(2025, 1, 1), "2026"),
    ],
)
def test_periods(kind, day, start, end, previous, label):
    assert scoring.period_start(kind, day) == start
    assert scoring.period_end(kind, start) == end
    assert scoring.period_previous(kind, start) == previous
    assert scoring.period_label(kind, start) == label
