"""The platform's commission: a deal on a platform with a fee makes one invoice to the side
that pays, its amount bounded and rounded as the currency allows; the payer pays by bank
transfer (the embedded default) and a platform admin records it; the ledger says what is owed
and paid; no one else sees the invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from deals.models import Invoice, LedgerEntry, Payer, PlatformFee
from deals.payments.invoices import commission_for_order, fee_amount, invoice_paid
from tests.auctions.factories import World
from tests.deals.factories import awarded_order, client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def fee(**values) -> PlatformFee:
    return PlatformFee(**{"percent": Decimal("1.5"), "payer": Payer.SUPPLIER, **values})


@pytest.mark.parametrize(
    ("values", "total", "currency", "expected"),
    [
        ({}, "98000.00", "UAH", "1470.00"),
        ({"minimum": Decimal("2000"), "currency": "UAH"}, "98000.00", "UAH", "2000.00"),
        ({"maximum": Decimal("1000"), "currency": "UAH"}, "98000.00", "UAH", "1000.00"),
        # Bounds in another currency are not converted: the percentage alone.
        ({"minimum": Decimal("2000"), "currency": "EUR"}, "98000.00", "UAH", "1470.00"),
        ({"percent": Decimal("0.333")}, "100.01", "USD", "0.33"),
        ({"percent": Decimal("1.5")}, "12345", "JPY", "185"),
        ({"percent": Decimal("1")}, "12.345", "KWD", "0.120"),
    ],
)
def test_the_fee_is_bounded_and_rounded_as_the_currency_allows(values, total, currency, expected):
    amount = fee_amount(fee=fee(**values), total=Decimal(total), currency=currency)
    assert amount == Decimal(expected) and str(amount) == expected


def test_a_deal_makes_one_invoice_to_the_side_that_pays_and_it_is_owed_on_the_ledger():
    w = World()
    PlatformFee.objects.create(platform=w.platform, percent=Decimal("1.5"), payer=Payer.SUPPLIER)
    order = awarded_order(w, documents=False)
    invoice = commission_for_order(order_id=order.pk)
    assert invoice is not None and invoice.company_id == w.supplier.pk
    assert invoice.amount == (order.total * Decimal("0.015")).quantize(Decimal("0.01"))
    assert invoice.number.startswith("TF-")
    assert commission_for_order(order_id=order.pk) == invoice  # once
    assert Invoice.objects.count() == 1
    owed = LedgerEntry.objects.get(invoice=invoice)
    assert (owed.kind, owed.amount, owed.company_id) == ("owed", invoice.amount, w.supplier.pk)


def test_no_fee_no_invoice():
    w = World()
    order = awarded_order(w, documents=False)
    assert commission_for_order(order_id=order.pk) is None


@override_settings(STRIPE_SECRET_KEY="")
def test_the_payer_pays_by_transfer_and_a_platform_admin_records_it_once():
    w = World()
    PlatformFee.objects.create(platform=w.platform, percent=Decimal("2"), payer=Payer.BUYER)
    order = awarded_order(w, documents=False)
    invoice = commission_for_order(order_id=order.pk)
    base = f"/api/payments/invoices/{invoice.pk}/"

    started = client(w.officer).post(base + "pay/")
    assert started.status_code == 200, started.content
    data = started.json()
    assert data["provider"] == "offline" and data["reference"] == invoice.number
    assert data["instructions"]["iban"] and data["instructions"]["reference"] == invoice.number

    # Only the payer's staff pay; only platform admins record a transfer.
    assert client(w.supplier_admin).post(base + "pay/").status_code == 404
    refused = client(w.officer).post(base + "mark-paid/", {"reference": "PP-1"})
    assert refused.status_code == 403
    staff = UserFactory(is_staff=True)
    blank = client(staff).post(base + "mark-paid/", {"reference": "  "})
    assert blank.status_code == 400 and "reference" in blank.json()["error"]["fields"]
    paid = client(staff).post(base + "mark-paid/", {"reference": "PP-2027-0042"})
    assert paid.status_code == 200, paid.content
    assert paid.json()["status"] == "paid" and paid.json()["paid_reference"] == "PP-2027-0042"
    again = client(staff).post(base + "mark-paid/", {"reference": "PP-2027-0043"})
    assert again.status_code == 409
    # A provider's confirmation arriving late changes nothing either.
    assert not invoice_paid(invoice_id=invoice.pk, provider_name="stripe", reference="pi_x")
    assert LedgerEntry.objects.filter(invoice=invoice, kind="paid").count() == 1

    ledger = client(w.officer).get(f"/api/payments/ledger/{w.buyer.pk}/").json()
    currency = invoice.currency
    assert ledger["balances"] == [
        {
            "currency": currency,
            "owed": f"{invoice.amount:.2f}",
            "paid": f"{invoice.amount:.2f}",
            "refunded": "0.00",
            "balance": "0.00",
        }
    ]
    assert [e["kind"] for e in ledger["entries"]] == ["owed", "paid"]
    assert client(w.officer).post(base + "pay/").status_code == 409  # nothing left to pay


def test_no_one_else_sees_an_invoice_or_a_ledger():
    w = World()
    PlatformFee.objects.create(platform=w.platform, percent=Decimal("1"), payer=Payer.SUPPLIER)
    order = awarded_order(w, documents=False)
    invoice = commission_for_order(order_id=order.pk)
    for user in (w.officer, w.other_admin, w.outsider_admin, w.stranger):
        assert client(user).get("/api/payments/invoices/").json()["results"] == []
        assert client(user).get(f"/api/payments/invoices/{invoice.pk}/").status_code == 404
        assert client(user).post(f"/api/payments/invoices/{invoice.pk}/pay/").status_code == 404
        ledger = client(user).get(f"/api/payments/ledger/{w.supplier.pk}/")
        assert ledger.status_code == 404
    mine = client(w.supplier_bidder).get("/api/payments/invoices/").json()["results"]
    assert [i["number"] for i in mine] == [invoice.number]


def test_a_platform_admin_refunds_a_transfer_and_a_cancelled_orders_open_invoice_is_void():
    from deals.orders import order_move
    from deals.payments.invoices import invoices_void_for_order

    w = World()
    PlatformFee.objects.create(platform=w.platform, percent=Decimal("1"), payer=Payer.SUPPLIER)
    staff = UserFactory(is_staff=True)
    order = awarded_order(w)
    invoice = commission_for_order(order_id=order.pk)
    url = f"/api/payments/invoices/{invoice.pk}/refund/"
    assert client(staff).post(url, {"reason": "x"}).status_code == 409  # not paid yet
    client(staff).post(f"/api/payments/invoices/{invoice.pk}/mark-paid/", {"reference": "PP-9"})
    assert client(w.supplier_admin).post(url, {"reason": "x"}).status_code == 403
    no_reference = client(staff).post(url, {"reason": "Deal cancelled by agreement"})
    assert no_reference.status_code == 400
    refunded = client(staff).post(url, {"reason": "Deal cancelled", "reference": "BACK-1"})
    assert refunded.status_code == 200 and refunded.json()["status"] == "refunded"
    ledger = client(w.supplier_admin).get(f"/api/payments/ledger/{w.supplier.pk}/").json()
    assert [e["kind"] for e in ledger["entries"]] == ["owed", "paid", "refunded"]

    # Another order, cancelled before it is paid: its invoice is void, nothing owed.
    other = awarded_order(w)
    second = commission_for_order(order_id=other.pk)
    order_move(user=w.officer, order_id=other.pk, action="send")
    order_move(user=w.supplier_bidder, order_id=other.pk, action="decline", reason="No stock")
    # What the listener of order.status_changed does (test_orders_events runs it live).
    assert invoices_void_for_order(order_id=other.pk) == 1
    assert invoices_void_for_order(order_id=other.pk) == 0
    second.refresh_from_db()
    assert second.status == "void"
    kinds = LedgerEntry.objects.filter(invoice=second).values_list("kind", flat=True)
    assert sorted(kinds) == ["owed", "void"]
