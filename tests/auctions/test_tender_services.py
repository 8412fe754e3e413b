"""Unit tests of the tender services and selectors (no HTTP)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from auctions.events import chain_verify
from auctions.models import Application, ApplicationStatus, Lot, LotStatus, TenderStatus
from auctions.tenders import applications, drafting, invitations, scheduling, selectors, validation
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from tests.auctions.factories import World, future, lot_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def test_lot_defaults_come_from_the_platform(w):
    w.platform.default_auction_duration_minutes = 20
    w.platform.default_soft_close_window_minutes = 4
    w.platform.save()
    defaults = validation.lot_defaults_from_platform(w.platform)
    assert defaults["duration_seconds"] == 1200
    assert defaults["soft_close_window_seconds"] == 240
    assert defaults["step_kind"] == "percent"


def test_tender_create_validates_every_lot_with_its_index(w):
    with pytest.raises(ApplicationError) as exc:
        w.draft(lots=2, lot_overrides={"reserve_price": Decimal("1000000")})
    assert exc.value.code == "invalid_lot"
    assert "lots.0.reserve_price" in exc.value.fields
    assert not Lot.objects.exists()


def test_criteria_sum_must_stay_below_one(w):
    tender = w.draft(lots=0)
    criteria = [
        {"code": "a", "title": "A", "options": [{"title": "x", "value": "0.5"}]},
        {"code": "b", "title": "B", "options": [{"title": "y", "value": "0.5"}]},
    ]
    with pytest.raises(ApplicationError) as exc:
        drafting.lot_create(
            actor=w.officer, tender=tender, weighted=True, criteria=criteria, **lot_data()
        )
    assert "criteria" in exc.value.fields
    criteria[1]["options"][0]["value"] = "0.49"
    lot = drafting.lot_create(
        actor=w.officer, tender=tender, weighted=True, criteria=criteria, **lot_data()
    )
    assert lot.criteria.count() == 2


def test_lot_update_keeps_and_replaces_criteria(w):
    tender = w.draft(lots=0)
    criteria = [{"code": "a", "title": "A", "options": [{"title": "x", "value": "0.1"}]}]
    lot = drafting.lot_create(
        actor=w.officer, tender=tender, weighted=True, criteria=criteria, **lot_data()
    )
    drafting.lot_update(actor=w.officer, lot=lot, unit="kg")
    assert lot.criteria.count() == 1
    drafting.lot_update(actor=w.officer, lot=lot, weighted=False)
    assert lot.criteria.count() == 0


def test_publish_is_refused_to_a_bidder_only_member(w):
    tender = w.draft()
    with pytest.raises(PermissionDeniedError):
        drafting.tender_publish(actor=w.buyer_bidder, tender=tender)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_supplier_block_reasons(w):
    tender = w.published()
    assert selectors.tender_supplier_block_reason(tender=tender, company=w.supplier) is None
    assert (
        selectors.tender_supplier_block_reason(tender=tender, company=w.unverified)[0]
        == "company_not_verified"
    )
    assert (
        selectors.tender_supplier_block_reason(tender=tender, company=w.outsider)[0]
        == "not_platform_participant"
    )
    assert selectors.tender_supplier_block_reason(tender=tender, company=w.buyer)[0] == "own_tender"
    assert selectors.supplier_covers_category(company=w.supplier, tender=tender)  # via the parent
    assert selectors.supplier_covers_category(company=w.other_supplier, tender=tender)  # exact
    assert not selectors.supplier_covers_category(company=w.uncovered, tender=tender)
    assert not selectors.supplier_covers_category(company=w.buyer, tender=tender)  # no profile


def test_invited_supplier_visibility(w):
    tender = w.draft(participation="invitation")
    invitations.tender_invitation_create(actor=w.officer, tender=tender, supplier=w.supplier)
    drafting.tender_publish(actor=w.officer, tender=tender)
    visible = set(selectors.tender_list_visible(user=w.supplier_admin).values_list("pk", flat=True))
    assert tender.pk in visible
    assert not selectors.tender_list_visible(user=w.other_admin).filter(pk=tender.pk).exists()
    invitation = tender.invitations.get()
    invitations.tender_invitation_remove(actor=w.officer, invitation=invitation)
    assert not selectors.tender_list_visible(user=w.supplier_admin).filter(pk=tender.pk).exists()


def test_admitting_an_application_of_a_no_longer_verified_supplier_is_refused(w):
    lot = w.published().lots.get()
    application = w.apply(lot)
    w.supplier.verification_status = "reverification_needed"
    w.supplier.save()
    with pytest.raises(ConflictError) as exc:
        applications.application_admit(actor=w.officer, application=application)
    assert exc.value.code == "supplier_not_verified"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    lot.refresh_from_db()
    assert lot.event_seq == 1


def test_rejecting_an_admitted_application_keeps_the_chain(w):
    lot = w.published().lots.get()
    application = applications.application_admit(actor=w.officer, application=w.apply(lot))
    applications.application_reject(
        actor=w.officer, application=application, reason="Forged papers"
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.label == 1
    event = lot.events.order_by("-seq").first()
    assert event.kind == "application_rejected"
    assert event.payload == {"application": application.pk, "label": 1}
    assert chain_verify(lot_id=lot.pk)[0]


def test_cancelled_lots_leave_the_tender_cancelled_when_all_are(w):
    tender = w.published(lots=2)
    for lot in tender.lots.all():
        drafting.lot_cancel(actor=w.officer, lot=lot, reason="No budget")
    tender.refresh_from_db()
    assert tender.status == TenderStatus.CANCELLED


def test_lot_applications_close_is_idempotent_for_the_task(w):
    tender = w.published()
    w.past_deadline(tender)
    lot = tender.lots.get()
    scheduling.lot_applications_close(lot_id=lot.pk)
    with pytest.raises(ConflictError):
        scheduling.lot_applications_close(lot_id=lot.pk)
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPLICATIONS_CLOSED and lot.event_seq == 2


def test_schedule_counts_every_earlier_lot_stagger(w):
    tender = w.published(lots=2, lot_overrides={"min_participants": 1})
    first, second = tender.lots.order_by("number")
    Lot.objects.filter(pk=first.pk).update(stagger_seconds=90)
    for lot in (first, second):
        applications.application_admit(actor=w.officer, application=w.apply(lot))
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=second.pk)
    lot, outcome = scheduling.lot_schedule(lot_id=second.pk, actor=w.officer)
    assert outcome == "scheduled"
    assert (lot.starts_at - tender.auction_start).total_seconds() == 90


def test_dates_in_the_past_are_refused(w):
    with pytest.raises(ApplicationError) as exc:
        w.draft(auction_start=future(hours=-1))
    assert "auction_start" in exc.value.fields


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_admissions_get_distinct_labels():
    """Two buyers' officers admit two applications at the same moment: the lot lock serialises
    them, the labels are 1 and 2 and the chain stays intact."""
    w = World()
    lot = w.published().lots.get()
    first = w.apply(lot)
    second = w.apply(lot, company=w.other_supplier)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def admit(application):
        try:
            barrier.wait()
            applications.application_admit(actor=w.officer, application=application)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(a,)) for a in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    labels = sorted(Application.objects.filter(lot=lot).values_list("label", flat=True))
    assert labels == [1, 2]
    assert chain_verify(lot_id=lot.pk)[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_of_one_supplier_make_one_row():
    w = World()
    lot = w.published().lots.get()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def apply():
        try:
            barrier.wait()
            w.apply(lot)
            outcomes.append("ok")
        except ConflictError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already_applied", "ok"]
    assert Application.objects.filter(lot=lot).count() == 1
