"""The CRM beyond sales in a browser, on the shared quiet demo stack (demo/crm_more_demo.py):

* agro's approver opens "Approvals" from the top bar, finds the demo's harvester tender waiting
  for it and approves it with a comment; agro's buyer then reads the approval (and the comment)
  on the tender's approval page and publishes the tender;
* agro's account manager opens CRM → Marketing, reads the demo campaign's results (the numbers
  the server counts, the chart drawn) and makes a segment whose counts follow its filter as it
  changes, before it is saved.

No console error (CSP violations included)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .stack import LiveStack

pytestmark = pytest.mark.browser

APPROVER = "approver@demo.tradefloor.local"
BUYER = "buyer@demo.tradefloor.local"
MANAGER = "manager@demo.tradefloor.local"
HARVESTER = "Зернозбиральний комбайн для сезону (чекає погодження)"  # demo/approvals_demo.py
CAMPAIGN = "Нові тендери агрохолдингу"  # demo/marketing_demo.py
COMMENT = "Погоджено: бюджет сезону це покриває."

# What the server knows of agro's marketing: the demo campaign's results and the counts of a
# new segment's filter before and after the test ticks "Supplier".
MARKETING_FACTS = """
import json
from marketing.models import Campaign
from marketing.selectors import campaign_results
from marketing.segments import filters_counts
campaign = Campaign.objects.get(name={name!r})
ws = campaign.workspace_id
print(json.dumps({{
    "workspace": ws,
    "campaign": campaign.pk,
    "results": campaign_results(campaign=campaign),
    "everyone": filters_counts(workspace_id=ws, filters={{}}),
    "suppliers": filters_counts(workspace_id=ws, filters={{"segments": ["supplier"]}}),
}}))
"""


@pytest.fixture(scope="module")
def stack(quiet_stack):
    """The shared demo stack whose auction is an hour away (tests/browser/conftest.py)."""
    return quiet_stack


def test_the_approver_approves_and_the_buyer_publishes(stack: LiveStack, new_page, artifacts):
    base = stack.base_url
    approver = new_page(email=APPROVER, width=1366)
    approver.locator("header nav").get_by_role("link", name="Approvals", exact=True).click()
    expect(approver).to_have_url(f"{base}/approvals/")
    row = approver.locator("#approval-queue tbody tr", has_text=HARVESTER)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Decide").click()
    expect(approver).to_have_url(re.compile(r"/approvals/\d+/$"))
    expect(approver.locator("#approval-status")).to_have_text("Waiting for approval")
    approver.fill("#decide textarea[name=comment]", COMMENT)
    approver.click("#approve")
    expect(approver.locator("#approval-status")).to_have_text("Approved")
    expect(approver.locator("#approval-decisions")).to_contain_text(COMMENT)
    expect(approver.locator("#decide")).to_have_count(0)  # decided: nothing more to do
    tender_approval = approver.get_by_role("link", name="The tender's approval and history")
    approval_path = tender_approval.get_attribute("href")
    assert approval_path and re.fullmatch(r"/tenders/\d+/approval/", approval_path)
    approver.goto(f"{base}/approvals/")
    expect(approver.locator("#approval-queue tbody tr", has_text=HARVESTER)).to_have_count(0)
    assert approver.problems == []

    buyer = new_page(email=BUYER, width=1366)
    buyer.goto(base + approval_path)
    expect(buyer.locator("#approval-state")).to_have_text(
        "Approved: the tender may be published as it is."
    )
    expect(buyer.locator("#latest-request #approval-decisions")).to_contain_text(COMMENT)
    buyer.screenshot(path=artifacts / "approval-approved.png", full_page=True)
    buyer.get_by_role("link", name="Manage the tender").click()
    expect(buyer).to_have_url(re.compile(r"/tenders/\d+/manage/$"))
    buyer.click("#publish")
    expect(buyer).to_have_url(re.compile(r"/tenders/\d+/publish/$"))
    expect(buyer.locator("#publish-problems")).to_have_count(0)
    buyer.click("#publish-confirm")
    expect(buyer).to_have_url(re.compile(r"/tenders/\d+/manage/$"))
    expect(buyer.locator("main")).to_contain_text(
        "The tender is published: its lots take applications."
    )
    expect(buyer.locator("#publish")).to_have_count(0)
    assert buyer.problems == []


def test_the_managers_campaign_results_and_a_segment_counted_live(
    stack: LiveStack, new_page, artifacts
):
    facts = json.loads(
        stack.manage("shell", "-c", MARKETING_FACTS.format(name=CAMPAIGN)).strip().splitlines()[-1]
    )
    results, ws = facts["results"], facts["workspace"]
    assert results["delivered"] > 0 and results["opened"] > 0  # the demo's, as it loads them
    everyone, suppliers = facts["everyone"], facts["suppliers"]
    assert everyone["accounts"] != suppliers["accounts"]  # the filter below changes the count

    base = stack.base_url
    page = new_page(email=MANAGER, width=1366)
    page.locator("header nav").get_by_role("link", name="CRM", exact=True).click()
    expect(page).to_have_url(f"{base}/crm/{ws}/")
    page.get_by_role("link", name="Marketing", exact=True).first.click()
    expect(page).to_have_url(f"{base}/crm/{ws}/marketing/")
    page.locator("#campaigns").get_by_role("link", name=CAMPAIGN).click()
    expect(page).to_have_url(f"{base}/crm/{ws}/marketing/campaigns/{facts['campaign']}/")
    for measure in ("sent", "delivered", "opened", "clicked", "bounced", "leads", "applied"):
        expect(page.locator(f"#result-{measure}")).to_have_text(str(results[measure]))
    expect(page.locator("#chart canvas").first).to_be_visible()  # uPlot drew it
    expect(page.locator("#recipients tbody tr")).to_have_count(results["recipients"])
    page.screenshot(path=artifacts / "marketing-campaign.png", full_page=True)

    # A new segment: its counts follow the filter as it changes, before it is saved.
    page.locator(".marketing-nav").get_by_role("link", name="New segment").click()
    expect(page).to_have_url(f"{base}/crm/{ws}/marketing/segments/new/")
    page.wait_for_load_state("load")  # the counting script is loaded (deferred)
    accounts = page.locator("#count-accounts")
    expect(accounts).to_have_text(str(everyone["accounts"]))
    page.fill("#id_name", "Постачальники для осінньої розсилки")
    page.check("input[name=segments][value=supplier]")
    expect(accounts).to_have_text(str(suppliers["accounts"]))
    expect(page.locator("#count-reachable-email")).to_have_text(str(suppliers["reachable_email"]))
    page.uncheck("input[name=segments][value=supplier]")
    expect(accounts).to_have_text(str(everyone["accounts"]))
    page.check("input[name=segments][value=supplier]")
    expect(accounts).to_have_text(str(suppliers["accounts"]))
    expect(page.locator("#count-error")).to_be_hidden()
    page.click("#segment-save")
    expect(page).to_have_url(re.compile(rf"/crm/{ws}/marketing/segments/\d+/$"))
    expect(page.locator("h1")).to_have_text("Постачальники для осінньої розсилки")
    expect(accounts).to_have_text(str(suppliers["accounts"]))
    expect(page.locator("input[name=segments][value=supplier]")).to_be_checked()
    assert page.problems == []
