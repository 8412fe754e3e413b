"""The calendar of my auctions (``/auctions/calendar/``) and its ``.ics`` file: which lots (a
supplier's admitted ones, a buyer's own; not another company's, not drafts nor cancelled), the
week's bounds in the person's time zone, the week links, the file parsed back, the log-in, and a
fixed number of queries however many lots."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from auctions.models import Application, ApplicationStatus, Lot, LotStatus, Tender, TenderStatus
from auctions.tenders.calendar import lot_calendar_for, lot_expected_end
from frontend import calendar_views
from frontend.auction_calendar import week_bounds, week_days, week_monday
from marketplace.companies.models import MembershipRole
from marketplace.platforms.models import AuctionFormat
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    CompanyFactory,
    PlatformFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db

CALENDAR = "/auctions/calendar/"
ICS = "/auctions/calendar.ics"
MONDAY = date(2030, 1, 7)  # a week in winter: Kyiv is UTC+2
KYIV = ZoneInfo("Europe/Kyiv")
HOST = urlsplit(settings.SITE_URL).hostname


def at(day: date, hour: int, minute: int = 0, tz=UTC) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


class World:
    """A buyer (its officer), a supplier (its bidder) and another buyer, each with a tender."""

    def __init__(self):
        self.platform = PlatformFactory()
        self.buyer = CompanyFactory(legal_name="Calendar Buyer Ltd", is_supplier=False)
        self.officer = member(self.buyer, MembershipRole.PROCUREMENT_OFFICER)
        self.supplier = CompanyFactory(legal_name="Calendar Supplier Ltd", is_buyer=False)
        self.bidder = member(self.supplier, MembershipRole.BIDDER)
        self.rival = CompanyFactory(legal_name="Someone Else Ltd", is_supplier=False)
        self.rival_officer = member(self.rival, MembershipRole.PROCUREMENT_OFFICER)
        self.tender = self.make_tender(self.buyer, self.officer, "Diesel for the sowing")
        self.rival_tender = self.make_tender(self.rival, self.rival_officer, "Rival's gravel")
        self.numbers: dict[int, int] = {}

    def make_tender(self, buyer, officer, title: str) -> Tender:
        start = at(date(2029, 12, 1), 9)
        return Tender.objects.create(
            platform=self.platform,
            buyer=buyer,
            created_by=officer,
            title=title,
            category=CategoryFactory(),
            currency="UAH",
            questions_deadline=start - timedelta(days=2),
            applications_deadline=start - timedelta(days=1),
            auction_start=start,
            status=TenderStatus.PUBLISHED,
        )

    def lot(
        self,
        title: str,
        starts_at: datetime | None,
        *,
        tender: Tender | None = None,
        status: str = LotStatus.AUCTION_SCHEDULED,
        admit: str | None = None,
        **rules,
    ) -> Lot:
        """A lot starting at ``starts_at``; ``admit``: the supplier's application's status."""
        tender = tender or self.tender
        number = self.numbers[tender.pk] = self.numbers.get(tender.pk, 0) + 1
        lot = Lot.objects.create(
            tender=tender,
            number=number,
            title=title,
            quantity=Decimal("10"),
            unit="t",
            start_price=Decimal("100000.00"),
            status=status,
            starts_at=starts_at,
            **rules,
        )
        if admit:
            Application.objects.create(
                lot=lot,
                supplier=self.supplier,
                submitted_by=self.bidder,
                status=admit,
                terms_accepted_at=timezone.now(),
                label=1,
            )
        return lot


@pytest.fixture
def w():
    return World()


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def shown(response) -> set[int]:
    return {int(n) for n in re.findall(r'id="cal-lot-(\d+)"', response.content.decode())}


def day_of(html: str, lot: Lot) -> str:
    """The heading of the day whose column holds ``lot`` in the page's HTML."""
    position = html.index(f'id="cal-lot-{lot.pk}"')
    heading = html.rindex('<span class="day-name">', 0, position)
    return re.sub(r"<[^>]+>", "", html[heading : html.index("</h3>", heading)]).strip()


# --- Which lots ------------------------------------------------------------------------------


