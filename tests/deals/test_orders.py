"""Orders: an award's deal becomes a numbered draft order with its line, contract and
specification; each side moves it through its states, only its own moves, each recorded with
who, when and why; a losing supplier never learns the order exists."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from deals.models import Order, OrderHistory, OrderStatus
from deals.orders import order_from_deal
from marketplace.events.models import Event
from tests.auctions.factories import World
from tests.deals.factories import awarded_order, client, contract_sha, move, pdf_text
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_a_deal_becomes_a_numbered_draft_with_the_lots_line_and_its_documents():
    w = World()
    order = awarded_order(w)
    deal = order.deal
    year = timezone.now().year
    assert order.number == f"PO-{year}-00001" and order.status == OrderStatus.DRAFT
    assert (order.buyer_id, order.supplier_id) == (w.buyer.pk, w.supplier.pk)
    assert order.total == deal.price and order.currency == deal.currency
    line = order.lines.get()
    lot = deal.lot
    assert (line.item, line.quantity, line.unit) == (lot.title, lot.quantity, lot.unit)
    assert line.amount == deal.price
    assert line.unit_price * line.quantity == pytest.approx(deal.price, abs=Decimal("0.01"))
    assert (line.incoterms, line.delivery_place, line.delivery_date) == (
        lot.incoterms,
        lot.delivery_place,
        lot.delivery_date,
    )
    # Made once: the listener delivered again finds it.
    assert order_from_deal(deal_id=deal.pk) == order
    assert Order.objects.count() == 1
    assert Event.objects.filter(type="order.created").count() == 1
    # Its documents: numbered after it, hashed on its history.
    docs = {d.kind: d for d in order.documents.all()}
    assert docs["contract"].number == f"{order.number}-C"
    assert docs["specification"].number == f"{order.number}-S"
    hashed = OrderHistory.objects.filter(order=order, action="document")
    assert sorted(hashed.values_list("sha256", flat=True)) == sorted(
        d.sha256 for d in docs.values()
    )


def test_orders_are_numbered_per_buyer_and_year():
    w = World()
    first = awarded_order(w, documents=False)
    second = awarded_order(w, documents=False)
    assert [first.sequence, second.sequence] == [1, 2]
    assert second.number.endswith("-00002")


def test_the_documents_are_pdfs_with_cyrillic_that_both_sides_download_and_no_one_else():
    w = World()
    w.buyer.legal_name = "ТОВ «Покупець»"
    w.buyer.save()
    order = awarded_order(w)
    contract = order.documents.get(kind="contract")
    url = f"/api/orders/{order.pk}/documents/{contract.pk}/file/"
    for user in (w.officer, w.supplier_bidder, w.supplier_admin):
        response = client(user).get(url)
        assert response.status_code == 200, response.content
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(b"%PDF")
        assert response["X-Document-SHA256"] == hashlib.sha256(body).hexdigest()
        assert response["Cache-Control"] == "private, no-store"
    assert "ТОВ «Покупець»" in pdf_text(body)
    for stranger in (w.other_admin, w.outsider_admin, w.stranger):
        assert client(stranger).get(url).status_code == 404


def test_each_side_makes_only_its_own_moves_through_to_closed():
    w = World()
    order = awarded_order(w)
    assert move(w.supplier_bidder, order, "accept").status_code == 409  # still a draft
    refused = move(w.supplier_admin, order, "send")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "wrong_side"
    assert move(w.buyer_bidder, order, "send").status_code == 403  # a bidder buys nothing

    sent = move(w.officer, order, "send")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "sent"
    assert sent.json()["moves"] == ["cancel"]  # the officer's moves now

    stale = move(w.supplier_bidder, order, "accept", contract_sha256="0" * 64)
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "contract_changed"
    accepted = move(w.supplier_bidder, order, "accept", contract_sha256=contract_sha(order))
    assert accepted.status_code == 200, accepted.content
    order.refresh_from_db()
    assert order.contract_accepted_by == w.supplier_bidder
    assert order.contract_accepted_sha256 == contract_sha(order)

    for user, action, status in (
        (w.supplier_bidder, "start", "in_fulfilment"),
        (w.supplier_bidder, "deliver", "delivered"),
        (w.officer, "receive", "received"),
        (w.buyer_admin, "close", "closed"),
    ):
        response = move(user, order, action)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["status"] == status
    history = list(
        OrderHistory.objects.filter(order=order).exclude(action="document").order_by("at", "pk")
    )
    assert [(h.action, h.side, h.actor_id) for h in history] == [
        ("created", "", None),
        ("send", "buyer", w.officer.pk),
        ("accept", "supplier", w.supplier_bidder.pk),
        ("start", "supplier", w.supplier_bidder.pk),
        ("deliver", "supplier", w.supplier_bidder.pk),
        ("receive", "buyer", w.officer.pk),
        ("close", "buyer", w.buyer_admin.pk),
    ]
    accept = history[2]
    assert accept.sha256 == contract_sha(order) and accept.document.kind == "contract"
    changes = Event.objects.filter(type="order.status_changed").order_by("pk")
    assert [e.payload["status_after"] for e in changes] == [
        "sent",
        "accepted",
        "in_fulfilment",
        "delivered",
        "received",
        "closed",
    ]
    # Nothing moves a closed order.
    assert move(w.officer, order, "cancel", reason="late").status_code == 409


def test_a_reason_is_needed_to_decline_dispute_or_cancel_and_nothing_is_written_without():
    w = World()
    order = awarded_order(w)
    move(w.officer, order, "send")
    before = OrderHistory.objects.count()
    for user, action in ((w.supplier_bidder, "decline"), (w.officer, "cancel")):
        response = move(user, order, action, reason="   ")
        assert response.status_code == 400, response.content
        assert response.json()["error"]["fields"]["reason"]
    assert OrderHistory.objects.count() == before
    order.refresh_from_db()
    assert order.status == OrderStatus.SENT
    bad = client(w.officer).post(f"/api/orders/{order.pk}/moves/", {"action": "explode"})
    assert bad.status_code == 400 and "action" in bad.json()["error"]["fields"]


def test_a_dispute_returns_to_where_it_started_when_resolved():
    w = World()
    order = awarded_order(w)
    move(w.officer, order, "send")
    move(w.supplier_bidder, order, "accept", contract_sha256=contract_sha(order))
    move(w.supplier_bidder, order, "start")
    disputed = move(w.officer, order, "dispute", reason="Wrong grade delivered")
    assert disputed.json()["status"] == "disputed"
    assert set(disputed.json()["moves"]) == {"resolve", "cancel"}
    resolved = move(w.supplier_admin, order, "resolve", reason="Replaced")
    assert resolved.status_code == 200 and resolved.json()["status"] == "in_fulfilment"
    event = Event.objects.filter(type="order.status_changed").latest("pk")
    assert event.payload["action"] == "resolve" and event.payload["side"] == "supplier"


def test_readers_see_the_order_but_only_the_roles_of_a_side_move_it():
    w = World()
    order = awarded_order(w)
    manager = member(w.supplier, "account_manager")
    detail = client(manager).get(f"/api/orders/{order.pk}/")
    assert detail.status_code == 200 and detail.json()["moves"] == []
    move(w.officer, order, "send")
    refused = move(manager, order, "accept", contract_sha256=contract_sha(order))
    assert refused.status_code == 403


def test_a_losing_supplier_and_strangers_never_learn_the_order_exists():
    w = World()
    order = awarded_order(w)
    for user in (w.other_admin, w.outsider_admin, w.stranger):
        assert client(user).get("/api/orders/").json()["results"] == []
        assert client(user).get(f"/api/orders/{order.pk}/").status_code == 404
        assert move(user, order, "accept").status_code == 404
        assert (
            client(user).post(f"/api/orders/{order.pk}/documents/", {"kind": "invoice"}).status_code
            == 404
        )
    mine = client(w.supplier_bidder).get("/api/orders/", {"side": "supplier"}).json()
    assert [o["number"] for o in mine["results"]] == [order.number]
    assert client(w.supplier_bidder).get("/api/orders/", {"side": "buyer"}).json()["results"] == []
    assert client(w.officer).get("/api/orders/", {"side": "buyer"}).json()["count"] == 1


def test_lines_keep_the_lots_delivery_terms():
    from auctions.models import Lot

    w = World()
    when = date(2031, 3, 1)
    real_published = w.published

    def published(**kwargs):  # the lot with a delivery date and place
        tender = real_published(**kwargs)
        Lot.objects.filter(tender=tender).update(delivery_date=when, delivery_place="Odesa port")
        return tender

    w.published = published
    order = awarded_order(w, documents=False)
    data = client(w.officer).get(f"/api/orders/{order.pk}/").json()
    line = data["lines"][0]
    assert line["quantity"] == f"{order.lines.get().quantity}"
    assert date.fromisoformat(line["delivery_date"]) == when
    assert (line["delivery_place"], line["incoterms"]) == ("Odesa port", "DAP")
