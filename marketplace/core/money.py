"""Money as people read it: one format for the pages, the auction room's script and the messages.

The symbol and where it goes, the digit grouping and the decimal mark come from Babel's CLDR data
for the reader's language; the currency spacing is CLDR's as ICU applies it (a symbol made of
letters, "UAH", is kept apart from the digits by a no-break space; "$" and "€" are not). Babel
itself leaves that spacing out ("UAH6,240,000.00"), which is why this module puts the parts
together instead of calling ``format_currency``. The room's script gets the same parts
(``money_parts``) and joins them the same way, so a price reads alike in a table, in the room
and in a refusal: "UAH 6,240,000.00" in English, "6 240 000,00 ₴" in Ukrainian and Russian.
"""

from __future__ import annotations

import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.numbers import (
    format_currency,
    format_decimal,
    get_currency_precision,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)
from django.utils.translation import get_language, to_locale

NO_BREAK_SPACE = "\u00a0"
_PROBE = Decimal("1234567")


def _spaced(symbol_edge: str) -> bool:
    """CLDR's currencySpacing: a currency whose edge next to the digits is not a symbol (Sc, Sm,
    ...) nor a space gets a no-break space between it and them."""
    category = unicodedata.category(symbol_edge)
    return not category.startswith(("S", "Z"))


@lru_cache(maxsize=256)
def _parts(currency: str, locale_name: str) -> dict:
    locale = Locale.parse(locale_name)
    # Where the symbol goes, and what it is, as Babel writes one amount.
    written = format_currency(_PROBE, currency, locale=locale)
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    places = get_currency_precision(currency)
    digits = f"1{group}234{group}567" + (decimal + "0" * places if places else "")
    at = written.find(digits)
    prefix, suffix = (written[:at], written[at + len(digits) :]) if at >= 0 else ("", written)
    if prefix and _spaced(prefix[-1]):
        prefix += NO_BREAK_SPACE
    if suffix and _spaced(suffix[0]):
        suffix = NO_BREAK_SPACE + suffix
    return {
        "prefix": prefix,
        "suffix": suffix,
        "group": group,
        "decimal": decimal,
        "minus": get_minus_sign_symbol(locale),
        "digits": places,
    }


def _locale_name(language: str | None) -> str:
    return to_locale(language or get_language() or "en")


def money_parts(currency: str, language: str | None = None) -> dict:
    """What the room's script needs to write amounts as ``format_money`` does: ``prefix``,
    ``suffix`` (the symbol with its spacing), ``group``, ``decimal``, ``minus``, ``digits``."""
    return dict(_parts(currency, _locale_name(language)))


def format_money(amount, currency: str, language: str | None = None) -> str:
    """``amount`` (a Decimal, a number or its text) in ``currency`` for the reader's language
    (the active one unless given); "—" for none, the text itself for what is not a number."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    if not value.is_finite():
        return str(amount)
    parts = _parts(currency, _locale_name(language))
    places = parts["digits"]
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = parts["minus"] if value < 0 else ""
    whole, _dot, fraction = f"{abs(value):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    number = parts["group"].join(groups)
    if places:
        number += parts["decimal"] + fraction
    return f"{sign}{parts['prefix']}{number}{parts['suffix']}"


def format_number(value, language: str | None = None) -> str:
    """A plain number (a percentage) in the reader's language, without trailing zeros: 12.5 is
    "12.5" in English, "12,5" in Ukrainian."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return format_decimal(number, locale=_locale_name(language), group_separator=False)
