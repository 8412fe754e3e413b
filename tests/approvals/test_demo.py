"""The demo's approval chain (demo/approvals_demo.py): the buyer's rule and a draft tender
waiting for the approver; the approver sees it in the queue, publishing it is refused until
approved, and a second load writes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from auctions.approval_models import ApprovalRequest, ApprovalRule, ApprovalStatus
from auctions.tenders import approvals, drafting
from demo.approvals_demo import approvals_demo_load
from marketplace.core.exceptions import ConflictError

from .factories import Approvals

pytestmark = pytest.mark.django_db


def test_the_demo_leaves_an_approval_waiting():
    w = Approvals()
    now = timezone.now()
    made = approvals_demo_load(
        now=now, platform=w.platform, buyer=w.buyer, officer=w.buyer_admin, approver=w.first
    )
    assert made["created"] and made["request"].status == ApprovalStatus.PENDING
    assert approvals.request_queue(user=w.first) == [made["request"]]
    with pytest.raises(ConflictError) as refused:
        drafting.tender_publish(actor=w.buyer_admin, tender=made["tender"])
    assert refused.value.code == "approval_pending" and "Anna First" in refused.value.message
    c = Client()
    c.force_login(w.first)
    page = c.get(f"/approvals/{made['request'].pk}/").content.decode()
    assert 'id="approve"' in page
    drafting.tender_publish(actor=w.officer, tender=w.draft(lots=1))  # fuel in UAH: not caught
    again = approvals_demo_load(
        now=now, platform=w.platform, buyer=w.buyer, officer=w.buyer_admin, approver=w.first
    )
    assert not again["created"] and again["tender"] == made["tender"]
    assert ApprovalRule.objects.count() == 1 and ApprovalRequest.objects.count() == 1
