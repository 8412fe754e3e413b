"""Writes for buyer profiles."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError, PermissionDeniedError

from .models import BuyerProfile
from .selectors import PROFILE_EDITOR_ROLES


def buyer_profile_update(
    *,
    actor,
    company: Company,
    description: str | None = None,
    categories: list[Category] | None = None,
) -> BuyerProfile:
    """Change what the buyer tells suppliers. ``None`` leaves a part as it is."""
    if not company.is_buyer:
        raise ApplicationError(_("This company is not a buyer."), code="not_a_buyer")
    if not user_has_company_role(user=actor, company=company, roles=PROFILE_EDITOR_ROLES):
        raise PermissionDeniedError(
            _("Only company admins and procurement officers may edit the buyer profile."),
            code="role_required",
        )
    with transaction.atomic():
        profile, _created = BuyerProfile.objects.get_or_create(company=company)
        profile = BuyerProfile.objects.select_for_update().get(pk=profile.pk)
        if description is not None:
            profile.description = description
        profile.save()
        if categories is not None:
            profile.categories.set(categories)
    return profile
