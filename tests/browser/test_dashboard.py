"""My home in a browser, against the live demo: the buyer's procurement officer and the Baltic
company's person (its bidder, procurement officer and admin) log in and land on /home/, see the
sections of their roles, and follow a figure's link to its list. No console error (CSP
violations included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BUYER = "buyer@demo.tradefloor.local"
BALTIC = "baltic@demo.tradefloor.local"


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def follow(page, base: str, figure: str) -> None:
    """Click the figure and land on the page its link names."""
    link = page.locator(f"#{figure}")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href and href.startswith("/"), href
    link.click()
    expect(page).to_have_url(base + href)


def test_the_procurement_officer_lands_on_its_home(stack, new_page, artifacts):
    page = new_page(email=BUYER, width=1366)
    base = stack.base_url
    expect(page).to_have_url(f"{base}/home/")
    expect(page.locator("h1")).to_have_text("Home")
    expect(page.locator("#dashboard-buyer")).to_contain_text("Procurement")
    expect(page.locator("#dashboard-crm")).to_be_visible()
    expect(page.locator("#dashboard-supplier")).to_have_count(0)
    expect(page.locator("#buyer-tenders-published .tile-value")).to_have_text(
        re.compile(r"^[1-9]\d*$")
    )
    page.screenshot(path=artifacts / "dashboard-buyer.png", full_page=True)

    follow(page, base, "buyer-tenders-published")
    page.locator("header nav").get_by_role("link", name="Home", exact=True).click()
    expect(page).to_have_url(f"{base}/home/")
    assert page.problems == []


def test_a_person_with_two_roles_sees_both_and_follows_a_supplier_figure(
    stack, new_page, artifacts
):
    page = new_page(email=BALTIC, width=390)  # a phone
    base = stack.base_url
    expect(page).to_have_url(f"{base}/home/")
    expect(page.locator("#dashboard-buyer")).to_be_visible()
    expect(page.locator("#dashboard-supplier")).to_contain_text("Supplying")
    expect(page.locator("#dashboard-crm")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifacts / "dashboard-two-roles-phone.png", full_page=True)

    follow(page, base, "supplier-applications-admitted")
    assert page.problems == []
