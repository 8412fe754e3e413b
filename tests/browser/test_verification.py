"""Verification in two browsers: a newcomer signs up, registers a company (the identifier checked
as it is typed), uploads a document and submits; the platform admin opens the review queue, sees
and downloads the document and rejects with a reason, which the newcomer reads; the newcomer adds
a document and submits again, the admin approves, and the company is verified; it applies to
the public platform and the admin accepts it."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.pages import wait_for_htmx
from tests.factories import valid_edrpou

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.tradefloor.local"  # operator staff, admin of the public platform
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
REASON = "The registry extract is older than 30 days; upload a fresh one."


def pdf(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def sign_up(page, stack, email: str) -> None:
    page.goto(f"{stack.base_url}/accounts/signup/")
    page.fill("input[name=full_name]", "Iryna Bondar")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", "a-long-newcomer-password-42")
    page.fill("input[name=password2]", "a-long-newcomer-password-42")
    page.click("main form button[type=submit]")
    # A newcomer lands on its home, which says how to register a company.
    page.wait_for_url(lambda url: url.endswith("/home/"))


def upload(page, name: str) -> None:
    page.select_option("#id_document_type", "registration_certificate")
    page.set_input_files("#id_file", files=[pdf(name)])
    page.click("#upload-submit")
    expect(page.locator("table.documents")).to_contain_text(name)


def submit_for_verification(page) -> None:
    page.fill("#id_signatory_name", "Iryna Bondar")
    page.fill("#id_signatory_position", "Director")
    page.select_option("#id_signatory_basis", "charter")
    page.click("#verification-submit")
    expect(page.locator("#verification-status")).to_have_text("Verification pending")


def open_in_queue(admin, stack, company: str) -> None:
    admin.goto(f"{stack.base_url}/")
    admin.click("header nav >> text=Review queue")
    expect(admin.locator("h1")).to_have_text("Verification queue")
    admin.click(f"#queue >> text={company}")
    expect(admin.locator("h1")).to_have_text(company)


def test_a_newcomer_is_verified_by_the_platform_admin(stack, new_page, artifacts):
    company = f"TOV Canary Newcomer {uuid.uuid4().hex[:6]}"
    code = valid_edrpou()
    wrong = code[:-1] + str((int(code[-1]) + 1) % 10)

    # A newcomer signs up and registers a company; the identifier is checked as it is typed.
    newcomer = new_page()
    sign_up(newcomer, stack, f"newcomer-{uuid.uuid4().hex[:8]}@example.com")
    newcomer.click("header nav >> text=My companies")
    expect(newcomer.locator(".empty")).to_contain_text("You do not belong to any company yet")
    newcomer.click("text=Register a company")
    wait_for_htmx(newcomer)  # typed before, the identifier would never be checked
    newcomer.fill("#id_legal_name", company)
    newcomer.select_option("#id_country", "UA")
    newcomer.locator("#id_registration_number").press_sequentially(wrong)
    expect(newcomer.locator("#id_registration_number-errors")).to_contain_text("check digit")
    newcomer.fill("#id_registration_number", "")
    newcomer.locator("#id_registration_number").press_sequentially(code)
    expect(newcomer.locator("#id_registration_number-errors")).to_be_empty()
    newcomer.check("#id_is_supplier")
    newcomer.screenshot(path=artifacts / "company-register.png", full_page=True)
    newcomer.click("#register-submit")
    expect(newcomer.locator("#verification-status")).to_have_text("Not verified")

    # Uploads the registration certificate and submits.
    upload(newcomer, "registry-extract.pdf")
    submit_for_verification(newcomer)

    # The platform admin, in a second browser, opens the queue and the submission.
    admin = new_page(email=ADMIN)
    admin.click("header nav >> text=Review queue")
    expect(admin.locator("#queue")).to_contain_text(company)
    admin.screenshot(path=artifacts / "review-queue.png", full_page=True)
    open_in_queue(admin, stack, company)
    expect(admin.locator("#documents")).to_contain_text("registry-extract.pdf")
    with admin.expect_download() as download:
        admin.click("#documents a.download")
    assert download.value.path().read_bytes() == PDF

    # Rejected with a reason (without one the page says it is needed: the client tests), which
    # the newcomer reads.
    admin.fill("#id_reason", REASON)
    admin.screenshot(path=artifacts / "review-submission.png", full_page=True)
    admin.click("#decide-reject")
    expect(admin.locator(".messages")).to_contain_text(f"{company}: Rejected.")
    expect(admin.locator(f"#queue >> text={company}")).to_have_count(0)

    newcomer.reload()
    expect(newcomer.locator("#verification-status")).to_have_text("Rejected")
    expect(newcomer.locator("#latest-reason")).to_have_text(REASON)
    newcomer.screenshot(path=artifacts / "verification-rejected.png", full_page=True)

    # A fresh extract, submitted again, is approved: the company is verified.
    upload(newcomer, "registry-extract-fresh.pdf")
    submit_for_verification(newcomer)
    open_in_queue(admin, stack, company)
    expect(admin.locator("#documents")).to_contain_text("registry-extract-fresh.pdf")
    admin.click("#decide-approve")
    expect(admin.locator(".messages")).to_contain_text(f"{company}: Approved.")
    newcomer.reload()
    expect(newcomer.locator("#verification-status")).to_have_text("Verified")
    expect(newcomer.locator("#verification-message")).to_contain_text(re.compile("verified"))

    # The verified company applies to the public platform; the admin accepts the request in
    # its row (htmx redraws the row in place), and the company sees it accepted.
    newcomer.click("text=My companies")
    newcomer.click(f"text={company}")
    newcomer.select_option("#id_platform", label="Tradefloor Public")
    newcomer.fill("#id_message", "We supply grain and fuel.")
    newcomer.click("#apply-form button[type=submit]")
    expect(newcomer.locator("#company-platforms")).to_contain_text("Applied")
    admin.click(".tabs >> text=Platforms")
    admin.click("tr:has-text('Tradefloor Public') >> text=Membership requests")
    row = admin.locator("#participations tr", has_text=company)
    expect(row).to_contain_text("We supply grain and fuel.")
    url = admin.url
    wait_for_htmx(admin)  # clicked before, the button would post the whole page
    row.locator("button[value=accept]").click()
    expect(row.locator(".status")).to_have_text("Accepted")
    expect(row.locator("button[value=suspend]")).to_be_visible()
    assert admin.url == url  # the row, not the page
    admin.screenshot(path=artifacts / "membership-requests.png", full_page=True)
    newcomer.reload()
    expect(newcomer.locator("#company-platforms")).to_contain_text("Accepted")
    newcomer.screenshot(path=artifacts / "company-page.png", full_page=True)

    # The platform's default auction rules (a rule the service refuses, answered 400 with the
    # message on its field, is in the client tests: the browser logs any 400 as an error).
    admin.click(".crumbs >> text=Rules")
    admin.fill("#id_default_min_step_percent", "0.75")
    admin.click("#rules-submit")
    expect(admin.locator(".messages")).to_contain_text("The platform's rules are saved.")
    expect(admin.locator("#id_default_min_step_percent")).to_have_value("0.75")
    admin.screenshot(path=artifacts / "platform-rules.png", full_page=True)

    # On a tablet nothing is wider than the screen.
    for page in (newcomer, admin):
        page.set_viewport_size({"width": 820, "height": 1000})
    newcomer.goto(f"{stack.base_url}/companies/")
    newcomer.click(f"text={company}")
    newcomer.click("text=Verification")
    admin.goto(f"{stack.base_url}/review/?status=all")
    for page in (newcomer, admin):
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    newcomer.screenshot(path=artifacts / "verification-tablet.png", full_page=True)

    assert newcomer.problems == [], newcomer.problems
    assert admin.problems == [], admin.problems
