"""Which of the platform admin's pages the top bar offers the person."""

from django import template

from deals.payments.invoices import user_records_transfers
from marketplace.platforms.selectors import administered_platform_ids
from marketplace.verification.selectors import user_is_reviewer

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_nav(context) -> dict:
    """``review``: the verification queue (reviewers); ``platforms``: platforms the person
    administers (None from the selector means all of them: staff); ``bank``: the bank
    statements (those who record transfers)."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"review": False, "platforms": False, "bank": False}
    ids = administered_platform_ids(user=user)
    return {
        "review": user_is_reviewer(user=user),
        "platforms": ids is None or bool(ids),
        "bank": user_records_transfers(user),
    }
