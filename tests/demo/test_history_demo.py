"""The demo's trading history (demo/history_demo.py), loaded by `load_demo`: a year of agro's
past tenders, orders, deliveries and reviews that put its four suppliers one in each standing
band, and a current order whose shipment in transit has a public tracking page."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from auctions.models import Application, Bid, Lot, Tender
from auctions.tenders import applications, drafting
from deals.models import Order, OrderStatus
from demo.history_demo import CURRENT, HISTORY
from demo.management.commands.load_demo import COMPANIES
from logistics.models import DeliveryAcceptance, Shipment, ShipmentStatus
from marketplace.categories.models import Category
from marketplace.core.exceptions import ConflictError
from marketplace.platforms.models import Platform
from marketplace.standings.models import SupplierStanding
from marketplace.users.models import User
from ratings.models import Review, Scorecard
from ratings.services import pair_recompute

pytestmark = pytest.mark.django_db

PORT = 8123
# Each supplier's band with agro and the scores the band spans (docs/ratings.md).
BANDS = {
    "steel": ("excellent", Decimal(80), Decimal(100)),
    "fuel": ("average", Decimal(50), Decimal(80)),
    "logi": ("warning", Decimal(30), Decimal(50)),
    "slow": ("blocked", Decimal(0), Decimal(30)),
}
NAMES = {row[0]: row[1] for row in COMPANIES}


def load() -> str:
    out = StringIO()
    # The search catalogue is another test module's (tests/demo/test_catalogue_demo.py).
    call_command("load_demo", "--port", str(PORT), "--without", "catalogue", stdout=out)
    return out.getvalue()


def company(key: str):
    from marketplace.companies.models import Company

    return Company.objects.get(legal_name=NAMES[key])


def standing(key: str) -> SupplierStanding:
    return SupplierStanding.objects.get(buyer=company("agro"), supplier=company(key))


def assert_in_bands() -> None:
    for key, (band, low, high) in BANDS.items():
        row = standing(key)
        assert row.band == band, (key, row.score, row.reason)
        assert low <= row.score <= high and (row.score < high or band == "excellent"), key


def test_the_four_suppliers_standings_with_agro_fall_one_in_each_band():
    load()
    assert_in_bands()
    # The facts behind them are real rows: the past lots awarded, their orders answered,
    # delivered and reviewed, a declined one, claims, and the scorecards of the periods.
    assert Tender.objects.filter(title__in=[s.tender for s in HISTORY]).count() == len(HISTORY)
    assert (
        Order.objects.filter(deal__lot__tender__title__in=[s.tender for s in HISTORY]).count() == 5
    )
    assert Order.objects.get(supplier=company("slow"), status=OrderStatus.CANCELLED)
    assert DeliveryAcceptance.objects.filter(buyer=company("agro")).count() == 4
    claims = DeliveryAcceptance.objects.filter(quality_ok=False).values_list("supplier", flat=True)
    assert set(claims) == {company("logi").pk, company("slow").pk}
    assert Review.objects.filter(buyer=company("agro")).count() == 4
    assert Scorecard.objects.filter(buyer=company("agro"), period_kind="year").exists()
    # Admitted but never bid (the ratings' reliability): slow on steel's last past lot.
    idle = Application.objects.filter(
        supplier=company("slow"), lot__tender__title=HISTORY[-1].tender
    )
    assert idle.get().bids.count() == 0
    # The listeners' recompute after the commit (and the nightly one) comes to the same.
    for key in BANDS:
        pair_recompute(buyer_id=company("agro").pk, supplier_id=company(key).pk)
    assert_in_bands()


def test_the_printed_tracking_page_shows_the_shipment_in_transit_to_anyone_without_prices():
    printed = load()
    match = re.search(rf"http://127\.0\.0\.1:{PORT}(/track/[\w-]+/)", printed)
    assert match, printed[-2000:]
    shipment = Shipment.objects.get(tracking_token=match.group(1).split("/")[2])
    order = shipment.order
    assert (order.buyer, order.supplier) == (company("agro"), company("steel"))
    assert order.status == OrderStatus.IN_FULFILMENT
    assert shipment.status == ShipmentStatus.IN_TRANSIT and shipment.delivered_at is None
    assert order.deal.lot.tender.title == CURRENT.tender

    response = Client().get(match.group(1))
    assert response.status_code == 200
    html = response.content.decode()
    events = list(shipment.events.order_by("occurred_at"))
    assert [e.status for e in events] == ["picked_up", "in_transit", "in_transit"]
    for event in events:
        assert event.location in html
        assert event.occurred_at <= timezone.now()
    assert "Рейс за графіком." in html  # a public note
    line = order.lines.get()
    for hidden in (
        order.number,
        order.buyer.legal_name,
        order.supplier.legal_name,
        str(order.total),
        f"{order.total:,.2f}",
        str(line.unit_price),
        line.item,
        "steel@demo.tradefloor.local",
    ):
        assert hidden not in html, hidden


def _new_tender_lot() -> Lot:
    officer = User.objects.get(email="buyer@demo.tradefloor.local")
    now = timezone.now()
    tender = drafting.tender_create(
        actor=officer,
        platform=Platform.objects.get(slug="public"),
        buyer=company("agro"),
        title="Кутник 50×5 для ремонту навісу",
        category=Category.objects.get(code="44100000-1"),
        currency="UAH",
        questions_deadline=now + timedelta(days=1),
        applications_deadline=now + timedelta(days=2),
        auction_start=now + timedelta(days=3),
        lots=[
            {
                "title": "Кутник 50×5",
                "quantity": Decimal("5"),
                "unit": "т",
                "start_price": Decimal("250000.00"),
                "step_kind": "amount",
                "step_value": Decimal("1000.00"),
            }
        ],
        now=now,
    )
    drafting.tender_publish(actor=officer, tender=tender, now=now)
    return tender.lots.get()


def test_the_blocked_supplier_is_refused_at_admission_and_the_warning_one_is_admitted():
    load()
    lot = _new_tender_lot()
    officer = User.objects.get(email="buyer@demo.tradefloor.local")
    decided = {}
    for key, email in (
        ("slow", "slow@demo.tradefloor.local"),
        ("logi", "baltic@demo.tradefloor.local"),
    ):
        application = applications.application_submit(
            actor=User.objects.get(email=email),
            lot=lot,
            supplier=company(key),
            terms_accepted=True,
        )
        try:
            decided[key] = applications.application_admit(actor=officer, application=application)
        except ConflictError as refused:
            decided[key] = refused.code
    assert decided["slow"] == "supplier_blocked"
    assert decided["logi"].status == "admitted"


def counts() -> dict:
    return {
        "tenders": Tender.objects.count(),
        "lots": Lot.objects.count(),
        "bids": Bid.objects.count(),
        "orders": Order.objects.count(),
        "shipments": Shipment.objects.count(),
        "acceptances": DeliveryAcceptance.objects.count(),
        "reviews": Review.objects.count(),
        "standings": SupplierStanding.objects.count(),
    }


def test_loading_the_demo_again_adds_no_history_and_prints_the_same_tracking_page():
    first = load()
    before = counts()
    assert before["orders"] == len(HISTORY) + 1
    second = load()
    assert counts() == before
    url = re.compile(rf"http://127\.0\.0\.1:{PORT}/track/[\w-]+/")
    assert url.findall(first) == url.findall(second) and len(url.findall(first)) == 1
    assert "slow@demo.tradefloor.local" in second  # the fourth supplier's log-in


def test_the_demo_s_bank_statement_paid_one_invoice_proposes_another_and_keeps_one_line():
    """demo/banking_demo.py: the platform's statement (1CClientBankExchange) imported by the
    platform admin; the line with the oldest open invoice's number confirmed (the invoice paid
    as a card payment pays it); the next invoice proposed by its payer and amount; a payment no
    invoice fits kept for later. A second load imports nothing again."""
    from deals.banking.selectors import statement_lines
    from deals.models import BankLine, BankStatement, InvoiceStatus, LineStatus

    printed = load()
    statement = BankStatement.objects.get()
    assert f"/platforms/bank/{statement.pk}/" in printed
    paid, proposed, kept = BankLine.objects.filter(statement=statement).order_by("position")
    assert paid.status == LineStatus.MATCHED and paid.invoice.status == InvoiceStatus.PAID
    assert paid.invoice.number in paid.purpose
    assert proposed.status == kept.status == LineStatus.UNMATCHED
    worked = {row["line"].pk: row["proposals"] for row in statement_lines(statement=statement)}
    assert [p.proposal.rule for p in worked[proposed.pk]][:1] == ["payer"]
    assert worked[kept.pk] == []
    load()
    assert BankStatement.objects.count() == 1 and BankLine.objects.count() == 3
