"""Decimal amounts to Stripe's minor units and back (deals/payments/money.py): examples per
currency as Stripe's currency guide gives them, refusals instead of rounding, and round trips."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from babel.numbers import get_currency_precision
from hypothesis import given
from hypothesis import strategies as st

from deals.payments.money import (
    STRIPE_ZERO_DECIMAL,
    currency_exponent,
    from_minor_units,
    stripe_exponent,
    stripe_quantum,
    to_minor_units,
)


@pytest.mark.parametrize(
    ("amount", "currency", "units"),
    [
        ("500", "JPY", 500),
        ("500.00", "JPY", 500),  # our prices carry cents; a whole yen is still 500
        ("0", "JPY", 0),
        ("1234.56", "UAH", 123456),
        ("1234.5", "UAH", 123450),
        ("0.01", "UAH", 1),
        ("10.50", "USD", 1050),
        ("10", "USD", 1000),
        ("1E+3", "USD", 100000),
        ("5.120", "KWD", 5120),
        ("5.12", "KWD", 5120),
        ("0.010", "BHD", 10),
        # Stripe's special cases: whole krónur and shillings, sent in hundredths.
        ("5", "ISK", 500),
        ("5", "UGX", 500),
        # HUF and TWD are zero-decimal at Stripe for payouts only: charges keep two decimals.
        ("10.25", "HUF", 1025),
        ("10.25", "TWD", 1025),
        # A code as Stripe writes it.
        ("10.50", "usd", 1050),
        # Large amounts stay exact (no float, no context precision on the way).
        ("123456789012345678901234567890.12", "USD", 12345678901234567890123456789012),
    ],
)
def test_to_minor_units(amount, currency, units):
    assert to_minor_units(Decimal(amount), currency) == units


@pytest.mark.parametrize(
    ("units", "currency", "amount"),
    [
        (500, "JPY", "500"),
        (123456, "UAH", "1234.56"),
        (1050, "USD", "10.50"),
        (0, "USD", "0.00"),
        (5124, "KWD", "5.124"),  # Stripe may report one (a fee): it is a valid KWD amount
        (5120, "KWD", "5.120"),
        (500, "ISK", "5"),
        (500, "UGX", "5"),
        (1025, "HUF", "10.25"),
    ],
)
def test_from_minor_units(units, currency, amount):
    result = from_minor_units(units, currency)
    assert result == Decimal(amount)
    # With the currency's decimals, as the pages show it.
    assert str(result) == amount


@pytest.mark.parametrize(
    ("currency", "decimals", "stripe_decimals", "quantum"),
    [
        ("JPY", 0, 0, "1"),
        ("UAH", 2, 2, "0.01"),
        ("USD", 2, 2, "0.01"),
        ("KWD", 3, 3, "0.010"),
        ("BHD", 3, 3, "0.010"),
        # Stripe's special cases: no decimals, counted in hundredths all the same.
        ("ISK", 0, 2, "1"),
        ("UGX", 0, 2, "1"),
        # CLDR gives no decimals to some currencies that Stripe counts in hundredths, as it
        # does every currency not on its zero-decimal list: the Albanian lek.
        ("ALL", 0, 2, "1"),
    ],
)
def test_exponents_come_from_babel_with_stripes_exceptions(
    currency, decimals, stripe_decimals, quantum
):
    assert currency_exponent(currency) == decimals
    assert stripe_exponent(currency) == stripe_decimals
    assert str(stripe_quantum(currency)) == quantum


def test_stripes_zero_decimal_currencies_carry_no_decimals_in_babel():
    """Otherwise an amount Babel allows (0.50) could not be sent to Stripe in whole units."""
    assert {c: get_currency_precision(c) for c in STRIPE_ZERO_DECIMAL} == dict.fromkeys(
        STRIPE_ZERO_DECIMAL, 0
    )


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("0.5", "JPY", "more decimals than JPY allows (0)"),
        ("500.01", "JPY", "more decimals than JPY allows (0)"),
        ("1.005", "USD", "more decimals than USD allows (2)"),
        ("1234.567", "UAH", "more decimals than UAH allows (2)"),
        ("5.1234", "KWD", "more decimals than KWD allows (3)"),
        ("5.5", "ISK", "more decimals than ISK allows (0)"),
        ("5.124", "KWD", "only in steps of 0.010"),
        ("0.001", "BHD", "only in steps of 0.010"),
        ("-1.00", "USD", "never negative"),
        ("NaN", "USD", "finite"),
        ("Infinity", "USD", "finite"),
        ("1.00", "ZZZ", "unknown currency"),
        ("1.00", "US", "not a currency code"),
        ("1.00", "", "not a currency code"),
    ],
)
def test_to_minor_units_refuses_rather_than_rounds(amount, currency, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        to_minor_units(Decimal(amount), currency)


def test_to_minor_units_takes_no_float():
    with pytest.raises(TypeError, match="Decimal"):
        to_minor_units(10.5, "USD")
    with pytest.raises(TypeError, match="Decimal"):
        to_minor_units("10.50", "USD")


@pytest.mark.parametrize(
    ("units", "currency", "error", "message"),
    [
        (550, "ISK", ValueError, "not a whole amount of ISK"),
        (-1, "USD", ValueError, "never negative"),
        (100, "ZZZ", ValueError, "unknown currency"),
        (True, "USD", TypeError, "int"),
        (10.0, "USD", TypeError, "int"),
        (Decimal(10), "USD", TypeError, "int"),
    ],
)
def test_from_minor_units_refusals(units, currency, error, message):
    with pytest.raises(error, match=message):
        from_minor_units(units, currency)


CURRENCIES = ["JPY", "UAH", "USD", "EUR", "RUB", "KWD", "BHD", "ISK", "UGX", "HUF", "CLP", "ALL"]


@given(currency=st.sampled_from(CURRENCIES), steps=st.integers(min_value=0, max_value=10**15))
def test_round_trip_from_stripe(currency, steps):
    """Every amount Stripe can take comes back to the same integer."""
    units = steps * to_minor_units(stripe_quantum(currency), currency)
    amount = from_minor_units(units, currency)
    assert to_minor_units(amount, currency) == units
    assert amount == steps * stripe_quantum(currency)


@given(currency=st.sampled_from(CURRENCIES), data=st.data())
def test_round_trip_from_decimal(currency, data):
    """Every amount on Stripe's grid, however written (trailing zeros), survives the trip."""
    quantum = stripe_quantum(currency)
    steps = data.draw(st.integers(min_value=0, max_value=10**15))
    padding = data.draw(st.integers(min_value=0, max_value=4))
    amount = (steps * quantum).quantize(Decimal(1).scaleb(quantum.as_tuple().exponent - padding))
    assert from_minor_units(to_minor_units(amount, currency), currency) == amount


@given(
    currency=st.sampled_from(CURRENCIES),
    steps=st.integers(min_value=0, max_value=10**12),
    extra=st.integers(min_value=1, max_value=9),
)
def test_a_digit_beyond_the_currency_is_refused(currency, steps, extra):
    quantum = stripe_quantum(currency)
    amount = steps * quantum + Decimal(extra).scaleb(-currency_exponent(currency) - 1)
    with pytest.raises(ValueError):
        to_minor_units(amount, currency)
