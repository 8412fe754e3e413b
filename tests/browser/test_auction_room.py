"""A whole demo auction in two browsers: the supplier's auction room and the buyer's live
console, against the live server (bid, outbid, reconnecting, extension, close, award, protocol).

A second supplier bids through the REST API as a script would, so the test decides when the
supplier in the browser is outbid."""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BUYER = "buyer@demo.tradefloor.local"
SUPPLIER = "baltic@demo.tradefloor.local"  # Baltic Freight Supply OÜ
RIVAL = "steel@demo.tradefloor.local"  # ТОВ «Дніпро Сталь Постач»
RIVAL_NAMES = ("Дніпро Сталь", "Северный Топливный")
# What a browser reports of requests made while the server is down (refused) or going down (reset).
OUTAGE_ERRORS = re.compile(r"ERR_CONNECTION_(REFUSED|RESET)")


def rival_outbids(stack, token: str, lot: int) -> dict:
    standing = stack.api("GET", f"/api/lots/{lot}/standing/", token=token)
    amount = standing["me"]["max_bid"]
    return stack.api(
        "POST",
        f"/api/lots/{lot}/bids/",
        token=token,
        body={"amount": amount, "client_bid_id": uuid.uuid4().hex},
    )


def seconds_left(stack, token: str, lot: int) -> float:
    standing = stack.api("GET", f"/api/lots/{lot}/standing/", token=token)
    ends = datetime.fromisoformat(standing["ends_at"])
    now = datetime.fromisoformat(standing["server_time"])
    return (ends - now).total_seconds()


def test_a_whole_auction_in_two_browsers(stack, new_page, artifacts):
    lot = stack.lots[0]  # the English lot, live 15 s after the stack started
    rival = stack.token(RIVAL, "tradefloor-demo")
    buyer = new_page(email=BUYER)
    supplier = new_page(email=SUPPLIER)
    buyer.goto(f"{stack.base_url}/lots/{lot}/")
    supplier.goto(f"{stack.base_url}/lots/{lot}/")
    expect(supplier.locator("#connection")).to_have_text("Connected")
    expect(buyer.locator("h1")).to_contain_text("Live console")
    expect(supplier.locator("h1")).to_contain_text("Auction room")

    # The lot goes live by the scheduler; the room follows without a reload.
    expect(supplier.locator("#status")).to_have_text("Live", timeout=40_000)
    expect(buyer.locator("#presence")).to_contain_text("Baltic Freight Supply OÜ — connected")

    # One-step quick bid: the supplier leads; the buyer sees the bid with the supplier's name.
    supplier.click("#bid-one")
    expect(supplier.locator("#message")).to_contain_text("Bid accepted")
    expect(supplier.locator("#my-state")).to_have_text("You are leading")
    expect(supplier.locator("#my-rank")).to_have_text("1")
    expect(supplier.locator("#my-bids-body tr")).to_have_count(1)
    expect(buyer.locator("#all-bids-body")).to_contain_text("Baltic Freight Supply OÜ")
    expect(buyer.locator("#ladder-body tr").first).to_contain_text("Baltic Freight Supply OÜ")

    # A rival outbids: the room says so, in the page and in the title.
    rival_outbids(stack, rival, lot)
    expect(supplier.locator("#my-state")).to_have_text("You have been outbid")
    expect(supplier.locator("#my-rank")).to_have_text("2")
    expect(supplier).to_have_title(re.compile("^⚠ You have been outbid"))
    expect(buyer.locator("#ladder-body tr").first).to_contain_text("Дніпро Сталь")
    # The ladder is anonymous for suppliers: labels, never a competitor's name.
    expect(supplier.locator("#ladder-body")).to_contain_text("Bidder #")
    room_text = supplier.locator("#room").inner_text()
    assert not any(name in room_text for name in RIVAL_NAMES), room_text

    # The network drops: "reconnecting", every price blanked, bidding off; then back, fresh.
    before_outage = {page: len(page.problems) for page in (buyer, supplier)}
    stack.stop_daphne()
    expect(supplier.locator("#connection")).to_contain_text("Reconnecting")
    expect(supplier.locator("#best-amount")).to_have_text("—")
    expect(supplier.locator("#my-amount")).to_have_text("—")
    expect(supplier.locator("#my-state")).to_have_text("")
    expect(supplier.locator("#status")).to_have_text("—")
    expect(supplier.locator("#quick-bids")).to_be_hidden()
    expect(supplier.locator("#bid-submit")).to_be_disabled()
    supplier.screenshot(path=artifacts / "auction-room-reconnecting.png", full_page=True)
    stack.start_daphne()
    expect(supplier.locator("#connection")).to_have_text("Connected", timeout=20_000)
    expect(supplier.locator("#best-amount")).not_to_have_text("—")
    expect(supplier.locator("#my-state")).to_have_text("You have been outbid")
    expect(supplier.locator("#bid-submit")).to_be_enabled()
    after_outage = {page: len(page.problems) for page in (buyer, supplier)}

    # A typed bid inside the soft-close window, far below the others (under the buyer's reserve
    # price): the room asks to confirm the large step, then the bid extends the auction.
    while seconds_left(stack, rival, lot) > 12:
        time.sleep(0.5)
    supplier.fill("#bid-amount", "5590000")
    supplier.click("#bid-submit")
    expect(supplier.locator("#confirm-panel")).to_be_visible()
    expect(supplier.locator("#my-state")).to_have_text("You have been outbid")
    supplier.click("#confirm-yes")
    expect(supplier.locator("#confirm-panel")).to_be_hidden()
    expect(supplier.locator("#my-state")).to_have_text("You are leading")
    expect(supplier).not_to_have_title(re.compile("⚠"))
    expect(supplier.locator("#extensions")).to_have_text("1")
    expect(buyer.locator("#extensions")).to_have_text("1")
    expect(buyer.locator("#feed")).to_contain_text("Extended to")
    buyer.screenshot(path=artifacts / "live-console.png", full_page=True)
    supplier.screenshot(path=artifacts / "auction-room.png", full_page=True)

    # The scheduler closes the lot; both see the results.
    expect(supplier.locator("#status")).to_have_text("Closed", timeout=45_000)
    expect(buyer.locator("#status")).to_have_text("Closed")
    expect(supplier.locator("#results-panel")).to_be_visible()
    expect(supplier.locator("#quick-bids")).to_be_hidden()

    # The buyer awards to the best ranked, then downloads the protocol.
    expect(buyer.locator("#award-best")).to_contain_text("Baltic Freight Supply OÜ")
    buyer.click("#award-submit")
    expect(buyer.locator("#message")).to_have_text("Done.")
    expect(buyer.locator("#status")).to_have_text("Awarded")
    expect(supplier.locator("#status")).to_have_text("Awarded")
    buyer.screenshot(path=artifacts / "live-console-awarded.png", full_page=True)
    with buyer.expect_download() as download:
        buyer.click("#protocol-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes()[:5] == b"%PDF-"
    with supplier.expect_download() as download:
        supplier.click("#protocol-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")

    # Nothing on either page failed or broke the Content-Security-Policy. While the server was
    # down, what either page tried was refused or cut off, as it should be; nothing else.
    for page in (buyer, supplier):
        start, end = before_outage[page], after_outage[page]
        outside = page.problems[:start] + page.problems[end:]
        during = [p for p in page.problems[start:end] if not OUTAGE_ERRORS.search(p)]
        assert outside == [] and during == [], page.problems
