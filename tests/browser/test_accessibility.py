"""Accessibility and phones: axe-core on the pages each kind of person opens (the public pages;
the buyer's, the supplier's, the account manager's and the platform admin's), with no serious or
critical finding, and none of them scrolling sideways on a phone 390 px wide."""

from __future__ import annotations

import pytest

from .axe import findings
from .stack import LiveStack

pytestmark = pytest.mark.browser

PAGES = {
    None: ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
    "buyer@demo.tradefloor.local": [
        "/home/",
        "/auctions/",
        "/lots/{english}/",
        "/tenders/{tender}/",
        "/tenders/{tender}/manage/",
        "/tenders/new/",
        "/profile/",
        "/notifications/",
        "/orders/",
        "/suppliers/",
        "/catalogue/",
        "/companies/",
    ],
    "baltic@demo.tradefloor.local": [
        "/home/",
        "/lots/{english}/",
        "/lots/{rounds}/",
        "/lots/{japanese}/",
        "/tenders/{tender}/",
        "/my-catalogue/",
        "/notifications/settings/",
        "/auctions/calendar/",
    ],
    "manager@demo.tradefloor.local": ["/crm/", "/home/"],
    "admin@demo.tradefloor.local": ["/home/", "/review/"],
}


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def tender_of(stack: LiveStack) -> int:
    return int(
        stack.manage(
            "shell",
            "-c",
            f"from auctions.models import Lot; print(Lot.objects.get(pk={stack.lots[0]}).tender_id)",
        )
        .strip()
        .splitlines()[-1]
    )


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def too_wide_on_a_phone(page) -> list[str]:
    """On a phone 390 px wide the page does not scroll sideways (a table may scroll inside its
    own box); the elements that stick out are named."""
    page.set_viewport_size(PHONE)
    try:
        wider = page.evaluate(
            r"""() => {
                if (document.documentElement.scrollWidth <= window.innerWidth) return [];
                const out = [];
                for (const el of document.querySelectorAll("body *")) {
                    const r = el.getBoundingClientRect();
                    if (r.right > window.innerWidth + 1 && r.width > 0) {
                        let inside = false;  // in a box that scrolls (or clips) by itself
                        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
                            if (getComputedStyle(a).overflowX !== "visible") { inside = true; break; }
                        }
                        if (inside) continue;
                        out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
                                 (el.className && typeof el.className === "string"
                                    ? "." + el.className.trim().split(/\s+/).join(".") : ""));
                    }
                }
                return out.slice(0, 5);
            }"""
        )
    finally:
        page.set_viewport_size(DESKTOP)
    return [f"{page.url}: wider than a phone: {', '.join(wider)}"] if wider else []


def test_no_serious_or_critical_accessibility_finding_on_the_main_pages(stack, new_page):
    english, rounds, _landed, japanese, *_rest = stack.lots
    names = {"english": english, "rounds": rounds, "japanese": japanese, "tender": tender_of(stack)}
    found = []
    for email, paths in PAGES.items():
        page = new_page(email=email) if email else new_page()
        for path in paths:
            response = page.goto(stack.base_url + path.format(**names))
            assert response is not None and response.status < 400, (email, path, response)
            page.wait_for_load_state("load")
            found += findings(page)
            found += too_wide_on_a_phone(page)
        assert page.problems == [], (email, page.problems)
    assert found == [], "\n".join(found)
