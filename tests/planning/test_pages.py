"""The plan pages through Django's test client: my plans and a new plan, a plan with its lines
(add, edit, remove, link a tender, unlink, publish, delete), plan versus fact, and who sees
what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from planning import services
from planning.models import PlanLine, PlanLineTender, PlanStatus, ProcurementPlan

from .factories import YEAR, Plans, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> Plans:
    return Plans()


def browser(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_my_plans_and_a_new_plan(w):
    c = browser(w.officer)
    page = c.get("/planning/")
    assert page.status_code == 200
    assert "No plan yet." in page.content.decode() and 'id="new-plan"' in page.content.decode()
    made = c.post(
        "/planning/", {"buyer": w.buyer.pk, "year": YEAR, "title": "Plan 2026", "currency": "UAH"}
    )
    plan = ProcurementPlan.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/planning/{plan.pk}/"
    assert "Plan 2026" in c.get("/planning/").content.decode()
    again = c.post(
        "/planning/", {"buyer": w.buyer.pk, "year": YEAR, "title": "Again", "currency": "UAH"}
    )
    assert again.status_code == 409
    assert "already has a plan for 2026" in again.content.decode()
    assert ProcurementPlan.objects.count() == 1


def test_a_member_without_the_role_reads_and_a_stranger_finds_nothing(w):
    plan = w.plan(title="Read-only plan")
    w.line(plan, description="Spring diesel")
    member = browser(w.buyer_bidder)
    listed = member.get("/planning/").content.decode()
    assert "Read-only plan" in listed and 'id="new-plan"' not in listed
    page = member.get(f"/planning/{plan.pk}/").content.decode()
    assert "Spring diesel" in page and 'id="new-line"' not in page and "Publish" not in page
    assert member.get(f"/planning/{plan.pk}/fact/").status_code == 200
    before = snapshot()
    assert member.post(f"/planning/{plan.pk}/publish/").status_code == 404
    assert (
        member.post("/planning/", {"buyer": w.buyer.pk, "year": 2030, "title": "x"}).status_code
        == 404
    )
    stranger = browser(w.rival_officer)
    assert stranger.get(f"/planning/{plan.pk}/").status_code == 404
    assert stranger.get(f"/planning/{plan.pk}/fact/").status_code == 404
    assert "Read-only plan" not in stranger.get("/planning/").content.decode()
    assert snapshot() == before
    assert Client().get(f"/planning/{plan.pk}/").status_code == 302  # to log in


def test_lines_are_added_edited_linked_and_removed(w):
    plan = w.plan()
    c = browser(w.officer)
    page = c.get(f"/planning/{plan.pk}/")
    assert page.status_code == 200 and "The plan has no line yet." in page.content.decode()
    bad = c.post(
        f"/planning/{plan.pk}/",
        {"category": w.root.pk, "quarter": 1, "description": "x", "budget": "0", "currency": "UAH"},
    )
    assert bad.status_code == 400
    assert "The budget must be greater than zero." in bad.content.decode()
    added = c.post(
        f"/planning/{plan.pk}/",
        {
            "category": w.root.pk,
            "quarter": 2,
            "description": "Diesel for harvest",
            "budget": "250000.00",
            "currency": "UAH",
            "auction_format": "english",
        },
    )
    assert added.status_code == 302
    line = PlanLine.objects.get()
    assert (line.quarter, line.budget, line.auction_format) == (2, Decimal("250000.00"), "english")

    edit = c.get(f"/planning/{plan.pk}/lines/{line.pk}/edit/")
    assert edit.status_code == 200 and "Diesel for harvest" in edit.content.decode()
    saved = c.post(
        f"/planning/{plan.pk}/lines/{line.pk}/edit/",
        {
            "category": w.root.pk,
            "quarter": 3,
            "description": "Diesel for harvest",
            "budget": "300000.00",
            "currency": "UAH",
        },
    )
    assert saved.status_code == 302
    line.refresh_from_db()
    assert (line.quarter, line.budget) == (3, Decimal("300000.00"))

    tender = w.tender(title="Harvest diesel tender", lots=2)
    lot2 = tender.lots.get(number=2)
    w.tender(title="Chairs tender", category=w.elsewhere)  # does not fit: not offered
    page = c.get(f"/planning/{plan.pk}/").content.decode()
    assert f'value="t-{tender.pk}"' in page and f'value="l-{lot2.pk}"' in page
    assert "Chairs tender" not in page
    linked = c.post(f"/planning/{plan.pk}/lines/{line.pk}/link/", {"target": f"l-{lot2.pk}"})
    assert linked.status_code == 302
    link = PlanLineTender.objects.get()
    assert (link.tender_id, link.lot_id) == (tender.pk, lot2.pk)
    page = c.get(f"/planning/{plan.pk}/").content.decode()
    assert "Harvest diesel tender" in page and f'id="link-{link.pk}"' in page
    # A refusal comes back as a message.
    again = c.post(
        f"/planning/{plan.pk}/lines/{line.pk}/link/", {"target": f"l-{lot2.pk}"}, follow=True
    )
    assert "The lot is linked to the line" in again.content.decode()
    assert PlanLineTender.objects.count() == 1
    assert c.post(f"/planning/{plan.pk}/lines/{line.pk}/link/", {"target": "x"}).status_code == 302

    unlinked = c.post(f"/planning/{plan.pk}/lines/{line.pk}/unlink/{link.pk}/")
    assert unlinked.status_code == 302 and not PlanLineTender.objects.exists()
    removed = c.post(f"/planning/{plan.pk}/lines/{line.pk}/remove/")
    assert removed.status_code == 302 and not PlanLine.objects.exists()


def test_publish_then_nothing_is_edited_and_a_stranger_reads_it(w):
    plan = w.plan(title="Open plan 2026")
    line = w.line(plan, description="Open line")
    tender = w.tender(title="Private tender title")
    services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=tender.pk
    )
    c = browser(w.officer)
    assert (
        c.post(
            f"/planning/{plan.pk}/edit/", {"year": YEAR, "title": "Renamed", "currency": "UAH"}
        ).status_code
        == 302
    )
    assert c.post(f"/planning/{plan.pk}/publish/").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.title == "Renamed"
    page = c.get(f"/planning/{plan.pk}/").content.decode()
    assert 'id="new-line"' not in page and "/edit/" not in page
    follow = c.get(f"/planning/{plan.pk}/lines/{line.pk}/edit/", follow=True)
    assert "no longer edited" in follow.content.decode()
    deleted = c.post(f"/planning/{plan.pk}/delete/", follow=True)
    assert "no longer edited" in deleted.content.decode()
    assert ProcurementPlan.objects.filter(pk=plan.pk).exists()

    stranger = browser(w.rival_officer)
    page = stranger.get(f"/planning/{plan.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Renamed" in text and "Open line" in text
    assert "Private tender title" not in text and "Plan versus fact" not in text
    assert "Renamed" in stranger.get("/planning/").content.decode()  # other buyers' plans


def test_a_draft_is_deleted(w):
    plan = w.plan()
    answer = browser(w.buyer_admin).post(f"/planning/{plan.pk}/delete/")
    assert answer.status_code == 302 and answer["Location"] == "/planning/"
    assert not ProcurementPlan.objects.exists()


def test_the_fact_page(w):
    plan = w.plan()
    line = w.line(plan, budget="500000.00")
    euro = w.line(plan, quarter=2, budget="1000.00", currency="EUR")
    tender = w.tender()
    services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=tender.pk
    )
    w.award(tender.lots.get(), "80000.00", start="100000.00")
    page = browser(w.buyer_bidder).get(f"/planning/{plan.pk}/fact/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="fact"' in text and "TR000000" in text
    assert "16.0 %" in text  # 80 000 of 500 000
    assert "20.0 %" in text  # saved 20 000 of 100 000
    assert f"/api/planning/plans/{plan.pk}/fact.csv" in text
    assert "Total, EUR" in text and "Total, UAH" in text
    assert euro.pk and "<script>" not in text and "style=" not in text
    plan_page = browser(w.officer).get(f"/planning/{plan.pk}/").content.decode()
    assert 'id="plan-totals"' in plan_page
