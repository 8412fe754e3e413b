"""Money in the pages: the amount in its currency, formatted for the reader's language."""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django import template
from django.utils.translation import get_language, to_locale

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """``{{ lot.start_price|money:tender.currency }}``: "6 240 000,00 ₴" in uk, "UAH 6,240,000.00"
    in en. Empty for no amount."""
    if amount is None or amount == "":
        return "—"
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return format_currency(value, currency, locale=to_locale(get_language() or "en"))
