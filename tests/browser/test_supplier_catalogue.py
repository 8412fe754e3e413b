"""The supplier's catalogue in a browser, against the live stack: the demo's steel supplier
(its company admin) opens "My catalogue" from the top bar, adds a product, makes a price list
and imports its items from a CSV file: a file with a bad price is refused with the report
(row, column, message; the page answers 400) and nothing is written; the corrected file
replaces the items, the new product among them. No other console error (CSP violations
included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .stack import LiveStack

pytestmark = pytest.mark.browser

SUPPLIER = "steel@demo.tradefloor.local"
HEADER = "sku,name,unit,price,min_quantity\n"
BAD = HEADER + "BR-TEST-1,Rebar A500C 12 mm,t,ten,1\nBR-TEST-2,Rebar A500C 16 mm,t,31000,1\n"
GOOD = HEADER + "BR-TEST-1,,,29500,1\nBR-TEST-1,,,28900,20\nBR-TEST-2,Rebar A500C 16 mm,t,31000,1\n"


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def shell(stack: LiveStack, code: str) -> str:
    return stack.manage("shell", "-c", code).strip().splitlines()[-1]


def test_a_product_added_and_a_price_list_imported_after_a_refused_file(stack, new_page, artifacts):
    company_id = int(
        shell(
            stack,
            "from suppliers.selectors import supplier_companies_of_member as s; "
            "from marketplace.users.models import User; "
            f"print(s(user=User.objects.get(email={SUPPLIER!r})).first().pk)",
        )
    )
    page = new_page(email=SUPPLIER, width=1366)
    base = stack.base_url
    own = f"{base}/my-catalogue/{company_id}/"

    page.goto(f"{base}/")
    page.get_by_role("link", name="My catalogue", exact=True).click()
    if page.locator("#supplier-companies").count():  # several supplier companies: choose
        page.locator(f"#supplier-companies a[href='/my-catalogue/{company_id}/']").click()
    expect(page).to_have_url(own)

    # A product.
    page.locator("#supplier-nav").get_by_role("link", name="Products").click()
    page.click("#product-new")
    page.fill("#id_sku", "BR-TEST-1")
    page.fill("#id_name", "Rebar A500C 12 mm")
    page.fill("#id_unit", "t")
    page.click("#product-save")
    expect(page.locator(".messages")).to_contain_text("The product “BR-TEST-1” is saved.")
    page.fill("#product-q", "BR-TEST")
    page.click("#product-search button")
    expect(page.locator("#products")).to_contain_text("Rebar A500C 12 mm")

    # A price list, its items from a file.
    page.locator("#supplier-nav").get_by_role("link", name="Price lists").click()
    page.click("#price-list-new")
    page.fill("#id_name", "Rebar 2027")
    page.select_option("#id_kind", "wholesale")
    page.select_option("#id_currency", "UAH")
    page.fill("#id_valid_from", "2027-01-01")
    page.click("#price-list-save")
    expect(page.locator("#price-list-title")).to_have_text("Rebar 2027")
    price_list_url = page.url
    page.click("#price-list-import")

    def upload(text: str) -> None:
        page.set_input_files(
            "#id_file",
            {"name": "rebar.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8")},
        )
        page.click("#import-submit")

    upload(BAD)
    expect(page.locator("#import-invalid")).to_contain_text("nothing was imported")
    report = page.locator("#import-report tbody tr")
    expect(report).to_have_count(1)
    expect(report.first).to_contain_text(re.compile(r"2\s*price\s*“ten” is not a number\."))
    page.screenshot(path=artifacts / "supplier-import-report.png", full_page=True)
    written = "from suppliers.models import Product; print(Product.objects.filter(sku='BR-TEST-2').count())"
    assert shell(stack, written) == "0"

    upload(GOOD)
    expect(page).to_have_url(price_list_url)
    expect(page.locator(".messages")).to_contain_text("the file's 3 items")
    items = page.locator("#items tbody tr")
    expect(items).to_have_count(3)
    expect(page.locator("#items")).to_contain_text("Rebar A500C 16 mm")
    page.screenshot(path=artifacts / "supplier-price-list.png", full_page=True)

    # The refused file answered 400 (the page with its report), on purpose; nothing else.
    refused = [p for p in page.problems if "status of 400" in p]
    assert len(refused) == 1 and [p for p in page.problems if p not in refused] == []
