"""The top bar's "My catalogue" link: shown to the people of a supplier company."""

from django import template

from suppliers.selectors import supplier_companies_of_member

register = template.Library()


@register.filter
def has_catalogue(user) -> bool:
    """``{% if user|has_catalogue %}``: a member (any role) of some supplier company, who reads
    its catalogue (its editors change it)."""
    if not user or not user.is_authenticated:
        return False
    return supplier_companies_of_member(user=user).exists()
