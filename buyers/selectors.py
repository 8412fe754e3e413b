"""Reads for buyer profiles.

Who may read a buyer's profile: the buyer's own members (any role), and members of a verified
supplier company when the buyer itself is verified; suppliers use it to see what a buyer
purchases and whom to talk to. Anyone else gets "not found".
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.categories.models import Category
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError

from .models import BuyerProfile

PROFILE_EDITOR_ROLES = (MembershipRole.COMPANY_ADMIN, MembershipRole.PROCUREMENT_OFFICER)


def user_is_verified_supplier_member(*, user) -> bool:
    return Company.objects.filter(
        pk__in=user_company_ids(user=user),
        is_supplier=True,
        verification_status=VerificationStatus.VERIFIED,
    ).exists()


def _with_profile(qs: QuerySet[Company]) -> QuerySet[Company]:
    officers = Membership.objects.filter(role=MembershipRole.PROCUREMENT_OFFICER).select_related(
        "user"
    )
    return qs.select_related("buyer_profile").prefetch_related(
        "buyer_profile__categories",
        Prefetch("memberships", queryset=officers, to_attr="procurement_memberships"),
    )


def buyer_companies_visible(*, user) -> QuerySet[Company]:
    own = user_company_ids(user=user)
    cond = Q(pk__in=own)
    if user_is_verified_supplier_member(user=user):
        cond |= Q(verification_status=VerificationStatus.VERIFIED)
    return _with_profile(Company.objects.filter(is_buyer=True).filter(cond)).order_by(
        "legal_name", "pk"
    )


def buyer_get_visible(*, user, company_id: int) -> Company:
    company = buyer_companies_visible(user=user).filter(pk=company_id).first()
    if company is None:
        raise NotFoundError(_("No such buyer."), code="buyer_not_found")
    return company


def buyer_get_for_member(*, user, company_id: int) -> Company:
    company = Company.objects.filter(
        pk=company_id, is_buyer=True, pk__in=user_company_ids(user=user)
    ).first()
    if company is None:
        raise NotFoundError(_("No such buyer."), code="buyer_not_found")
    return company


def buyer_profile_of(*, company: Company) -> BuyerProfile | None:
    try:
        return company.buyer_profile
    except BuyerProfile.DoesNotExist:
        return None


def buyer_procurement_officers(*, company: Company) -> list:
    """The people holding the procurement officer role, by name."""
    memberships = getattr(company, "procurement_memberships", None)
    if memberships is None:
        users = list(
            get_user_model().objects.filter(
                memberships__company=company, memberships__role=MembershipRole.PROCUREMENT_OFFICER
            )
        )
    else:
        users = [m.user for m in memberships]
    return sorted(
        {u.pk: u for u in users if u.is_active}.values(),
        key=lambda u: ((u.full_name or u.email).lower(), u.pk),
    )


def filter_buyers_by_category(qs: QuerySet[Company], category: Category) -> QuerySet[Company]:
    ids = Category.objects.filter(
        Q(pk=category.pk) | Q(path__startswith=f"{category.path}/")
    ).values("pk")
    return qs.filter(buyer_profile__categories__in=ids).distinct()
