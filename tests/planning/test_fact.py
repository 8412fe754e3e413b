"""Plan versus fact on a small data set whose every figure is known, with the amounts that must
not count: another buyer's award in the same category, a cancelled lot, a cancelled deal, a
declined order, an unlinked lot, and a currency kept apart. And the CSV of it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from auctions.models import Lot, LotStatus
from planning import facts, services
from planning.models import PlanLineTender

from .factories import ORDER_CANCELLED, Plans

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def w() -> Plans:
    return Plans()


def link(w, plan, line, tender, lot=None):
    return services.line_link_tender(
        actor=w.officer,
        plan_id=plan.pk,
        line_id=line.pk,
        tender_id=tender.pk,
        lot_id=lot.pk if lot else None,
    )


@pytest.fixture
def data(w):
    """The plan:

    * Q1 Fuels, 500 000 UAH: tender A (2 lots, whole): lot 1 started at 100 000, awarded
      80 000; lot 2 started at 100 000, its deal cancelled (does not count);
    * Q1 Fuels, 100 000 UAH: tender B lot 1 started at 120 000, awarded 110 000 (declined
      order in lot 2 does not count), the second line of the same category and quarter;
    * Q2 Diesel, 300 000 UAH: tender C, a cancelled lot (does not count);
    * Q3 Diesel, 50 000 EUR: tender D in EUR, awarded 30 000 of 40 000: kept apart;
    * Q4 Fuels, 70 000 UAH: no tender: 0 contracted.

    And the rival's tender in Diesel awarded 999 999 UAH: not linked, not counted."""
    plan = w.plan()
    q1 = w.line(plan, category=w.root, quarter=1, budget="500000.00")
    q1b = w.line(plan, category=w.root, quarter=1, budget="100000.00", description="More diesel")
    q2 = w.line(plan, category=w.category, quarter=2, budget="300000.00")
    q3 = w.line(plan, category=w.category, quarter=3, budget="50000.00", currency="EUR")
    q4 = w.line(plan, category=w.root, quarter=4, budget="70000.00")

    a = w.tender(lots=2, title="Tender A")
    a1, a2 = a.lots.order_by("number")
    w.award(a1, "80000.00", start="100000.00")
    w.award(a2, "90000.00", start="100000.00", deal_status="cancelled")
    link(w, plan, q1, a)

    b = w.tender(lots=2, title="Tender B")
    b1, b2 = b.lots.order_by("number")
    w.award(b1, "110000.00", start="120000.00", order_status="accepted")
    w.award(b2, "10000.00", start="20000.00", order_status=ORDER_CANCELLED)
    link(w, plan, q1b, b, b1)
    link(w, plan, q1b, b, b2)

    c = w.tender(title="Tender C")
    Lot.objects.filter(tender=c).update(status=LotStatus.CANCELLED)
    link(w, plan, q2, c)

    d = w.tender(title="Tender D", currency="EUR")
    w.award(d.lots.get(), "30000.00", start="40000.00")
    link(w, plan, q3, d)

    rival = w.tender(buyer=w.rival, title="Rival tender")
    w.award(rival.lots.get(), "999999.00", start="1000000.00")
    # Even a row linking it (written past the services) does not count.
    PlanLineTender.objects.create(line=q2, tender=rival)
    return {"plan": plan, "q1": q1, "q1b": q1b, "q2": q2, "q3": q3, "q4": q4}


def by(rows, **keys):
    found = [r for r in rows if all(_get(r, k) == v for k, v in keys.items())]
    assert len(found) == 1, (keys, rows)
    return found[0]


def _get(row, key):
    return row["category"]["code"] if key == "category" else row[key]


