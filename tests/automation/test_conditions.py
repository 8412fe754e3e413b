"""Condition checking and evaluation: pure functions (hypothesis where a law holds)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from automation.conditions import conditions_clean, conditions_hold, holds
from automation.triggers import TRIGGERS

FIELDS = TRIGGERS["crm.opportunity_stage_changed"].field_map()
money = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@given(money, money)
def test_ordered_operators_agree_with_decimal_order(a, b):
    assert holds("decimal", "gt", f"{a:.2f}", str(b)) == (a > b)
    assert holds("decimal", "lte", f"{a:.2f}", str(b)) == (not a > b)
    assert holds("decimal", "gte", f"{a:.2f}", str(b)) == (a >= b)
    assert holds("decimal", "lt", f"{a:.2f}", str(b)) == (a < b)


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_ne_is_not_eq_and_in_of_one_is_eq(a, b):
    assert holds("id", "ne", a, b) == (not holds("id", "eq", a, b))
    assert holds("id", "in", a, [b]) == holds("id", "eq", a, b)


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=10))
def test_contains_is_case_insensitive_substring(text, part):
    assert holds("text", "contains", text, part) == (part.casefold() in text.casefold())


def test_a_missing_fact_holds_only_for_ne():
    for op in ("eq", "gt", "gte", "lt", "lte", "in", "contains"):
        value = ["1"] if op == "in" else "1"
        assert not holds("decimal", op, None, value)
    assert holds("decimal", "ne", None, "1")


def test_every_condition_must_hold():
    conditions, errors = conditions_clean(
        [
            {"field": "to_kind", "operator": "eq", "value": "won"},
            {"field": "amount", "operator": "gte", "value": "1000"},
        ],
        FIELDS,
    )
    assert not errors
    assert conditions_hold(conditions, {"to_kind": "won", "amount": "1500.00"}, FIELDS)
    assert not conditions_hold(conditions, {"to_kind": "won", "amount": "999.99"}, FIELDS)
    assert not conditions_hold(conditions, {"to_kind": "lost", "amount": "1500.00"}, FIELDS)
    assert not conditions_hold(conditions, {"to_kind": "won", "amount": None}, FIELDS)
    assert conditions_hold([], {}, FIELDS)


def test_values_are_stored_typed():
    conditions, errors = conditions_clean(
        [
            {"field": "owner", "operator": "in", "value": [3, "4", 3]},
            {"field": "amount", "operator": "lt", "value": "10.5"},
            {"field": "account_stage", "operator": "eq", "value": "active"},
        ],
        FIELDS,
    )
    assert not errors
    assert conditions[0]["value"] == [3, 4] and conditions[1]["value"] == "10.5"
    assert Decimal(conditions[1]["value"]) == Decimal("10.50")


def test_refusals_name_the_row_and_the_part():
    _clean, errors = conditions_clean(
        [
            {"field": "nope", "operator": "eq", "value": 1},
            {"field": "to_kind", "operator": "gt", "value": "won"},
            {"field": "to_kind", "operator": "eq", "value": "maybe"},
            {"field": "amount", "operator": "eq", "value": "lots"},
            {"field": "owner", "operator": "in", "value": []},
            {"field": "amount", "operator": "eq", "value": "1", "code": "import os"},
        ],
        FIELDS,
    )
    assert set(errors) == {
        "conditions.0.field",
        "conditions.1.operator",
        "conditions.2.value",
        "conditions.3.value",
        "conditions.4.value",
        "conditions.5.field",
    }
    assert "to_stage" in errors["conditions.0.field"][0]
