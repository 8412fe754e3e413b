"""The order flows from the award through the domain events alone: ``deal.created`` makes it
(once, however often delivered), Celery renders its contract and specification after the
commit, each move is told to the other side in its own language, and the CRM timelines of both
parties show it."""

from __future__ import annotations

import pytest

from deals.models import Order
from marketplace.events.models import Event, EventDelivery
from marketplace.events.services import delivery_run
from notifications.models import Notification
from tests.auctions.factories import World
from tests.deals.factories import contract_sha, move
from tests.events.test_auction_events import run_to_award

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_award_makes_the_order_its_documents_and_the_notifications():
    w = World()
    w.officer.language = "uk"
    w.officer.save()
    _tender, lot, _alpha, _beta = run_to_award(w)
    order = Order.objects.get(deal=lot.deal)
    assert order.language == "uk"
    assert sorted(order.documents.values_list("kind", flat=True)) == ["contract", "specification"]
    assert Event.objects.filter(type="order.document_added").count() == 2

    # The listener delivered again (a redelivery) makes nothing twice.
    delivery = EventDelivery.objects.get(listener="deals.order_from_deal")
    EventDelivery.objects.filter(pk=delivery.pk).update(status="pending", done_at=None)
    delivery_run(delivery_id=delivery.pk)
    assert Order.objects.count() == 1 and order.documents.count() == 2

    created = Notification.objects.filter(kind="order_update", user=w.officer)
    assert created.count() == 1
    assert order.number in created.get().title
    assert not Notification.objects.filter(kind="order_update", user=w.supplier_bidder).exists()

    move(w.officer, order, "send")
    told = Notification.objects.filter(kind="order_update", user=w.supplier_bidder)
    assert told.count() == 1 and order.number in told.get().title
    assert not Notification.objects.filter(kind="order_update", user=w.other_admin).exists()

    move(w.supplier_bidder, order, "accept", contract_sha256=contract_sha(order))
    assert order.documents.filter(kind="invoice").count() == 1  # rendered after the commit
    buyer_told = Notification.objects.filter(kind="order_update", user=w.officer)
    assert buyer_told.count() == 3  # the new order, the acceptance, the invoice


def test_the_commission_invoice_is_issued_and_paid_through_events_and_told_to_the_payer():
    from decimal import Decimal

    from deals.models import Invoice, Payer, PlatformFee
    from deals.payments.invoices import invoice_mark_paid
    from tests.factories import UserFactory

    w = World()
    PlatformFee.objects.create(platform=w.platform, percent=Decimal("1"), payer=Payer.SUPPLIER)
    _tender, lot, _alpha, _beta = run_to_award(w)
    invoice = Invoice.objects.get(order__deal=lot.deal)  # made by the order.created listener
    assert Event.objects.filter(type="invoice.issued").count() == 1
    issued = Notification.objects.filter(kind="payment_update", user=w.supplier_bidder)
    assert issued.count() == 1 and invoice.number in issued.get().title
    invoice_mark_paid(user=UserFactory(is_staff=True), invoice_id=invoice.pk, reference="PP-1")
    assert Event.objects.filter(type="invoice.paid").count() == 1
    assert Notification.objects.filter(kind="payment_update", user=w.supplier_bidder).count() == 2
    assert not Notification.objects.filter(kind="payment_update", user=w.officer).exists()


def test_the_order_and_its_moves_land_on_both_parties_crm_timelines():
    from crm.models import TimelineEntry
    from tests.crm.activities_factories import account_make

    w = World()
    supplier_at_buyer = account_make(w.buyer, "Alpha (our supplier)", w.supplier)
    buyer_at_supplier = account_make(w.supplier, "Buyer (our customer)", w.buyer)
    loser_at_buyer = account_make(w.other_supplier, "Buyer (prospect)", w.buyer)
    _tender, lot, _alpha, _beta = run_to_award(w)
    order = Order.objects.get(deal=lot.deal)
    move(w.officer, order, "send")
    for account in (supplier_at_buyer, buyer_at_supplier):
        entries = TimelineEntry.objects.filter(account=account, type__startswith="order.")
        assert list(entries.order_by("at", "pk").values_list("type", flat=True)) == [
            "order.created",
            "order.status_changed",
        ]
        assert order.number in entries.last().title
    assert not TimelineEntry.objects.filter(account=loser_at_buyer, type__startswith="order.")
