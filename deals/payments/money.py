"""Money at the Stripe boundary: a ``Decimal`` amount in a currency to Stripe's integer ``amount``
and back, exactly (integer arithmetic, never a float), refusing what cannot be sent as it is.

Everywhere else money is a ``Decimal`` with its currency; only the calls to Stripe and what comes
back from it use minor units, so this is the one place that knows how Stripe counts them
(https://docs.stripe.com/currencies, "Minor units in API amounts" and "Special cases"):

- How many decimals an amount may carry is the currency's in CLDR, read from Babel (the library
  that already formats our amounts): 2 for UAH or USD, 0 for JPY or ISK, 3 for KWD or BHD.
  An amount with more is refused (``ValueError``), never rounded here: rounding a price or a fee
  is the caller's decision, made where it is computed (see ``stripe_quantum``).
- Stripe's ``amount`` counts in hundredths unless the currency is on Stripe's list of
  zero-decimal currencies (``STRIPE_ZERO_DECIMAL``, the one table here, Stripe's own), and in
  thousandths for the three-decimal ones (KWD, BHD, JOD, OMR, TND: CLDR's 3).
  CLDR and Stripe differ on purpose for the currencies CLDR gives no decimals and Stripe keeps in
  hundredths: ISK and UGX (Stripe's special cases: "the decimal amount is always 00", 5 ISK is
  ``amount=500``), and likewise ALL, RSD, LBP, AFN, LAK, MMK, SOS, YER... So such an amount must
  be whole and goes to Stripe multiplied by 100.
- Three-decimal currencies: Stripe takes them in PaymentIntents, refunds and disputes only with
  the last digit 0 (5.120 KWD, not 5.124): other amounts are refused.
- HUF and TWD: Stripe treats them as zero-decimal for payouts only (multiples of 100); charges
  carry two decimals as CLDR has them, so nothing changes here (we make no payouts).

Amounts are never negative at Stripe (a refund is a positive amount of its own): a negative
amount is refused too. Stripe's per-currency minimum and maximum charges are Stripe's to check.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import UnknownCurrencyError, get_currency_precision, validate_currency

# https://docs.stripe.com/currencies#zero-decimal: the currencies whose Stripe ``amount`` is in
# units. UGX is also listed there, but Stripe's special cases keep it in hundredths (as ISK), so
# it is not here.
STRIPE_ZERO_DECIMAL = frozenset(
    {
        "BIF",
        "CLP",
        "DJF",
        "GNF",
        "JPY",
        "KMF",
        "KRW",
        "MGA",
        "PYG",
        "RWF",
        "VND",
        "VUV",
        "XAF",
        "XOF",
        "XPF",
    }
)


def normalize_currency(currency: str) -> str:
    """The ISO 4217 code in capitals (Stripe writes "usd"); ``ValueError`` if Babel (CLDR) does
    not know it."""
    code = currency.upper() if isinstance(currency, str) else ""
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise ValueError(f"not a currency code: {currency!r}")
    try:
        validate_currency(code)
    except UnknownCurrencyError:
        raise ValueError(f"unknown currency: {currency!r}") from None
    return code


def currency_exponent(currency: str) -> int:
    """How many decimals an amount in ``currency`` may carry (CLDR's digits, through Babel)."""
    return get_currency_precision(normalize_currency(currency))


def stripe_exponent(currency: str) -> int:
    """The power of ten between one unit of ``currency`` and Stripe's ``amount``: 0 for Stripe's
    zero-decimal currencies, 3 for its three-decimal ones, 2 for all others (ISK included)."""
    code = normalize_currency(currency)
    if code in STRIPE_ZERO_DECIMAL:
        return 0
    return max(2, get_currency_precision(code))


def _allowed_decimals(code: str) -> int:
    # Never more than Stripe's amount can carry, whatever CLDR says.
    return min(get_currency_precision(code), stripe_exponent(code))


def _stripe_step(code: str) -> int:
    # Three-decimal currencies: Stripe wants the last digit of the amount to be 0.
    return 10 if stripe_exponent(code) == 3 else 1


def stripe_quantum(currency: str) -> Decimal:
    """The smallest amount of ``currency`` that Stripe takes, and the step of every amount sent
    to it: 0.01 USD, 1 JPY, 1 ISK, 0.010 KWD. Quantize a computed amount (a percentage fee) to
    this, with the rounding the business rule wants, before ``to_minor_units``."""
    code = normalize_currency(currency)
    scale = 10 ** (stripe_exponent(code) - _allowed_decimals(code))
    return from_minor_units(_stripe_step(code) * scale, code)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """``amount`` of ``currency`` as Stripe's integer ``amount``: 10.50 USD is 1050, 500 JPY is
    500, 5 ISK is 500, 5.120 KWD is 5120.

    ``ValueError`` for an amount that would need rounding (more decimals than the currency allows,
    or a three-decimal amount whose last digit is not 0), for a negative or non-finite amount and
    for an unknown currency; ``TypeError`` for anything but a ``Decimal`` (a float has already
    lost the cents).
    """
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    code = normalize_currency(currency)
    if not amount.is_finite():
        raise ValueError(f"amount must be finite: {amount}")
    if amount < 0:
        raise ValueError(f"a Stripe amount is never negative: {amount} {code}")
    decimals = _allowed_decimals(code)
    numerator, denominator = amount.as_integer_ratio()
    scaled, remainder = divmod(numerator * 10**decimals, denominator)
    if remainder:
        raise ValueError(
            f"{amount} {code} has more decimals than {code} allows ({decimals}): "
            "round it where it is computed"
        )
    units = scaled * 10 ** (stripe_exponent(code) - decimals)
    if units % _stripe_step(code):
        raise ValueError(
            f"{amount} {code}: Stripe takes {code} amounts only in steps of "
            f"{stripe_quantum(code)} (the last of its three decimals must be 0)"
        )
    return units


def from_minor_units(units: int, currency: str) -> Decimal:
    """Stripe's integer ``amount`` in ``currency`` as a ``Decimal`` with the currency's decimals:
    1050 USD is 10.50, 500 JPY is 500, 500 ISK is 5, 5124 KWD is 5.124.

    ``ValueError`` for a negative amount, an unknown currency, or an amount that is not a whole
    number of the currency's smallest unit (550 for ISK, which Stripe keeps in whole krónur);
    ``TypeError`` for anything but an ``int``.
    """
    if not isinstance(units, int) or isinstance(units, bool):
        raise TypeError(f"units must be an int, not {type(units).__name__}")
    code = normalize_currency(currency)
    if units < 0:
        raise ValueError(f"a Stripe amount is never negative: {units} ({code})")
    decimals = _allowed_decimals(code)
    scale = 10 ** (stripe_exponent(code) - decimals)
    whole, remainder = divmod(units, scale)
    if remainder:
        raise ValueError(f"{units} is not a whole amount of {code} in Stripe's minor units")
    # A string of digits and an exponent: exact whatever the number of digits.
    return Decimal(f"{whole}E-{decimals}")
