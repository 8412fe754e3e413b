"""The orders' pages through the test client: both sides' lists (all, "I buy", "I supply", by
status, searched), one order with its lines, documents (downloaded through the API with the
session), history and payment state, and the moves: each person is offered the buttons
``deals.orders.moves_for`` gives it (none to a reader), a posted move is made, a refused one
(no reason, a stale contract, the wrong side, an order moved meanwhile) shows the service's
message on the page with the order as it now stands and writes nothing. A losing supplier or a
stranger finds no order page of the others' (404) and an empty list; anonymous people are sent
to log in."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from deals.models import Order, OrderDocument, OrderHistory, OrderStatus
from frontend import orders_views
from frontend.templatetags.money import money
from marketplace.events.models import Event
from tests.auctions.factories import World
from tests.deals.factories import awarded_order, contract_sha
from tests.factories import UserFactory, member
from tests.routes import url_routes

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def w() -> World:
    return World()


@pytest.fixture
def order(w) -> Order:
    return awarded_order(w)


def as_(client, user):
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def page_of(order: Order) -> str:
    return f"/orders/{order.pk}/"


def post_move(client, order: Order, action: str, **data):
    return client.post(page_of(order), {"action": action, **data})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def written() -> tuple[int, int, int, list]:
    """What a move writes: history rows, events, documents, and each order's status."""
    return (
        OrderHistory.objects.count(),
        Event.objects.count(),
        OrderDocument.objects.count(),
        list(Order.objects.order_by("pk").values_list("status", "contract_accepted_sha256")),
    )


def total_of(order: Order) -> str:
    with translation.override("en"):
        return money(order.total, order.currency)


def move_forms(body: str) -> set[str]:
    return set(re.findall(r'<form[^>]*id="move-(\w+)"', body))


# --- The list ------------------------------------------------------------------------------------


def test_each_side_lists_its_orders_with_the_counterparty_total_and_status(client, w, order):
    as_(client, w.officer)
    body = html(client.get("/orders/"))
    assert order.number in body and order.title in body
    assert "Supplier Alpha Canary" in body  # the officer's counterparty: the supplier
    assert 'id="order-sides"' in body and 'aria-current="page"' in body
    assert total_of(order) in body and "Draft" in body
    assert order.number in html(client.get("/orders/?side=buyer"))
    supplied = html(client.get("/orders/?side=supplier"))
    assert order.number not in supplied and "No orders yet" in supplied

    as_(client, w.supplier_bidder)
    body = html(client.get("/orders/?side=supplier"))
    assert order.number in body and "Buyer Canary Ltd" in body
    assert order.number not in html(client.get("/orders/?side=buyer"))
    assert order.number in html(client.get("/orders/"))  # all, by default


def test_the_list_filters_by_status_and_searches_number_and_title(client, w, order):
    as_(client, w.officer)
    assert order.number in html(client.get("/orders/?status=draft"))
    sent = html(client.get("/orders/?status=sent"))
    assert order.number not in sent and "No order matches." in sent
    assert order.number in html(client.get(f"/orders/?q={order.number[-5:]}"))
    assert order.number in html(client.get("/orders/?q=diesel"))  # the tender's title
    assert order.number not in html(client.get("/orders/?q=nothing-like-it"))
    # Unknown values are no filter; the side's links keep the search.
    body = html(client.get("/orders/?side=both&status=lost&q=diesel&page=9"))
    assert order.number in body
    assert 'href="?side=supplier&amp;q=diesel"' in body


def test_the_list_is_paginated_keeping_its_filters(client, w, monkeypatch):
    first = awarded_order(w, documents=False)
    second = awarded_order(w, documents=False)
    monkeypatch.setattr(orders_views, "PER_PAGE", 1)
    as_(client, w.officer)
    body = html(client.get("/orders/?side=buyer&q=diesel"))
    assert second.number in body and first.number not in body  # newest first
    assert "2 orders" in body and "1 / 2" in body
    assert 'href="?side=buyer&amp;q=diesel&amp;page=2"' in body
    body = html(client.get("/orders/?side=buyer&q=diesel&page=2"))
    assert first.number in body and second.number not in body


def test_the_menu_offers_orders_to_the_people_of_a_company_only(client, w):
    as_(client, w.supplier_admin)
    assert 'href="/orders/"' in html(client.get("/"))
    as_(client, UserFactory())
    assert 'href="/orders/"' not in html(client.get("/"))
    client.logout()
    assert 'href="/orders/"' not in html(client.get("/"))


# --- One order -----------------------------------------------------------------------------------