def test_a_supplier_sees_the_weeks_lots_it_is_admitted_to_and_no_other(client, w):
    admitted = w.lot("Diesel EN 590", at(MONDAY, 10), admit=ApplicationStatus.ADMITTED)
    applied = w.lot("Petrol A-95", at(MONDAY, 11), admit=ApplicationStatus.SUBMITTED)
    rejected = w.lot("Kerosene", at(MONDAY, 12), admit=ApplicationStatus.REJECTED)
    rival = w.lot("Gravel", at(MONDAY, 13), tender=w.rival_tender)
    later = w.lot("Next week's diesel", at(MONDAY + timedelta(days=7), 10), admit="admitted")
    log_in(client, w.bidder)

    response = client.get(CALENDAR, {"week": "2030-01-09"})  # a Wednesday: its week

    assert response.status_code == 200
    assert shown(response) == {admitted.pk}
    html = response.content.decode()
    assert "Diesel EN 590" in html and "Diesel for the sowing" in html
    assert f'href="/lots/{admitted.pk}/"' in html
    assert "I bid" in html and "I buy" not in html
    assert "English reverse with soft close" in html and "Auction scheduled" in html
    assert "10:00" in html
    for absent in (applied, rejected, rival, later):
        assert f"cal-lot-{absent.pk}" not in html
    assert "Next week" in html and "No auctions of yours" not in html


def test_a_buyer_sees_its_tenders_lots_but_no_draft_cancelled_or_unscheduled_one(client, w):
    live = w.lot("Live diesel", at(MONDAY + timedelta(days=2), 8), status=LotStatus.LIVE)
    closed = w.lot("Closed petrol", at(MONDAY, 9), status=LotStatus.CLOSED)
    draft = w.lot("Draft lot", at(MONDAY, 10), status=LotStatus.DRAFT)
    cancelled = w.lot("Cancelled lot", at(MONDAY, 11), status=LotStatus.CANCELLED)
    unscheduled = w.lot("Not scheduled", None, status=LotStatus.PUBLISHED)
    w.lot("Rival's", at(MONDAY, 12), tender=w.rival_tender)
    log_in(client, w.officer)

    response = client.get(CALENDAR, {"week": MONDAY.isoformat()})

    assert shown(response) == {live.pk, closed.pk}
    html = response.content.decode()
    assert "I buy" in html and "I bid" not in html
    # Soonest first; each under its day.
    assert html.index(f"cal-lot-{closed.pk}") < html.index(f"cal-lot-{live.pk}")
    assert day_of(html, closed).startswith("Monday")
    assert day_of(html, live).startswith("Wednesday")
    for absent in (draft, cancelled, unscheduled):
        assert f"cal-lot-{absent.pk}" not in html


def test_an_empty_week_says_so_and_the_week_links_move_by_seven_days(client, w):
    log_in(client, w.officer)

    response = client.get(CALENDAR, {"week": "2030-01-13"})  # a Sunday: the week before it

    html = response.content.decode()
    assert 'id="week-empty"' in html and "No auctions of yours start this week." in html
    assert 'id="week"' not in html
    assert f'href="{CALENDAR}?week=2029-12-31"' in html  # previous
    assert f'href="{CALENDAR}?week=2030-01-14"' in html  # next
    assert f'id="week-this" href="{CALENDAR}"' in html
    assert response.context["monday"] == MONDAY
    assert "7 January 2030" in html and "13 January 2030" in html


@pytest.mark.parametrize("week", ["", "yesterday", "2030-02-30", "0001-01-01", "9999-12-31"])
def test_a_missing_or_bad_week_shows_this_week(client, w, week):
    log_in(client, w.officer)
    response = client.get(CALENDAR, {"week": week})
    today = timezone.localdate()
    assert response.status_code == 200
    assert response.context["monday"] == today - timedelta(days=today.weekday())
    assert response.context["this_week"] is True


def test_my_auctions_links_the_calendar_and_the_file(client, w):
    log_in(client, w.bidder)
    html = client.get(reverse("frontend:workspace")).content.decode()
    assert f'id="calendar-link" href="{CALENDAR}"' in html
    assert f'id="calendar-ics" href="{ICS}"' in html


# --- The person's time zone ------------------------------------------------------------------


