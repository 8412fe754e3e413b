"""The forecast, checked against a small data set computed by hand: the weighted pipeline by
month of expected close, by owner and by stage; plan versus fact against the sales targets
(per currency, never added across). Also: every analytics endpoint's permission matrix, its
CSV and XLSX export, and its refusal of bad parameters."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from crm.models import SalesTarget
from tests.crm.analytics_factories import Workspace, at, client

pytestmark = pytest.mark.django_db

ENDPOINTS = ("pipeline", "plan-fact", "win-rate", "auctions", "savings")


def url(ws, name: str) -> str:
    return f"/api/crm/{ws.id}/analytics/{name}/"


@pytest.fixture
def ws():
    """Open opportunities (weighted = amount × probability, the stage's when none):

    ===  ========  ===  ========  =====  ==========  ======  ==========
    opp  amount    cur  stage     prob   close       owner   weighted
    ===  ========  ===  ========  =====  ==========  ======  ==========
    o1   1000.00   UAH  Qualify   (20)   2026-03-10  mgr      200.00
    o2   2500.00   UAH  Proposal  50     2026-03-25  mgr     1250.00
    o3    400.00   EUR  Proposal  (60)   2026-03-05  admin    240.00
    o4   —         UAH  Qualify   (20)   2026-04-01  —          0
    o5    333.33   UAH  Qualify   33     —           admin    109.9989
    ===  ========  ===  ========  =====  ==========  ======  ==========

    Won (w1–w5) and lost (l1) ones, for plan versus fact (won_amount, else amount):
    w1 mgr UAH 3000 (won 2800) closed 2026-02-10; w2 mgr UAH 4000 closed 2026-03-31 23:00;
    w3 admin UAH 5000 closed 2026-03-15; w4 mgr EUR 700 closed 2026-03-01;
    w5 mgr UAH 9999 closed 2026-04-01; l1 mgr UAH 1000 lost 2026-02-01."""
    ws = Workspace()
    m, a = ws.manager, ws.admin
    d = Decimal
    ws.opportunity(amount=d("1000.00"), expected_close=date(2026, 3, 10), owner=m)
    ws.opportunity(
        amount=d("2500.00"),
        stage=ws.proposal,
        probability=50,
        expected_close=date(2026, 3, 25),
        owner=m,
    )
    ws.opportunity(
        amount=d("400.00"),
        currency="EUR",
        stage=ws.proposal,
        expected_close=date(2026, 3, 5),
        owner=a,
    )
    ws.opportunity(amount=None, expected_close=date(2026, 4, 1))
    ws.opportunity(amount=d("333.33"), probability=33, owner=a)
    for owner, currency, amount, won, closed, status in [
        (m, "UAH", "3000", "2800", "2026-02-10 09:00", "won"),
        (m, "UAH", "4000", None, "2026-03-31 23:00", "won"),
        (a, "UAH", "5000", None, "2026-03-15 12:00", "won"),
        (m, "EUR", "700", None, "2026-03-01 08:00", "won"),
        (m, "UAH", "9999", None, "2026-04-01 00:30", "won"),
        (m, "UAH", "1000", None, "2026-02-01 10:00", "lost"),
    ]:
        ws.opportunity(
            amount=d(amount),
            won_amount=d(won) if won else None,
            currency=currency,
            owner=owner,
            stage=ws.won if status == "won" else ws.lost,
            status=status,
            closed_at=at(closed),
        )
    SalesTarget.objects.create(
        workspace=ws.company,
        owner=m,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        amount=d("10000"),
    )
    SalesTarget.objects.create(
        workspace=ws.company,
        owner=None,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        amount=d("20000"),
    )
    SalesTarget.objects.create(
        workspace=ws.company,
        owner=m,
        period_start=date(2026, 4, 1),
        period_end=date(2026, 6, 30),
        amount=d("1000"),
        currency="EUR",
    )
    return ws


def rows(ws, name: str, user=None, **params) -> list[dict]:
    r = client(user or ws.manager).get(url(ws, name), params)
    assert r.status_code == 200, r.json()
    return r.json()["rows"]


def pick(rows_: list[dict], *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in rows_]


def test_the_weighted_pipeline_by_month_of_expected_close(ws):
    got = rows(ws, "pipeline", group="month")
    assert pick(got, "month", "currency", "count", "amount", "weighted") == [
        ("2026-03", "EUR", 1, "400.00", "240.00"),
        ("2026-03", "UAH", 2, "3500.00", "1450.00"),
        ("2026-04", "UAH", 1, "0.00", "0.00"),
        (None, "UAH", 1, "333.33", "110.00"),
    ]
    # A period leaves out what closes outside it, and the undated.
    got = rows(ws, "pipeline", group="month", date_from="2026-03-06", date_to="2026-03-31")
    assert pick(got, "month", "currency", "count", "weighted") == [("2026-03", "UAH", 2, "1450.00")]


def test_the_weighted_pipeline_by_owner(ws):
    got = rows(ws, "pipeline", group="owner")
    assert pick(got, "owner_name", "currency", "count", "amount", "weighted") == [
        ("Andrii", "EUR", 1, "400.00", "240.00"),
        ("Andrii", "UAH", 1, "333.33", "110.00"),
        ("Olena", "UAH", 2, "3500.00", "1450.00"),
        ("No owner", "UAH", 1, "0.00", "0.00"),
    ]


def test_the_weighted_pipeline_by_stage_and_of_one_pipeline(ws):
    got = rows(ws, "pipeline", group="stage", pipeline=ws.pipeline.pk)
    assert pick(got, "stage_name", "currency", "count", "amount", "weighted") == [
        ("Qualify", "UAH", 3, "1333.33", "310.00"),
        ("Proposal", "EUR", 1, "400.00", "240.00"),
        ("Proposal", "UAH", 1, "2500.00", "1250.00"),
    ]
    assert {r["pipeline_name"] for r in got} == {"Sales"}
    other = Workspace(name="Other Ltd")
    assert rows(ws, "pipeline", group="stage", pipeline=other.pipeline.pk) == []


def test_plan_versus_fact_per_target_in_its_own_currency(ws):
    got = rows(ws, "plan-fact")
    assert pick(
        got,
        "owner_name",
        "period_start",
        "currency",
        "plan",
        "won_count",
        "fact",
        "percent",
        "remaining",
        "won_other_currencies",
    ) == [
        ("Olena", "2026-01-01", "UAH", "10000.00", 2, "6800.00", "68.00", "3200.00", "700.00 EUR"),
        (
            "Whole workspace",
            "2026-01-01",
            "UAH",
            "20000.00",
            3,
            "11800.00",
            "59.00",
            "8200.00",
            "700.00 EUR",
        ),
        ("Olena", "2026-04-01", "EUR", "1000.00", 0, "0.00", "0.00", "1000.00", "9999.00 UAH"),
    ]
    assert pick(rows(ws, "plan-fact", date_from="2026-04-01"), "currency") == [("EUR",)]
    assert len(rows(ws, "plan-fact", owner=ws.manager.pk)) == 2
    assert rows(ws, "plan-fact", date_to="2025-12-31") == []


@pytest.fixture(autouse=True)
def _names(ws):
    """Latin first names: the rows sort by name (Andrii before Olena)."""
    ws.manager.full_name = "Olena"
    ws.manager.save()
    ws.admin.full_name = "Andrii"
    ws.admin.save()


# --- Every analytics endpoint --------------------------------------------------------------


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_member_reads_analytics_and_another_company_gets_404(ws, name):
    for user in ws.readers():
        r = client(user).get(url(ws, name))
        assert r.status_code == 200, (user, r.json())
        assert {"title", "columns", "rows"} <= set(r.json())
    for user in (ws.outsider, ws.outsider_admin):
        for fmt in ("json", "csv", "xlsx"):
            r = client(user).get(url(ws, name), {"format": fmt})
            assert r.status_code == 404, (name, fmt)
            assert r.json()["error"]["code"] == "workspace_not_found"
    assert client().get(url(ws, name)).status_code in (401, 403)
    assert client(ws.manager).get(f"/api/crm/{2**70}/analytics/{name}/").status_code == 404


@pytest.mark.parametrize("name", ENDPOINTS)
def test_bad_parameters_get_a_clear_400(ws, name):
    c = client(ws.manager)
    r = c.get(url(ws, name), {"format": "pdf"})
    assert r.status_code == 400 and "format" in r.json()["error"]["fields"]
    r = c.get(url(ws, name), {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert r.status_code == 400 and "date_to" in r.json()["error"]["fields"]
    r = c.get(url(ws, name), {"date_from": "yesterday"})
    assert r.status_code == 400 and "date_from" in r.json()["error"]["fields"]
    if name != "plan-fact":
        r = c.get(url(ws, name), {"group": "planet"})
        assert r.status_code == 400 and "group" in r.json()["error"]["fields"]


def test_a_table_exports_as_csv_with_the_same_figures(ws):
    r = client(ws.officer).get(url(ws, "pipeline"), {"group": "month", "format": "csv"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert (
        "attachment" in r["Content-Disposition"] and "pipeline-by-month" in r["Content-Disposition"]
    )
    assert r.content.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert table[0] == [
        "Month of expected close",
        "Currency",
        "Opportunities",
        "Amount",
        "Weighted amount",
    ]
    assert table[1:] == [
        ["2026-03", "EUR", "1", "400.00", "240.00"],
        ["2026-03", "UAH", "2", "3500.00", "1450.00"],
        ["2026-04", "UAH", "1", "0.00", "0.00"],
        ["", "UAH", "1", "333.33", "110.00"],
    ]


def test_a_table_exports_as_xlsx_with_numbers_as_numbers_and_no_formulas(ws):
    ws.manager.full_name = "=HYPERLINK(1)"
    ws.manager.save()
    r = client(ws.bidder).get(url(ws, "plan-fact"), {"format": "xlsx"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:3] == ("Target id", "Owner id", "Owner")
    first = dict(zip(values[0], values[1], strict=True))
    assert first["Owner"] == "=HYPERLINK(1)"
    assert sheet.cell(row=2, column=3).data_type == "s"  # text, not a formula
    assert first["Plan"] == Decimal("10000.00") or first["Plan"] == 10000
    assert first["Fact"] == 6800 and first["Done, %"] == 68
    assert first["From"].date() == date(2026, 1, 1)


def test_csv_text_that_looks_like_a_formula_is_quoted(ws):
    ws.manager.full_name = "=cmd|' /C calc'!A0"
    ws.manager.save()
    r = client(ws.manager).get(url(ws, "pipeline"), {"group": "owner", "format": "csv"})
    assert "'=cmd|" in r.content.decode("utf-8-sig")
