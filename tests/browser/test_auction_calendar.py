"""The calendar of my auctions in a browser, against the live stack: the demo's supplier
(baltic, admitted to every demo lot) opens "My auctions", follows "Calendar", finds the demo
lots in the week (the next one when they start after Sunday), follows one to its auction room;
on a phone (390 px) the week is no wider than the screen; the ``.ics`` downloads and holds the
demo lots. No console error (CSP violations included)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from icalendar import Calendar
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SUPPLIER = "baltic@demo.tradefloor.local"
HOST = urlsplit(settings.SITE_URL).hostname  # the stack's too: the same environment


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def test_the_week_of_my_auctions_its_room_link_and_the_ics(stack, new_page, artifacts):
    english = stack.lots[0]  # the demo's first lot, about an hour after the stack started
    page = new_page(email=SUPPLIER, width=1366)
    base = stack.base_url

    page.goto(f"{base}/")
    page.get_by_role("link", name="My auctions", exact=True).click()
    page.click("#calendar-link")
    expect(page).to_have_url(f"{base}/auctions/calendar/")
    expect(page.locator("h1")).to_have_text("Calendar of my auctions")
    if not page.locator(f"#cal-lot-{english}").count():  # it starts next week (Sunday night)
        page.click("#week-next")
    lot = page.locator(f"#cal-lot-{english}")
    expect(lot).to_be_visible()
    expect(lot).to_contain_text("I bid")
    expect(lot).to_contain_text("Auction scheduled")
    page.screenshot(path=artifacts / "auction-calendar.png", full_page=True)
    week_url = page.url

    lot.get_by_role("link").click()
    expect(page).to_have_url(f"{base}/lots/{english}/")

    # On a phone: the days are rows, nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(week_url)
    expect(page.locator(f"#cal-lot-{english}")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifacts / "auction-calendar-phone.png", full_page=True)

    with page.expect_download() as download:
        page.click("#calendar-ics")
    assert download.value.suggested_filename == "tradefloor-auctions.ics"
    cal = Calendar.from_ical(Path(download.value.path()).read_bytes())
    uids = {str(event["uid"]) for event in cal.walk("VEVENT")}
    assert {f"auction-lot-{pk}@{HOST}" for pk in stack.lots} <= uids
    (event,) = [
        e for e in cal.walk("VEVENT") if str(e["uid"]).startswith(f"auction-lot-{english}@")
    ]
    assert str(event["url"]) == f"{base}/lots/{english}/"

    assert page.problems == []
