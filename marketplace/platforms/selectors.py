"""Reads about platforms, who administers them and who trades on them.

Every scope starts here: a platform the user may not see, or a participation that is neither
their company's nor on a platform they administer, is simply not in the queryset (so 404).
"""

from __future__ import annotations

from django.db.models import Count, Min, Q, QuerySet

from marketplace.companies.models import Company, MembershipRole
from marketplace.companies.selectors import user_company_ids

from .models import (
    ParticipationStatus,
    Platform,
    PlatformAdmin,
    PlatformBrand,
    PlatformKind,
    PlatformMembership,
)


def _pk(obj) -> int:
    return obj if isinstance(obj, int) else obj.pk


def user_is_platform_admin(*, user, platform: Platform | int) -> bool:
    """Operator staff administer every platform; others only the ones they are named on."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return PlatformAdmin.objects.filter(user=user, platform_id=_pk(platform)).exists()


def company_is_platform_participant(*, company, platform: Platform | int) -> bool:
    return PlatformMembership.objects.filter(
        company=company, platform_id=_pk(platform), status=ParticipationStatus.ACCEPTED
    ).exists()


def platform_list_visible(*, user) -> QuerySet[Platform]:
    """Platforms ``user`` may see: active public ones; dedicated ones owned by one of the
    user's companies or where one of them has a participation (of any status, so a refused
    or suspended company still sees why); every platform the user administers. Staff see all."""
    qs = Platform.objects.select_related("owner")
    if not user or not user.is_authenticated:
        return qs.filter(kind=PlatformKind.PUBLIC, is_active=True)
    if user.is_staff:
        return qs.all()
    company_ids = user_company_ids(user=user)
    administered = Q(admins__user=user)
    mine = Q(owner_id__in=company_ids) | Q(memberships__company_id__in=company_ids)
    visible = Q(kind=PlatformKind.PUBLIC, is_active=True) | (Q(is_active=True) & mine)
    ids = Platform.objects.filter(visible | administered).values("pk")
    return qs.filter(pk__in=ids)


def platform_get_visible(*, user, platform_id: int) -> Platform | None:
    return platform_list_visible(user=user).filter(pk=platform_id).first()


def platform_admin_list(*, platform: Platform) -> QuerySet[PlatformAdmin]:
    return platform.admins.select_related("user").order_by("created_at", "pk")


def administered_platform_ids(*, user) -> set[int] | None:
    """Ids of the platforms ``user`` administers; ``None`` means all of them (staff)."""
    if not user or not user.is_authenticated:
        return set()
    if user.is_staff:
        return None
    return set(PlatformAdmin.objects.filter(user=user).values_list("platform_id", flat=True))


def _membership_qs() -> QuerySet[PlatformMembership]:
    return PlatformMembership.objects.select_related(
        "platform", "company", "applied_by", "decided_by"
    )


def membership_list_for_user(*, user) -> QuerySet[PlatformMembership]:
    """The participations of the user's own companies (any role may read them)."""
    return _membership_qs().filter(company_id__in=user_company_ids(user=user))


def membership_list_for_platform(*, platform: Platform) -> QuerySet[PlatformMembership]:
    """A platform's participations, for its admins."""
    return _membership_qs().filter(platform=platform)


def membership_get_visible(*, user, membership_id: int) -> PlatformMembership | None:
    """A participation that is the user's company's own or on a platform the user administers."""
    if not user or not user.is_authenticated:
        return None
    scope = Q(company_id__in=user_company_ids(user=user))
    admin_ids = administered_platform_ids(user=user)
    if admin_ids is None:
        scope = Q()
    elif admin_ids:
        scope |= Q(platform_id__in=admin_ids)
    return _membership_qs().filter(scope, pk=membership_id).first()


def platforms_where_company_trades(*, company: Company | int) -> QuerySet[Platform]:
    """Active platforms on which ``company`` is an accepted participant (a dedicated
    platform's owner always is)."""
    company_id = _pk(company)
    accepted = PlatformMembership.objects.filter(
        company_id=company_id, status=ParticipationStatus.ACCEPTED
    ).values("platform_id")
    return Platform.objects.filter(Q(pk__in=accepted) | Q(owner_id=company_id), is_active=True)


def platform_participants(*, platform: Platform | int) -> QuerySet[Company]:
    """Companies accepted on ``platform`` (its owner included)."""
    platform_id = _pk(platform)
    accepted = PlatformMembership.objects.filter(
        platform_id=platform_id, status=ParticipationStatus.ACCEPTED
    ).values("company_id")
    owner = Platform.objects.filter(pk=platform_id, owner__isnull=False).values("owner_id")
    return Company.objects.filter(Q(pk__in=accepted) | Q(pk__in=owner))


def user_admin_company_ids(*, user) -> set[int]:
    return user_company_ids(user=user, roles=[MembershipRole.COMPANY_ADMIN])


def membership_requests_waiting(*, user) -> tuple[int, int | None]:
    """The membership requests (applied, not decided) on the platforms ``user`` administers
    (every platform for staff): their number and, when they are all on one platform, its id
    (the home page links straight to it). One query."""
    ids = administered_platform_ids(user=user)
    qs = PlatformMembership.objects.filter(status=ParticipationStatus.APPLIED)
    if ids is not None:
        if not ids:
            return 0, None
        qs = qs.filter(platform_id__in=ids)
    found = qs.aggregate(
        n=Count("pk"), platforms=Count("platform_id", distinct=True), one=Min("platform_id")
    )
    return found["n"], found["one"] if found["platforms"] == 1 else None


def platform_get_administered(*, user, platform_id: int) -> Platform | None:
    """A platform ``user`` administers (staff: any); None for anyone else, so a 404."""
    if not user_is_platform_admin(user=user, platform=platform_id):
        return None
    return Platform.objects.select_related("owner").filter(pk=platform_id).first()


def brand_get(*, platform: Platform | int) -> PlatformBrand | None:
    """The platform's brand, its host names read with it; None when it has none."""
    return (
        PlatformBrand.objects.select_related("platform")
        .prefetch_related("hosts")
        .filter(platform_id=_pk(platform))
        .first()
    )
