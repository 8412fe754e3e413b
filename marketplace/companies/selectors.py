"""Reads about companies and who may act for them. Every API scope starts here."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError, PermissionDeniedError

from .models import Company, Invitation, Membership, MembershipRole


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


def company_get_for_member(*, user, company_id: int) -> Company:
    """The company ``company_id`` if ``user`` belongs to it; otherwise NotFoundError (404), so
    strangers cannot learn that the company exists."""
    company = companies_of_user(user=user).filter(pk=company_id).first()
    if company is None:
        raise NotFoundError(_("Company not found."), code="company_not_found")
    return company


def company_get_for_admin(*, user, company_id: int) -> Company:
    """The company ``company_id`` if ``user`` is its company admin: 404 for strangers, 403 for
    members without the role."""
    company = company_get_for_member(user=user, company_id=company_id)
    if not user_has_company_role(user=user, company=company, roles=[MembershipRole.COMPANY_ADMIN]):
        raise PermissionDeniedError(
            _("Only a company admin may do this."), code="not_company_admin"
        )
    return company


def company_member_list(*, company: Company) -> QuerySet:
    """The people of ``company``, each once, with their memberships prefetched."""
    from marketplace.users.models import User

    return (
        User.objects.filter(memberships__company=company)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(company=company).order_by("role"),
                to_attr="company_memberships",
            )
        )
        .order_by("email")
    )


def company_member_get(*, company: Company, user_id: int):
    """One person of ``company`` (with ``company_memberships``) or NotFoundError."""
    person = company_member_list(company=company).filter(pk=user_id).first()
    if person is None:
        raise NotFoundError(
            _("This person is not a member of the company."), code="member_not_found"
        )
    return person


def company_admin_count(*, company: Company) -> int:
    return Membership.objects.filter(company=company, role=MembershipRole.COMPANY_ADMIN).count()


def user_roles_in_company(*, user, company: Company) -> list[str]:
    return sorted(
        Membership.objects.filter(user=user, company=company).values_list("role", flat=True)
    )


def user_memberships_summary(*, user) -> list[dict]:
    """``[{company_id, company_name, roles}]`` for every company ``user`` belongs to."""
    summary: dict[int, dict] = {}
    rows = (
        Membership.objects.filter(user=user)
        .select_related("company")
        .order_by("company__legal_name", "company_id", "role")
    )
    for m in rows:
        entry = summary.setdefault(
            m.company_id,
            {"company_id": m.company_id, "company_name": m.company.legal_name, "roles": []},
        )
        entry["roles"].append(m.role)
    return list(summary.values())


def company_invitation_list(*, company: Company) -> QuerySet[Invitation]:
    return Invitation.objects.filter(company=company).select_related("invited_by")


def company_invitation_get(*, company: Company, invitation_id: int) -> Invitation:
    invitation = company_invitation_list(company=company).filter(pk=invitation_id).first()
    if invitation is None:
        raise NotFoundError(_("Invitation not found."), code="invitation_not_found")
    return invitation


def invitation_open_for(*, company: Company, email: str) -> Invitation | None:
    """The invitation to ``company`` still waiting for ``email``'s answer (not expired)."""
    return (
        Invitation.objects.filter(
            company=company,
            email__iexact=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expired_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )


def invitations_expired_unmarked() -> QuerySet[Invitation]:
    """Invitations past their expiry that nobody has closed yet."""
    return Invitation.objects.filter(
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expired_at__isnull=True,
        expires_at__lte=timezone.now(),
    )
