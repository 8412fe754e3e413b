"""The demo shows what issue 23 asks of it, loaded by ``load_demo`` as ``make run`` loads it: a
campaign with results, an open case within its SLA and one breached, an approval waiting, a plan
with its fact, a reconciled statement, automation rules with runs, and prices with stock; and a
second load adds none of it again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from auctions.approval_models import ApprovalRequest, ApprovalStatus
from automation.models import Rule, Run
from deals.models import BankLine
from marketing.models import Campaign
from marketing.selectors import campaign_results
from marketplace.users.models import User
from planning.models import ProcurementPlan
from pricing.models import PriceAssignment, Promotion
from servicedesk.models import Case, CaseStatus
from suppliers.models import StockLevel

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "campaigns": Campaign.objects.count(),
        "cases": Case.objects.count(),
        "requests": ApprovalRequest.objects.count(),
        "rules": Rule.objects.count(),
        "runs": Run.objects.count(),
        "assignments": PriceAssignment.objects.count(),
        "promotions": Promotion.objects.count(),
        "stock": StockLevel.objects.count(),
    }


def test_the_demo_has_the_crm_beyond_sales_and_loads_it_once():
    out = StringIO()
    call_command("load_demo", "--live-in", "3600", stdout=out)

    campaign = Campaign.objects.get()
    results = campaign_results(campaign=campaign)
    assert results["delivered"] > 0 and results["opened"] > 0
    assert results["unsubscribed"] >= 1 and results["bounced"] >= 1

    open_cases = Case.objects.exclude(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED])
    assert any(not c.is_breached for c in open_cases)
    assert any(c.is_breached for c in open_cases)
    assert Case.objects.filter(status=CaseStatus.CLOSED, survey_rating__isnull=False).exists()

    waiting = ApprovalRequest.objects.get(status=ApprovalStatus.PENDING)
    approver = User.objects.get(email="approver@demo.tradefloor.local")
    assert waiting.tender.status == "draft"

    assert ProcurementPlan.objects.filter(status="published").exists()
    assert BankLine.objects.exists()
    assert Run.objects.exists() and Rule.objects.count() == 2
    assert PriceAssignment.objects.exists() and StockLevel.objects.exists()

    # Every page load_demo names answers its person.
    printed = out.getvalue()
    client = Client()
    for line in printed.splitlines():
        if "(as " not in line or "http://127.0.0.1" not in line or "/lots/" in line:
            continue
        path = "/" + line.split("http://127.0.0.1:", 1)[1].split("/", 1)[1].split(" ")[0]
        email = line.rsplit("(as ", 1)[1].rstrip(")")
        client.force_login(User.objects.get(email=email))
        assert client.get(path).status_code == 200, (path, email)
    client.force_login(approver)
    assert waiting.tender.title in client.get("/approvals/").content.decode()

    before = _counts()
    call_command("load_demo", "--live-in", "3600", stdout=StringIO())
    assert _counts() == before
