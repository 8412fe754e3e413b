"""Applications, invitations, admission/rejection, closing applications and scheduling."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail

from auctions.events import chain_verify
from auctions.models import (
    Application,
    ApplicationStatus,
    Lot,
    LotEvent,
    LotStatus,
    Participation,
    TenderInvitation,
)
from auctions.tasks import close_due_applications
from auctions.tenders import applications, drafting, scheduling
from tests.auctions.factories import World, snapshot, url

pytestmark = pytest.mark.django_db

WEIGHTED = {
    "weighted": True,
    "criteria": [
        {
            "code": "delivery",
            "title": "Delivery",
            "options": [{"title": "30 days", "value": "0"}, {"title": "10 days", "value": "0.05"}],
        },
        {
            "code": "warranty",
            "title": "Warranty",
            "options": [{"title": "1 year", "value": "0"}, {"title": "3 years", "value": "0.1"}],
        },
    ],
}


@pytest.fixture
def w():
    return World()


def apply_body(**overrides) -> dict:
    body = {"terms_accepted": True}
    body.update(overrides)
    return body


# --- Applying --------------------------------------------------------------------------------


def test_a_supplier_applies_with_an_initial_offer(w, client_for):
    lot = w.published().lots.get()
    response = client_for(w.supplier_bidder).post(
        url("lot-application-list", lot_id=lot.pk),
        apply_body(initial_amount="95000.00"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["initial_amount"] == "95000.00"
    assert body["supplier"]["id"] == w.supplier.pk
    assert body["label"] is None
    assert body["coefficient"] == "1.000000000000"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (apply_body(terms_accepted=False), 400, "terms_not_accepted"),
        (apply_body(initial_amount="100000.01"), 400, "invalid_initial_amount"),
        (apply_body(initial_amount="0"), 400, "invalid_initial_amount"),
        (apply_body(criteria_values={"x": "0.1"}), 400, "invalid"),
        ({}, 400, "invalid"),
    ],
)
def test_bad_applications_change_nothing(w, client_for, body, status, code):
    lot = w.published().lots.get()
    before = snapshot()
    response = client_for(w.supplier_admin).post(
        url("lot-application-list", lot_id=lot.pk), body, format="json"
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("uncovered_admin", 403, "category_not_covered"),
        # The tender is public: who may not take part is told why (issue 22).
        ("unverified_admin", 403, "company_not_verified"),
        ("outsider_admin", 403, "not_platform_participant"),
        ("buyer_admin", 403, "not_supplier_bidder"),
    ],
)
def test_who_may_not_apply(w, client_for, who, status, code):
    lot = w.published().lots.get()
    before = snapshot()
    response = client_for(getattr(w, who)).post(
        url("lot-application-list", lot_id=lot.pk), apply_body(), format="json"
    )
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert snapshot() == before


def test_category_reason_is_clear(w, client_for):
    lot = w.published().lots.get()
    response = client_for(w.uncovered_admin).post(
        url("lot-application-list", lot_id=lot.pk), apply_body(), format="json"
    )
    assert w.category.code in response.json()["error"]["message"]


def test_one_application_per_lot_and_reapply_after_withdrawal(w, client_for):
    lot = w.published().lots.get()
    c = client_for(w.supplier_admin)
    first = c.post(url("lot-application-list", lot_id=lot.pk), apply_body(), format="json").json()
    response = c.post(url("lot-application-list", lot_id=lot.pk), apply_body(), format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_applied"

    response = c.post(url("application-withdraw", application_id=first["id"]))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = c.post(url("lot-application-list", lot_id=lot.pk), apply_body(), format="json")
    assert response.status_code == 201 and response.json()["id"] == first["id"]
    assert Application.objects.count() == 1


def test_after_the_deadline_nobody_applies_nor_withdraws(w, client_for):
    tender = w.published()
    lot = tender.lots.get()
    application = w.apply(lot)
    w.past_deadline(tender)
    before = snapshot()
    c = client_for(w.other_admin)
    response = c.post(url("lot-application-list", lot_id=lot.pk), apply_body(), format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "applications_closed"
    response = client_for(w.supplier_admin).post(
        url("application-withdraw", application_id=application.pk)
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "applications_closed"
    assert snapshot() == before


def test_weighted_lot_stores_values_and_coefficient(w, client_for):
    lot = w.published(lot_overrides=WEIGHTED).lots.get()
    c = client_for(w.supplier_admin)
    response = c.post(
        url("lot-application-list", lot_id=lot.pk),
        apply_body(criteria_values={"delivery": "0.05"}),
        format="json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_criteria"
    response = c.post(
        url("lot-application-list", lot_id=lot.pk),
        apply_body(criteria_values={"delivery": "0.05", "warranty": "0.2"}),
        format="json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_criteria"
    response = c.post(
        url("lot-application-list", lot_id=lot.pk),
        apply_body(criteria_values={"delivery": "0.05", "warranty": "0.1"}),
        format="json",
    )
    assert response.status_code == 201, response.json()
    # 1 + 0.15 / (1 - 0.15)
    assert response.json()["coefficient"] == "1.176470588235"
    assert response.json()["criteria_values"] == {"delivery": "0.05", "warranty": "0.1"}


# --- Invitation-only tenders -----------------------------------------------------------------


def test_invitation_tender_flow(w, client_for, django_capture_on_commit_callbacks):
    tender = w.draft(participation=Participation.INVITATION)
    officer = client_for(w.officer)
    invite = url("tender-invitation-list", tender_id=tender.pk)

    response = officer.post(invite, {"supplier": w.supplier.pk}, format="json")
    assert response.status_code == 201
    for supplier, code in (
        (w.supplier, "already_invited"),
        (w.unverified, "supplier_not_verified"),
        (w.outsider, "supplier_not_participant"),
        (w.buyer, "not_a_supplier"),
    ):
        response = officer.post(invite, {"supplier": supplier.pk}, format="json")
        assert response.json()["error"]["code"] == code
    assert TenderInvitation.objects.count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        drafting.tender_publish(actor=w.officer, tender=tender)
    assert len(mail.outbox) == 2  # the invited supplier's admin and bidder
    lot = tender.lots.get()
    # the uninvited competitor does not even see it
    other = client_for(w.other_admin)
    assert other.get(url("tender-detail", tender_id=tender.pk)).status_code == 404
    assert (
        other.post(
            url("lot-application-list", lot_id=lot.pk), apply_body(), format="json"
        ).status_code
        == 404
    )
    # the invited one applies (no category check for invitation tenders)
    response = client_for(w.supplier_admin).post(
        url("lot-application-list", lot_id=lot.pk), apply_body(), format="json"
    )
    assert response.status_code == 201

    rows = officer.get(invite).json()
    assert [r["supplier"]["id"] for r in rows] == [w.supplier.pk]
    assert client_for(w.supplier_admin).get(invite).status_code == 403
    invitation_id = rows[0]["id"]
    response = officer.delete(
        url("tender-invitation-detail", tender_id=tender.pk, invitation_id=invitation_id)
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "invitation_in_use"


def test_open_tender_takes_no_invitations(w, client_for):
    tender = w.draft()
    response = client_for(w.officer).post(
        url("tender-invitation-list", tender_id=tender.pk),
        {"supplier": w.supplier.pk},
        format="json",
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "tender_is_open"


# --- Decisions -------------------------------------------------------------------------------


def test_admission_assigns_stable_labels_and_events_chain(w, client_for):
    tender = w.published()
    lot = tender.lots.get()
    a = w.apply(lot)
    b = w.apply(lot, company=w.other_supplier)
    officer = client_for(w.officer)

    response = officer.post(url("application-admit", application_id=b.pk))
    assert response.status_code == 200
    assert response.json()["label"] == 1 and response.json()["bidder_label"] == "Bidder #1"
    response = officer.post(url("application-admit", application_id=a.pk))
    assert response.json()["label"] == 2
    assert (
        officer.post(url("application-admit", application_id=a.pk)).json()["error"]["code"]
        == "application_not_pending"
    )

    # withdrawing and re-applying keeps the label
    client_for(w.supplier_admin).post(url("application-withdraw", application_id=a.pk))
    w.apply(lot)
    response = officer.post(url("application-admit", application_id=a.pk))
    assert response.json()["label"] == 2

    kinds = list(LotEvent.objects.filter(lot=lot).order_by("seq").values_list("kind", flat=True))
    assert kinds == [
        "status_changed",
        "application_admitted",
        "application_admitted",
        "application_withdrawn",
        "application_admitted",
    ]
    ok, broken, _why = chain_verify(lot_id=lot.pk)
    assert ok, broken
    for event in LotEvent.objects.filter(lot=lot):
        assert "Canary" not in str(event.payload)
    lot.refresh_from_db()
    assert lot.event_seq == 5
    assert a.decided_by_id is None  # the instance in memory is stale; the row is current
    a.refresh_from_db()
    assert a.decided_by == w.officer and a.decided_at is not None


def test_rejection_needs_a_reason_and_the_supplier_sees_it(
    w, client_for, django_capture_on_commit_callbacks
):
    lot = w.published().lots.get()
    a = w.apply(lot)
    officer = client_for(w.officer)
    before = snapshot()
    response = officer.post(
        url("application-reject", application_id=a.pk), {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert snapshot() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            url("application-reject", application_id=a.pk), {"reason": "No licence"}, format="json"
        )
    assert response.status_code == 200
    mine = client_for(w.supplier_bidder).get(url("application-detail", application_id=a.pk)).json()
    assert mine["status"] == "rejected" and mine["reason"] == "No licence"
    assert any("No licence" in m.body for m in mail.outbox)
    assert chain_verify(lot_id=lot.pk)[0]


def test_only_the_buyers_managers_decide(w, client_for):
    lot = w.published().lots.get()
    a = w.apply(lot)
    before = snapshot()
    response = client_for(w.buyer_bidder).post(url("application-admit", application_id=a.pk))
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_tender_manager"
    response = client_for(w.supplier_admin).post(url("application-admit", application_id=a.pk))
    assert response.status_code == 403
    response = client_for(w.other_admin).post(url("application-admit", application_id=a.pk))
    assert response.status_code == 404
    assert snapshot() == before


def test_application_lists_are_scoped(w, client_for):
    lot = w.published().lots.get()
    w.apply(lot)
    w.apply(lot, company=w.other_supplier)
    rows = client_for(w.officer).get(url("lot-application-list", lot_id=lot.pk)).json()["results"]
    assert len(rows) == 2
    rows = (
        client_for(w.supplier_admin)
        .get(url("lot-application-list", lot_id=lot.pk))
        .json()["results"]
    )
    assert [r["supplier"]["id"] for r in rows] == [w.supplier.pk]
    rows = client_for(w.other_admin).get(url("application-list")).json()["results"]
    assert [r["supplier"]["id"] for r in rows] == [w.other_supplier.pk]
    rows = (
        client_for(w.officer)
        .get(url("lot-application-list", lot_id=lot.pk), {"status": "admitted"})
        .json()
    )
    assert rows["results"] == []


# --- Closing applications and scheduling -----------------------------------------------------


def test_close_applications_only_after_the_deadline(w, client_for):
    tender = w.published()
    lot = tender.lots.get()
    c = client_for(w.officer)
    before = snapshot()
    response = c.post(url("lot-close-applications", lot_id=lot.pk))
    assert (
        response.status_code == 409
        and response.json()["error"]["code"] == "applications_still_open"
    )
    assert snapshot() == before
    w.past_deadline(tender)
    response = c.post(url("lot-close-applications", lot_id=lot.pk))
    assert response.status_code == 200 and response.json()["status"] == "applications_closed"
    response = c.post(url("lot-close-applications", lot_id=lot.pk))
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_transition"


def test_the_task_closes_due_lots_and_is_safe_to_run_twice(w):
    due = w.published(lots=2)
    later = w.published(title="Later")
    w.past_deadline(due)
    assert close_due_applications.delay().get() == 2
    assert close_due_applications() == 0
    assert set(Lot.objects.filter(tender=due).values_list("status", flat=True)) == {
        LotStatus.APPLICATIONS_CLOSED
    }
    assert later.lots.get().status == LotStatus.PUBLISHED
    for lot in due.lots.all():
        assert lot.event_seq == 2 and chain_verify(lot_id=lot.pk)[0]


def _closed_with(w, *, admitted: int, lots: int = 1, **lot_overrides):
    tender = w.published(lots=lots, lot_overrides=lot_overrides)
    companies = [w.supplier, w.other_supplier][:admitted]
    for lot in tender.lots.all():
        for company in companies:
            applications.application_admit(
                actor=w.officer, application=w.apply(lot, company=company)
            )
    w.past_deadline(tender)
    for lot in tender.lots.all():
        scheduling.lot_applications_close(lot_id=lot.pk)
    return tender


def test_schedule_staggers_lots(w, client_for):
    tender = _closed_with(w, admitted=2, lots=3, stagger_seconds=600)
    c = client_for(w.officer)
    starts = []
    for lot in tender.lots.order_by("number"):
        response = c.post(url("lot-schedule", lot_id=lot.pk))
        assert response.status_code == 200, response.json()
        assert response.json()["outcome"] == "scheduled"
        assert response.json()["lot"]["status"] == "auction_scheduled"
        lot.refresh_from_db()
        starts.append(lot.starts_at - tender.auction_start)
        assert chain_verify(lot_id=lot.pk)[0]
    assert starts == [timedelta(0), timedelta(seconds=600), timedelta(seconds=1200)]


def test_schedule_fails_a_lot_with_too_few_admitted(w, client_for):
    tender = _closed_with(w, admitted=1, allow_single_award=False)
    lot = tender.lots.get()
    response = client_for(w.officer).post(url("lot-schedule", lot_id=lot.pk))
    assert response.status_code == 200
    assert response.json()["outcome"] == "failed"
    lot.refresh_from_db()
    assert lot.status == LotStatus.FAILED and "at least 2" in lot.failure_reason


def test_schedule_with_one_admitted_awaits_a_direct_award(w, client_for):
    tender = _closed_with(w, admitted=1)
    lot = tender.lots.get()
    response = client_for(w.officer).post(url("lot-schedule", lot_id=lot.pk))
    assert response.json()["outcome"] == "awaiting_direct_award"
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPLICATIONS_CLOSED
    assert lot.events.order_by("-seq").first().kind == "awaiting_direct_award"
    assert chain_verify(lot_id=lot.pk)[0]


def test_schedule_refuses_open_or_undecided_lots(w, client_for):
    tender = w.published()
    lot = tender.lots.get()
    w.apply(lot)
    c = client_for(w.officer)
    response = c.post(url("lot-schedule", lot_id=lot.pk))
    assert (
        response.status_code == 409
        and response.json()["error"]["code"] == "lot_not_closed_for_applications"
    )
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    before = snapshot()
    response = c.post(url("lot-schedule", lot_id=lot.pk))
    assert (
        response.status_code == 409 and response.json()["error"]["code"] == "applications_undecided"
    )
    assert client_for(w.buyer_bidder).post(url("lot-schedule", lot_id=lot.pk)).status_code == 403
    assert snapshot() == before


def test_decisions_still_possible_after_closing(w):
    tender = w.published()
    lot = tender.lots.get()
    a = w.apply(lot)
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    a = applications.application_admit(actor=w.officer, application=a)
    assert a.status == ApplicationStatus.ADMITTED
    assert Decimal(a.coefficient) == 1
