"""The SLA's working-time arithmetic (``servicedesk.sla``): named cases (a weekend, a public
holiday, a DST change, out-of-hours starts) and properties over random calendars and instants."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk.sla import (
    NoWorkingTime,
    WorkingCalendar,
    add_working_minutes,
    add_working_time,
    working_minutes_between,
    working_time_between,
)

KYIV = ZoneInfo("Europe/Kyiv")
WARSAW = ZoneInfo("Europe/Warsaw")
UA = WorkingCalendar(time_zone=KYIV)
PL = WorkingCalendar(time_zone=WARSAW, holidays=holidays.country_holidays("PL"))


def local(zone, *args) -> datetime:
    return datetime(*args, tzinfo=zone)


# --- Named cases ------------------------------------------------------------------------------


def test_within_one_day():
    start = local(KYIV, 2026, 12, 7, 10, 0)  # Monday
    assert add_working_minutes(start, 60, UA) == local(KYIV, 2026, 12, 7, 11, 0)
    assert working_minutes_between(start, local(KYIV, 2026, 12, 7, 11, 0), UA) == 60


def test_across_a_weekend():
    friday_17 = local(KYIV, 2026, 12, 11, 17, 0)
    due = add_working_minutes(friday_17, 120, UA)
    assert due == local(KYIV, 2026, 12, 14, 10, 0)  # Monday 10:00: one hour Friday, one Monday
    assert working_minutes_between(friday_17, due, UA) == 120


def test_across_a_public_holiday_christmas_in_poland():
    # Thursday 24 (Christmas Eve, a holiday since 2025), Friday 25, Saturday 26 December 2026.
    wednesday_17 = local(WARSAW, 2026, 12, 23, 17, 0)
    due = add_working_minutes(wednesday_17, 4 * 60, PL)
    assert due == local(WARSAW, 2026, 12, 28, 12, 0)  # Monday: 1 h Wednesday, 3 h Monday
    # The same start without holidays would be due on Thursday.
    plain = WorkingCalendar(time_zone=WARSAW)
    assert add_working_minutes(wednesday_17, 4 * 60, plain) == local(WARSAW, 2026, 12, 24, 12, 0)


def test_starting_on_a_holiday_starts_on_the_next_working_morning():
    assert add_working_minutes(local(WARSAW, 2026, 11, 11, 10, 0), 30, PL) == local(
        WARSAW, 2026, 11, 12, 9, 30
    )


def test_across_the_autumn_dst_change():
    # Europe/Kyiv leaves summer time on Sunday 25 October 2026 (UTC+3 -> UTC+2).
    friday_17 = local(KYIV, 2026, 10, 23, 17, 0)
    due = add_working_minutes(friday_17, 120, UA)
    assert due == local(KYIV, 2026, 10, 26, 10, 0)
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)
    assert friday_17.astimezone(UTC) == datetime(2026, 10, 23, 14, 0, tzinfo=UTC)
    # 66 hours passed (65 on the wall clock, which went back an hour): still 2 working hours.
    assert working_minutes_between(friday_17, due, UA) == 120


def test_across_the_spring_dst_change():
    friday_17 = local(KYIV, 2026, 3, 27, 17, 0)  # summer time from Sunday 29 March
    due = add_working_minutes(friday_17, 120, UA)
    assert due == local(KYIV, 2026, 3, 30, 10, 0)
    assert due.utcoffset() == timedelta(0) and due.astimezone(KYIV).utcoffset() == timedelta(
        hours=3
    )


def test_before_and_after_hours():
    early = local(KYIV, 2026, 12, 7, 6, 0)
    assert add_working_minutes(early, 15, UA) == local(KYIV, 2026, 12, 7, 9, 15)
    late = local(KYIV, 2026, 12, 7, 20, 0)
    assert add_working_minutes(late, 15, UA) == local(KYIV, 2026, 12, 8, 9, 15)
    assert working_minutes_between(late, local(KYIV, 2026, 12, 8, 8, 0), UA) == 0


def test_exact_end_of_the_day_is_not_rolled_over():
    start = local(KYIV, 2026, 12, 7, 17, 0)
    assert add_working_minutes(start, 60, UA) == local(KYIV, 2026, 12, 7, 18, 0)


def test_zero_and_reversed():
    sunday = local(KYIV, 2026, 12, 6, 12, 0)
    assert add_working_minutes(sunday, 0, UA) == sunday
    assert (
        working_minutes_between(local(KYIV, 2026, 12, 8, 12), local(KYIV, 2026, 12, 7, 12), UA) == 0
    )


def test_refusals():
    with pytest.raises(ValueError):
        WorkingCalendar(time_zone=KYIV, weekdays=frozenset())
    with pytest.raises(ValueError):
        WorkingCalendar(time_zone=KYIV, start=time(18), end=time(9))
    with pytest.raises(ValueError):
        add_working_minutes(datetime(2026, 12, 7, 10), 10, UA)  # noqa: DTZ001 - naive, refused
    with pytest.raises(ValueError):
        add_working_minutes(local(KYIV, 2026, 12, 7, 10), -1, UA)

    class Always:
        def __contains__(self, _day) -> bool:
            return True

    never = WorkingCalendar(time_zone=KYIV, holidays=Always())
    with pytest.raises(NoWorkingTime):
        add_working_minutes(local(KYIV, 2026, 12, 7, 10), 1, never)


# --- Properties -------------------------------------------------------------------------------

ZONES = ["Europe/Kyiv", "Europe/Warsaw", "America/New_York", "Asia/Tokyo", "UTC"]
HOLIDAYS = {
    "PL": holidays.country_holidays("PL"),
    "DE": holidays.country_holidays("DE"),
    "": frozenset(),
}


@st.composite
def calendars(draw) -> WorkingCalendar:
    start_h = draw(st.integers(0, 20))
    end_h = draw(st.integers(start_h + 1, 23))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return WorkingCalendar(
        time_zone=ZoneInfo(draw(st.sampled_from(ZONES))),
        weekdays=days,
        start=time(start_h, draw(st.sampled_from([0, 30]))),
        end=time(end_h, draw(st.sampled_from([0, 15]))),
        holidays=HOLIDAYS[draw(st.sampled_from(sorted(HOLIDAYS)))],
    )


# hypothesis's bounds are naive by its API; the instants it makes are aware (UTC).
instants = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
durations = st.integers(0, 60 * 24 * 30).map(lambda m: timedelta(minutes=m))


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), start=instants, delta=durations)
def test_between_undoes_add(cal, start, delta):
    due = add_working_time(start, delta, cal)
    assert due >= start
    assert working_time_between(start, due, cal) == delta


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), start=instants, a=durations, b=durations)
def test_adding_is_additive_and_monotonic(cal, start, a, b):
    assert add_working_time(add_working_time(start, a, cal), b, cal) == add_working_time(
        start, a + b, cal
    )
    if a <= b:
        assert add_working_time(start, a, cal) <= add_working_time(start, b, cal)


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), start=instants, delta=durations.filter(bool))
def test_a_due_time_lies_in_working_hours(cal, start, delta):
    due = add_working_time(start, delta, cal)
    day = due.astimezone(cal.time_zone).date()
    opens, closes = cal.window(day)
    assert cal.is_working_day(day)
    assert opens < due <= closes


@settings(max_examples=150, deadline=None)
@given(cal=calendars(), a=instants, b=instants, c=instants)
def test_between_is_additive_and_bounded(cal, a, b, c):
    a, b, c = sorted([a, b, c])
    ab, bc = working_time_between(a, b, cal), working_time_between(b, c, cal)
    assert ab + bc == working_time_between(a, c, cal)
    assert timedelta(0) <= ab <= b - a


def test_a_holiday_adds_no_working_time():
    christmas = date(2026, 12, 25)
    opens, closes = PL.window(christmas)
    assert working_time_between(
        opens - timedelta(hours=1), closes + timedelta(hours=1), PL
    ) == timedelta(0)
