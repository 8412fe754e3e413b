"""Win rate and sales cycle, a supplier's auctions and a buyer's savings, each checked against
a small data set computed by hand; amounts per currency, never added across."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from auctions.models import ApplicationStatus, DealStatus
from tests.crm.analytics_factories import (
    Workspace,
    apply,
    at,
    award,
    client,
    lot_for,
    tender_for,
)
from tests.factories import CategoryFactory, CompanyFactory

pytestmark = pytest.mark.django_db


def rows(ws, name: str, **params) -> list[dict]:
    r = client(ws.officer).get(f"/api/crm/{ws.id}/analytics/{name}/", params)
    assert r.status_code == 200, r.json()
    return r.json()["rows"]


def pick(rows_: list[dict], *keys: str) -> list[tuple]:
    return [tuple(r[k] for k in keys) for r in rows_]


# --- Win rate and cycle ----------------------------------------------------------------------


@pytest.fixture
def closed():
    """Closed opportunities (cycle = creation to close):

    manager: won after 10, 20, 30 and 40 days, lost after 5 → 4 won, 1 lost, 80 %,
             all 21.0 days, won 25.0 days;
    admin:   won after 3 days (pipeline "Purchases") → 100 %, 3.0 and 3.0.
    Open ones and a won one without a close time are left out."""
    ws = Workspace()
    ws.manager.full_name, ws.admin.full_name = "Olena", "Andrii"
    ws.manager.save()
    ws.admin.save()
    purchases = type(ws.pipeline).objects.create(workspace=ws.company, name="Purchases")
    bought = type(ws.won).objects.create(
        pipeline=purchases, name="Bought", position=1, probability=100, kind="won"
    )
    for owner, stage, status, days, closed_at in [
        (ws.manager, ws.won, "won", 10, "2026-02-10 10:00"),
        (ws.manager, ws.won, "won", 20, "2026-03-01 10:00"),
        (ws.manager, ws.won, "won", 30, "2026-03-20 10:00"),
        (ws.manager, ws.won, "won", 40, "2026-04-02 10:00"),
        (ws.manager, ws.lost, "lost", 5, "2026-02-01 10:00"),
        (ws.admin, bought, "won", 3, "2026-03-15 10:00"),
    ]:
        when = at(closed_at)
        ws.opportunity(
            owner=owner,
            stage=stage,
            status=status,
            closed_at=when,
            created_at=when - timedelta(days=days),
            amount=Decimal("100"),
        )
    ws.opportunity(owner=ws.manager)  # open
    ws.opportunity(owner=ws.manager, stage=ws.won, status="won")  # no close time
    return ws


def test_win_rate_and_cycle_per_owner(closed):
    got = rows(closed, "win-rate")
    assert pick(
        got,
        "owner_name",
        "won",
        "lost",
        "closed",
        "win_rate",
        "avg_cycle_days",
        "avg_cycle_days_won",
    ) == [
        ("Andrii", 1, 0, 1, "100.00", "3.0", "3.0"),
        ("Olena", 4, 1, 5, "80.00", "21.0", "25.0"),
    ]


def test_win_rate_in_a_period_per_pipeline_and_in_total(closed):
    got = rows(closed, "win-rate", group="total", date_from="2026-03-01", date_to="2026-03-31")
    # In March: manager's 20- and 30-day wins, admin's 3-day win.
    assert pick(got, "won", "lost", "win_rate", "avg_cycle_days") == [(3, 0, "100.00", "17.7")]
    got = rows(closed, "win-rate", group="pipeline")
    assert pick(got, "pipeline_name", "won", "lost", "win_rate") == [
        ("Purchases", 1, 0, "100.00"),
        ("Sales", 4, 1, "80.00"),
    ]
    only_lost = rows(closed, "win-rate", group="total", date_to="2026-02-05")
    assert pick(only_lost, "won", "lost", "win_rate", "avg_cycle_days_won") == [
        (0, 1, "0.00", None)
    ]


# --- A supplier's auctions -----------------------------------------------------------------


@pytest.fixture
def supplier():
    """The workspace's company as a supplier, against a competitor:

    ===  ========  ===  ==============  =============================  =================
    lot  category  cur  its application the lot                        its opportunity
    ===  ========  ===  ==============  =============================  =================
    L1   Fuel      UAH  admitted        awarded to it                  —
    L2   Fuel      UAH  admitted        awarded to the competitor      lost, gap 1500.00
    L3   Fuel      UAH  admitted        awarded to the competitor      lost, gap 500.50
    L4   Fuel      UAH  admitted        awarded to the competitor      —
    L5   Fuel      UAH  submitted       open                           —
    L6   Tables    EUR  admitted        awarded to the competitor      lost, rank only
    L7   Fuel      UAH  withdrawn       awarded to the competitor      —
    L8   Tables    EUR  rejected        open                           —
    ===  ========  ===  ==============  =============================  =================

    Fuel/UAH: entered 5, admitted 4, won 1, lost 3, 25 %, gaps known 2, average 1000.25.
    Tables/EUR: entered 2, admitted 1, won 0, lost 1, 0 %, no gap known."""
    ws = Workspace()
    ws.fuel = CategoryFactory(code="AN100000", name_en="Fuel", name_uk="Пальне")
    ws.tables = CategoryFactory(code="AN200000", name_en="Tables", name_uk="Столи")
    competitor = CompanyFactory(legal_name="Competitor Ltd")
    buyer = ws.counterparty
    march, april = at("2026-03-10 10:00"), at("2026-04-10 10:00")

    def lot(category, currency, when=march):
        return lot_for(
            tender_for(buyer, category=category, currency=currency, auction_start=when),
            start_price="1000.00",
        )

    def lost_to_competitor(target, own_status=ApplicationStatus.ADMITTED):
        apply(target, ws.company, status=own_status)
        award(target, apply(target, competitor), amount="900.00")

    l1 = lot(ws.fuel, "UAH")
    award(l1, apply(l1, ws.company), amount="950.00")
    l2, l3, l4 = lot(ws.fuel, "UAH"), lot(ws.fuel, "UAH", april), lot(ws.fuel, "UAH", april)
    for target in (l2, l3, l4):
        lost_to_competitor(target)
    apply(lot(ws.fuel, "UAH"), ws.company, status=ApplicationStatus.SUBMITTED)
    l6 = lot(ws.tables, "EUR")
    lost_to_competitor(l6)
    lost_to_competitor(lot(ws.fuel, "UAH"), own_status=ApplicationStatus.WITHDRAWN)
    apply(lot(ws.tables, "EUR"), ws.company, status=ApplicationStatus.REJECTED)
    for target, outcome in [
        (l2, {"rank": 2, "gap": "1500.00"}),
        (l3, {"rank": 3, "gap": "500.50"}),
        (l6, {"rank": 2}),
    ]:
        ws.opportunity(
            stage=ws.lost,
            status="lost",
            lot=target,
            auction_outcome=outcome,
            closed_at=at("2026-03-11"),
        )
    # Another workspace's opportunity on the same lot tells this one nothing.
    Workspace(name="Other Ltd").opportunity(status="lost", lot=l4, auction_outcome={"gap": "1"})
    return ws


def test_a_suppliers_auctions_per_category(supplier):
    got = rows(supplier, "auctions")
    assert pick(
        got,
        "category_name",
        "currency",
        "entered",
        "admitted",
        "won",
        "lost",
        "win_rate",
        "gaps_known",
        "avg_gap",
    ) == [
        ("Fuel", "UAH", 5, 4, 1, 3, "25.00", 2, "1000.25"),
        ("Tables", "EUR", 2, 1, 0, 1, "0.00", 0, None),
    ]
    uk = client(supplier.officer).get(
        f"/api/crm/{supplier.id}/analytics/auctions/", HTTP_ACCEPT_LANGUAGE="uk"
    )
    assert [r["category_name"] for r in uk.json()["rows"]] == ["Пальне", "Столи"]


def test_a_suppliers_auctions_per_month_and_in_a_period(supplier):
    got = rows(supplier, "auctions", group="month")
    assert pick(got, "month", "currency", "entered", "won", "lost", "avg_gap") == [
        ("2026-03", "EUR", 2, 0, 1, None),
        ("2026-03", "UAH", 3, 1, 1, "1500.00"),
        ("2026-04", "UAH", 2, 0, 2, "500.50"),
    ]
    got = rows(supplier, "auctions", group="total", date_from="2026-04-01")
    assert pick(got, "currency", "entered", "lost", "gaps_known", "avg_gap") == [
        ("UAH", 2, 2, 1, "500.50")
    ]


def test_a_company_that_never_supplied_has_no_auction_rows():
    assert rows(Workspace(), "auctions") == []


# --- A buyer's savings -------------------------------------------------------------------------


@pytest.fixture
def buyer():
    """The workspace's company as a buyer (start price → awarded):

    M1 Fuel UAH 100000 → 90000 to X; M2 Fuel UAH 50000 → 47500 to Y; M3 Tables EUR 2000 → 1500
    to X; M4 Fuel UAH 1000 → 900 to X, deal cancelled (left out); M5 another buyer's lot.

    Per category: Fuel UAH 2 lots, 150000 → 137500, saving 12500 (8.33 %);
                  Tables EUR 1 lot, 2000 → 1500, saving 500 (25.00 %).
    Per supplier: X EUR 500 (25 %), X UAH 10000 (10 %), Y UAH 2500 (5 %)."""
    ws = Workspace()
    ws.fuel = CategoryFactory(code="SV100000", name_en="Fuel")
    ws.tables = CategoryFactory(code="SV200000", name_en="Tables")
    x = CompanyFactory(legal_name="X Supplies")
    y = CompanyFactory(legal_name="Y Trading")

    def awarded(category, currency, start, amount, supplier_, when="2026-03-10 12:00", **kw):
        target = lot_for(
            tender_for(ws.company, category=category, currency=currency), start_price=start
        )
        return award(target, apply(target, supplier_), amount=amount, awarded_at=at(when), **kw)

    awarded(ws.fuel, "UAH", "100000.00", "90000.00", x)
    awarded(ws.fuel, "UAH", "50000.00", "47500.00", y, when="2026-04-20 09:00")
    awarded(ws.tables, "EUR", "2000.00", "1500.00", x)
    awarded(ws.fuel, "UAH", "1000.00", "900.00", x, deal_status=DealStatus.CANCELLED)
    other = lot_for(tender_for(CompanyFactory(), category=ws.fuel), start_price="10.00")
    award(other, apply(other, x), amount="1.00")
    return ws


def test_a_buyers_savings_per_category(buyer):
    got = rows(buyer, "savings")
    assert pick(
        got,
        "category_name",
        "currency",
        "lots",
        "start_total",
        "awarded_total",
        "saving",
        "saving_percent",
    ) == [
        ("Fuel", "UAH", 2, "150000.00", "137500.00", "12500.00", "8.33"),
        ("Tables", "EUR", 1, "2000.00", "1500.00", "500.00", "25.00"),
    ]


def test_a_buyers_savings_per_supplier_and_in_a_period(buyer):
    got = rows(buyer, "savings", group="supplier")
    assert pick(got, "supplier_name", "currency", "lots", "saving", "saving_percent") == [
        ("X Supplies", "EUR", 1, "500.00", "25.00"),
        ("X Supplies", "UAH", 1, "10000.00", "10.00"),
        ("Y Trading", "UAH", 1, "2500.00", "5.00"),
    ]
    got = rows(buyer, "savings", group="supplier", date_from="2026-04-01", date_to="2026-04-30")
    assert pick(got, "supplier_name", "saving") == [("Y Trading", "2500.00")]
