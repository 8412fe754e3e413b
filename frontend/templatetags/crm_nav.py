"""The top bar's "CRM" link: shown to the people of a company (its CRM's readers)."""

from django import template

from crm.access import workspace_ids

register = template.Library()


@register.filter
def has_crm(user) -> bool:
    """``{% if user|has_crm %}``: an account manager, admin, procurement officer or bidder of
    some company (``crm.access``)."""
    if not user or not user.is_authenticated:
        return False
    return bool(workspace_ids(user=user))
