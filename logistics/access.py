"""Who may see and change logistics rows.

| row                                  | who reads                       | who changes                   |
|--------------------------------------|---------------------------------|-------------------------------|
| a company's place                    | the company's people            | its admins, procurement       |
|                                      |                                 | officers and bidders          |
| a platform-wide place (no owner)     | everyone logged in              | operator staff                |
| a company's carrier and its cards    | the company's people            | its company admins            |
| a platform's carrier and its cards   | the platform's admins and the   | the platform's admins         |
|                                      | people of its participants      |                               |

Anyone else does not see the row at all: another company's place, carrier or card answers 404,
never 403, so its existence is not told. A reader asking to change answers 403.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from marketplace.companies.models import MembershipRole
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import ApplicationError
from marketplace.platforms.selectors import (
    administered_platform_ids,
    platforms_where_company_trades,
    user_is_platform_admin,
)

from .models import Carrier, Place

PLACE_EDIT_ROLES = (
    MembershipRole.COMPANY_ADMIN,
    MembershipRole.PROCUREMENT_OFFICER,
    MembershipRole.BIDDER,
)
CARRIER_EDIT_ROLES = (MembershipRole.COMPANY_ADMIN,)


def place_scope(*, user) -> Q:
    """The places ``user`` may read."""
    return Q(owner__isnull=True) | Q(owner_id__in=user_company_ids(user=user))


def place_may_edit(*, user, place: Place) -> bool:
    if place.owner_id is None:
        return bool(user.is_staff)
    return place.owner_id in user_company_ids(user=user, roles=PLACE_EDIT_ROLES)


def trading_platform_ids(*, company_ids: set[int]) -> set[int]:
    """The active platforms the companies trade on (accepted participants, or owners)."""
    found: set[int] = set()
    for company_id in company_ids:
        found |= set(
            platforms_where_company_trades(company=company_id).values_list("pk", flat=True)
        )
    return found


def carrier_scope(*, user) -> Q:
    """The carriers ``user`` may read: its companies' own, the partners of the platforms its
    companies trade on, and those of the platforms it administers (every platform for staff)."""
    company_ids = user_company_ids(user=user)
    scope = Q(company_id__in=company_ids) | Q(
        platform_id__in=trading_platform_ids(company_ids=company_ids)
    )
    administered = administered_platform_ids(user=user)
    if administered is None:
        return scope | Q(platform__isnull=False)
    return scope | Q(platform_id__in=administered)


def carrier_may_edit(*, user, carrier: Carrier) -> bool:
    if carrier.platform_id is not None:
        return user_is_platform_admin(user=user, platform=carrier.platform_id)
    return carrier.company_id in user_company_ids(user=user, roles=CARRIER_EDIT_ROLES)


def default_company_id(*, user, field: str = "company") -> int:
    """The one company ``user`` belongs to, for a request that named none; a person of several
    companies (or of none) must name one (400 on ``field``)."""
    company_ids = user_company_ids(user=user)
    if len(company_ids) == 1:
        return next(iter(company_ids))
    message = _("Name the company.")
    raise ApplicationError(message, code="company_required", fields={field: [message]})
