"""The bid security through the API: the supplier uploads its bank guarantee, the buyer reads
and decides it; no other supplier, nor a stranger, learns anything of it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deals.models import BidSecurity
from tests.auctions.factories import World
from tests.deals.factories import client

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a bank guarantee of Supplier Alpha\n"


def test_a_guarantee_through_the_api_seen_by_its_supplier_and_the_buyer_only():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None, "security_percent": Decimal("1")})
    lot = tender.lots.get()
    alpha = w.apply(lot, w.supplier)
    beta = w.apply(lot, w.other_supplier)
    upload = client(w.supplier_bidder).post(
        "/api/payments/securities/guarantee/",
        {"application": alpha.pk, "file": SimpleUploadedFile("g.pdf", PDF, "application/pdf")},
        format="multipart",
    )
    assert upload.status_code == 201, upload.content
    security = upload.json()
    assert security["state"] == "pending" and security["method"] == "guarantee"
    # The application's own status says so to its supplier and the buyer.
    mine = client(w.supplier_bidder).get(f"/api/payments/securities/?application={alpha.pk}")
    assert [s["id"] for s in mine.json()["results"]] == [security["id"]]
    buyer = client(w.officer).get(f"/api/payments/securities/?lot={lot.pk}").json()["results"]
    assert [s["id"] for s in buyer] == [security["id"]]
    document = client(w.officer).get(security["document_url"])
    assert document.status_code == 200
    assert b"".join(document.streaming_content) == PDF

    # Another supplier of the same lot, and a stranger: nothing.
    for user in (w.other_admin, w.stranger):
        listed = client(user).get("/api/payments/securities/", {"lot": lot.pk}).json()["results"]
        assert listed == []
        assert client(user).get(security["document_url"]).status_code == 404
        decided = client(user).post(
            f"/api/payments/securities/{security['id']}/decision/", {"accept": True}
        )
        assert decided.status_code == 404
        stolen = client(user).post(
            "/api/payments/securities/guarantee/",
            {"application": alpha.pk, "file": SimpleUploadedFile("g.pdf", PDF, "application/pdf")},
            format="multipart",
        )
        assert stolen.status_code == 404
    assert (
        client(w.other_admin)
        .post("/api/payments/securities/card/", {"application": alpha.pk})
        .status_code
        == 404
    )

    # The supplier cannot accept its own; the buyer must give a reason to reject.
    url = f"/api/payments/securities/{security['id']}/decision/"
    assert client(w.supplier_admin).post(url, {"accept": True}).status_code == 403
    no_reason = client(w.officer).post(url, {"accept": False})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    accepted = client(w.officer).post(url, {"accept": True})
    assert accepted.status_code == 200 and accepted.json()["state"] == "provided"
    assert client(w.officer).post(url, {"accept": True}).status_code == 409
    assert BidSecurity.objects.count() == 1 and beta.pk  # beta provided none
