"""The CRM's forecast and analytics pages through the test client: each report (weighted
pipeline, plan versus fact, win rate, a supplier's auctions, a buyer's savings) renders for
every member with its table and its chart's figures (money per currency, never added across),
and exports the same table as CSV and XLSX through the page's own link (the API's files, by
the same function). Another company gets 404; a bad period shows its message."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from crm.analytics import supplier_auctions
from crm.api.analytics_views import table_csv
from crm.forecast import pipeline_weighted
from crm.models import SalesTarget
from tests.crm.analytics_factories import Workspace, apply, at, award, lot_for, tender_for
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

REPORTS = ("pipeline", "plan-fact", "win-rate", "auctions", "savings")


@pytest.fixture
def ws():
    """Open opportunities in UAH and EUR, a won and a lost one, a target, and an auction the
    workspace's company lost (its outcome known: a gap of 1 500)."""
    ws = Workspace()
    m, a = ws.manager, ws.admin
    ws.opportunity(amount=Decimal("1000.00"), expected_close=date(2026, 3, 10), owner=m)
    ws.opportunity(
        amount=Decimal("2500.00"),
        stage=ws.proposal,
        probability=50,
        expected_close=date(2026, 3, 25),
        owner=m,
    )
    ws.opportunity(
        amount=Decimal("400.00"),
        currency="EUR",
        stage=ws.proposal,
        expected_close=date(2026, 3, 5),
        owner=a,
    )
    ws.opportunity(
        amount=Decimal("3000.00"),
        stage=ws.won,
        status="won",
        owner=m,
        closed_at=at("2026-02-10"),
        created_at=at("2026-01-01"),
    )
    ws.opportunity(
        amount=Decimal("900.00"),
        stage=ws.lost,
        status="lost",
        lost_reason="price",
        owner=m,
        closed_at=at("2026-02-20"),
        created_at=at("2026-02-01"),
    )
    SalesTarget.objects.create(
        workspace=ws.company,
        owner=m,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        amount=Decimal("10000.00"),
        currency="UAH",
    )
    buyer = CompanyFactory(legal_name="Buyer Ltd")
    lot = lot_for(tender_for(buyer), start_price="120000.00")
    ours = apply(lot, ws.company)
    rival = apply(lot, CompanyFactory(legal_name="Rival Ltd"))
    award(lot, rival, amount="100000.00")
    ws.opportunity(
        title="Lost at auction",
        stage=ws.lost,
        status="lost",
        lot=lot,
        lost_reason="lost_at_auction",
        auction_outcome={"rank": 2, "gap": "1500.00"},
    )
    assert ours.pk
    return ws


def as_(client, user):
    client.force_login(user)
    return client


def page_url(ws, report: str) -> str:
    return f"/crm/{ws.id}/analytics/{report}/"


def chart(body: str) -> dict:
    return json.loads(
        re.search(
            r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S
        ).group(1)
    )


@pytest.mark.parametrize("report", REPORTS)
def test_every_member_reads_each_report_and_another_company_gets_404(client, ws, report):
    for user in ws.readers():
        response = as_(client, user).get(page_url(ws, report))
        assert response.status_code == 200, (user, report)
        body = response.content.decode()
        assert 'id="export-csv"' in body and 'id="export-xlsx"' in body
        assert "vendor/uplot/uPlot.iife.min.js" in body and "frontend/crm-charts.js" in body
    as_(client, ws.outsider)
    assert client.get(page_url(ws, report)).status_code == 404
    assert client.get(page_url(ws, report) + "export/csv/").status_code == 404
    client.logout()
    response = client.get(page_url(ws, report))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_weighted_pipeline_by_month_in_the_table_and_the_chart(client, ws):
    body = as_(client, ws.manager).get(f"/crm/{ws.id}/analytics/").content.decode()
    table = body.split('id="report"')[1].split("</table>")[0]
    # March: UAH 1000 (20 %) + 2500 (50 %) = 1450 weighted; EUR 400 (60 %) = 240, apart.
    assert "UAH\u00a03,500.00" in table and "UAH\u00a01,450.00" in table
    assert "€400.00" in table and "€240.00" in table
    figures = chart(body)
    assert figures["labels"] == ["2026-03"] and figures["money"] is True
    series = {s["label"]: s["values"] for s in figures["series"]}
    assert series == {
        "Amount, UAH": [3500.0],
        "Weighted, UAH": [1450.0],
        "Amount, EUR": [400.0],
        "Weighted, EUR": [240.0],
    }
    by_owner = chart(client.get(page_url(ws, "pipeline") + "?group=owner").content.decode())
    assert by_owner["labels"] == [ws.admin.full_name, ws.manager.full_name]


def test_plan_fact_win_rate_auctions_and_savings_show_their_figures(client, ws):
    as_(client, ws.officer)
    plan = client.get(page_url(ws, "plan-fact")).content.decode()
    assert "UAH\u00a010,000.00" in plan and "UAH\u00a03,000.00" in plan and "30.00 %" in plan
    rate = client.get(page_url(ws, "win-rate") + "?group=total").content.decode()
    assert chart(rate)["series"] == [{"label": "Win rate, %", "values": [50.0]}]
    auctions = client.get(page_url(ws, "auctions") + "?group=total").content.decode()
    table = auctions.split('id="report"')[1].split("</table>")[0]
    assert "UAH\u00a01,500.00" in table  # the average gap to the winner
    savings = client.get(page_url(ws, "savings")).content.decode()
    assert 'id="report-empty"' in savings  # this company bought nothing


def test_the_exports_are_the_selectors_table_as_the_api_writes_it(client, ws):
    as_(client, ws.bidder)
    response = client.get(page_url(ws, "pipeline") + "export/csv/?group=stage")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(
        rf'attachment; filename="crm-{ws.id}-pipeline-by-stage-\d{{4}}-\d{{2}}-\d{{2}}\.csv"',
        response["Content-Disposition"],
    )
    expected = table_csv(pipeline_weighted(user=ws.bidder, workspace_id=ws.id, group="stage"))
    assert response.content == expected
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Pipeline id", "Pipeline", "Stage id", "Stage"]
    response = client.get(page_url(ws, "auctions") + "export/xlsx/?group=total")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    table = supplier_auctions(user=ws.bidder, workspace_id=ws.id, group="total")
    assert values[0] == [c.heading for c in table.columns]
    gap = [c.key for c in table.columns].index("avg_gap")
    assert values[1][gap] == 1500  # a number, not text


def test_a_bad_period_or_report_is_refused_with_a_message(client, ws):
    as_(client, ws.manager)
    for url in (
        page_url(ws, "win-rate") + "?date_from=2026-04-01&date_to=2026-03-01",
        page_url(ws, "win-rate") + "export/csv/?date_from=2026-04-01&date_to=2026-03-01",
    ):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "The period ends before it starts." in response.content.decode()
    response = client.get(page_url(ws, "pipeline") + "?group=weekday&date_from=soon")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Select a valid choice." in body and "Enter a valid date." in body
    assert 'id="export-csv"' not in body
    assert client.get(f"/crm/{ws.id}/analytics/secrets/").status_code == 404
    assert client.get(page_url(ws, "pipeline") + "export/pdf/").status_code == 404