def test_the_weeks_bounds_and_days_are_those_of_the_current_time_zone(w):
    """Kyiv is UTC+2: Sunday 23:30 there is Sunday 21:30 UTC, in the week; Monday 00:30 of the
    next week there is still Sunday (22:30) in UTC, so it belongs to the next week in Kyiv and
    to this one in UTC; this Monday's 00:10 there is the previous Sunday in UTC."""
    sunday = MONDAY + timedelta(days=6)
    late_sunday = w.lot("Late Sunday", at(sunday, 23, 30, KYIV), admit="admitted")
    early_next = w.lot(
        "Early next Monday", at(sunday + timedelta(days=1), 0, 30, KYIV), admit="admitted"
    )
    early_monday = w.lot("Early Monday", at(MONDAY, 0, 10, KYIV), admit="admitted")
    assert early_next.starts_at.astimezone(UTC).date() == sunday
    assert early_monday.starts_at.astimezone(UTC).date() == MONDAY - timedelta(days=1)

    with timezone.override(KYIV):
        start, end = week_bounds(MONDAY)
        assert start == at(MONDAY, 0, tz=KYIV) == at(MONDAY - timedelta(days=1), 22)
        entries = lot_calendar_for(user=w.bidder, start=start, end=end)
        assert [e.lot.pk for e in entries] == [early_monday.pk, late_sunday.pk]
        days = week_days(MONDAY, entries, today=MONDAY)
        assert [e.lot.pk for e in days[0].entries] == [early_monday.pk]
        assert [e.lot.pk for e in days[6].entries] == [late_sunday.pk]
        assert days[0].today and not days[6].today

    with timezone.override(UTC):
        entries = lot_calendar_for(
            user=w.bidder, start=at(MONDAY, 0), end=at(MONDAY + timedelta(days=7), 0)
        )
        days = week_days(MONDAY, entries, today=MONDAY)
        assert [e.lot.pk for e in days[6].entries] == [late_sunday.pk, early_next.pk]


def test_the_page_in_kyiv_puts_a_lot_at_2330_sunday_on_sunday(w):
    """The view itself under ``timezone.override`` (called directly: the pages' middleware
    would activate the person's own zone)."""
    sunday = MONDAY + timedelta(days=6)
    late_sunday = w.lot("Late Sunday", at(sunday, 23, 30, KYIV), admit="admitted")
    early_next = w.lot(
        "Early next Monday", at(sunday + timedelta(days=1), 0, 30, KYIV), admit="admitted"
    )
    request = RequestFactory().get(CALENDAR, {"week": MONDAY.isoformat()})
    request.user = w.bidder

    with timezone.override(KYIV):
        html = calendar_views.auction_calendar(request).content.decode()
        request = RequestFactory().get(CALENDAR, {"week": (MONDAY + timedelta(days=7)).isoformat()})
        request.user = w.bidder
        next_week = calendar_views.auction_calendar(request).content.decode()

    assert day_of(html, late_sunday).startswith("Sunday")
    assert "23:30" in html and "Europe/Kyiv" in html
    assert f"cal-lot-{early_next.pk}" not in html
    assert day_of(next_week, early_next).startswith("Monday")
    assert "00:30" in next_week


def test_a_week_with_the_clock_change_is_an_hour_shorter_in_kyiv():
    with timezone.override(KYIV):
        start, end = week_bounds(date(2030, 3, 25))  # summer time from Sunday 31 March
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=7, hours=-1)
    assert week_monday("2030-03-31", today=MONDAY) == date(2030, 3, 25)


# --- The end of an auction -------------------------------------------------------------------


def test_the_end_is_the_formats_length_known_once_closed(w):
    start = at(MONDAY, 10)
    english = w.lot("English", start, duration_seconds=1800)
    assert lot_expected_end(english, bidders=3) == (start + timedelta(minutes=30), True)
    rounds = w.lot(
        "Rounds",
        start,
        auction_format=AuctionFormat.ROUNDS,
        rounds=3,
        turn_seconds=120,
        first_pause_seconds=300,
        round_pause_seconds=120,
    )
    # The first pause, two pauses between rounds, three rounds of two bidders' turns.
    assert lot_expected_end(rounds, bidders=2)[0] == start + timedelta(seconds=300 + 240 + 720)
    japanese = w.lot(
        "Japanese",
        start,
        auction_format=AuctionFormat.JAPANESE,
        step_kind="amount",
        step_value=Decimal("10000"),
        floor_price=Decimal("60000"),
        level_seconds=60,
    )
    assert lot_expected_end(japanese, bidders=2)[0] == start + timedelta(minutes=5)  # 5 levels
    english.ends_at = start + timedelta(minutes=36)  # extended by the soft close
    english.original_ends_at = start + timedelta(minutes=30)
    assert lot_expected_end(english, bidders=3) == (start + timedelta(minutes=36), True)
    english.closed_at = start + timedelta(minutes=37)
    assert lot_expected_end(english, bidders=3) == (start + timedelta(minutes=37), False)


# --- The .ics file ---------------------------------------------------------------------------


