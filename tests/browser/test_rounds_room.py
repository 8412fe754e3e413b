"""The auction room in the rounds format (Prozorro's turns): the round and turn on screen, the
countdown to the turn's end, bidding only in one's own turn, announced by a banner with the
highest bid allowed and quick bids."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from marketplace.core.money import format_money

from .stack import soon_after_the_english_lot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stack(playwright_browser, tmp_path_factory):
    """The demo with its rounds lot soon: it starts 15 s after loading, pauses two turns
    (20 s), then turns of 10 s each."""
    with soon_after_the_english_lot(tmp_path_factory.mktemp("rounds")) as live:
        yield live


def test_a_supplier_bids_in_its_own_turn(stack, new_page, artifacts):
    lot = stack.lots[1]  # the rounds lot
    page = new_page(email="baltic@demo.tradefloor.local")
    page.goto(f"{stack.base_url}/lots/{lot}/")
    expect(page.locator("#status")).to_have_text("Live", timeout=30_000)
    expect(page.locator("#round-turn")).to_contain_text("Round 1")

    # Until its turn comes, it waits and cannot bid.
    expect(page.locator("#my-turn")).to_have_text("Waiting for your turn")
    expect(page.locator("#bid-submit")).to_be_disabled()

    # Its turn: unmissable (a green banner with the highest bid allowed: its initial offer of
    # 2,190,000 less the 10,000 step; the page's title), the countdown is the turn's, bidding
    # opens with quick bids; a bid under the best is taken.
    with translation.override("en"):
        highest = format_money(Decimal("2180000"), "UAH")
    turn = page.locator("#my-turn")
    expect(turn).to_have_text(f"Your turn: bid at most {highest}", timeout=60_000)
    expect(turn).to_have_class(re.compile(r"\bmine\b"))
    expect(page).to_have_title(re.compile(r"^▶ Your turn"))
    expect(page.locator("#bid-one")).to_be_visible()
    expect(page.locator("#bid-one")).to_contain_text(highest)
    expect(page.locator("#countdown-label")).to_have_text("Turn ends in")
    expect(page.locator("#round-turn")).to_contain_text("Bidder #3")  # baltic is Bidder #3
    expect(page.locator("#bid-submit")).to_be_enabled()
    page.fill("#bid-amount", "2100000")
    page.click("#bid-submit")
    expect(page.locator("#message")).to_contain_text("Bid accepted")
    expect(page.locator("#my-rank")).to_have_text("1")
    page.screenshot(path=artifacts / "auction-room-rounds.png", full_page=True)

    # The turn passes to the next bidder: the banner and the title calm down.
    expect(page.locator("#my-turn")).to_have_text("Waiting for your turn", timeout=20_000)
    expect(turn).not_to_have_class(re.compile(r"\bmine\b"))
    expect(page).not_to_have_title(re.compile(r"^▶"))
    expect(page.locator("#bid-submit")).to_be_disabled()
    expect(page.locator("#bid-one")).to_be_hidden()
    # The turns as they passed, in the feed (told from the views, however they arrived).
    expect(page.locator("#feed")).to_contain_text("Round 1, turn 2")
    assert page.problems == []
