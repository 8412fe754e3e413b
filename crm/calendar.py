"""The CRM in iCalendar (RFC 5545, the ``icalendar`` package): a meeting's invitation, and each
person's private feed that calendar programs subscribe to.

**Invitation.** A meeting's ``.ics`` (METHOD:REQUEST) has the meeting's stable UID
(``Activity.ical_uid``) and its SEQUENCE (``ical_sequence``, grown by ``activity_update`` when
what the invitation tells changes), so a calendar program updates the event it already has
instead of adding a second one. Times are in UTC; the organiser is the meeting's author, the
attendees its assignee and its contact (their e-mails).

**Feed.** A person's feed URL carries a random token; only its SHA-256 is stored (``token``),
so the URL is shown once, when it is made, and a leaked database does not open anyone's
calendar. One feed is live at a time: making a new one (rotate) ends the old, revoking ends
it. The feed answers without a session, by its token alone (404 for a revoked or unknown one),
with the person's activities (assigned to them, in the workspaces they still belong to, from 90
days back) and the auctions they take part in (``auctions.tenders.selectors
.lot_list_for_workspace``: the lots their companies buy or are admitted to).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from auctions.models import LotStatus
from auctions.tenders.selectors import lot_list_for_workspace
from marketplace.core.exceptions import ConflictError, NotFoundError

from .access import workspace_ids, workspace_require
from .activities import activity_url
from .models import Activity, ActivityKind, CalendarFeed

PRODID = "-//Tradefloor//CRM//EN"
FEED_PAST = timedelta(days=90)
FEED_MAX_ACTIVITIES = 2000
# A task, call or e-mail has a due time, not a length: shown as this long.
DUE_LENGTH = timedelta(minutes=15)
# The feed's "last read" is written at most this often (calendar programs poll).
LAST_READ_EVERY = timedelta(minutes=10)


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "tradefloor"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _calendar(*, method: str | None = None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def _address(email: str, name: str = "", **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


# --- A meeting's invitation ------------------------------------------------------------------


def meeting_uid(activity: Activity) -> str:
    return activity.ical_uid or f"crm-activity-{activity.pk}@{_host()}"


def _activity_event(activity: Activity, *, now: datetime) -> VEvent | None:
    """The activity as a VEVENT, or None when it has no time to be placed at."""
    start = activity.starts_at or activity.due_at
    if start is None:
        return None
    end = activity.ends_at if activity.starts_at and activity.ends_at else start + DUE_LENGTH
    event = VEvent()
    event.add("uid", meeting_uid(activity))
    event.add("sequence", activity.ical_sequence)
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    summary = activity.subject
    if activity.kind != ActivityKind.MEETING:
        summary = f"{ActivityKind(activity.kind).label}: {summary}"
    if activity.done_at is not None:
        summary = _("[done] %(subject)s") % {"subject": summary}
    event.add("summary", summary)
    description = [activity.body] if activity.body else []
    if activity.account is not None:
        description.append(_("Account: %(name)s") % {"name": activity.account.name})
    if description:
        event.add("description", "\n\n".join(description))
    if activity.location:
        event.add("location", activity.location)
    event.add("url", _absolute(activity_url(activity)))
    if activity.updated_at:
        event.add("last-modified", _utc(activity.updated_at))
    return event


def meeting_invitation(*, activity: Activity, now: datetime | None = None) -> bytes:
    """A meeting's invitation (.ics, METHOD:REQUEST): UID, SEQUENCE, UTC times, the organiser
    (its author, else its assignee) and the attendees (assignee, contact) by e-mail."""
    if activity.kind != ActivityKind.MEETING or activity.starts_at is None:
        raise NotFoundError(
            _("This activity is not a meeting: it has no invitation."), code="not_a_meeting"
        )
    now = now or timezone.now()
    event = _activity_event(activity, now=now)
    assert event is not None  # a meeting has its start (checked above)
    organiser = activity.created_by or activity.assignee
    if organiser is not None and organiser.email:
        event["organizer"] = _address(organiser.email, organiser.full_name)
    attendees: list[tuple[str, str]] = []
    if activity.assignee is not None and activity.assignee.email:
        attendees.append((activity.assignee.email, activity.assignee.full_name))
    contact = activity.contact
    if contact is not None and contact.emails:
        attendees.append((str(contact.emails[0]), str(contact)))
    seen = set()
    for email, name in attendees:
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        event.add(
            "attendee",
            _address(email, name, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
            encode=False,
        )
    cal = _calendar(method="REQUEST")
    cal.add_component(event)
    return cal.to_ical()


# --- The private feed: its token -------------------------------------------------------------


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(token: str) -> str:
    return _absolute(reverse("api:crm-calendar-feed-ics", kwargs={"token": token}))


def calendar_feed_get(*, user, workspace_id: int) -> CalendarFeed | None:
    """The user's live feed (None when it has none). The feed is the person's, across every
    workspace they belong to; the workspace in the path only scopes who may ask."""
    workspace_require(user=user, workspace_id=workspace_id)
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def _feed_new(user, now: datetime) -> tuple[CalendarFeed, str]:
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token=token_digest(token))
    return feed, token


def _lock_person(user) -> None:
    """One feed change at a time per person (two at once could leave two live feeds)."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def calendar_feed_create(
    *, user, workspace_id: int, now: datetime | None = None
) -> tuple[CalendarFeed, str]:
    """Make the user's feed; returns it and its token (shown this once). 409 when a live one
    exists: rotate it instead."""
    workspace_require(user=user, workspace_id=workspace_id)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_person(user)
        if CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).exists():
            raise ConflictError(
                _("You already have a calendar feed: rotate it for a new address."),
                code="calendar_feed_exists",
            )
        return _feed_new(user, now)


