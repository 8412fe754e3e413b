"""The auction room in the Japanese format (a clock of falling prices): the clock's price on
screen, one button to confirm it, the room saying so, and the end when the others stay silent."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .stack import soon_after_the_english_lot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stack(playwright_browser, tmp_path_factory):
    """The demo with its Japanese lot soon: it starts with the rounds lot, 15 s after loading,
    each level lasting 10 s (no bots run: the other suppliers stay silent)."""
    with soon_after_the_english_lot(tmp_path_factory.mktemp("clock")) as live:
        yield live


def test_a_supplier_confirms_the_clock_s_price_and_outlasts_the_silent(stack, new_page, artifacts):
    lot = stack.lots[3]  # the Japanese lot
    page = new_page(email="baltic@demo.tradefloor.local")
    page.goto(f"{stack.base_url}/lots/{lot}/")
    expect(page.locator("#bid-form")).to_be_hidden()
    expect(page.locator("#status")).to_have_text("Live", timeout=40_000)
    expect(page.locator("#clock-text")).to_contain_text("Price now: UAH 480,000.00 (level 1)")
    expect(page.locator("#clock-text")).to_contain_text("3 still in")
    act = page.locator("#clock-act")
    expect(act).to_have_text("Confirm UAH 480,000.00 to stay in")
    act.click()
    expect(page.locator("#clock-text")).to_contain_text("You confirmed this price")
    expect(act).to_be_hidden()
    page.screenshot(path=artifacts / "auction-room-japanese.png", full_page=True)
    # The others did not confirm: at the level's end it alone is left, and wins there.
    expect(page.locator("#status")).not_to_have_text("Live", timeout=30_000)
    expect(page.locator("#my-rank")).to_have_text("1")
    assert page.problems == []
