"""Who is told: the people of a company holding some roles, and the reviewers."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from marketplace.companies.models import Membership

# Who of a company hears what concerns its side: the supplier's, the buyer's, a payer's.
SUPPLIER_ROLES = ("company_admin", "bidder")
BUYER_ROLES = ("company_admin", "procurement_officer")
PAYER_ROLES = ("company_admin", "procurement_officer", "bidder")


def company_people(company_id: int, roles: Iterable[str]) -> list:
    """The active members of ``company_id`` holding one of ``roles``, each once."""
    memberships = (
        Membership.objects.filter(company_id=company_id, role__in=list(roles), user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    seen: dict[int, object] = {}
    for m in memberships:
        seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def reviewers() -> list:
    """Platform admins who work the verification queue (operator staff)."""
    return list(get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk"))
