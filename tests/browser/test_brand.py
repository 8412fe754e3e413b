"""A white-label platform in a browser, on the shared demo stack: the demo's dedicated platform
branded on client.localhost (demo/brand_demo.py; Chromium resolves *.localhost to this
machine). There a visitor sees the brand's name, logo, colours (through the generated
stylesheet, under the strict CSP) and footer, and not Tradefloor's public demo tender; its buyer,
logged in there, sees the platform's own tender and still not the public one. Tradefloor's own
host is unchanged. No console error (CSP violations included)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD
from .stack import LiveStack

pytestmark = pytest.mark.browser

PUBLIC_TENDER = "Пальне для посівної кампанії 2026"  # the demo tender, on the public platform
OWN_TENDER = "Насіння кукурудзи для власного майданчика"  # demo/brand_demo.py's


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    quiet_stack.manage(
        "shell",
        "-c",
        "from demo.brand_demo import brand_demo_load; "
        "from marketplace.platforms.models import Platform; "
        "from marketplace.users.models import User; "
        "brand_demo_load(platform=Platform.objects.get(slug='agro-procurement'), "
        "admin=User.objects.get(email='admin@demo.tradefloor.local'))",
    )
    return quiet_stack


def test_the_brand_host_shows_the_brand_and_only_its_platform(
    stack: LiveStack, new_page, artifacts
):
    brand_url = f"http://client.localhost:{stack.port}"
    visitor = new_page()
    visitor.goto(brand_url + "/")
    expect(visitor.locator("#brand-name")).to_have_text("Агро Закупівлі")
    expect(visitor.locator("#brand-name img.brand-logo")).to_be_visible()
    expect(visitor.locator("#brand-footer")).to_contain_text("Умови участі")
    # The brand's colour reached the page through /brand.css (no inline style is allowed).
    background = visitor.locator("header.topbar").evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    assert background == "rgb(31, 81, 48)"
    expect(visitor.locator("main")).not_to_contain_text(PUBLIC_TENDER)
    assert visitor.problems == []

    buyer = new_page()
    buyer.goto(brand_url + "/accounts/login/")
    buyer.fill("input[name=login]", "buyer@demo.tradefloor.local")
    buyer.fill("input[name=password]", PASSWORD)
    buyer.click("form button[type=submit]")
    buyer.wait_for_url(lambda url: "/accounts/login/" not in url)
    buyer.goto(brand_url + "/")
    expect(buyer.locator("main")).to_contain_text(OWN_TENDER)
    expect(buyer.locator("main")).not_to_contain_text(PUBLIC_TENDER)
    buyer.screenshot(path=artifacts / "brand-host-home.png", full_page=True)
    assert buyer.problems == []

    own = new_page()
    own.goto(stack.base_url + "/")
    expect(own.locator("header .brand")).to_have_text("Tradefloor")
    expect(own.locator("table.tenders")).to_contain_text(PUBLIC_TENDER)
    assert own.problems == []
