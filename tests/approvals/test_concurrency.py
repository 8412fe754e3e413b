"""Races on PostgreSQL, each side in its own thread and connection: two approvers of an any-of
chain deciding at the same moment (one decision is made, the other is told the request is
decided), and the last approval racing the publication (the tender is published only once its
approval is complete, never without it)."""

from __future__ import annotations

import pytest

from auctions.approval_models import ApprovalDecision, ApprovalStatus
from auctions.models import TenderStatus
from tests.threads import together

from .factories import Approvals, api, client

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _decide(user, request_id: int, decision: str) -> tuple[int, str]:
    answer = client(user).post(
        api("approval-decide", request_id=request_id),
        {"decision": decision, "comment": "race"},
        format="json",
    )
    body = answer.json()
    return answer.status_code, body.get("error", {}).get("code", body.get("status"))


def test_two_approvers_of_an_any_of_chain_deciding_at_once_make_one_decision():
    w = Approvals()
    w.rule(mode="any_of")
    for _round in range(3):
        request = w.ask(w.big())
        results = together(
            [
                lambda r=request: _decide(w.first, r.pk, "approve"),
                lambda r=request: _decide(w.second, r.pk, "reject"),
            ]
        )
        assert sorted(code for code, _ in results) == [200, 409], results
        assert ("409", "approval_closed") in [(str(c), k) for c, k in results]
        assert ApprovalDecision.objects.filter(request=request).count() == 1
        request.refresh_from_db()
        assert request.status in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED)


def test_the_last_approval_racing_the_publication_never_publishes_unapproved():
    w = Approvals()
    w.rule(mode="in_order")
    outcomes = set()
    for _round in range(4):
        tender = w.big()
        request = w.ask(tender)
        w.decide(request, w.first)

        def publish(t=tender) -> tuple[int, str]:
            answer = client(w.officer).post(api("tender-publish", tender_id=t.pk))
            return answer.status_code, answer.json().get("error", {}).get("code", "published")

        approve, published = together(
            [lambda r=request: _decide(w.second, r.pk, "approve"), publish]
        )
        assert approve == (200, "approved"), approve
        tender.refresh_from_db()
        request.refresh_from_db()
        assert request.status == ApprovalStatus.APPROVED
        if published[0] == 200:
            assert tender.status == TenderStatus.PUBLISHED
        else:
            assert published == (409, "approval_pending") and tender.status == TenderStatus.DRAFT
        outcomes.add(published[0])
    assert outcomes <= {200, 409}