def test_the_rows_by_category_and_quarter(w, data):
    report = facts.plan_fact(plan=data["plan"])
    fuels_q1 = by(report.rows, category="TR000000", quarter=1, currency="UAH")
    assert fuels_q1["lines"] == 2
    assert fuels_q1["tenders"] == 2
    assert fuels_q1["lots_contracted"] == 2
    assert fuels_q1["budgeted"] == D("600000.00")
    assert fuels_q1["contracted"] == D("190000.00")  # 80 000 + 110 000
    assert fuels_q1["expected"] == D("220000.00")  # 100 000 + 120 000
    assert fuels_q1["saved"] == D("30000.00")  # expected − contracted (Prozorro)
    assert fuels_q1["remaining"] == D("410000.00")
    assert fuels_q1["contracted_percent"] == D("31.7")
    assert fuels_q1["saved_percent"] == D("13.6")

    diesel_q2 = by(report.rows, category="TR100000", quarter=2)
    assert diesel_q2["budgeted"] == D("300000.00")
    assert diesel_q2["contracted"] == D("0.00")  # the cancelled lot; the rival's award
    assert diesel_q2["saved"] == D("0.00") and diesel_q2["contracted_percent"] == D("0.0")
    assert diesel_q2["saved_percent"] is None

    fuels_q4 = by(report.rows, category="TR000000", quarter=4)
    assert (fuels_q4["contracted"], fuels_q4["tenders"], fuels_q4["remaining"]) == (
        D("0.00"),
        0,
        D("70000.00"),
    )

    eur = by(report.rows, category="TR100000", quarter=3)
    assert (eur["currency"], eur["budgeted"], eur["contracted"], eur["saved"]) == (
        "EUR",
        D("50000.00"),
        D("30000.00"),
        D("10000.00"),
    )
    assert len(report.rows) == 4


def test_totals_per_currency_never_add_currencies(w, data):
    report = facts.plan_fact(plan=data["plan"])
    assert [t["currency"] for t in report.totals] == ["EUR", "UAH"]
    uah = by(report.totals, currency="UAH")
    assert uah["budgeted"] == D("970000.00")  # 500 000 + 100 000 + 300 000 + 70 000
    assert uah["contracted"] == D("190000.00")
    assert uah["saved"] == D("30000.00")
    assert uah["remaining"] == D("780000.00")
    assert uah["lines"] == 4
    eur = by(report.totals, currency="EUR")
    assert (eur["budgeted"], eur["contracted"]) == (D("50000.00"), D("30000.00"))


def test_by_quarter_and_by_category(w, data):
    report = facts.plan_fact(plan=data["plan"])
    assert [(r["quarter"], r["currency"]) for r in report.by_quarter] == [
        (1, "UAH"),
        (2, "UAH"),
        (3, "EUR"),
        (4, "UAH"),
    ]
    assert by(report.by_quarter, quarter=1)["contracted"] == D("190000.00")
    fuels = by(report.by_category, category="TR000000")
    assert (fuels["budgeted"], fuels["contracted"]) == (D("670000.00"), D("190000.00"))
    diesel = [r for r in report.by_category if r["category"]["code"] == "TR100000"]
    assert {r["currency"] for r in diesel} == {"UAH", "EUR"}


def test_each_lines_own_figures(w, data):
    report = facts.plan_fact(plan=data["plan"])
    assert report.lines[data["q1"].pk]["UAH"]["contracted"] == D("80000.00")
    assert report.lines[data["q1b"].pk]["UAH"]["contracted"] == D("110000.00")
    assert report.lines[data["q4"].pk]["UAH"]["contracted"] == D("0.00")


def test_an_unlinked_award_and_an_award_after_the_link_show_at_once(w, data):
    plan = data["plan"]
    tender = w.tender(title="Tender E")
    link(w, plan, data["q4"], tender)
    assert by(facts.plan_fact(plan=plan).rows, quarter=4)["contracted"] == D("0.00")
    w.award(tender.lots.get(), "60000.00", start="65000.00")
    row = by(facts.plan_fact(plan=plan).rows, quarter=4)
    assert (row["contracted"], row["saved"], row["remaining"]) == (
        D("60000.00"),
        D("5000.00"),
        D("10000.00"),
    )


def test_the_csv(w, data):
    content = facts.fact_csv(facts.plan_fact(plan=data["plan"]))
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Category code", "Category", "Quarter", "Currency"]
    body = {(r[0], r[2], r[3]): r for r in rows[1:] if r[0]}
    fuels_q1 = body[("TR000000", "Q1", "UAH")]
    assert fuels_q1[5:] == [
        "600000.00",
        "190000.00",
        "31.7",
        "220000.00",
        "30000.00",
        "13.6",
        "410000.00",
    ]
    totals = [r for r in rows[1:] if r[1] == "Total"]
    assert [(r[3], r[5], r[6]) for r in totals] == [
        ("EUR", "50000.00", "30000.00"),
        ("UAH", "970000.00", "190000.00"),
    ]