def test_the_order_shows_its_lines_documents_history_and_payment_state(client, w, order):
    line = order.lines.get()
    contract = order.documents.get(kind="contract")
    for user in (w.officer, w.buyer_bidder, w.supplier_bidder, w.supplier_admin):
        as_(client, user)
        response = client.get(page_of(order))
        assert response.status_code == 200
        body = html(response)
        assert order.number in body and "Draft" in body
        assert "Buyer Canary Ltd" in body and "Supplier Alpha Canary" in body
        assert f'id="order-total"><strong>{total_of(order)}<' in body
        assert line.item in body and line.unit in body
        if line.incoterms:
            assert line.incoterms in body
        # Documents: kind, number, version, the hash shortened with the whole in a title.
        for document in order.documents.all():
            assert document.number in body
            assert f'title="{document.sha256}"' in body
            assert f"{document.sha256[:12]}…" in body
            assert f'href="/api/orders/{order.pk}/documents/{document.pk}/file/"' in body
        # History: made from the deal, then each document with its hash.
        assert "Order made from the deal" in body and "Document generated" in body
        assert "No payment is due to the platform for this order from your company." in body
        assert "The contract is being prepared" not in body
    # The download link works with the session.
    as_(client, w.supplier_bidder)
    response = client.get(f"/api/orders/{order.pk}/documents/{contract.pk}/file/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    assert data.startswith(b"%PDF") and response["X-Document-SHA256"] == contract.sha256


def test_each_person_is_offered_the_moves_of_its_side_only(client, w, order):
    manager = member(w.supplier, "account_manager")
    as_(client, w.officer)
    assert move_forms(html(client.get(page_of(order)))) == {"send", "cancel"}
    for reader in (w.supplier_bidder, w.supplier_admin, manager, w.buyer_bidder):
        as_(client, reader)
        body = html(client.get(page_of(order)))
        assert move_forms(body) == set() and 'id="no-moves"' in body

    as_(client, w.officer)
    post_move(client, order, "send")
    assert move_forms(html(client.get(page_of(order)))) == {"cancel"}
    as_(client, w.supplier_bidder)
    body = html(client.get(page_of(order)))
    assert move_forms(body) == {"accept", "decline"}
    sha = contract_sha(order)
    assert f'name="contract_sha256" value="{sha}"' in body
    number = order.documents.get(kind="contract").number
    assert f"You accept contract {number} (SHA-256" in body
    assert 'id="reason-decline"' in body and 'id="reason-accept"' not in body
    as_(client, manager)  # the supplier's account manager reads it, moves nothing
    body = html(client.get(page_of(order)))
    assert move_forms(body) == set() and "You read this order." in body


def test_without_a_contract_yet_the_page_says_so_and_offers_no_send(client, w):
    order = awarded_order(w, documents=False)
    as_(client, w.officer)
    body = html(client.get(page_of(order)))
    assert "The contract is being prepared" in body
    assert move_forms(body) == {"cancel"}
    assert "No documents yet." in body


def test_posting_a_move_makes_it_and_the_page_shows_the_order_as_it_now_is(client, w, order):
    as_(client, w.officer)
    response = post_move(client, order, "send")
    assert response.status_code == 302 and response["Location"] == page_of(order)
    assert texts(response) == [f"Order {order.number}: Sent to the supplier."]
    order.refresh_from_db()
    assert order.status == OrderStatus.SENT
    sent = OrderHistory.objects.filter(order=order, action="send").get()
    assert sent.actor == w.officer and sent.side == "buyer"
    body = html(client.get(page_of(order)))
    assert "Sent to the supplier" in body

    as_(client, w.supplier_bidder)  # htmx: the order's part redrawn
    sha = contract_sha(order)
    response = client.post(page_of(order), {"action": "accept", "contract_sha256": sha}, **HTMX)
    assert response.status_code == 200
    body = html(response)
    assert body.lstrip().startswith('<div id="order"') and "<html" not in body
    assert 'id="order-done"' in body and "Accepted by the supplier" in body
    assert 'id="contract-accepted"' in body and f'title="{sha}"' in body
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert (order.contract_accepted_by, order.contract_accepted_sha256) == (w.supplier_bidder, sha)
    assert "Accepted with its contract" in body  # on the history, with the contract's hash
    assert move_forms(body) == {"start", "dispute"}


def test_a_refused_move_shows_the_message_and_writes_nothing(client, w, order):
    as_(client, w.officer)
    post_move(client, order, "send")
    before = written()

    as_(client, w.supplier_bidder)
    response = post_move(client, order, "decline", reason="   ")
    assert response.status_code == 400
    body = html(response)
    assert 'id="order-refusal"' in body and "Please give a reason." in body
    errors = re.search(r'id="reason-decline-errors">(.*?)</div>', body).group(1)
    assert "Please give a reason." in errors
    assert written() == before

    response = post_move(client, order, "accept", contract_sha256="0" * 64)
    assert response.status_code == 409
    body = html(response)
    assert "The contract has changed since you opened it" in body
    assert f'name="contract_sha256" value="{contract_sha(order)}"' in body  # the current one
    assert written() == before

    as_(client, w.supplier_admin)  # not the supplier's move
    response = post_move(client, order, "cancel", reason="No")
    assert response.status_code == 403
    assert "Only the buyer&#x27;s staff may do this." in html(response)
    as_(client, member(w.supplier, "account_manager"))  # a reader
    response = post_move(client, order, "accept", contract_sha256=contract_sha(order))
    assert response.status_code == 403 and 'id="order-refusal"' in html(response)
    for action in ("explode", ""):
        assert post_move(client, order, action).status_code == 400
    assert written() == before


def test_a_move_on_an_order_moved_meanwhile_says_what_it_now_is(client, w, order):
    as_(client, w.officer)
    post_move(client, order, "send")
    sha = contract_sha(order)
    # The supplier opened the page; the buyer cancels before it presses "accept".
    post_move(client, order, "cancel", reason="The budget was cut")
    before = written()
    as_(client, w.supplier_bidder)
    response = post_move(client, order, "accept", contract_sha256=sha)
    assert response.status_code == 409
    body = html(response)
    assert "This order is now “Cancelled”: it cannot be moved this way." in body
    assert 'id="order-status">Cancelled<' in body and move_forms(body) == set()
    assert "The budget was cut" in body  # the reason, on the history
    assert written() == before
    # From htmx the refusal comes back as 200 (htmx swaps only those), the same words.
    response = client.post(page_of(order), {"action": "accept", "contract_sha256": sha}, **HTMX)
    assert response.status_code == 200 and 'id="order-refusal"' in html(response)
    assert written() == before


# --- Who may not see it --------------------------------------------------------------------------


def test_a_losing_supplier_and_strangers_get_404_and_an_empty_list(client, w, order):
    before = written()
    for user in (w.other_admin, w.outsider_admin, w.stranger, UserFactory()):
        as_(client, user)
        assert client.get(page_of(order)).status_code == 404
        for data in ({"action": "decline"}, {"action": "accept"}, {}):
            assert client.post(page_of(order), data).status_code == 404
        body = html(client.get("/orders/"))
        assert order.number not in body and "Buyer Canary Ltd" not in body
        assert "No orders yet" in body
    as_(client, w.officer)
    assert client.get("/orders/99999999999999999999/").status_code == 404
    assert written() == before


def test_anonymous_people_are_sent_to_log_in(client, order):
    before = written()
    for path in ("/orders/", page_of(order)):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = client.post(page_of(order), {"action": "send"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert written() == before


def order_pages() -> list[str]:
    """Every page route under /orders/ (walked, so a page added later is crawled too)."""
    return url_routes("orders/")


def test_the_canary_crawl_of_the_order_pages_finds_nothing_of_another_companys(client, w, order):
    """The losing supplier and a stranger ask for every order page with the order's and its
    documents' ids, by GET and by POST: not found (the list: none of it), nothing written."""
    pages = order_pages()
    assert "orders/" in pages and "orders/<int:order_id>/" in pages
    ids = {"order_id": order.pk, "document_id": order.documents.first().pk}
    canaries = (order.number, "Buyer Canary Ltd", "Supplier Alpha Canary", order.title)
    before = written()
    for user in (w.other_admin, w.stranger):
        as_(client, user)
        for route in pages:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids.get(m.group(1), 1)), route)
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                body = html(response)
                assert not [c for c in canaries if c in body], (method, path)
                if "<" in route:
                    assert response.status_code == 404, (method, path, response.status_code)
                else:
                    assert response.status_code in (200, 405), (method, path)
    assert written() == before


def test_the_payer_sees_its_commission_invoice_and_the_bank_details_to_pay_it(client, w, order):
    from decimal import Decimal

    from django.test import override_settings

    from deals.models import Payer, PlatformFee
    from deals.payments.invoices import commission_for_order

    PlatformFee.objects.create(platform=w.platform, percent=Decimal("1"), payer=Payer.SUPPLIER)
    invoice = commission_for_order(order_id=order.pk)
    pay_url = f"/orders/{order.pk}/invoices/{invoice.pk}/pay/"
    as_(client, w.officer)  # the buyer does not pay it, and does not see it
    body = html(client.get(page_of(order)))
    assert invoice.number not in body
    assert client.post(pay_url).status_code == 404
    as_(client, w.supplier_bidder)
    body = html(client.get(page_of(order)))
    assert invoice.number in body and pay_url in body
    with override_settings(STRIPE_SECRET_KEY=""):
        paying = client.post(pay_url)
    assert paying.status_code == 200
    body = html(paying)
    assert "IBAN" in body and "UA213223130000026007233566001" in body
    assert f"<strong>{invoice.number}</strong>" in body
    # Another order's page cannot pay this invoice.
    other = awarded_order(w, documents=False)
    assert client.post(f"/orders/{other.pk}/invoices/{invoice.pk}/pay/").status_code == 404
