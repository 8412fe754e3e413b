"""GET /api/lots/{id}/protocol/: who gets which version, in which format, and when."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from auctions.bidding.place import bid_place
from auctions.models import ApplicationStatus, LotProtocol
from marketplace.companies.models import MembershipRole
from marketplace.platforms.models import PlatformAdmin
from tests.factories import CompanyFactory, PlatformFactory, UserFactory, member

from .engine_setup import Auction
from .test_protocol import COMPETITORS, finished_auction, pdf_text

pytestmark = pytest.mark.django_db


def url(lot_id: int, file_format: str | None = None) -> str:
    base = reverse("api:lot-protocol", kwargs={"lot_id": lot_id})
    return f"{base}?file_format={file_format}" if file_format else base


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def as_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response["Content-Type"]
    if kind.startswith("application/pdf"):
        return pdf_text(content)
    if kind.startswith("text/csv"):
        return content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )


def test_access_matrix_after_the_close():
    a = finished_auction()
    lot_id = a.lot.pk
    buyer_admin = member(a.buyer, MembershipRole.COMPANY_ADMIN)
    platform_admin = UserFactory()
    PlatformAdmin.objects.create(platform=a.platform, user=platform_admin)
    staff = UserFactory(is_staff=True)
    rejected_company = CompanyFactory(legal_name="Rejected Supplier")
    rejected_user = member(rejected_company, MembershipRole.BIDDER)
    a.lot.applications.create(
        supplier=rejected_company,
        submitted_by=rejected_user,
        status=ApplicationStatus.REJECTED,
        terms_accepted_at=a.lot.closed_at,
    )
    outsider = member(CompanyFactory(legal_name="Outsider Ltd"), MembershipRole.COMPANY_ADMIN)
    other_platform_admin = UserFactory()
    PlatformAdmin.objects.create(platform=PlatformFactory(), user=other_platform_admin)
    full = [a.officer, buyer_admin, platform_admin, staff]
    supplier = [a.bidders[1], member(a.companies[1], MembershipRole.ACCOUNT_MANAGER)]
    nobody = [rejected_user, outsider, other_platform_admin]

    for user in full:
        r = client(user).get(url(lot_id, "csv"))
        assert r.status_code == 200, (user, r.content)
        text = as_text(r)
        for name in ("Canary Supplier 1", "Canary Supplier 2", "Canary Supplier 3"):
            assert name in text
    for user in supplier:
        r = client(user).get(url(lot_id, "csv"))
        assert r.status_code == 200
        text = as_text(r)
        assert "Canary Supplier 2 (your company)" in text
        for canary in COMPETITORS:
            assert canary not in text
    for user in nobody:
        r = client(user).get(url(lot_id, "pdf"))
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "lot_not_found"
    assert APIClient().get(url(lot_id)).status_code in (401, 403)
    assert client(a.officer).get(url(999999)).status_code == 404


@pytest.mark.parametrize("file_format", ["pdf", "csv", "xlsx"])
def test_each_format_downloads_as_an_attachment(file_format):
    a = finished_auction(award=False)
    r = client(a.bidders[1]).get(url(a.lot.pk, file_format), HTTP_ACCEPT="application/pdf")
    assert r.status_code == 200
    assert r["Content-Disposition"] == (
        f'attachment; filename="protocol-tender-{a.tender.pk}-lot-1.{file_format}"'
    )
    assert r["Cache-Control"] == "private, no-store"
    assert r["X-Chain-Final-Hash"] == a.lot.last_hash
    assert r["X-Protocol-SHA256"] == hashlib.sha256(r.content).hexdigest()
    text = as_text(r)
    assert "Canary Supplier 2" in text and "Bidder #1" in text
    for canary in COMPETITORS:
        assert canary not in text


def test_the_buyers_pdf_is_the_stored_copy_and_stays_the_same():
    a = finished_auction()
    first = client(a.officer).get(url(a.lot.pk))  # pdf by default
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    stored = LotProtocol.objects.get(lot=a.lot)
    assert first["X-Protocol-SHA256"] == stored.sha256 == hashlib.sha256(first.content).hexdigest()
    assert stored.event_seq == a.lot.event_seq and stored.last_hash == a.lot.last_hash
    second = client(member(a.buyer, MembershipRole.PROCUREMENT_OFFICER)).get(url(a.lot.pk, "pdf"))
    assert second.content == first.content
    assert LotProtocol.objects.filter(lot=a.lot).count() == 1
    assert "Canary Supplier 3" in pdf_text(first.content)


def test_a_tampered_stored_copy_is_not_served():
    from django.core.files.storage import storages

    a = finished_auction()
    client(a.officer).get(url(a.lot.pk))
    stored = LotProtocol.objects.get(lot=a.lot)
    storage = storages["private"]
    storage.delete(stored.storage_name)
    storage.save(stored.storage_name, io.BytesIO(b"%PDF-1.7 forged"))
    r = client(a.officer).get(url(a.lot.pk))
    assert r.status_code == 409 and r.json()["error"]["code"] == "file_corrupted"


def test_before_the_close_participants_hear_not_ready_and_others_not_found():
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    for user in (a.officer, a.bidders[0]):
        r = client(user).get(url(a.lot.pk, "csv"))
        assert r.status_code == 409
        assert r.json()["error"]["code"] == "protocol_not_ready"
    outsider = member(CompanyFactory(), MembershipRole.COMPANY_ADMIN)
    assert client(outsider).get(url(a.lot.pk)).status_code == 404
    assert not LotProtocol.objects.exists()


def test_an_unknown_format_is_refused():
    a = finished_auction(award=False)
    r = client(a.officer).get(url(a.lot.pk, "docx"))
    assert r.status_code == 400
    body = r.json()["error"]
    assert body["code"] == "invalid" and "file_format" in body["fields"]


def test_the_document_follows_the_request_language():
    a = finished_auction(award=False)
    r = client(a.bidders[1]).get(url(a.lot.pk, "csv"), HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 200
    bids = [row for row in csv.reader(io.StringIO(r.content.decode("utf-8-sig"))) if len(row) > 5]
    assert "Автоставка" in {row[5] for row in bids}  # "Proxy bid" from the Russian catalogue
    pdf = pdf_text(client(a.bidders[1]).get(url(a.lot.pk), HTTP_ACCEPT_LANGUAGE="ru").content)
    assert "95\xa0000,00 UAH" in pdf or "95 000,00 UAH" in pdf  # Russian grouping and decimals
