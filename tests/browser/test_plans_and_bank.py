"""Issue 23's pages in a browser, on the shared demo stack: the buyer's officer opens its
procurement plan from the top bar and reads plan versus fact; the platform admin opens the demo's
bank statement and confirms the payment proposed by its payer and amount, which pays the invoice.
No console error (CSP violations included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .stack import LiveStack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def test_the_officer_s_plan_and_the_admin_s_statement(stack: LiveStack, new_page):
    buyer = new_page(email="buyer@demo.tradefloor.local")
    buyer.click("nav >> text=Procurement plans")
    expect(buyer.locator("h1")).to_have_text("Procurement plans")
    buyer.locator("#my-plans").get_by_text("Plan versus fact").first.click()
    expect(buyer).to_have_url(re.compile(r"/planning/\d+/fact/$"))
    expect(buyer.locator("main table").first).to_contain_text("UAH")
    assert buyer.problems == []

    admin = new_page(email="admin@demo.tradefloor.local")
    admin.goto(f"{stack.base_url}/platforms/bank/")
    admin.locator("main table a").first.click()
    expect(admin).to_have_url(re.compile(r"/platforms/bank/\d+/$"))
    lines = admin.locator("#lines > li")
    expect(lines).to_have_count(3)
    expect(lines.nth(0)).to_have_class(re.compile(r"status-matched"))
    proposed = lines.nth(1)
    expect(proposed).to_have_class(re.compile(r"status-unmatched"))
    proposed.locator("table.proposals button[type=submit]").first.click()
    expect(admin.locator("#lines > li").nth(1)).to_have_class(re.compile(r"status-matched"))
    expect(admin.locator("#lines > li").nth(2)).to_have_class(re.compile(r"status-unmatched"))
    assert admin.problems == []
