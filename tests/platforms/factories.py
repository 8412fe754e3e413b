"""Factories and helpers for the platforms tests (on top of tests/factories.py)."""

from __future__ import annotations

from marketplace.companies.models import MembershipRole
from marketplace.platforms.models import (
    ParticipationStatus,
    Platform,
    PlatformKind,
    PlatformMembership,
    PlatformMembershipEvent,
)
from tests.factories import (
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    UserFactory,
    member,
)

__all__ = [
    "CompanyFactory",
    "PlatformAdminFactory",
    "PlatformFactory",
    "PlatformMembershipFactory",
    "UserFactory",
    "dedicated_platform",
    "member",
    "platform_admin",
    "snapshot",
    "staff_user",
]


def staff_user(**kwargs):
    return UserFactory(is_staff=True, **kwargs)


def platform_admin(platform: Platform):
    """A person named admin of ``platform`` (not operator staff)."""
    return PlatformAdminFactory(platform=platform).user


def dedicated_platform(owner=None, **kwargs) -> Platform:
    """A dedicated platform with its owner already accepted, as platform_create leaves it."""
    owner = owner or CompanyFactory()
    platform = PlatformFactory(kind=PlatformKind.DEDICATED, owner=owner, **kwargs)
    PlatformMembershipFactory(platform=platform, company=owner, status=ParticipationStatus.ACCEPTED)
    return platform


def snapshot() -> dict:
    """What the participation tables hold, to assert that a refused request changed nothing."""
    return {
        "memberships": sorted(
            PlatformMembership.objects.values_list(
                "pk", "platform_id", "company_id", "status", "reason", "message"
            )
        ),
        "events": PlatformMembershipEvent.objects.count(),
        "platforms": sorted(
            Platform.objects.values_list("pk", "name", "description", "default_min_step_percent")
        ),
    }


COMPANY_ADMIN = MembershipRole.COMPANY_ADMIN
BIDDER = MembershipRole.BIDDER
