"""The approval chains' pages: the policy (an admin adds a rule; other people read it, their
writes refused), the tender's approval page (asking, its history), the queue and one request
with the decision, the publish summary linking to the approval, and strangers' 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from auctions.approval_models import ApprovalRequest, ApprovalRule, ApprovalStatus
from auctions.models import TenderStatus

from .factories import Approvals, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Approvals()


def page(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(name: str, *args) -> str:
    return reverse(f"frontend:{name}", args=args)


def test_an_admin_adds_a_rule_and_the_others_only_read(w):
    rules = f"{url('approval-rules')}?buyer={w.buyer.pk}"
    admin = page(w.buyer_admin)
    form = admin.get(f"{url('approval-rule-create')}?buyer={w.buyer.pk}")
    assert form.status_code == 200 and "Anna First" in form.content.decode()
    posted = admin.post(
        f"{url('approval-rule-create')}?buyer={w.buyer.pk}",
        {
            "name": "Fuels and big",
            "mode": "in_order",
            "active": "on",
            "categories": w.root.code,
            "threshold_UAH": "150000.00",
            "approver_1": str(w.first.pk),
            "approver_2": str(w.second.pk),
        },
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    rule = ApprovalRule.objects.get()
    assert [a.user for a in rule.approvers.all()] == [w.first, w.second]
    assert list(rule.categories.all()) == [w.root]
    assert "Fuels and big" in admin.get(rules).content.decode()
    edit = admin.get(url("approval-rule-edit", rule.pk)).content.decode()
    assert "Fuels and big" in edit and w.root.code in edit
    bad = admin.post(
        url("approval-rule-edit", rule.pk),
        {"name": "x", "mode": "in_order", "categories": "NOPE-1"},
    )
    assert bad.status_code == 422 and "No such category" in bad.content.decode()
    officer = page(w.officer)
    listed = officer.get(rules).content.decode()
    assert "Fuels and big" in listed and 'id="add-rule"' not in listed
    before = snapshot()
    officer.post(url("approval-rule-delete", rule.pk))
    officer.post(url("approval-rule-edit", rule.pk), {"name": "mine", "mode": "any_of"})
    assert snapshot() == before
    stranger = page(w.rival_admin)
    assert stranger.get(rules).status_code == 404
    assert stranger.get(url("approval-rule-edit", rule.pk)).status_code == 404
    assert stranger.post(url("approval-rule-delete", rule.pk)).status_code == 404
    assert snapshot() == before


def test_the_officer_asks_the_approvers_decide_and_the_history_shows_it(w):
    w.rule(mode="in_order")
    tender = w.big()
    officer = page(w.officer)
    summary = officer.get(url("tender-publish", tender.pk)).content.decode()
    assert 'id="approval-link"' in summary and "Anna First, then Boris Second" in summary
    assert 'id="publish-confirm"' not in summary
    assert 'id="tender-approval"' in officer.get(url("tender-manage", tender.pk)).content.decode()
    approval = url("tender-approval", tender.pk)
    assert 'id="ask-approval"' in officer.get(approval).content.decode()
    assert officer.post(approval, {"note": "Please"}).status_code == 302
    request = ApprovalRequest.objects.get()
    first = page(w.first)
    queue = first.get(url("approvals-queue")).content.decode()
    assert f'id="request-{request.pk}"' in queue
    assert (
        f'id="request-{request.pk}"'
        not in page(w.second).get(url("approvals-queue")).content.decode()
    )
    detail = first.get(url("approval-request", request.pk)).content.decode()
    assert 'id="approve"' in detail and "Please" in detail
    assert (
        'id="approve"'
        not in page(w.second).get(url("approval-request", request.pk)).content.decode()
    )
    first.post(url("approval-request", request.pk), {"decision": "approve", "comment": "Fine"})
    second = page(w.second)
    second.post(url("approval-request", request.pk), {"decision": "reject", "comment": ""})
    request.refresh_from_db()
    assert request.status == ApprovalStatus.PENDING  # a rejection without a comment is refused
    second.post(url("approval-request", request.pk), {"decision": "reject", "comment": "Cut it"})
    request.refresh_from_db()
    assert request.status == ApprovalStatus.REJECTED
    shown = officer.get(approval).content.decode()
    assert "Cut it" in shown and "Fine" in shown and 'id="ask-approval"' in shown
    officer.post(url("tender-publish", tender.pk), {"confirm": "1"})
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_strangers_get_404_on_every_approval_page(w):
    w.rule()
    tender = w.big()
    request = w.ask(tender)
    before = snapshot()
    for person in (w.rival_officer, w.supplier_admin):
        c = page(person)
        assert c.get(url("tender-approval", tender.pk)).status_code == 404
        assert c.post(url("tender-approval", tender.pk)).status_code == 404
        assert c.get(url("approval-request", request.pk)).status_code == 404
        assert (
            c.post(url("approval-request", request.pk), {"decision": "approve"}).status_code == 404
        )
        assert c.post(url("approval-withdraw", request.pk)).status_code == 404
        assert f"request-{request.pk}" not in c.get(url("approvals-queue")).content.decode()
    assert snapshot() == before
    assert Client().get(url("approvals-queue")).status_code == 302
