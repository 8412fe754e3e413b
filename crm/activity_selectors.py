"""Reading activities: one activity, and the lists (mine, overdue, today, by account, contact or
opportunity), each within one workspace its reader belongs to.

"Today" is a day in a time zone: the user model has none, so it is the server's
(``settings.TIME_ZONE``) unless the caller names an IANA zone (``tz``, e.g. the browser's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, NotFoundError

from .access import workspace_ids, workspace_require
from .models import Activity


@dataclass(frozen=True)
class ActivityFilter:
    mine: bool = False
    overdue: bool = False
    today: bool = False
    done: bool | None = None
    kind: str | None = None
    account_id: int | None = None
    contact_id: int | None = None
    opportunity_id: int | None = None
    assignee_id: int | None = None


def zone_get(*, name: str | None) -> ZoneInfo:
    """The IANA time zone ``name``, or the server's; 400 for a name that is not one."""
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        message = _("Unknown time zone: give an IANA name such as Europe/Kyiv.")
        raise ApplicationError(message, code="invalid_parameter", fields={"tz": [message]}) from exc


def day_bounds(*, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of ``now``'s day in ``zone``, as aware datetimes."""
    local = now.astimezone(zone).date()
    start = datetime.combine(local, time.min, tzinfo=zone)
    end = datetime.combine(local + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _base(workspace_id: int) -> QuerySet[Activity]:
    return Activity.objects.filter(workspace_id=workspace_id).select_related(
        "account", "contact", "opportunity", "assignee", "created_by"
    )


def activity_get(*, user, workspace_id: int, activity_id: int) -> Activity:
    workspace_require(user=user, workspace_id=workspace_id)
    activity = _base(workspace_id).filter(pk=activity_id).first()
    if activity is None:
        raise NotFoundError(_("No such activity."), code="activity_not_found")
    return activity


def activity_list(
    *,
    user,
    workspace_id: int,
    filters: ActivityFilter,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
) -> QuerySet[Activity]:
    """The workspace's activities by ``filters``, the soonest due first (those without a due
    time last). ``overdue``: not done, due before now; ``today``: due within today in
    ``zone`` (the server's by default), done or not."""
    workspace_require(user=user, workspace_id=workspace_id)
    now = now or timezone.now()
    qs = _base(workspace_id)
    if filters.mine:
        qs = qs.filter(assignee=user)
    if filters.assignee_id is not None:
        qs = qs.filter(assignee_id=filters.assignee_id)
    if filters.overdue:
        qs = qs.filter(done_at__isnull=True, due_at__lt=now)
    if filters.today:
        start, end = day_bounds(zone=zone or zone_get(name=None), now=now)
        qs = qs.filter(due_at__gte=start, due_at__lt=end)
    if filters.done is not None:
        qs = qs.filter(done_at__isnull=not filters.done)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.account_id is not None:
        qs = qs.filter(account_id=filters.account_id)
    if filters.contact_id is not None:
        qs = qs.filter(contact_id=filters.contact_id)
    if filters.opportunity_id is not None:
        qs = qs.filter(opportunity_id=filters.opportunity_id)
    return qs.order_by(F("due_at").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class MyDay:
    """One workspace's figures on its reader's home page: the reader's activities due today
    (done or not) and overdue, as the activities page's "today" and "overdue" tabs list them."""

    workspace_id: int
    today: int
    overdue: int


def activity_counts_mine(
    *, user, zone: ZoneInfo | None = None, now: datetime | None = None
) -> list[MyDay]:
    """The CRM's "today" for ``user`` in every workspace it reads (ordered by id; a workspace
    with nothing due is there with zeros): ``activity_list``'s ``mine`` with ``today``, and with
    ``overdue``, by the same rules and the same default zone. One query beside the
    workspaces'."""
    ids = workspace_ids(user=user)
    if not ids:
        return []
    now = now or timezone.now()
    start, end = day_bounds(zone=zone or zone_get(name=None), now=now)
    found = {
        row["workspace_id"]: row
        for row in Activity.objects.filter(workspace_id__in=ids, assignee=user)
        .values("workspace_id")
        .annotate(
            today=Count("pk", filter=Q(due_at__gte=start, due_at__lt=end)),
            overdue=Count("pk", filter=Q(done_at__isnull=True, due_at__lt=now)),
        )
        .order_by()
    }
    return [
        MyDay(
            workspace_id=ws,
            today=found.get(ws, {}).get("today", 0),
            overdue=found.get(ws, {}).get("overdue", 0),
        )
        for ws in sorted(ids)
    ]
