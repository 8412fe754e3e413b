"""Reads about platforms and who administers them."""

from __future__ import annotations

from .models import ParticipationStatus, Platform, PlatformAdmin, PlatformMembership


def user_is_platform_admin(*, user, platform: Platform | int) -> bool:
    """Operator staff administer every platform; others only the ones they are named on."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    platform_id = platform if isinstance(platform, int) else platform.pk
    return PlatformAdmin.objects.filter(user=user, platform_id=platform_id).exists()


def company_is_platform_participant(*, company, platform: Platform | int) -> bool:
    platform_id = platform if isinstance(platform, int) else platform.pk
    return PlatformMembership.objects.filter(
        company=company, platform_id=platform_id, status=ParticipationStatus.ACCEPTED
    ).exists()
