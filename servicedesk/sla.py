"""Working-time arithmetic for the service desk's SLA: pure functions, no database.

A ``WorkingCalendar`` says when the desk works: some days of the week (Monday is 0), one
window of local hours on each of them (``09:00``-``18:00``) in a time zone, less the public
holidays (any container of dates: ``holidays.country_holidays("PL")`` answers ``date in it``
and fills in the years it is asked about). The local window is turned into instants for each
day on its own, so a day after a DST change has its window at the new offset.

* ``add_working_time(start, delta, calendar)``: the instant at which ``delta`` of working time
  has passed since ``start`` (``start`` itself for a zero delta; otherwise always the end of
  some working stretch or inside one, never on a holiday, a day off or out of hours).
* ``working_time_between(a, b, calendar)``: how much working time lies between two instants
  (zero when ``b`` is not after ``a``).

Both take and give aware datetimes; ``add_working_minutes`` and ``working_minutes_between``
are the same in whole minutes. A calendar with no working day at all is refused when made.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar whose days are all holidays for ten years is taken as never working.
MAX_DAYS = 3660
ZERO = timedelta(0)


class NoWorkingTime(ValueError):
    """The calendar has no working time within reach (every day a holiday or a day off)."""


@dataclass(frozen=True)
class WorkingCalendar:
    time_zone: ZoneInfo
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    start: time = time(9, 0)
    end: time = time(18, 0)
    holidays: Container[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError("a working calendar needs working days among 0 (Monday) .. 6")
        if not self.start < self.end:
            raise ValueError("a working day starts before it ends")

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's working hours as UTC instants (the local times at that day's offset)."""
        opens = datetime.combine(day, self.start, tzinfo=self.time_zone).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.time_zone).astimezone(UTC)
        return opens, closes


def _require_aware(*values: datetime) -> None:
    for value in values:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("working time is counted between aware datetimes only")


def _windows(after: datetime, calendar: WorkingCalendar) -> Iterator[tuple[datetime, datetime]]:
    """The working windows, in order, from the local day of ``after`` on (those ending after it,
    clipped to start no earlier than it)."""
    day = after.astimezone(calendar.time_zone).date() - timedelta(days=1)
    idle = 0
    while True:
        if calendar.is_working_day(day):
            opens, closes = calendar.window(day)
            if closes > after:
                idle = 0
                yield max(opens, after), closes
                day += timedelta(days=1)
                continue
        idle += 1
        if idle > MAX_DAYS:
            raise NoWorkingTime("no working day within ten years")
        day += timedelta(days=1)


def add_working_time(start: datetime, delta: timedelta, calendar: WorkingCalendar) -> datetime:
    """The instant at which ``delta`` of working time has passed since ``start`` (UTC)."""
    _require_aware(start)
    if delta < ZERO:
        raise ValueError("working time is added, not taken away")
    cursor = start.astimezone(UTC)
    if delta == ZERO:
        return cursor
    remaining = delta
    for opens, closes in _windows(cursor, calendar):
        available = closes - opens
        if remaining <= available:
            return opens + remaining
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover - _windows never ends


def working_time_between(a: datetime, b: datetime, calendar: WorkingCalendar) -> timedelta:
    """The working time from ``a`` to ``b`` (zero when ``b`` is not after ``a``)."""
    _require_aware(a, b)
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    total = ZERO
    if b <= a:
        return total
    for opens, closes in _windows(a, calendar):
        if opens >= b:
            return total
        total += min(closes, b) - opens
        if closes >= b:
            return total
    raise AssertionError("unreachable")  # pragma: no cover


def add_working_minutes(start: datetime, minutes: int, calendar: WorkingCalendar) -> datetime:
    return add_working_time(start, timedelta(minutes=minutes), calendar)


def working_minutes_between(a: datetime, b: datetime, calendar: WorkingCalendar) -> int:
    """Whole working minutes from ``a`` to ``b`` (rounded down)."""
    return int(working_time_between(a, b, calendar) // timedelta(minutes=1))
