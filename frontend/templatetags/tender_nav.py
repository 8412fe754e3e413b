"""The top bar's "New tender" link: shown to the buyer companies' managers."""

from django import template

from auctions.tenders.selectors import buyer_companies_managed

register = template.Library()


@register.filter
def manages_tenders(user) -> bool:
    """``{% if user|manages_tenders %}``: a procurement officer or company admin of a buyer."""
    if not user or not user.is_authenticated:
        return False
    return buyer_companies_managed(user=user).exists()
