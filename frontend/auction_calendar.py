"""The calendar of my auctions as the pages need it: the week shown (Monday to Sunday in the
person's current time zone), and the same lots as an iCalendar file (RFC 5545, the
``icalendar`` package) to import into a calendar program.

Plain functions: the lots come from ``auctions.tenders.calendar.lot_calendar_for``, the room's
address from the view (``room_url``), so they are tested without a request.

**The file.** One VEVENT per lot; its UID is the lot's (``auction-lot-<id>@<host>``, ``host``
from ``SITE_URL``, the UID the CRM's private feed gives the same lot), so importing a newer file
updates the events instead of adding a second copy. Times in UTC. DTSTAMP is when the file was
made; there is no SEQUENCE nor LAST-MODIFIED: a lot keeps no time of its last schedule change,
and its event counter would tell a supplier how busy the bidding is, which the lot's visibility
may hide from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from auctions.models import Lot, LotStatus
from auctions.tenders.calendar import CalendarLot
from marketplace.platforms.models import AuctionFormat

PRODID = "-//Tradefloor//Auctions//EN"
FILENAME = "tradefloor-auctions.ics"
# The file's window around now, by the auctions' start.
ICS_PAST = timedelta(days=30)
ICS_AHEAD = timedelta(days=90)
# The weeks a ``?week=`` may name (a date outside is read as this week).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


# --- The week ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    date: date
    today: bool
    entries: list[CalendarLot]


def week_monday(value: str | None, *, today: date) -> date:
    """The Monday of the week ``value`` (``YYYY-MM-DD``, any day of it) falls in; this week's
    (``today``'s) when ``value`` is missing or no such date."""
    day = today
    if value:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            day = today
        if not FIRST_DAY <= day <= LAST_DAY:
            day = today
    return day - timedelta(days=day.weekday())


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """The week's first and the next week's first moment in the current time zone (aware; a
    week with a clock change is an hour shorter or longer)."""
    start = timezone.make_aware(datetime.combine(monday, time.min))
    end = timezone.make_aware(datetime.combine(monday + timedelta(days=7), time.min))
    return start, end


def week_days(monday: date, entries: Iterable[CalendarLot], *, today: date) -> list[Day]:
    """The seven days from ``monday``, each with its lots by their start's local day."""
    by_day: dict[date, list[CalendarLot]] = {}
    for entry in entries:
        assert entry.lot.starts_at is not None  # the calendar places started and scheduled lots
        by_day.setdefault(timezone.localdate(entry.lot.starts_at), []).append(entry)
    days = [monday + timedelta(days=n) for n in range(7)]
    return [Day(date=d, today=d == today, entries=by_day.get(d, [])) for d in days]


def ics_window(now: datetime) -> tuple[datetime, datetime]:
    return now - ICS_PAST, now + ICS_AHEAD


# --- The file ---------------------------------------------------------------------------------


def _host(fallback: str) -> str:
    return urlsplit(settings.SITE_URL).hostname or fallback


def lot_uid(lot: Lot, *, host: str) -> str:
    return f"auction-lot-{lot.pk}@{host}"


def role_label(entry: CalendarLot) -> str:
    return _("I buy") if entry.buying else _("I bid")


def _event(entry: CalendarLot, *, host: str, url: str, now: datetime) -> VEvent:
    lot, tender = entry.lot, entry.lot.tender
    assert lot.starts_at is not None  # the calendar places started and scheduled lots
    event = VEvent()
    event.add("uid", lot_uid(lot, host=host))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", lot.starts_at.astimezone(UTC))
    event.add("dtend", entry.ends_at.astimezone(UTC))
    event.add(
        "summary",
        _("Auction: %(lot)s (%(tender)s)")
        % {"lot": f"{lot.number}. {lot.title}", "tender": tender.title},
    )
    lines = [
        _("Buyer: %(buyer)s. Status: %(status)s.")
        % {"buyer": tender.buyer.legal_name, "status": LotStatus(lot.status).label},
        _("Format: %(format)s.") % {"format": AuctionFormat(lot.auction_format).label},
        _("You take part as the buyer.")
        if entry.buying
        else _("You take part as an admitted supplier."),
    ]
    if entry.end_estimated:
        lines.append(
            _(
                "The end is an estimate: a soft close can extend an auction, and the rounds "
                "and clock formats last as long as their bidders and price levels make them."
            )
        )
    lines.append(_("Auction room: %(url)s") % {"url": url})
    event.add("description", "\n".join(lines))
    event.add("url", url)
    return event


def auction_calendar_ics(
    *,
    entries: Iterable[CalendarLot],
    room_url: Callable[[Lot], str],
    now: datetime,
    host: str = "tradefloor",
) -> bytes:
    """The lots as an iCalendar file (METHOD:PUBLISH): one VEVENT each with its UID, UTC start
    and end, summary, description and the room's absolute address (``room_url``). ``host``
    names the site in the UIDs where ``SITE_URL`` has no host."""
    host = _host(host)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Tradefloor: my auctions"))
    for entry in entries:
        cal.add_component(_event(entry, host=host, url=room_url(entry.lot), now=now))
    return cal.to_ical()
