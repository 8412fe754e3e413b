"""Tender creation in the browser: the buyer's procurement officer creates a tender and a lot
through the forms (which say what is wrong while they are filled in; the lot form shows only
the chosen format's fields, the step's amount, and band rows added and removed; it fits a
phone), imports another lot from an XLSX file (a bad file first: the report), confirms the
summary and publishes; a supplier applies in a second browser; the officer admits it. No
console error, no CSP violation."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BUYER = "buyer@demo.tradefloor.local"
SUPPLIER = "baltic@demo.tradefloor.local"  # Baltic Freight Supply OÜ
TITLE = "Heating oil for the winter (browser test)"


def utc_input(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M")


def change(page, selector: str, value: str) -> None:
    """Type a value and leave the field, as a person does (the form checks on change)."""
    page.fill(selector, value)
    page.press(selector, "Tab")


def workbook(path, *, reserve: int) -> str:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["title", "quantity", "unit", "start_price", "reserve_price"])
    sheet.append(["Fuel oil, imported", 20, "t", 1000, reserve])
    book.save(path)
    return str(path)


def test_the_officer_creates_and_publishes_a_tender_a_supplier_applies(
    stack, new_page, artifacts, tmp_path
):
    officer = new_page(email=BUYER)
    officer.click("nav >> text=New tender")
    expect(officer.locator("h1")).to_have_text("New tender")
    form = officer.locator("#tender-form")
    expect(form).to_contain_text("UTC")
    officer.select_option("#id_platform", label="Tradefloor Public")
    change(officer, "#id_title", TITLE)
    officer.select_option(
        "#id_category",
        value=officer.eval_on_selector(
            "#id_category", "s => [...s.options].find(o => o.text.startsWith('09100000-0')).value"
        ),
    )
    change(officer, "#id_applications_deadline", utc_input(timedelta(days=2)))
    change(officer, "#id_auction_start", utc_input(timedelta(days=3)))
    # A questions deadline in the past: the service's message appears next to the field.
    change(officer, "#id_questions_deadline", utc_input(-timedelta(hours=2)))
    expect(officer.locator("#id_questions_deadline_errors")).to_have_text("Must be in the future.")
    officer.screenshot(path=str(artifacts / "tender-form-invalid.png"), full_page=True)
    # Put right: the message goes, and what was typed elsewhere is still there.
    change(officer, "#id_questions_deadline", utc_input(timedelta(days=1)))
    expect(officer.locator("#id_questions_deadline_errors")).to_have_text("")
    expect(officer.locator("#tender-form-summary")).to_contain_text("No problems found so far.")
    expect(officer.locator("#id_title")).to_have_value(TITLE)
    officer.screenshot(path=str(artifacts / "tender-form.png"), full_page=True)
    officer.click("#tender-form button[type=submit]")
    expect(officer.locator("h1")).to_have_text(TITLE)
    expect(officer.locator(".messages")).to_contain_text("The draft tender is saved.")

    # A lot: the format first, and the form shows only that format's fields.
    officer.click("#add-lot")
    expect(officer.locator("h1")).to_have_text("New lot")
    groups = {
        key: officer.locator(f"#lot-group-{key}")
        for key in ("step", "bidding", "duration", "soft_close", "rounds", "clock", "weighted")
    }

    def shown(*keys: str) -> None:
        for key, group in groups.items():
            if key in keys:
                expect(group).to_be_visible()
            else:
                expect(group).to_be_hidden()

    officer.check("input[name=auction_format][value=rounds]")
    shown("step", "rounds", "weighted")
    officer.check("input[name=auction_format][value=sealed]")
    shown("duration", "weighted")
    officer.check("input[name=auction_format][value=japanese]")
    shown("step", "clock")
    officer.check("input[name=auction_format][value=english]")
    shown("step", "bidding", "duration", "soft_close", "weighted")
    expect(officer.locator("#lot-group-item")).to_be_visible()

    # A reserve above the start price first.
    change(officer, "#id_title", "Heating oil")
    change(officer, "#id_quantity", "50")
    change(officer, "#id_unit", "t")
    change(officer, "#id_start_price", "1000000")
    change(officer, "#id_reserve_price", "1200000")
    expect(officer.locator("#id_reserve_price_errors")).to_have_text(
        "The reserve price must not exceed the start price."
    )
    change(officer, "#id_reserve_price", "900000")
    expect(officer.locator("#id_reserve_price_errors")).to_have_text("")
    # The step as a percentage, with the amount it comes to at the start price.
    officer.select_option("#id_step_kind", "percent")
    change(officer, "#id_step_value", "0.5")
    expect(officer.locator("#step-amount")).to_have_text(
        re.compile(r"^= \D*5,000\.00\D* per step$")
    )
    change(officer, "#id_duration_minutes", "45")
    # A band row added (its bad bound told beside it), one of the empty rows taken out.
    officer.click("#band-add")
    expect(officer.locator("input[name=bands-2-below]")).to_be_focused()
    change(officer, "input[name=bands-2-below]", "five hundred thousand")
    change(officer, "input[name=bands-2-step]", "0.25")
    expect(officer.locator("#bands-2-errors")).to_have_text(
        "“five hundred thousand” is not a number."
    )
    change(officer, "input[name=bands-2-below]", "500000")
    expect(officer.locator("#bands-2-errors")).to_have_text("")
    band = officer.locator("tbody[data-row]", has=officer.locator("input[name=bands-2-step]"))
    expect(band.locator("[data-band-amount]")).to_have_text(re.compile(r"^= \D*2,500\.00"))
    officer.locator("tbody[data-row]", has=officer.locator("input[name=bands-0-below]")).locator(
        "[data-remove-row]"
    ).click()
    expect(officer.locator("input[name=bands-0-below]")).to_have_count(0)
    expect(officer.locator("#lot-form-summary")).to_contain_text("No problems found so far.")
    officer.screenshot(path=str(artifacts / "lot-form.png"), full_page=True)
    officer.click("#lot-form button[type=submit]")
    expect(officer.locator(".messages")).to_contain_text("Lot 1 is added.")
    expect(officer.locator("#lots")).to_contain_text("Heating oil")

    # The form at a phone's width: nothing wider than the screen.
    edit_url = officer.locator("#lots a", has_text="Edit").first.get_attribute("href")
    phone = new_page(email=BUYER, width=390)
    phone.goto(f"{stack.base_url}{edit_url}")
    expect(phone.locator("input[name=bands-0-below]")).to_have_value("500000")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(artifacts / "lot-form-phone.png"), full_page=True)

    # More lots from a spreadsheet: a bad row refuses the whole file, with the report.
    officer.click("text=Import lots from XLSX")
    officer.set_input_files("#id_file", workbook(tmp_path / "bad.xlsx", reserve=2000))
    officer.click("#import-form button[type=submit]")
    expect(officer.locator("#import-report")).to_contain_text("reserve_price")
    expect(officer.locator("#import-report")).to_contain_text(
        "The reserve price must not exceed the start price."
    )
    officer.screenshot(path=str(artifacts / "lots-import-report.png"), full_page=True)
    officer.set_input_files("#id_file", workbook(tmp_path / "good.xlsx", reserve=900))
    officer.click("#import-form button[type=submit]")
    expect(officer.locator(".messages")).to_contain_text("1 lot(s) added.")
    expect(officer.locator("#lots")).to_contain_text("Fuel oil, imported")

    # Publishing: a summary to confirm first, each lot in plain words.
    officer.click("#publish")
    expect(officer.locator("h1")).to_have_text("Check and publish")
    summary = officer.locator("[id^=lot-summary-]", has_text="Lot 1. Heating oil")
    expect(summary).to_contain_text("English reverse with soft close.")
    expect(summary).to_contain_text("45 min")
    expect(summary).to_contain_text(re.compile(r"below \D*500,000\.00: 0\.25% of the start"))
    expect(officer.locator("[id^=lot-summary-]", has_text="Fuel oil, imported")).to_be_visible()
    officer.screenshot(path=str(artifacts / "tender-publish-summary.png"), full_page=True)
    officer.click("#publish-confirm")
    expect(officer.locator("#tender-status")).to_have_text("Published")
    expect(officer.locator("#lots")).to_contain_text("Live console")
    manage_url = officer.url
    tender_id = int(re.search(r"/tenders/(\d+)/manage/", manage_url).group(1))

    # The supplier applies in its own browser.
    supplier = new_page(email=SUPPLIER)
    supplier.goto(f"{stack.base_url}/tenders/{tender_id}/")
    expect(supplier.locator("h1")).to_have_text(TITLE)
    apply_form = supplier.locator(".apply-form").first
    apply_form.locator("input[type=checkbox]").check()
    apply_form.locator("button[type=submit]").click()
    expect(supplier.locator(".messages")).to_contain_text("Your application to lot 1 is submitted")
    expect(supplier.locator(".my-application")).to_contain_text("Submitted")
    expect(supplier.locator(".apply-form")).to_have_count(1)  # lot 2 is still open to it

    # The officer admits it.
    officer.goto(manage_url)
    row = officer.locator(".applications tr", has_text="Baltic Freight Supply OÜ")
    expect(row).to_contain_text("Submitted")
    row.locator("button.admit").click()
    expect(officer.locator(".messages")).to_contain_text("Baltic Freight Supply OÜ is admitted")
    expect(
        officer.locator(".applications tr", has_text="Baltic Freight Supply OÜ")
    ).to_contain_text("Bidder #1")
    officer.screenshot(path=str(artifacts / "tender-manage.png"), full_page=True)

    supplier.reload()
    expect(supplier.locator(".my-application")).to_contain_text("Admitted")
    supplier.screenshot(path=str(artifacts / "tender-supplier.png"), full_page=True)
    # The refused file is answered 400 on purpose, which chromium logs; nothing else is logged.
    refused = [p for p in officer.problems if "status of 400 (Bad Request)" in p]
    assert len(refused) == 1, officer.problems
    assert [p for p in officer.problems if p not in refused] == []
    assert supplier.problems == []
    assert phone.problems == []
