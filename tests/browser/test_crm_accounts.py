"""The CRM's accounts in a browser, against the live stack: an account manager of a company (made
for the test, as the demo makes its people) opens the CRM from the top bar, makes an account
(its registration number checked as typed), adds a contact, logs a call on the account page
(htmx: no reload) and sees it on the timeline, linking to the activity; then imports a small CSV
with one bad row (the columns shown as the file is chosen), reads the report, confirms, and
finds the imported accounts in the list. The account list, an account and the report on a phone
(390×844) are no wider than the screen. No console error (CSP violations included)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from stdnum.ua import edrpou

from .conftest import PASSWORD
from .pages import wait_for_htmx

pytestmark = pytest.mark.browser

MANAGER = "crm.manager@test.tradefloor.local"

# A company with its account manager, made as load_demo makes the demo's people.
SETUP = """
from django.utils import timezone
from marketplace.companies.models import Company, Membership, MembershipRole
from marketplace.users.models import User
company = Company.objects.create(
    legal_name="ТОВ «Тестова CRM»", country="UA", registration_number={code!r},
    is_supplier=True, verification_status="verified", verified_at=timezone.now(),
)
user = User.objects.create_user(email={email!r}, password={password!r}, full_name="Тетяна Коваль")
Membership.objects.create(user=user, company=company, role=MembershipRole.ACCOUNT_MANAGER)
print(company.pk)
"""


def edrpou_code(seed: int) -> str:
    base = f"{seed:07d}"
    return base + edrpou.calc_check_digit(base)


def wrong(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


@pytest.fixture(scope="module")
def workspace(stack) -> int:
    code = SETUP.format(code=edrpou_code(3141592), email=MANAGER, password=PASSWORD)
    return int(stack.manage("shell", "-c", code).strip().splitlines()[-1])


def no_wider_than_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url


def test_an_account_a_contact_a_call_on_the_timeline_and_an_import(
    stack, workspace, new_page, artifacts
):
    page = new_page(email=MANAGER, width=1366)
    base = stack.base_url

    # The top bar's "CRM": one company, so straight to its workspace.
    page.goto(f"{base}/")
    page.get_by_role("link", name="CRM", exact=True).click()
    expect(page).to_have_url(f"{base}/crm/{workspace}/")
    expect(page.locator("h1")).to_contain_text("ТОВ «Тестова CRM»")

    # A new account: a wrong registration number is told as it is typed.
    page.get_by_role("link", name="New account").click()
    expect(page).to_have_url(f"{base}/crm/{workspace}/accounts/new/")
    wait_for_htmx(page)  # a change made before would never be checked
    page.fill("#id_name", "ТОВ «Агро Світ»")
    page.select_option("#id_country", "UA")
    page.fill("#id_registration_number", wrong(edrpou_code(2718281)))
    page.locator("#id_registration_number").blur()
    errors = page.locator("#id_registration_number-errors .error")
    expect(errors).to_have_count(1)
    page.fill("#id_registration_number", edrpou_code(2718281))
    page.locator("#id_registration_number").blur()
    expect(errors).to_have_count(0)
    page.fill("#id_tags", "зерно, північ")
    page.click("#account-save")
    expect(page.locator("#account-name")).to_have_text("ТОВ «Агро Світ»")
    account_url = page.url
    assert re.search(rf"/crm/{workspace}/accounts/\d+/$", account_url)

    # A contact.
    page.click("#add-contact")
    page.fill("#id_first_name", "Петро")
    page.fill("#id_last_name", "Бондар")
    page.fill("#id_emails", "petro@agrosvit.example")
    page.fill("#id_phones", "067 123 45 67")
    page.check("#id_consent")
    page.click("#contact-save")
    expect(page).to_have_url(account_url)
    expect(page.locator("#account-contacts")).to_contain_text("Петро Бондар")

    # A call, logged on the account page without leaving it.
    page.evaluate("window.notLoadedAgain = true")
    form = page.locator("#log-activity")
    form.locator("select[name=kind]").select_option("call")
    form.locator("input[name=subject]").fill("Обговорили поставку зерна")
    form.locator("select[name=contact]").select_option(label="Петро Бондар")
    form.locator("#log-submit").click()
    expect(page.locator("#account-activities .activity")).to_contain_text(
        "Обговорили поставку зерна"
    )
    entry = page.locator("#timeline-list .entry").first
    expect(entry).to_contain_text("Call: Обговорили поставку зерна")
    assert page.evaluate("window.notLoadedAgain") is True
    page.screenshot(path=artifacts / "crm-account.png", full_page=True)
    # The entry links to its source: the activity.
    entry.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("Обговорили поставку зерна")

    # An import: three rows, one with a wrong registration number.
    csv = "\n".join(
        [
            "Назва;Країна;Код ЄДРПОУ;Місто",
            f"ТОВ «Імпорт Перший»;UA;{edrpou_code(1618033)};Київ",
            f"ТОВ «Імпорт Другий»;UA;{edrpou_code(1414213)};Львів",
            f"ТОВ «Імпорт Поганий»;UA;{wrong(edrpou_code(1732050))};Одеса",
        ]
    ).encode()
    page.goto(f"{base}/crm/{workspace}/imports/")
    wait_for_htmx(page)  # the columns are shown by htmx as the file is chosen
    page.select_option("#id_entity", "accounts")
    page.set_input_files(
        "#id_file", files=[{"name": "accounts.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    mapping = page.locator("#mapping")
    expect(mapping).to_be_visible()
    expect(mapping.locator("select[name=field_2]")).to_have_value("registration_number")
    page.click("#import-submit")
    expect(page.locator("#import-status")).to_have_text(re.compile("Checked"))
    expect(page.locator("#rows-valid")).to_have_text("2")
    expect(page.locator("#rows-invalid")).to_have_text("1")
    report = page.locator("#import-report")
    expect(report).to_contain_text("Код ЄДРПОУ")
    expect(report.locator("tbody tr").first.locator("td").first).to_have_text("4")
    page.screenshot(path=artifacts / "crm-import-report.png", full_page=True)
    page.click("#import-confirm")
    expect(page.locator("#import-done")).to_be_visible()
    expect(page.locator("#rows-imported")).to_have_text("2")
    page.locator("#import-done a").click()
    accounts = page.locator("#accounts")
    expect(accounts).to_contain_text("ТОВ «Імпорт Перший»")
    expect(accounts).to_contain_text("ТОВ «Імпорт Другий»")
    expect(accounts).not_to_contain_text("Поганий")
    expect(accounts).to_contain_text("ТОВ «Агро Світ»")

    # On a phone: the list (cards), the account and the import are no wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/crm/{workspace}/accounts/")
    expect(page.locator("#accounts")).to_be_visible()
    no_wider_than_the_screen(page)
    page.screenshot(path=artifacts / "crm-accounts-phone.png", full_page=True)
    for path in (account_url, f"{base}/crm/{workspace}/imports/", f"{base}/crm/{workspace}/"):
        page.goto(path)
        no_wider_than_the_screen(page)

    assert page.problems == []


def test_an_earlier_checks_late_answer_does_not_undo_a_later_one(stack, workspace, new_page):
    """The live check answers with every box it checks: the country's check (which knows no
    number yet), answered only after the number's has been, must not empty the number's box.
    The form sends one check at a time, so the number's waits for the country's answer."""
    page = new_page(email=MANAGER, width=1366)
    page.goto(f"{stack.base_url}/crm/{workspace}/accounts/new/")
    wait_for_htmx(page)
    held, sent = [], []

    def hold_the_first_check(route):
        if route.request.method == "POST" and not held:
            held.append(route)
        else:
            sent.append(route.request)
            route.continue_()

    page.route(re.compile(r".*/accounts/new/$"), hold_the_first_check)
    with page.expect_request(lambda r: r.method == "POST"):  # the country's check, held
        page.select_option("#id_country", "UA")
    page.fill("#id_registration_number", wrong(edrpou_code(1618033)))
    page.locator("#id_registration_number").blur()
    page.wait_for_timeout(300)  # a check sent beside the held one is on its way by now
    for request in sent:
        request.response()  # and answered (the boxes filled), before the held answer
    held[0].continue_()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#id_registration_number-errors .error")).to_have_count(1)
    assert page.problems == [], page.problems
