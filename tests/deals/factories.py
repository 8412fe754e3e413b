"""Orders for the tests: a tender run to its award (``tests.events.test_auction_events``), its
deal made into an order, its documents rendered in the test's own transaction."""

from __future__ import annotations

import io

from pypdf import PdfReader
from rest_framework.test import APIClient

from deals.documents import document_generate
from deals.models import DocumentKind, Order
from deals.orders import order_from_deal
from tests.auctions.factories import World
from tests.events.test_auction_events import run_to_award


def client(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user=user)
    return api


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def awarded_order(w: World, *, documents: bool = True) -> Order:
    """The order of a lot ``w.supplier`` won against ``w.other_supplier``, with its contract
    and specification unless ``documents`` is false."""
    _tender, lot, _alpha, _beta = run_to_award(w)
    order = order_from_deal(deal_id=lot.deal.pk)
    assert order is not None
    if documents:
        for kind in (DocumentKind.CONTRACT, DocumentKind.SPECIFICATION):
            document_generate(order_id=order.pk, kind=kind)
    return order


def move(user, order: Order, action: str, **data):
    return client(user).post(f"/api/orders/{order.pk}/moves/", {"action": action, **data})


def contract_sha(order: Order) -> str:
    return order.documents.filter(kind="contract").order_by("-version").first().sha256
