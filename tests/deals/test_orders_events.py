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
