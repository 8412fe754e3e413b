"""Tender drafts, lots, documents, publishing and cancelling through the API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auctions.events import chain_verify
from auctions.models import (
    Lot,
    LotCriterion,
    LotEvent,
    LotStatus,
    Tender,
    TenderDocument,
    TenderStatus,
)
from auctions.tenders import drafting
from marketplace.companies.models import VerificationStatus
from tests.auctions.factories import World, future, lot_json, pdf, snapshot, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def create_body(w: World, **overrides) -> dict:
    body = {
        "platform": w.platform.pk,
        "buyer": w.buyer.pk,
        "title": "Diesel for the winter",
        "category": w.category.pk,
        "questions_deadline": future(days=1).isoformat(),
        "applications_deadline": future(days=2).isoformat(),
        "auction_start": future(days=3).isoformat(),
        "lots": [lot_json()],
    }
    body.update(overrides)
    return body


# --- Create --------------------------------------------------------------------------------


def test_officer_creates_a_draft_with_the_platforms_defaults(w, client_for):
    w.platform.default_currency = "EUR"
    w.platform.default_min_step_percent = Decimal("1.25")
    w.platform.default_soft_close_window_minutes = 5
    w.platform.default_soft_close_extension_minutes = 2
    w.platform.default_auction_duration_minutes = 45
    w.platform.default_visibility = "rank_only"
    w.platform.min_participants = 3
    w.platform.save()

    response = client_for(w.officer).post(url("tender-list"), create_body(w), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["currency"] == "EUR"
    lot = body["lots"][0]
    assert lot["number"] == 1
    assert lot["status"] == "draft"
    assert lot["reserve_price"] == "91234.56"
    assert lot["start_price"] == "100000.00"
    assert lot["step_kind"] == "percent" and lot["step_value"] == "1.25"
    assert lot["soft_close_window_seconds"] == 300
    assert lot["soft_close_extension_seconds"] == 120
    assert lot["duration_seconds"] == 45 * 60
    assert lot["visibility"] == "rank_only"
    assert lot["min_participants"] == 3
    tender = Tender.objects.get()
    assert tender.created_by == w.officer and tender.buyer == w.buyer


def test_rules_can_be_overridden_and_weighted_criteria_are_stored(w, client_for):
    lot = lot_json(
        auction_format="rounds",
        step_kind="amount",
        step_value="500.00",
        step_bands=[{"below": "50000", "step": "250"}],
        max_step_percent="20",
        soft_close_window_seconds=0,
        soft_close_extension_seconds=0,
        rounds=3,
        turn_seconds=90,
        weighted=True,
        criteria=[
            {
                "code": "delivery",
                "title": "Delivery",
                "options": [
                    {"title": "30 days", "value": "0"},
                    {"title": "10 days", "value": "0.05"},
                ],
            },
            {
                "code": "warranty",
                "title": "Warranty",
                "options": [
                    {"title": "1 year", "value": "0"},
                    {"title": "3 years", "value": "0.1"},
                ],
            },
        ],
    )
    response = client_for(w.officer).post(
        url("tender-list"), create_body(w, lots=[lot]), format="json"
    )
    assert response.status_code == 201, response.json()
    out = response.json()["lots"][0]
    assert out["auction_format"] == "rounds"
    assert out["step_bands"] == [{"below": "50000.00", "step": "250.00"}]
    assert out["weighted"] is True
    assert [c["code"] for c in out["criteria"]] == ["delivery", "warranty"]
    assert LotCriterion.objects.count() == 2


@pytest.mark.parametrize(
    ("lot_overrides", "field"),
    [
        (
            {
                "weighted": True,
                "criteria": [
                    {"code": "a", "title": "A", "options": [{"title": "x", "value": "0.6"}]},
                    {"code": "b", "title": "B", "options": [{"title": "y", "value": "0.4"}]},
                ],
            },
            "lots.0.criteria",
        ),
        ({"weighted": True}, "lots.0.criteria"),
        (
            {
                "criteria": [
                    {"code": "a", "title": "A", "options": [{"title": "x", "value": "0.1"}]}
                ]
            },
            "lots.0.criteria",
        ),
        (
            {"soft_close_window_seconds": 60, "soft_close_extension_seconds": 0},
            "lots.0.soft_close_extension_seconds",
        ),
        (
            {
                "soft_close_window_seconds": 4000,
                "soft_close_extension_seconds": 60,
                "duration_seconds": 3600,
            },
            "lots.0.soft_close_window_seconds",
        ),
        (
            {"step_bands": [{"below": "5", "step": "1"}, {"below": "5", "step": "2"}]},
            "lots.0.step_bands",
        ),
        ({"reserve_price": "200000"}, "lots.0.reserve_price"),
        ({"step_kind": "percent", "step_value": "60"}, "lots.0.step_value"),
    ],
)
def test_bad_lot_rules_are_refused_and_nothing_is_written(w, client_for, lot_overrides, field):
    before = snapshot()
    body = create_body(w, lots=[lot_json(**lot_overrides)])
    response = client_for(w.officer).post(url("tender-list"), body, format="json")
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] in ("invalid_lot", "invalid")
    assert field in error["fields"]
    assert snapshot() == before


def test_negative_criterion_value_is_refused_by_the_input_shape(w, client_for):
    lot = lot_json(
        weighted=True,
        criteria=[{"code": "a", "title": "A", "options": [{"title": "x", "value": "-0.1"}]}],
    )
    response = client_for(w.officer).post(
        url("tender-list"), create_body(w, lots=[lot]), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert Tender.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"questions_deadline": (future(days=-1)).isoformat()}, "questions_deadline"),
        ({"questions_deadline": future(days=2.5).isoformat()}, "questions_deadline"),
        ({"auction_start": future(days=1.5).isoformat()}, "applications_deadline"),
    ],
)
def test_dates_must_be_in_the_future_and_in_order(w, client_for, overrides, field):
    before = snapshot()
    response = client_for(w.officer).post(
        url("tender-list"), create_body(w, **overrides), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_tender"
    assert field in response.json()["error"]["fields"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("buyer_bidder", 403, "not_tender_manager"),
        ("supplier_admin", 400, "not_company_member"),
    ],
)
def test_only_the_buyers_managers_create(w, client_for, who, status, code):
    response = client_for(getattr(w, who)).post(url("tender-list"), create_body(w), format="json")
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert Tender.objects.count() == 0


def test_an_unverified_buyer_cannot_create(w, client_for):
    w.buyer.verification_status = VerificationStatus.PENDING
    w.buyer.save()
    response = client_for(w.officer).post(url("tender-list"), create_body(w), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "company_not_verified"
    assert Tender.objects.count() == 0


def test_a_buyer_outside_the_platform_cannot_create(w, client_for):
    w.buyer.platform_memberships.all().delete()
    response = client_for(w.officer).post(url("tender-list"), create_body(w), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_platform_participant"
    assert Tender.objects.count() == 0


# --- Edit while draft ------------------------------------------------------------------------


def test_draft_lots_are_added_edited_and_deleted(w, client_for):
    tender = w.draft()
    c = client_for(w.officer)
    response = c.post(
        url("tender-lot-list", tender_id=tender.pk), lot_json(title="Second"), format="json"
    )
    assert response.status_code == 201
    second = response.json()
    assert second["number"] == 2

    response = c.patch(
        url("lot-detail", lot_id=second["id"]), {"quantity": "5", "unit": "kg"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["quantity"] == "5.000" and response.json()["unit"] == "kg"

    response = c.patch(
        url("tender-detail", tender_id=tender.pk), {"title": "Renamed"}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "Renamed"

    assert c.delete(url("lot-detail", lot_id=second["id"])).status_code == 204
    assert list(tender.lots.values_list("number", flat=True)) == [1]


def test_a_published_tender_and_its_lots_cannot_be_edited(w, client_for):
    tender = w.published()
    lot = tender.lots.get()
    c = client_for(w.officer)
    before = snapshot()
    for response in (
        c.patch(url("tender-detail", tender_id=tender.pk), {"title": "x"}, format="json"),
        c.patch(url("lot-detail", lot_id=lot.pk), {"unit": "kg"}, format="json"),
        c.delete(url("lot-detail", lot_id=lot.pk)),
        c.delete(url("tender-detail", tender_id=tender.pk)),
        c.post(url("tender-lot-list", tender_id=tender.pk), lot_json(), format="json"),
    ):
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "tender_not_draft"
    assert snapshot() == before


def test_a_draft_tender_is_deleted(w, client_for):
    tender = w.draft(lots=2)
    response = client_for(w.officer).delete(url("tender-detail", tender_id=tender.pk))
    assert response.status_code == 204
    assert not Tender.objects.exists() and not Lot.objects.exists()


# --- Documents -------------------------------------------------------------------------------


def test_documents_are_uploaded_and_downloaded_by_who_sees_the_tender(w, client_for):
    tender = w.draft()
    c = client_for(w.officer)
    response = c.post(
        url("tender-document-list", tender_id=tender.pk),
        {"file": pdf(), "title": "Spec"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    doc_id = response.json()["id"]
    assert response.json()["content_type"] == "application/pdf"

    # a supplier does not see a draft
    supplier = client_for(w.supplier_admin)
    assert (
        supplier.get(
            url("tender-document-detail", tender_id=tender.pk, document_id=doc_id)
        ).status_code
        == 404
    )

    drafting.tender_publish(actor=w.officer, tender=tender)
    response = supplier.get(url("tender-document-detail", tender_id=tender.pk, document_id=doc_id))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")

    # Not a participant of the platform: told so, the tender being public (issue 22).
    outsider = client_for(w.outsider_admin)
    response = outsider.get(url("tender-document-detail", tender_id=tender.pk, document_id=doc_id))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_platform_participant"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("run.exe", b"MZ\x90\x00", "file_type_not_allowed"),
        ("spec.pdf", b"\x89PNG\r\n\x1a\nxxxx", "file_content_mismatch"),
        ("empty.pdf", b"", "file_empty"),
    ],
)
def test_bad_documents_are_refused(w, client_for, name, content, code):
    tender = w.draft()
    response = client_for(w.officer).post(
        url("tender-document-list", tender_id=tender.pk),
        {"file": pdf(name, content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] in (code, "invalid")
    assert TenderDocument.objects.count() == 0


def test_a_too_large_document_is_refused(w, client_for, settings):
    settings.TENDER_DOCUMENT_MAX_BYTES = 10
    tender = w.draft()
    response = client_for(w.officer).post(
        url("tender-document-list", tender_id=tender.pk), {"file": pdf()}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_too_large"
    assert TenderDocument.objects.count() == 0


def test_xlsx_and_docx_are_accepted(w, client_for):
    tender = w.draft()
    for name in ("prices.xlsx", "terms.docx"):
        response = client_for(w.officer).post(
            url("tender-document-list", tender_id=tender.pk),
            {"file": pdf(name, b"PK\x03\x04zipdata")},
            format="multipart",
        )
        assert response.status_code == 201, response.json()


# --- Publish and cancel ----------------------------------------------------------------------


def test_publish_moves_the_tender_and_every_lot_with_events(w, client_for):
    tender = w.draft(lots=2)
    response = client_for(w.buyer_admin).post(url("tender-publish", tender_id=tender.pk))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published"
    assert {lot["status"] for lot in response.json()["lots"]} == {"published"}
    for lot in tender.lots.all():
        assert lot.event_seq == 1
        event = LotEvent.objects.get(lot=lot)
        assert event.payload == {"from": "draft", "to": "published"}
        assert chain_verify(lot_id=lot.pk)[0]


def test_publish_needs_a_lot_and_a_verified_buyer(w, client_for):
    empty = w.draft(lots=0)
    c = client_for(w.officer)
    response = c.post(url("tender-publish", tender_id=empty.pk))
    assert response.status_code == 409 and response.json()["error"]["code"] == "no_lots"

    tender = w.draft()
    w.buyer.verification_status = VerificationStatus.REVERIFICATION_NEEDED
    w.buyer.save()
    before = snapshot()
    response = c.post(url("tender-publish", tender_id=tender.pk))
    assert (
        response.status_code == 403 and response.json()["error"]["code"] == "company_not_verified"
    )
    assert snapshot() == before


def test_publish_twice_is_a_conflict(w, client_for):
    tender = w.published()
    before = snapshot()
    response = client_for(w.officer).post(url("tender-publish", tender_id=tender.pk))
    assert response.status_code == 409 and response.json()["error"]["code"] == "tender_not_draft"
    assert snapshot() == before


def test_publish_with_deadlines_passed_is_refused(w, client_for):
    tender = w.draft()
    Tender.objects.filter(pk=tender.pk).update(questions_deadline=future(hours=-1))
    response = client_for(w.officer).post(url("tender-publish", tender_id=tender.pk))
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_tender"
    assert Tender.objects.get().status == TenderStatus.DRAFT


def test_cancel_a_tender_with_a_reason(w, client_for):
    tender = w.published(lots=2)
    c = client_for(w.officer)
    response = c.post(url("tender-cancel", tender_id=tender.pk), {"reason": ""}, format="json")
    assert response.status_code == 400
    assert Tender.objects.get().status == TenderStatus.PUBLISHED

    response = c.post(
        url("tender-cancel", tender_id=tender.pk), {"reason": "Budget cut"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    for lot in tender.lots.all():
        assert lot.status == LotStatus.CANCELLED
        last = lot.events.order_by("-seq").first()
        assert last.payload["reason"] == "Budget cut"
        assert chain_verify(lot_id=lot.pk)[0]


def test_cancel_one_lot(w, client_for):
    tender = w.published(lots=2)
    first, second = tender.lots.order_by("number")
    response = client_for(w.officer).post(
        url("lot-cancel", lot_id=first.pk), {"reason": "Not needed"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    second.refresh_from_db()
    assert second.status == LotStatus.PUBLISHED
    assert Tender.objects.get().status == TenderStatus.PUBLISHED


def test_a_live_lot_cannot_be_cancelled(w, client_for):
    tender = w.published()
    Lot.objects.filter(tender=tender).update(status=LotStatus.LIVE)
    before = snapshot()
    response = client_for(w.officer).post(
        url("tender-cancel", tender_id=tender.pk), {"reason": "x"}, format="json"
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "lot_not_cancellable"
    assert snapshot() == before


def test_list_filters_and_search(w, client_for):
    w.draft(title="Diesel north")
    w.published(title="Petrol south")
    c = client_for(w.officer)
    rows = c.get(url("tender-list"), {"status": "published"}).json()["results"]
    assert [r["title"] for r in rows] == ["Petrol south"]
    rows = c.get(url("tender-list"), {"search": "north"}).json()["results"]
    assert [r["title"] for r in rows] == ["Diesel north"]
    rows = c.get(url("tender-list"), {"category": w.root.pk}).json()["results"]
    assert len(rows) == 2
    rows = c.get(url("tender-list"), {"category": w.elsewhere.pk}).json()["results"]
    assert rows == []
    rows = c.get(url("tender-list"), {"platform": w.platform.pk + 1000}).json()["results"]
    assert rows == []
    assert "reserve_price" not in str(c.get(url("tender-list")).json())


def test_datetimes_are_utc(w, client_for):
    tender = w.draft()
    body = client_for(w.officer).get(url("tender-detail", tender_id=tender.pk)).json()
    assert body["auction_start"].endswith("Z")
