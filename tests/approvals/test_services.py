"""The approval chains' rules, at the services: which rules catch a tender (the amount per
currency, categories with what lies under them), in-order and any-of chains, several rules at
once, rejection, a change voiding an approval, publishing refused until approved with a message
naming who must approve, and who may decide."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auctions.approval_models import ApprovalStatus, TenderHistoryKind
from auctions.models import Lot, TenderStatus
from auctions.tenders import approval_rules, approvals, drafting
from auctions.tenders.approval_matching import rules_catching, tender_lots
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.events.models import Event
from notifications.models import Notification
from tests.factories import CategoryFactory

from .factories import Approvals, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Approvals()


def caught(w, tender) -> list[str]:
    return [m.rule.name for m in rules_catching(tender=tender, lots=tender_lots(tender))]


def history(tender) -> list[str]:
    return list(approvals.history_list(tender=tender).values_list("kind", flat=True))


# --- Which rules catch a tender ------------------------------------------------------------------


def test_the_amount_is_compared_in_the_tenders_own_currency(w):
    w.rule(name="UAH", thresholds={"UAH": Decimal("150000.00"), "EUR": Decimal("5000.00")})
    assert caught(w, w.big(lots=2)) == ["UAH"]  # 200 000 UAH > 150 000
    assert caught(w, w.big(lots=1)) == []  # 100 000 UAH is not above
    assert caught(w, w.big(lots=1, currency="EUR")) == ["UAH"]  # 100 000 EUR > 5 000
    assert caught(w, w.big(lots=3, currency="USD")) == []  # no threshold in USD


def test_exactly_the_threshold_is_not_above_it(w):
    w.rule(thresholds={"UAH": Decimal("200000.00")})
    assert caught(w, w.big(lots=2)) == []
    tender = w.big(lots=2)
    Lot.objects.filter(tender=tender, number=1).update(start_price=Decimal("100000.01"))
    assert caught(w, tender) == ["Big tenders"]


def test_a_category_catches_what_lies_under_it_and_not_beside_it(w):
    deeper = CategoryFactory(code="TR110000", name_en="Winter diesel", parent=w.category)
    w.rule(name="Fuels", categories=[w.root], thresholds={})
    assert caught(w, w.big(lots=1, category=deeper)) == ["Fuels"]
    assert caught(w, w.big(lots=1, category=w.category)) == ["Fuels"]
    assert caught(w, w.big(lots=1, category=w.elsewhere)) == []
    look_alike = CategoryFactory(code="TR1000001", name_en="Not under")  # path prefix, no slash
    assert caught(w, w.big(lots=1, category=look_alike)) == []


def test_an_inactive_rule_and_another_buyers_rule_catch_nothing(w):
    rule = w.rule(name="Off")
    approval_rules.rule_update(actor=w.buyer_admin, rule_id=rule.pk, active=False)
    w.rule(name="Rival's", buyer=w.rival, approvers=[w.rival_officer])
    assert caught(w, w.big(lots=3)) == []


def test_a_rule_needs_a_condition_and_approvers_of_the_buyer(w):
    before = snapshot()
    with pytest.raises(ApplicationError) as no_condition:
        w.rule(thresholds={}, categories=[])
    assert no_condition.value.code == "rule_without_condition"
    with pytest.raises(ApplicationError) as stranger:
        w.rule(approvers=[w.rival_officer])
    assert stranger.value.fields["approvers"]
    with pytest.raises(ApplicationError) as twice:
        w.rule(approvers=[w.first, w.first])
    assert twice.value.fields["approvers"]
    with pytest.raises(ApplicationError) as currency:
        w.rule(thresholds={"XXX": "1.00"})
    assert "thresholds.XXX" in currency.value.fields
    assert snapshot() == before


def test_only_the_buyers_company_admins_set_the_policy(w):
    with pytest.raises(PermissionDeniedError):
        w.rule(actor=w.officer)
    with pytest.raises(NotFoundError):
        w.rule(actor=w.rival_admin)
    rule = w.rule()
    with pytest.raises(PermissionDeniedError):
        approval_rules.rule_update(actor=w.officer, rule_id=rule.pk, name="Mine")
    with pytest.raises(NotFoundError):
        approval_rules.rule_delete(actor=w.rival_admin, rule_id=rule.pk)
    assert approval_rules.rule_get(user=w.first, rule_id=rule.pk).name == "Big tenders"


# --- In order, any of, several rules ---------------------------------------------------------------


def test_in_order_only_the_current_approver_decides(w):
    w.rule(mode="in_order")
    tender = w.big()
    request = w.ask(tender, note="Please look")
    assert approvals.request_queue(user=w.first) == [request]
    assert approvals.request_queue(user=w.second) == []
    with pytest.raises(ConflictError) as early:
        w.decide(request, w.second)
    assert early.value.code == "approval_not_your_turn" and "Anna First" in early.value.message
    w.decide(request, w.first)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    assert approvals.request_queue(user=w.second) == [request]
    w.decide(request, w.second)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
    assert history(tender) == [
        TenderHistoryKind.APPROVAL_REQUESTED,
        TenderHistoryKind.APPROVAL_APPROVED,
        TenderHistoryKind.APPROVAL_APPROVED,
        TenderHistoryKind.APPROVAL_GRANTED,
    ]
    drafting.tender_publish(actor=w.officer, tender=tender)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.PUBLISHED
    assert history(tender)[-1] == TenderHistoryKind.PUBLISHED


def test_any_of_the_first_decision_decides(w):
    w.rule(mode="any_of")
    request = w.ask(w.big())
    assert approvals.request_queue(user=w.second) == [request]
    w.decide(request, w.second)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED
    with pytest.raises(ConflictError) as late:
        w.decide(request, w.first)
    assert late.value.code == "approval_closed"


def test_every_rule_that_catches_the_tender_must_be_satisfied(w):
    w.rule(name="Amount", mode="any_of", approvers=[w.first])
    w.rule(name="Fuels", categories=[w.root], thresholds={}, approvers=[w.second])
    tender = w.big()
    request = w.ask(tender)
    assert [c["name"] for c in request.chains] == ["Amount", "Fuels"]
    w.decide(request, w.first)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING
    with pytest.raises(ConflictError) as refused:
        drafting.tender_publish(actor=w.officer, tender=tender)
    assert refused.value.code == "approval_pending"
    assert "Boris Second" in refused.value.message and "Anna First" not in refused.value.message
    w.decide(request, w.second)
    drafting.tender_publish(actor=w.officer, tender=tender)


def test_one_approval_counts_in_each_chain_naming_the_person(w):
    w.rule(name="A", approvers=[w.first, w.second])
    w.rule(name="B", categories=[w.root], thresholds={}, approvers=[w.second])
    request = w.ask(w.big())
    w.decide(request, w.second)  # its turn in B; in A it comes after Anna
    w.decide(request, w.first)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.APPROVED


# --- Rejection, voiding, publishing --------------------------------------------------------------


def test_publishing_is_refused_with_the_names_of_who_must_approve(w):
    w.rule(mode="in_order")
    tender = w.big()
    before = snapshot()
    with pytest.raises(ConflictError) as refused:
        drafting.tender_publish(actor=w.officer, tender=tender)
    assert refused.value.status_code == 409 and refused.value.code == "approval_required"
    assert "Anna First, then Boris Second" in refused.value.message
    assert "Big tenders" in refused.value.message
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT and snapshot() == before


def test_a_tender_no_rule_catches_publishes_as_before(w):
    w.rule()
    tender = w.big(lots=1)
    with pytest.raises(ConflictError) as not_needed:
        w.ask(tender)
    assert not_needed.value.code == "approval_not_needed"
    drafting.tender_publish(actor=w.officer, tender=tender)
    assert history(tender) == []


def test_a_rejection_ends_the_request_and_the_officer_asks_again(w):
    w.rule(mode="any_of")
    tender = w.big()
    request = w.ask(tender)
    with pytest.raises(ApplicationError) as no_comment:
        w.decide(request, w.first, "reject")
    assert no_comment.value.code == "reason_required"
    w.decide(request, w.first, "reject", "Too expensive")
    request.refresh_from_db()
    assert request.status == ApprovalStatus.REJECTED
    with pytest.raises(ConflictError) as refused:
        drafting.tender_publish(actor=w.officer, tender=tender)
    assert refused.value.code == "approval_rejected"
    with pytest.raises(ConflictError):
        w.decide(request, w.second)
    again = w.ask(tender)
    assert again.pk != request.pk and again.status == ApprovalStatus.PENDING
    entry = approvals.history_list(tender=tender).get(kind=TenderHistoryKind.APPROVAL_REJECTED)
    assert entry.comment == "Too expensive" and entry.actor == w.first


def test_changing_the_amounts_after_approval_voids_it(w):
    w.rule(mode="any_of")
    tender = w.big()
    request = w.ask(tender)
    w.decide(request, w.first)
    lot = tender.lots.get(number=1)
    drafting.lot_update(actor=w.officer, lot=lot, start_price=Decimal("120000.00"))
    with pytest.raises(ConflictError) as refused:
        drafting.tender_publish(actor=w.officer, tender=tender)
    assert refused.value.code == "approval_void"
    request.refresh_from_db()
    assert request.status == ApprovalStatus.VOIDED  # recorded though the publication was refused
    assert history(tender)[-1] == TenderHistoryKind.APPROVAL_VOIDED
    again = w.ask(tender)
    assert again.snapshot["total"] == "220000.00"
    w.decide(again, w.second)
    drafting.tender_publish(actor=w.officer, tender=tender)


def test_changing_the_category_or_the_lots_voids_it_but_the_title_does_not(w):
    w.rule(mode="any_of")
    tender = w.big()
    w.decide(w.ask(tender), w.first)
    drafting.tender_update(actor=w.officer, tender=tender, title="A better title")
    state = approvals.tender_approval_state(tender=tender)
    assert state["holds"] is not None
    drafting.tender_update(actor=w.officer, tender=tender, category=w.root)
    tender.refresh_from_db()
    assert approvals.tender_approval_state(tender=tender)["holds"] is None
    drafting.tender_update(actor=w.officer, tender=tender, category=w.category)
    tender.refresh_from_db()
    assert approvals.tender_approval_state(tender=tender)["holds"] is not None
    drafting.lot_create(
        actor=w.officer,
        tender=tender,
        title="Extra",
        quantity=Decimal("1"),
        unit="t",
        start_price=Decimal("10.00"),
    )
    assert approvals.tender_approval_state(tender=tender)["holds"] is None


def test_a_rule_added_after_the_approval_needs_its_own(w):
    w.rule(name="First rule", mode="any_of", approvers=[w.first])
    tender = w.big()
    w.decide(w.ask(tender), w.first)
    w.rule(name="New rule", categories=[w.root], thresholds={}, approvers=[w.second])
    with pytest.raises(ConflictError) as refused:
        drafting.tender_publish(actor=w.officer, tender=tender)
    assert refused.value.code == "approval_void" and "New rule" in refused.value.message


def test_one_request_waits_at_a_time_and_can_be_withdrawn(w):
    w.rule()
    tender = w.big()
    request = w.ask(tender)
    with pytest.raises(ConflictError) as twice:
        w.ask(tender)
    assert twice.value.code == "approval_pending"
    with pytest.raises(PermissionDeniedError):
        approvals.approval_withdraw(actor=w.first, request_id=request.pk)
    approvals.approval_withdraw(actor=w.officer, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == ApprovalStatus.WITHDRAWN
    w.ask(tender)


# --- Who may decide ------------------------------------------------------------------------------


def test_only_the_named_approvers_decide_and_strangers_see_nothing(w):
    w.rule(mode="any_of")
    request = w.ask(w.big())
    before = snapshot()
    for person in (w.officer, w.buyer_admin, w.buyer_bidder):
        with pytest.raises(PermissionDeniedError) as refused:
            w.decide(request, person)
        assert refused.value.code == "not_an_approver"
    for person in (w.rival_officer, w.rival_admin, w.supplier_admin, w.staff):
        with pytest.raises(NotFoundError):
            w.decide(request, person)
        assert approvals.request_queue(user=person) == []
    assert snapshot() == before


def test_an_approver_who_left_the_company_cannot_decide(w):
    w.rule(mode="any_of")
    request = w.ask(w.big())
    w.buyer.memberships.filter(user=w.first).delete()
    with pytest.raises(NotFoundError):
        w.decide(request, w.first)
    w.decide(request, w.second)


def test_the_officer_is_asked_only_for_a_draft(w):
    w.rule()
    tender = w.big(lots=1)
    drafting.tender_publish(actor=w.officer, tender=tender)
    with pytest.raises(ConflictError) as published:
        w.ask(tender)
    assert published.value.code == "tender_not_draft"
    with pytest.raises(PermissionDeniedError):
        approvals.approval_request(actor=w.first, tender=w.big())


# --- Events and notifications --------------------------------------------------------------------


def test_each_step_is_an_event_and_the_next_person_is_told(w, django_capture_on_commit_callbacks):
    w.rule(mode="in_order")
    tender = w.big()
    with django_capture_on_commit_callbacks(execute=True):
        request = w.ask(tender)
    asked = Event.objects.get(type="tender.approval_requested")
    assert asked.payload["approvers"] == [w.first.pk] and asked.company_id == w.buyer.pk
    assert Notification.objects.filter(user=w.first, kind="tender_approval").count() == 1
    assert not Notification.objects.filter(user=w.second).exists()
    with django_capture_on_commit_callbacks(execute=True):
        w.decide(request, w.first)
    decided = Event.objects.get(type="tender.approval_decided")
    assert decided.payload["next_approvers"] == [w.second.pk]
    assert decided.payload["status"] == "pending"
    told = Notification.objects.get(user=w.second, kind="tender_approval")
    assert f"/approvals/{request.pk}/" in told.url
    with django_capture_on_commit_callbacks(execute=True):
        w.decide(request, w.second, "reject", "Not this quarter")
    officer_told = Notification.objects.get(user=w.officer, kind="tender_approval")
    assert "not approved" in officer_told.title
    assert f"/tenders/{tender.pk}/approval/" in officer_told.url
