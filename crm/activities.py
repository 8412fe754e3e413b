"""Activities (calls, meetings, tasks, notes, e-mails): logging, editing, deleting, and the
reminders that Celery beat sends.

Who may do what (``crm.access``): every member of the workspace's company may log an activity
(readers too); an activity may be changed or deleted by its author, its assignee, or an editor
of the workspace. Each activity is on an account (optionally a contact and an opportunity of that
same account) and appears on the account's timeline: its entry is written, changed and deleted
with it, in the same transaction.

A meeting carries an iCalendar invitation (``crm.calendar``): ``ical_uid`` is set once, when it
becomes a meeting, and ``ical_sequence`` grows with each change a calendar program must see.

Reminders: ``activity_reminders_send`` (the beat task ``crm.activity_reminders``) tells each
assignee once per reminder time, by emitting ``crm.activity_reminder``; the notifications app
listens to it (e-mail and in-app). The CRM never calls the notifications app.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import Membership
from marketplace.core.exceptions import ApplicationError, NotFoundError, PermissionDeniedError
from marketplace.events.services import event_emit, iso

from .access import may_edit, workspace_ids, workspace_require
from .models import Account, Activity, ActivityKind, Contact, Opportunity, TimelineEntry
from .timeline import TimelineKind, timeline_add

# A meeting given a start but no end lasts this long.
MEETING_DEFAULT_LENGTH = timedelta(hours=1)
# A reminder set this far in the past is refused (a little slack for clocks that differ).
REMINDER_SLACK = timedelta(minutes=1)
# Times outside these are typing mistakes (and beyond them date arithmetic overflows).
TIME_FIELDS = ("due_at", "starts_at", "ends_at", "remind_at")
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2201, 1, 1, tzinfo=UTC)
# The fields whose change a meeting's invitation must carry (its SEQUENCE grows).
INVITATION_FIELDS = (
    "kind",
    "subject",
    "body",
    "starts_at",
    "ends_at",
    "location",
    "assignee_id",
    "contact_id",
    "created_by_id",
)
EDITABLE = (
    "kind",
    "subject",
    "body",
    "account_id",
    "contact_id",
    "opportunity_id",
    "due_at",
    "starts_at",
    "ends_at",
    "location",
    "assignee_id",
    "remind_at",
    "done",
)
# What the row stores of them ("done" is stored as ``done_at``).
STORED = tuple(name for name in EDITABLE if name != "done")


def activity_url(activity: Activity) -> str:
    return reverse(
        "api:crm-activity",
        kwargs={"workspace_id": activity.workspace_id, "activity_id": activity.pk},
    )


def ical_uid_new() -> str:
    """A meeting's iCalendar UID: unique, and the same for the meeting's whole life."""
    host = urlsplit(settings.SITE_URL).hostname or "tradefloor"
    return f"crm-meeting-{uuid.uuid4().hex}@{host}"


def utc_iso(value: datetime | None) -> str | None:
    """A time as payloads carry it: ISO 8601 in UTC (clients may send other offsets)."""
    return iso(value.astimezone(UTC)) if value is not None else None


# --- Checks ----------------------------------------------------------------------------------


def workspace_member_ids(*, workspace_id: int) -> set[int]:
    """The active members (any role) of the workspace's company: who may be assigned."""
    return set(
        Membership.objects.filter(company_id=workspace_id, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid_activity", fields=errors)


def _check(*, workspace_id: int, values: dict, now: datetime) -> dict:
    """``values`` (the activity's fields as they will be, ids by ``*_id``) checked and
    completed: a meeting's end and due time default from its start, ``done`` becomes
    ``done_at``. Refuses (400, every problem by field) what may not be stored."""
    errors: dict[str, list[str]] = {}
    for name in TIME_FIELDS:
        value = values.get(name)
        if value is not None and not EARLIEST <= value <= LATEST:
            errors[name] = [
                _("Give a time between the years %(first)d and %(last)d.")
                % {"first": EARLIEST.year, "last": LATEST.year - 1}
            ]
    _refuse(errors)
    kind = values.get("kind")
    if kind not in ActivityKind.values:
        errors["kind"] = [
            _("Unknown kind of activity: %(kinds)s.") % {"kinds": ", ".join(ActivityKind.values)}
        ]
    subject = (values.get("subject") or "").strip()
    if not subject:
        errors["subject"] = [_("Give the activity a subject.")]
    values["subject"] = subject

    account_id = values.get("account_id")
    account = None
    if account_id is not None:
        account = Account.objects.filter(workspace_id=workspace_id, pk=account_id).first()
    if account is None:
        errors["account"] = [_("No such account in this CRM.")]
    for field, model, label in (
        ("contact", Contact, _("contact")),
        ("opportunity", Opportunity, _("opportunity")),
    ):
        row_id = values.get(f"{field}_id")
        if row_id is None:
            continue
        row = model.objects.filter(workspace_id=workspace_id, pk=row_id).first()
        if row is None:
            errors[field] = [_("No such %(what)s in this CRM.") % {"what": label}]
        elif account is not None and row.account_id != account.pk:
            errors[field] = [_("This %(what)s is not of the activity's account.") % {"what": label}]

    assignee_id = values.get("assignee_id")
    assignee_changed = values.pop("assignee_changed", True)  # (one who left may stay put)
    if (
        assignee_changed
        and assignee_id is not None
        and assignee_id not in workspace_member_ids(workspace_id=workspace_id)
    ):
        errors["assignee"] = [_("The assignee must be an active member of your company.")]

    starts_at, ends_at = values.get("starts_at"), values.get("ends_at")
    if kind == ActivityKind.MEETING and starts_at is None:
        errors["starts_at"] = [_("A meeting needs its start time.")]
    if ends_at is not None and starts_at is None:
        errors["starts_at"] = [_("Give the start time as well as the end.")]
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    if kind == ActivityKind.MEETING and starts_at is not None:
        values["ends_at"] = ends_at or starts_at + MEETING_DEFAULT_LENGTH
        values["due_at"] = starts_at  # a meeting is due when it starts

    remind_at = values.get("remind_at")
    if remind_at is not None:
        if assignee_id is None:
            errors["remind_at"] = [_("A reminder needs an assignee to remind.")]
        elif values.get("remind_changed") and remind_at < now - REMINDER_SLACK:
            errors["remind_at"] = [_("The reminder time has passed.")]
    _refuse(errors)

    done = values.pop("done", None)
    if done is not None:
        values["done_at"] = (values.get("done_at") or now) if done else None
    values.pop("remind_changed", None)
    return values


def _activity_for_change(*, user, workspace_id: int, activity_id: int) -> Activity:
    """The activity, locked, if ``user`` may change it: its author, its assignee, or an editor
    of the workspace (403 for another reader); 404 outside the workspace."""
    workspace_require(user=user, workspace_id=workspace_id)
    activity = (
        Activity.objects.select_for_update()
        .filter(workspace_id=workspace_id, pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFoundError(_("No such activity."), code="activity_not_found")
    if user.pk not in (activity.created_by_id, activity.assignee_id) and not may_edit(
        user=user, workspace_id=workspace_id
    ):
        raise PermissionDeniedError(
            _("Only its author, its assignee or an account manager may change this activity."),
            code="activity_not_yours",
        )
    return activity


# --- The timeline entry of an activity -------------------------------------------------------


def _entry_fields(activity: Activity) -> dict:
    kind_label = ActivityKind(activity.kind).label
    return {
        "account": activity.account,
        "contact": activity.contact,
        "type": f"activity.{activity.kind}",
        "title": f"{kind_label}: {activity.subject}",
        "body": activity.body,
        "url": activity_url(activity),
        "payload": {
            "activity": activity.pk,
            "kind": activity.kind,
            "due_at": utc_iso(activity.due_at),
            "starts_at": utc_iso(activity.starts_at),
            "ends_at": utc_iso(activity.ends_at),
            "assignee": activity.assignee_id,
            "done": activity.done_at is not None,
        },
        # Where the activity sits in the history: when it happens (a meeting's start, a task's
        # due time), else when it was logged.
        "at": activity.starts_at or activity.due_at or activity.created_at,
    }


def _timeline_sync(activity: Activity) -> None:
    """Write the activity's timeline entry, or bring it in step with the activity."""
    fields = _entry_fields(activity)
    entry = TimelineEntry.objects.filter(activity=activity).first()
    if entry is None:
        timeline_add(
            kind=TimelineKind.ACTIVITY, activity=activity, actor=activity.created_by, **fields
        )
        return
    fields["title"] = fields["title"][:300]
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.workspace_id = activity.workspace_id
    entry.save()


# --- Services --------------------------------------------------------------------------------


def activity_create(
    *,
    user,
    workspace_id: int,
    kind: str,
    subject: str,
    account_id: int,
    contact_id: int | None = None,
    opportunity_id: int | None = None,
    body: str = "",
    due_at: datetime | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    location: str = "",
    assignee_id: int | None = None,
    remind_at: datetime | None = None,
    done: bool = False,
    now: datetime | None = None,
) -> Activity:
    """Log an activity on an account of the workspace (any member may). Its timeline entry is
    written with it."""
    workspace_require(user=user, workspace_id=workspace_id)
    now = now or timezone.now()
    values = _check(
        workspace_id=workspace_id,
        now=now,
        values={
            "kind": kind,
            "subject": subject,
            "body": body,
            "account_id": account_id,
            "contact_id": contact_id,
            "opportunity_id": opportunity_id,
            "due_at": due_at,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "location": location,
            "assignee_id": assignee_id,
            "remind_at": remind_at,
            "remind_changed": remind_at is not None,
            "done": done,
        },
    )
    with transaction.atomic():
        activity = Activity(workspace_id=workspace_id, created_by=user, **values)
        if activity.kind == ActivityKind.MEETING:
            activity.ical_uid = ical_uid_new()
        activity.save()
        _timeline_sync(activity)
    return activity


def activity_update(
    *, user, workspace_id: int, activity_id: int, data: dict, now: datetime | None = None
) -> Activity:
    """Change an activity (``data``: some of ``EDITABLE``). Its author, its assignee or an
    editor may. A meeting's invitation sequence grows when what it tells changes; a new
    reminder time is reminded afresh."""
    now = now or timezone.now()
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"activity_update: not editable: {sorted(unknown)}")
    with transaction.atomic():
        activity = _activity_for_change(
            user=user, workspace_id=workspace_id, activity_id=activity_id
        )
        before = {name: getattr(activity, name) for name in (*STORED, *INVITATION_FIELDS)}
        values = {name: before[name] for name in STORED}
        values.update(data)
        if values["account_id"] != before["account_id"]:
            # On another account, the old account's contact and opportunity do not follow.
            for name in ("contact_id", "opportunity_id"):
                if name not in data:
                    values[name] = None
        old_start, old_end = before["starts_at"], before["ends_at"]
        if "ends_at" not in data and values["starts_at"] and old_start and old_end:
            values["ends_at"] = values["starts_at"] + (old_end - old_start)  # moved, same length
        values["done_at"] = activity.done_at
        values["remind_changed"] = "remind_at" in data and data["remind_at"] != before["remind_at"]
        values["assignee_changed"] = values["assignee_id"] != before["assignee_id"]
        values = _check(workspace_id=workspace_id, values=values, now=now)
        for name, value in values.items():
            setattr(activity, name, value)
        if values["remind_at"] != before["remind_at"] or (
            values["assignee_id"] != before["assignee_id"]
        ):
            activity.reminded_at = None  # a new reminder (or a new person): told afresh
        if activity.kind == ActivityKind.MEETING:
            if not activity.ical_uid:
                activity.ical_uid = ical_uid_new()
            elif any(getattr(activity, name) != before[name] for name in INVITATION_FIELDS):
                activity.ical_sequence += 1
        activity.save()
        _timeline_sync(activity)
    return activity


def activity_delete(*, user, workspace_id: int, activity_id: int) -> None:
    """Delete an activity and its timeline entry (its author, its assignee or an editor)."""
    with transaction.atomic():
        activity = _activity_for_change(
            user=user, workspace_id=workspace_id, activity_id=activity_id
        )
        TimelineEntry.objects.filter(activity=activity).delete()
        activity.delete()


# --- Reminders -------------------------------------------------------------------------------


def activities_due_for_reminder(*, now: datetime):
    return Activity.objects.filter(
        remind_at__lte=now,
        reminded_at__isnull=True,
        done_at__isnull=True,
        assignee__isnull=False,
    ).order_by("remind_at", "pk")


def activity_reminders_send(*, now: datetime | None = None, limit: int = 500) -> int:
    """Tell each assignee of an activity whose reminder time has come, once (``reminded_at``
    is stamped in the same transaction as the event; the event's ``once_key`` makes a repeated
    run with the same reminder time emit nothing). An assignee who has left the workspace's
    company is not told. Returns how many reminders were emitted."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            activities_due_for_reminder(now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("assignee", "account")[:limit]
        )
        for activity in due:
            activity.reminded_at = now
            activity.save(update_fields=["reminded_at"])
            assignee = activity.assignee
            if (
                assignee is None
                or not assignee.is_active
                or activity.workspace_id not in workspace_ids(user=assignee)
            ):
                continue
            remind_at = activity.remind_at or now  # never None here: the query's filter
            event = event_emit(
                "crm.activity_reminder",
                # No company and no audience: the change feed and the webhooks show a company's
                # events to all its people, and a reminder is one person's.
                company=None,
                payload={
                    "activity": activity.pk,
                    "workspace": activity.workspace_id,
                    "user": assignee.pk,
                    "kind": activity.kind,
                    "subject": activity.subject,
                    "account_name": activity.account.name if activity.account else "",
                    "due_at": utc_iso(activity.due_at),
                    "starts_at": utc_iso(activity.starts_at),
                    "url": activity_url(activity),
                },
                once_key=f"crm.activity_reminder:{activity.pk}:{remind_at.isoformat()}",
                now=now,
            )
            sent += event is not None
    return sent
