"""Who is reading: what the visibility rule of the tenders (``tender_list_for_page``) needs to
know of a user, as ids, so that both backends can filter their indexes by the indexed
visibility fields (``public``, ``buyer``, ``platform``, ``participation``, the invited
suppliers) instead of re-running the tenders' rule over every tender."""

from __future__ import annotations

from dataclasses import dataclass

from auctions.tenders.selectors import user_trading_supplier_ids
from marketplace.companies.selectors import user_company_ids
from marketplace.platforms.models import ParticipationStatus, Platform, PlatformMembership
from marketplace.platforms.selectors import administered_platform_ids


@dataclass(frozen=True)
class Reader:
    """What the visibility filter needs to know of a user, as sorted ids."""

    staff: bool = False
    companies: tuple[int, ...] = ()  # the user's companies: their own tenders
    platforms: tuple[int, ...] = ()  # the platforms the user administers
    open_platforms: tuple[int, ...] = ()  # where a trading supplier of the user takes part
    suppliers: tuple[int, ...] = ()  # the user's trading suppliers: invitations


def reader_of(user) -> Reader:
    """``tender_list_for_page``'s rule for ``user`` as ids (``_supplier_visible_q``'s: open
    tenders of platforms where one of the user's trading suppliers is an accepted participant
    or the owner, invitation tenders it is invited to)."""
    if not user or not user.is_authenticated:
        return Reader()
    if user.is_staff:
        return Reader(staff=True)
    suppliers = user_trading_supplier_ids(user=user)
    open_platforms: set[int] = set()
    if suppliers:
        open_platforms |= set(
            PlatformMembership.objects.filter(
                company_id__in=suppliers, status=ParticipationStatus.ACCEPTED
            ).values_list("platform_id", flat=True)
        )
        open_platforms |= set(
            Platform.objects.filter(owner_id__in=suppliers).values_list("pk", flat=True)
        )
    return Reader(
        companies=tuple(sorted(user_company_ids(user=user))),
        platforms=tuple(sorted(administered_platform_ids(user=user) or ())),
        open_platforms=tuple(sorted(open_platforms)),
        suppliers=tuple(sorted(suppliers)),
    )
