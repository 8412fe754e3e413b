"""The approval chains' API: the policy's permission matrix (company admins write, the other
people of the buyer read and get 403 on writes, another company 404, anonymous refused), asking,
the queue, deciding in turn, the publish refusal's 409 and the tender's history."""

from __future__ import annotations

import pytest

from auctions.approval_models import ApprovalRule

from .factories import Approvals, api, client, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return Approvals()


def rule_body(w, **overrides) -> dict:
    body = {
        "buyer": w.buyer.pk,
        "name": "Above 150k",
        "mode": "in_order",
        "thresholds": [{"currency": "UAH", "amount": "150000.00"}],
        "categories": [w.root.pk],
        "approvers": [w.first.pk, w.second.pk],
    }
    body.update(overrides)
    return body


def test_company_admins_write_the_policy_and_the_buyers_people_read_it(w):
    made = client(w.buyer_admin).post(api("approval-rules"), rule_body(w), format="json")
    assert made.status_code == 201, made.json()
    data = made.json()
    assert data["thresholds"] == [{"currency": "UAH", "amount": "150000.00"}]
    assert [a["id"] for a in data["approvers"]] == [w.first.pk, w.second.pk]
    assert data["categories"][0]["code"] == w.root.code
    url = api("approval-rule", rule_id=data["id"])
    for reader in (w.officer, w.buyer_bidder, w.first):
        assert client(reader).get(url).status_code == 200
        listed = client(reader).get(api("approval-rules")).json()["results"]
        assert [r["id"] for r in listed] == [data["id"]]
    before = snapshot()
    for person in (w.officer, w.buyer_bidder, w.first):
        assert client(person).patch(url, {"name": "x"}, format="json").status_code == 403
        assert client(person).delete(url).status_code == 403
        assert (
            client(person).post(api("approval-rules"), rule_body(w), format="json").status_code
            == 403
        )
    for stranger in (w.rival_admin, w.supplier_admin):
        assert client(stranger).get(url).status_code == 404
        assert client(stranger).patch(url, {"name": "x"}, format="json").status_code == 404
        assert client(stranger).delete(url).status_code == 404
        assert client(stranger).get(api("approval-rules")).json()["results"] == []
        posted = client(stranger).post(api("approval-rules"), rule_body(w), format="json")
        assert posted.status_code == 404
    assert client().get(url).status_code in (401, 403)
    assert snapshot() == before
    changed = client(w.buyer_admin).patch(
        url, {"mode": "any_of", "approvers": [w.second.pk]}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["mode"] == "any_of"
    assert [a["id"] for a in changed.json()["approvers"]] == [w.second.pk]
    assert changed.json()["thresholds"]  # not given: kept
    assert client(w.buyer_admin).delete(url).status_code == 204
    assert not ApprovalRule.objects.exists()


def test_a_bad_rule_is_a_400_naming_the_field(w):
    bad = client(w.buyer_admin).post(
        api("approval-rules"), rule_body(w, approvers=[w.rival_officer.pk]), format="json"
    )
    assert bad.status_code == 400 and "approvers" in bad.json()["error"]["fields"]
    none = client(w.buyer_admin).post(
        api("approval-rules"), rule_body(w, thresholds=[], categories=[]), format="json"
    )
    assert none.status_code == 400
    assert none.json()["error"]["code"] == "rule_without_condition"
    assert not ApprovalRule.objects.exists()


def test_ask_decide_in_turn_and_publish(w):
    w.rule(mode="in_order")
    tender = w.big()
    publish = api("tender-publish", tender_id=tender.pk)
    refused = client(w.officer).post(publish)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "approval_required"
    assert "Anna First, then Boris Second" in error["message"]
    state = client(w.officer).get(api("tender-approval", tender_id=tender.pk)).json()
    assert state["needed"] and not state["approved"] and state["latest"] is None
    assert state["total"] == "200000.00" and state["rules"][0]["amount"] is True
    assert (
        client(w.first).post(api("tender-approval-request", tender_id=tender.pk)).status_code == 403
    )
    asked = client(w.officer).post(
        api("tender-approval-request", tender_id=tender.pk), {"note": "Urgent"}, format="json"
    )
    assert asked.status_code == 201
    request = asked.json()
    assert request["snapshot"]["total"] == "200000.00"
    assert [p["id"] for p in request["waiting_for"]] == [w.first.pk]
    assert request["may_decide"] is False
    queue = client(w.first).get(api("approval-queue")).json()
    assert [r["id"] for r in queue] == [request["id"]] and queue[0]["may_decide"] is True
    assert client(w.second).get(api("approval-queue")).json() == []
    decide = api("approval-decide", request_id=request["id"])
    early = client(w.second).post(decide, {"decision": "approve"}, format="json")
    assert early.status_code == 409 and early.json()["error"]["code"] == "approval_not_your_turn"
    assert client(w.officer).post(decide, {"decision": "approve"}, format="json").status_code == 403
    assert (
        client(w.rival_officer).post(decide, {"decision": "approve"}, format="json").status_code
        == 404
    )
    no_comment = client(w.first).post(decide, {"decision": "reject"}, format="json")
    assert no_comment.status_code == 400
    first = client(w.first).post(decide, {"decision": "approve", "comment": "ok"}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "pending"
    pending = client(w.officer).post(publish)
    assert pending.status_code == 409 and pending.json()["error"]["code"] == "approval_pending"
    assert "Boris Second" in pending.json()["error"]["message"]
    second = client(w.second).post(decide, {"decision": "approve"}, format="json")
    assert second.json()["status"] == "approved"
    assert client(w.officer).post(publish).status_code == 200
    history = client(w.buyer_bidder).get(api("tender-history", tender_id=tender.pk)).json()
    assert [h["kind"] for h in history] == [
        "approval_requested",
        "approval_approved",
        "approval_approved",
        "approval_granted",
        "published",
    ]
    assert history[1]["comment"] == "ok" and history[1]["actor"]["id"] == w.first.pk


def test_withdraw_and_the_strangers_404(w):
    w.rule()
    tender = w.big()
    request = w.ask(tender)
    for stranger in (w.rival_officer, w.supplier_admin, w.platform_admin):
        assert client(stranger).get(api("tender-approval", tender_id=tender.pk)).status_code == 404
        assert client(stranger).get(api("tender-history", tender_id=tender.pk)).status_code == 404
        assert (
            client(stranger).get(api("approval-request", request_id=request.pk)).status_code == 404
        )
        assert (
            client(stranger).post(api("approval-withdraw", request_id=request.pk)).status_code
            == 404
        )
    assert client(w.first).post(api("approval-withdraw", request_id=request.pk)).status_code == 403
    done = client(w.officer).post(api("approval-withdraw", request_id=request.pk))
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert client().get(api("approval-queue")).status_code in (401, 403)
