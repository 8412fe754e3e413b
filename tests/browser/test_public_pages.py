"""The public pages in a browser: the open tenders, the language switch, the auction room in
Ukrainian on a tablet, and a visitor watching a public lot live."""

from __future__ import annotations

import time
import urllib.error
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from marketplace.core.money import format_money

pytestmark = pytest.mark.browser

TENDER = "Пальне для посівної кампанії 2026"  # the demo tender


def test_anyone_finds_the_open_tender_and_switches_language(stack, new_page, artifacts):
    page = new_page()
    page.goto(stack.base_url + "/")
    expect(page.locator("#open-tenders")).to_have_text("Open tenders")
    expect(page.locator("table.tenders")).to_contain_text(TENDER)
    # The demo lot, about to start or live, is on top with a way in for those who log in.
    expect(page.locator(".live-now")).to_contain_text("Дизельне паливо")
    expect(page.locator(".live-now")).to_contain_text("Log in to watch or bid")

    page.fill("#q", "qzxjvwk")  # a word no demo tender has, nor anything like it
    page.click(".search button[type=submit]")
    expect(page.locator(".empty")).to_have_text("No open tenders match.")
    page.fill("#q", "Пальне")
    page.click(".search button[type=submit]")
    expect(page.locator("table.tenders")).to_contain_text(TENDER)

    # The selector submits itself (site.js; the CSP allows no inline handler) and keeps the page.
    # The search's answer is a new page: its deferred script has run by the load event (a choice
    # made before it would change nothing, as it would for a person that fast).
    page.wait_for_load_state("load")
    page.select_option("select[name=language]", "uk")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    expect(page.locator("#open-tenders")).to_have_text("Відкриті тендери")
    assert "q=" in page.url
    page.select_option("select[name=language]", "ru")
    expect(page.locator("#open-tenders")).to_have_text("Открытые тендеры")

    page.locator("table.tenders").get_by_text(TENDER).click()
    expect(page.locator("h1")).to_contain_text(TENDER)
    expect(page.locator("table.lots")).to_contain_text("₴")  # money in the reader's locale
    expect(page.locator("table.lots")).not_to_contain_text("Аукционный зал")  # not for visitors
    page.screenshot(path=artifacts / "tender-page-ru.png", full_page=True)
    assert page.problems == []


def test_the_auction_room_on_a_tablet_in_ukrainian(stack, new_page, artifacts):
    page = new_page(email="baltic@demo.tradefloor.local", width=820)
    page.select_option("select[name=language]", "uk")
    expect(page.locator("html")).to_have_attribute("lang", "uk")
    page.goto(f"{stack.base_url}/lots/{stack.lots[0]}/")
    expect(page.locator("h1")).to_contain_text("Аукціонна зала")
    expect(page.locator("#connection")).to_have_text("Підключено")
    expect(page.locator("#countdown-label")).not_to_be_empty()
    # Nothing wider than the screen: no sideways scrolling on a tablet.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifacts / "auction-room-tablet-uk.png", full_page=True)
    assert page.problems == []


def test_a_visitor_watches_a_public_live_lot_follow_each_bid(stack, new_page, artifacts):
    """With the tender open to watching live, a visitor (not logged in) follows the English lot
    on its public page over the websocket: a supplier's bid appears in the offers and in the
    course of the auction without a reload, under the bidder's anonymous label."""
    lot = stack.lots[0]
    stack.manage(
        "shell",
        "-c",
        "from auctions.models import Lot; "
        f"t = Lot.objects.get(pk={lot}).tender; t.public_live = True; "
        "t.save(update_fields=['public_live'])",
    )
    deadline = time.monotonic() + 60
    while True:  # the lot goes live 15 s after the stack started
        try:
            if stack.api("GET", f"/api/lots/{lot}/results/")["live"]:
                break
        except urllib.error.HTTPError:
            pass
        assert time.monotonic() < deadline, "the demo lot never went live"
        time.sleep(0.5)
    page = new_page()
    page.goto(f"{stack.base_url}/lots/{lot}/results/")
    expect(page.locator("#watch-connection")).to_have_text("Following live.")
    before = page.locator("#course tbody tr").count()
    token = stack.token("steel@demo.tradefloor.local", "tradefloor-demo")
    best = stack.api("GET", f"/api/lots/{lot}/standing/", token=token).get("best")
    amount = Decimal(best["amount"] if best else "6240000") - Decimal("20000")
    stack.api("POST", f"/api/lots/{lot}/bids/", token=token, body={"amount": str(amount)})
    with translation.override("en"):
        shown = format_money(amount, "UAH")  # the server's writing, which money.js shares
    expect(page.locator("#offers tbody tr").first).to_contain_text(shown)
    expect(page.locator("#offers tbody tr").first).to_contain_text("Bidder")
    expect(page.locator("#course tbody tr")).to_have_count(before + 1)
    expect(page.locator("#course tbody tr").last).to_contain_text(shown)
    expect(page.locator("#bid-count")).to_have_text(str(before + 1))
    page.screenshot(path=artifacts / "public-live-lot.png", full_page=True)
    assert page.problems == []
