"""The orders' and payments' canary: a lot awarded to one supplier, its order with documents,
its commission invoice, and both suppliers' bid securities; then the losing supplier, and a
stranger, ask for every route under /api/orders/ and /api/payments/ (found by walking the URL
patterns, so a route added later is crawled too) with every method and the winner's ids.
Nothing answers but "not found", "method not allowed", "forbidden" or a refusal of the input,
no answer names the winner or carries its rows' texts, and nothing is written. (Stripe's
webhook answers anyone with a signature check: crawled for "nothing written" only.)"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from deals import models as deals
from deals.banking.services import statement_import
from deals.payments import security as securities
from deals.payments.invoices import commission_for_order
from tests.auctions.factories import World
from tests.deals.bank_factories import upload
from tests.deals.factories import awarded_order
from tests.routes import url_routes

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")
ALLOWED = {400, 403, 404, 405, 415}  # 415: JSON to a file upload


def routes() -> list[str]:
    return url_routes("api/orders/", "api/payments/")


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (
            deals.Order,
            deals.OrderHistory,
            deals.OrderDocument,
            deals.Invoice,
            deals.LedgerEntry,
            deals.BidSecurity,
            deals.ProviderEvent,
            deals.BankStatement,
            deals.BankLine,
        )
    }


def test_a_losing_supplier_and_a_stranger_learn_nothing_of_the_winners_order_and_money():
    w = World()
    deals.PlatformFee.objects.create(
        platform=w.platform, percent=Decimal("1"), payer=deals.Payer.SUPPLIER
    )
    order = awarded_order(w)
    invoice = commission_for_order(order_id=order.pk)
    # The lot's securities need a lot that requires them: a second tender.
    tender = w.published(lot_overrides={"reserve_price": None, "security_percent": Decimal("1")})
    lot = tender.lots.get()
    alpha = w.apply(lot, w.supplier)
    pdf = SimpleUploadedFile("alpha-guarantee.pdf", b"%PDF-1.4 alpha", "application/pdf")
    alpha_security = securities.security_guarantee_upload(
        user=w.supplier_admin, application_id=alpha.pk, upload=pdf
    )
    ids = {
        "order": order.pk,
        "document": order.documents.first().pk,
        "invoice": invoice.pk,
        "security": alpha_security.pk,
        "company": w.supplier.pk,
    }
    # The platform's bank statement (a platform admin's): its lines are no company's.
    bank = statement_import(actor=w.staff, platform=w.platform, file=upload("camt053.xml"))
    ids["statement"] = bank.statement.pk
    ids["line"] = bank.statement.lines.get(position=1).pk
    secrets = [order.number, invoice.number, alpha_security.document_sha256, "CAMT-0001"]

    found = routes()
    assert len(found) >= 12, found
    before = counts()
    for user in (w.other_admin, w.stranger):
        client = APIClient()
        client.force_authenticate(user)
        asked = 0
        for route in found:
            path = "/" + route
            for match in re.finditer(r"<(?:\w+:)?(\w+)>", route):
                key = next(k for k in ids if k in match.group(1))
                path = path.replace(match.group(0), str(ids[key]))
            for method in METHODS:
                data = {"application": alpha.pk, "action": "accept", "kind": "invoice"}
                response = getattr(client, method)(path, data=data, format="json")
                asked += 1
                body = response.content.decode(errors="replace")
                if "webhook" in route:
                    assert response.status_code in ALLOWED, (method, path, body[:200])
                    continue
                for secret in secrets:
                    assert secret not in body, (method, path, secret, body[:300])
                if "<" not in route and method == "get" and response.status_code != 405:
                    assert response.status_code == 200, (path, body[:300])
                    continue  # a list: the reader's own rows, none of the winner's
                assert response.status_code in ALLOWED, (method, path, response.status_code)
        assert asked > 50
    assert counts() == before
