"""A practice auction in a browser: the demo's supplier starts one from the rounds lot's room (the
real lot an hour away) and bids in its own turn. The turn is unmissable (a banner with the
highest bid it allows); out of turn there is no bid form; nothing of it reaches the real lot.
No console error (CSP violations included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .stack import LiveStack

pytestmark = pytest.mark.browser

SUPPLIER = "baltic@demo.tradefloor.local"


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def test_a_rounds_practice_bid_in_the_person_s_own_turn(stack: LiveStack, new_page, artifacts):
    lot = stack.lots[1]  # the rounds lot
    page = new_page(email=SUPPLIER)
    page.goto(f"{stack.base_url}/lots/{lot}/")
    page.click("#practice-start")
    expect(page).to_have_url(re.compile(r"/practice/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Practice auction")
    banner = page.locator("#p-turn")
    # The first pause: no form; then the person's turn (its initial offer, the start price, is
    # the highest, so it goes first), as a banner with the highest bid allowed.
    expect(banner).to_contain_text("Round 1 of 3")
    expect(banner).to_have_class(re.compile(r"\bmine\b"))
    expect(banner).to_contain_text("your turn: bid at most")
    # An empty amount bids the highest allowed (the field's placeholder) in whichever of the
    # person's turns this lands.
    page.click("#p-submit")
    expect(page.locator("#p-message")).to_have_text("Bid accepted")
    expect(page.locator("#p-mine")).not_to_have_text("—")
    page.screenshot(path=artifacts / "practice-rounds.png", full_page=True)
    # Its turn passes: a bot's turn or a pause, and the form goes.
    expect(banner).not_to_have_class(re.compile(r"\bmine\b"))
    expect(page.locator("#p-form")).to_be_hidden()
    # The real lot is untouched: still scheduled, no bid.
    token = stack.token(SUPPLIER, "tradefloor-demo")
    body = stack.api("GET", f"/api/lots/{lot}/standing/", token=token)
    assert (body["status"], body["bid_count"]) == ("auction_scheduled", 0)
    assert page.problems == []