def calendar_feed_rotate(
    *, user, workspace_id: int, now: datetime | None = None
) -> tuple[CalendarFeed, str]:
    """A new feed address; the old one (if any) stops answering at once."""
    workspace_require(user=user, workspace_id=workspace_id)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_person(user)
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        return _feed_new(user, now)


def calendar_feed_revoke(*, user, workspace_id: int, now: datetime | None = None) -> None:
    """End the user's feed: its address answers 404 from now on."""
    workspace_require(user=user, workspace_id=workspace_id)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_person(user)
        ended = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=now
        )
    if not ended:
        raise NotFoundError(_("You have no calendar feed."), code="calendar_feed_not_found")


def calendar_feed_by_token(*, token: str) -> CalendarFeed:
    """The live feed of ``token``; 404 for a revoked, unknown or malformed one, or one whose
    person is no longer active."""
    feed = None
    if 20 <= len(token) <= 100:
        feed = (
            CalendarFeed.objects.select_related("user")
            .filter(token=token_digest(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
    if feed is None:
        raise NotFoundError(_("No such calendar feed."), code="calendar_feed_not_found")
    return feed


# --- The private feed: its calendar ----------------------------------------------------------


def feed_activities(*, user, now: datetime) -> list[Activity]:
    """The activities assigned to ``user`` in the workspaces they may still read, from
    ``FEED_PAST`` back, the soonest first."""
    since = now - FEED_PAST
    qs = Activity.objects.filter(
        assignee=user, workspace_id__in=workspace_ids(user=user)
    ).select_related("account", "created_by", "assignee", "contact")
    qs = qs.filter(starts_at__gte=since) | qs.filter(starts_at__isnull=True, due_at__gte=since)
    return list(qs.order_by("due_at", "pk")[:FEED_MAX_ACTIVITIES])


def _lot_event(lot, *, now: datetime) -> VEvent | None:
    start = lot.starts_at or lot.tender.auction_start
    if start is None:
        return None
    end = lot.ends_at or start + timedelta(seconds=lot.duration_seconds or 0)
    if end <= start:
        end = start + DUE_LENGTH
    event = VEvent()
    event.add("uid", f"auction-lot-{lot.pk}@{_host()}")
    event.add("dtstamp", _utc(now))
    event.add("dtstart", _utc(start))
    event.add("dtend", _utc(end))
    event.add(
        "summary",
        _("Auction: %(lot)s (%(tender)s)") % {"lot": lot.title, "tender": lot.tender.title},
    )
    event.add(
        "description",
        _("Buyer: %(buyer)s. Status: %(status)s.")
        % {"buyer": lot.tender.buyer.legal_name, "status": LotStatus(lot.status).label},
    )
    event.add("url", _absolute(reverse("frontend:lot-room", args=[lot.pk])))
    if lot.status == LotStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def feed_calendar(*, feed: CalendarFeed, now: datetime | None = None) -> bytes:
    """The feed's calendar: the person's activities and the auctions they take part in (only
    what that person may see now). Notes when the feed was last read."""
    now = now or timezone.now()
    user = feed.user
    cal = _calendar(method="PUBLISH", name=_("Tradefloor: %(name)s") % {"name": str(user)})
    for activity in feed_activities(user=user, now=now):
        event = _activity_event(activity, now=now)
        if event is not None:
            cal.add_component(event)
    lots = lot_list_for_workspace(user=user)
    seen = set()
    for lot in [*lots["buying"], *lots["bidding"]]:
        if lot.pk in seen:
            continue
        seen.add(lot.pk)
        event = _lot_event(lot, now=now)
        if event is not None:
            cal.add_component(event)
    if feed.last_read_at is None or feed.last_read_at < now - LAST_READ_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return cal.to_ical()
