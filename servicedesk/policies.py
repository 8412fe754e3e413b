"""From a workspace's SLA policy (rows) to the pure working-time arithmetic of ``sla``: the
policy that applies to a case, its working calendar (the country's public holidays from the
``holidays`` package) and the due times it gives."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays as holidays_lib

from marketplace.core.times import zone

from .models import SlaPolicy
from .sla import WorkingCalendar, add_working_time


@lru_cache(maxsize=32)
def public_holidays(country: str) -> Container[date]:
    """The public holidays of ``country`` (ISO alpha-2), every year asked about; none for a
    country the package does not know."""
    try:
        return holidays_lib.country_holidays(country.upper())
    except NotImplementedError:
        return frozenset()


def calendar_of(policy: SlaPolicy, *, company_country: str = "") -> WorkingCalendar:
    country = policy.holiday_country or company_country
    return WorkingCalendar(
        time_zone=zone(policy.time_zone),
        weekdays=frozenset(int(d) for d in policy.weekdays),
        start=policy.day_start,
        end=policy.day_end,
        holidays=public_holidays(country) if country else frozenset(),
    )


def policy_for(*, workspace_id: int, priority: str) -> SlaPolicy | None:
    """The workspace's policy for ``priority``, else its policy without a priority."""
    policies = {
        p.priority: p
        for p in SlaPolicy.objects.filter(workspace_id=workspace_id, priority__in=[priority, ""])
    }
    return policies.get(priority) or policies.get("")


def due_times(
    *, policy: SlaPolicy, start: datetime, company_country: str
) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a case opened at ``start``."""
    calendar = calendar_of(policy, company_country=company_country)
    return (
        add_working_time(start, timedelta(minutes=policy.first_response_minutes), calendar),
        add_working_time(start, timedelta(minutes=policy.resolution_minutes), calendar),
    )
