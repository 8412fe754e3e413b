"""Money in the pages: the amount in its currency, formatted for the reader's language."""

from django import template

from marketplace.core.money import format_money

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    """``{{ lot.start_price|money:tender.currency }}``: "6 240 000,00 ₴" in uk, "UAH 6,240,000.00"
    in en (``marketplace.core.money``, the same as the auction room's script). "—" for no
    amount."""
    return format_money(amount, currency)