def test_the_ics_file_has_the_lots_of_the_last_30_days_and_the_next_90(client, w):
    now = timezone.now().replace(microsecond=0)
    soon = w.lot("Diesel EN 590", now + timedelta(days=2), admit="admitted", duration_seconds=1800)
    rounds = w.lot(
        "Petrol in rounds",
        now + timedelta(days=3),
        admit="admitted",
        auction_format=AuctionFormat.ROUNDS,
        rounds=2,
        turn_seconds=60,
        first_pause_seconds=120,
        round_pause_seconds=60,
    )
    done = w.lot(
        "Closed kerosene",
        now - timedelta(days=5),
        admit="admitted",
        status=LotStatus.CLOSED,
    )
    Lot.objects.filter(pk=done.pk).update(closed_at=done.starts_at + timedelta(minutes=42))
    w.lot("Too far ahead", now + timedelta(days=91), admit="admitted")
    w.lot("Too long ago", now - timedelta(days=31), admit="admitted")
    w.lot("Applied only", now + timedelta(days=1), admit="submitted")
    w.lot("Rival's", now + timedelta(days=1), tender=w.rival_tender)
    log_in(client, w.bidder)

    response = client.get(ICS)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tradefloor-auctions.ics"'
    assert "no-store" in response["Cache-Control"]
    cal = Calendar.from_ical(response.content)
    assert str(cal["version"]) == "2.0" and str(cal["method"]) == "PUBLISH"
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {
        f"auction-lot-{soon.pk}@{HOST}",
        f"auction-lot-{rounds.pk}@{HOST}",
        f"auction-lot-{done.pk}@{HOST}",
    }
    first = events[f"auction-lot-{soon.pk}@{HOST}"]
    assert first["dtstart"].dt == soon.starts_at and first["dtstart"].dt.utcoffset() == timedelta(0)
    assert first["dtend"].dt == soon.starts_at + timedelta(minutes=30)
    assert re.search(rb"\r\nDTSTART:\d{8}T\d{6}Z\r\n", response.content)  # UTC: ...Z
    assert str(first["url"]) == f"http://testserver/lots/{soon.pk}/"
    assert str(first["summary"]) == "Auction: 1. Diesel EN 590 (Diesel for the sowing)"
    description = str(first["description"])
    assert "Buyer: Calendar Buyer Ltd. Status: Auction scheduled." in description
    assert "You take part as an admitted supplier." in description
    assert "The end is an estimate" in description
    assert f"http://testserver/lots/{soon.pk}/" in description
    assert first["dtstamp"].dt.tzinfo is not None
    # The first pause, one pause between the rounds, two rounds of one turn (one admitted).
    second = events[f"auction-lot-{rounds.pk}@{HOST}"]
    assert second["dtend"].dt == rounds.starts_at + timedelta(seconds=120 + 60 + 2 * 60)
    closed = events[f"auction-lot-{done.pk}@{HOST}"]
    assert closed["dtend"].dt == done.starts_at + timedelta(minutes=42)
    assert "The end is an estimate" not in str(closed["description"])

    again = Calendar.from_ical(client.get(ICS).content)
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(events)  # stable UIDs


def test_the_buyers_ics_says_it_buys(client, w):
    lot = w.lot("Diesel", timezone.now() + timedelta(days=1))
    log_in(client, w.officer)
    (event,) = Calendar.from_ical(client.get(ICS).content).walk("VEVENT")
    assert str(event["uid"]).startswith(f"auction-lot-{lot.pk}@")
    assert "You take part as the buyer." in str(event["description"])


# --- Access and cost -------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CALENDAR, ICS])
def test_anonymous_is_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('account_login')}?next=")


def test_a_person_without_a_company_has_an_empty_week_and_file(client):
    person = UserFactory()
    log_in(client, person)
    assert "No auctions of yours" in client.get(CALENDAR).content.decode()
    assert Calendar.from_ical(client.get(ICS).content).walk("VEVENT") == []


def test_the_page_and_the_file_take_a_fixed_number_of_queries(
    client, w, django_assert_max_num_queries
):
    now = timezone.now()
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for n in range(12):
        fmt = AuctionFormat.ROUNDS if n % 3 == 0 else AuctionFormat.ENGLISH
        w.lot(
            f"Lot {n}", at(monday, 8) + timedelta(hours=n * 9), admit="admitted", auction_format=fmt
        )
        w.lot(f"Own lot {n}", now + timedelta(days=n), tender=w.rival_tender)
    log_in(client, w.bidder)
    client.get(CALENDAR)  # the session's first read out of the way

    # The session, the person, its companies, the lots, the rounds lots' bidders; and the top
    # bar's 8 (base.html: the bell, the menus' roles).
    with django_assert_max_num_queries(13):
        response = client.get(CALENDAR)
    assert len(shown(response)) == 12
    with django_assert_max_num_queries(6):
        response = client.get(ICS)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) >= 1
