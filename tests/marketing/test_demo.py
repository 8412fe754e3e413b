"""The demo's marketing (demo/marketing_demo.py) on a fresh world: the CRM demo's kind of
workspace (a buyer with supplier accounts, their people consenting), one supplier having applied
to the buyer's tender; the demo's segment and sent campaign show every kind of result, and a
second load adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crm.accounts import account_create, contact_create
from demo.marketing_demo import marketing_demo_load
from marketing.models import Campaign, Segment, Suppression
from marketplace.companies.models import MembershipRole
from tests.auctions.factories import World
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_results(django_capture_on_commit_callbacks):
    w = World()
    manager = member(w.buyer, MembershipRole.ACCOUNT_MANAGER)
    for company, email in (
        (w.supplier, "alpha@demo.example"),
        (w.other_supplier, "beta@demo.example"),
        (w.uncovered, "eps@demo.example"),
    ):
        account = account_create(
            actor=manager,
            workspace_id=w.buyer.pk,
            name=company.legal_name,
            country="UA",
            registration_number=company.registration_number,
            segment="supplier",
            stage="active",
        )
        assert account.company_id == company.pk  # linked by its identifiers
        contact_create(
            actor=manager,
            workspace_id=w.buyer.pk,
            account_id=account.pk,
            last_name="Person",
            first_name="Pat",
            emails=[email],
            consent=True,
        )
    tender = w.published()
    with django_capture_on_commit_callbacks(execute=True):
        w.apply(tender.lots.get(), company=w.other_supplier)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        loaded = marketing_demo_load(now=now, workspace=w.buyer, manager=manager)
    results = loaded["results"]
    assert loaded["campaign"].status == "sent"
    assert results["recipients"] == 3 and results["sent"] == 3
    assert results["delivered"] == 2 and results["opened"] == 2 and results["clicked"] == 1
    assert results["unsubscribed"] == 1 and results["bounced"] == 1
    assert results["leads"] == 1 and results["applied"] == 1
    assert Suppression.objects.filter(workspace=w.buyer).count() == 2
    again = marketing_demo_load(now=now, workspace=w.buyer, manager=manager)
    assert again["results"] == results
    assert Segment.objects.count() == 1 and Campaign.objects.count() == 1
