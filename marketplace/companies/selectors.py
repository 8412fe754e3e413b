"""Reads about companies and who may act for them. Every API scope starts here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from .models import Company, Membership, MembershipRole


def user_company_ids(*, user, roles: Iterable[str] | None = None) -> set[int]:
    """Ids of the companies ``user`` belongs to (holding one of ``roles``, when given)."""
    if not user or not user.is_authenticated:
        return set()
    qs = Membership.objects.filter(user=user)
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return set(qs.values_list("company_id", flat=True))


def user_has_company_role(*, user, company: Company | int, roles: Iterable[str]) -> bool:
    if not user or not user.is_authenticated:
        return False
    company_id = company if isinstance(company, int) else company.pk
    return Membership.objects.filter(
        user=user, company_id=company_id, role__in=list(roles)
    ).exists()


def user_is_company_member(*, user, company: Company | int) -> bool:
    return user_has_company_role(user=user, company=company, roles=MembershipRole.values)


def companies_of_user(*, user) -> QuerySet[Company]:
    return Company.objects.filter(pk__in=user_company_ids(user=user))
