"""The plan's rules, each service's refusals (and that a refusal writes nothing), and the events
a plan tells."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from auctions.models import TenderStatus
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.events.models import Event
from planning import services
from planning.models import PlanLine, PlanLineTender, PlanStatus, ProcurementPlan
from tests.factories import CategoryFactory

from .factories import YEAR, Plans, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> Plans:
    return Plans()


def refused(fn, *, code: str, status: int | None = None, fields: set[str] | None = None):
    before = snapshot()
    with pytest.raises(ApplicationError) as caught:
        fn()
    assert caught.value.code == code, caught.value.message
    if status is not None:
        assert caught.value.status_code == status
    if fields is not None:
        assert set(caught.value.fields) == fields
    assert snapshot() == before
    return caught.value


# --- Plans -------------------------------------------------------------------------------------


def test_a_manager_makes_a_draft_plan(w):
    plan = w.plan(currency="EUR")
    assert plan.status == PlanStatus.DRAFT
    assert (plan.buyer_id, plan.year, plan.currency, plan.created_by) == (
        w.buyer.pk,
        YEAR,
        "EUR",
        w.officer,
    )
    assert w.plan(actor=w.buyer_admin, year=YEAR + 1).year == YEAR + 1


def test_one_plan_per_buyer_and_year(w):
    w.plan()
    error = refused(lambda: w.plan(title="Again"), code="plan_exists", status=409)
    assert error.fields == {"year": [error.message]}
    # The constraint stands behind the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcurementPlan.objects.create(buyer=w.buyer, year=YEAR, title="Direct")
    # Another buyer has its own plan for the same year.
    assert w.plan(buyer=w.rival).year == YEAR


@pytest.mark.parametrize(
    "kwargs, fields",
    [
        ({"year": 1999}, {"year"}),
        ({"year": "next"}, {"year"}),
        ({"title": "   "}, {"title"}),
        ({"title": "x" * 301}, {"title"}),
        ({"currency": "XYZ"}, {"currency"}),
        ({"year": 3000, "title": ""}, {"year", "title"}),
    ],
)
def test_plan_input_is_checked_with_its_fields(w, kwargs, fields):
    values = {"year": YEAR, "title": "Plan", "currency": "UAH", **kwargs}
    refused(
        lambda: services.plan_create(actor=w.officer, buyer_id=w.buyer.pk, **values),
        code="invalid",
        status=400,
        fields=fields,
    )


def test_only_the_buyers_managers_make_plans(w):
    for user in (w.buyer_bidder, w.stranger, w.rival_officer, w.supplier_admin):
        refused(
            lambda user=user: services.plan_create(
                actor=user, buyer_id=w.buyer.pk, year=YEAR, title="Mine"
            ),
            code="not_plan_manager",
            status=403,
        )


def test_a_supplier_only_company_makes_no_plan(w):
    refused(
        lambda: services.plan_create(
            actor=w.supplier_admin, buyer_id=w.supplier.pk, year=YEAR, title="Plan"
        ),
        code="not_a_buyer",
        fields={"buyer"},
    )


def test_a_draft_is_changed_and_deleted_a_published_plan_is_not(w):
    plan = w.plan()
    services.plan_update(actor=w.officer, plan_id=plan.pk, title="Renamed", currency="EUR")
    plan.refresh_from_db()
    assert (plan.title, plan.currency) == ("Renamed", "EUR")
    w.line(plan)
    services.plan_publish(actor=w.officer, plan_id=plan.pk)
    refused(
        lambda: services.plan_update(actor=w.officer, plan_id=plan.pk, title="Late"),
        code="plan_published",
        status=409,
    )
    refused(lambda: services.plan_delete(actor=w.officer, plan_id=plan.pk), code="plan_published")
    refused(lambda: w.line(plan), code="plan_published")
    refused(lambda: services.plan_publish(actor=w.officer, plan_id=plan.pk), code="plan_published")
    draft = w.plan(year=YEAR + 1)
    w.line(draft)
    services.plan_delete(actor=w.officer, plan_id=draft.pk)
    assert not PlanLine.objects.filter(plan_id=draft.pk).exists()


def test_changing_the_year_to_a_taken_one_is_refused(w):
    w.plan()
    other = w.plan(year=YEAR + 1)
    refused(
        lambda: services.plan_update(actor=w.officer, plan_id=other.pk, year=YEAR),
        code="plan_exists",
        fields={"year"},
    )


def test_a_member_without_the_role_edits_nothing(w):
    plan = w.plan()
    line = w.line(plan)
    for fn in (
        lambda: services.plan_update(actor=w.buyer_bidder, plan_id=plan.pk, title="No"),
        lambda: services.plan_publish(actor=w.buyer_bidder, plan_id=plan.pk),
        lambda: services.plan_delete(actor=w.buyer_bidder, plan_id=plan.pk),
        lambda: w.line(plan, actor=w.buyer_bidder),
        lambda: services.line_delete(actor=w.buyer_bidder, plan_id=plan.pk, line_id=line.pk),
    ):
        refused(fn, code="not_plan_manager", status=403)
    # A stranger does not learn the draft exists.
    refused(
        lambda: services.plan_update(actor=w.rival_officer, plan_id=plan.pk, title="No"),
        code="plan_not_found",
        status=404,
    )


def test_publishing_needs_a_line_and_tells_everyone(w):
    plan = w.plan()
    refused(lambda: services.plan_publish(actor=w.officer, plan_id=plan.pk), code="plan_empty")
    w.line(plan, budget="100.50")
    w.line(plan, budget="200.00", quarter=2)
    w.line(plan, budget="50.00", currency="EUR")
    services.plan_publish(actor=w.officer, plan_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
    event = Event.objects.get(type="plan.published")
    assert event.public and event.company_id == w.buyer.pk
    # Each currency's budgets on their own, never added together.
    assert event.payload["budgets"] == [
        {"currency": "EUR", "amount": "50.00"},
        {"currency": "UAH", "amount": "300.50"},
    ]
    assert event.payload["lines"] == 3


# --- Lines -------------------------------------------------------------------------------------


def test_a_line_takes_the_plans_currency_unless_given(w):
    plan = w.plan(currency="EUR")
    assert w.line(plan).currency == "EUR"
    assert w.line(plan, currency="USD").currency == "USD"


@pytest.mark.parametrize(
    "overrides, fields",
    [
        ({"quarter": 0}, {"quarter"}),
        ({"quarter": 5}, {"quarter"}),
        ({"quarter": True}, {"quarter"}),
        ({"budget": "0"}, {"budget"}),
        ({"budget": "-5"}, {"budget"}),
        ({"budget": "1.005"}, {"budget"}),
        ({"budget": "lots"}, {"budget"}),
        ({"budget": "NaN"}, {"budget"}),
        ({"budget": "1" * 20}, {"budget"}),
        ({"description": " "}, {"description"}),
        ({"category_id": 10**9}, {"category"}),
        ({"currency": "BTC"}, {"currency"}),
        ({"auction_format": "lottery"}, {"auction_format"}),
        ({"quarter": 9, "budget": "0"}, {"quarter", "budget"}),
    ],
)
def test_line_input_is_checked_with_its_fields(w, overrides, fields):
    plan = w.plan()
    refused(lambda: w.line(plan, **overrides), code="invalid", status=400, fields=fields)


def test_the_quarter_and_budget_are_constrained_in_the_database(w):
    plan = w.plan()
    line = w.line(plan)
    for values in ({"quarter": 5}, {"quarter": 0}, {"budget": Decimal("0")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            PlanLine.objects.filter(pk=line.pk).update(**values)


def test_a_line_is_changed_and_removed_in_a_draft(w):
    plan = w.plan()
    line = w.line(plan)
    services.line_update(
        actor=w.officer,
        plan_id=plan.pk,
        line_id=line.pk,
        quarter=3,
        budget=Decimal("12.34"),
        auction_format="rounds",
    )
    line.refresh_from_db()
    assert (line.quarter, line.budget, line.auction_format) == (3, Decimal("12.34"), "rounds")
    services.line_delete(actor=w.officer, plan_id=plan.pk, line_id=line.pk)
    assert not PlanLine.objects.filter(pk=line.pk).exists()


def test_a_line_of_another_plan_is_not_found(w):
    plan = w.plan()
    other = w.plan(year=YEAR + 1)
    line = w.line(other)
    refused(
        lambda: services.line_delete(actor=w.officer, plan_id=plan.pk, line_id=line.pk),
        code="line_not_found",
        status=404,
    )


# --- Links -------------------------------------------------------------------------------------


def test_a_tender_in_the_lines_category_or_below_is_linked(w):
    plan = w.plan()
    line = w.line(plan, category=w.root)  # "Fuels"; the tender is in "Diesel" under it
    tender = w.tender()
    link = services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=tender.pk
    )
    assert (link.line_id, link.tender_id, link.lot_id) == (line.pk, tender.pk, None)
    event = Event.objects.get(type="plan_line.linked")
    assert event.payload == {"plan": plan.pk, "line": line.pk, "tender": tender.pk, "lot": None}
    assert not event.public and event.company_id == w.buyer.pk
    same = w.line(plan, category=w.category, quarter=2)
    services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=same.pk, tender_id=w.tender().pk
    )


def test_a_tender_above_or_beside_the_lines_category_is_refused(w):
    plan = w.plan()
    narrow = w.line(plan, category=w.category)
    above = w.tender(category=w.root)  # "Fuels" is above "Diesel"
    beside = w.tender(category=w.elsewhere)
    sibling = CategoryFactory(code="TR200000", name_en="Petrol", parent=w.root)
    # "TR1" must not cover "TR10..." by a bare prefix: a sibling whose path starts alike.
    lookalike = CategoryFactory(code="TR100000X", name_en="Lookalike", parent=w.root)
    for tender in (above, beside, w.tender(category=sibling), w.tender(category=lookalike)):
        refused(
            lambda tender=tender: services.line_link_tender(
                actor=w.officer, plan_id=plan.pk, line_id=narrow.pk, tender_id=tender.pk
            ),
            code="tender_misfit",
            fields={"tender"},
        )


def test_a_tender_in_another_currency_is_refused(w):
    plan = w.plan()
    line = w.line(plan, currency="EUR")
    tender = w.tender()  # UAH
    error = refused(
        lambda: services.line_link_tender(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=tender.pk
        ),
        code="tender_misfit",
    )
    assert "EUR" in error.message and "UAH" in error.message


def test_another_buyers_tender_is_not_found(w):
    plan = w.plan()
    line = w.line(plan)
    theirs = w.tender(buyer=w.rival)
    refused(
        lambda: services.line_link_tender(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=theirs.pk
        ),
        code="tender_not_found",
        fields={"tender"},
    )
    refused(
        lambda: services.line_link_tender(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=10**12
        ),
        code="tender_not_found",
    )


def test_a_cancelled_tender_and_a_foreign_lot_are_refused(w):
    plan = w.plan()
    line = w.line(plan)
    cancelled = w.tender()
    type(cancelled).objects.filter(pk=cancelled.pk).update(status=TenderStatus.CANCELLED)
    refused(
        lambda: services.line_link_tender(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=cancelled.pk
        ),
        code="tender_cancelled",
    )
    tender, other = w.tender(), w.tender()
    refused(
        lambda: services.line_link_tender(
            actor=w.officer,
            plan_id=plan.pk,
            line_id=line.pk,
            tender_id=tender.pk,
            lot_id=other.lots.get().pk,
        ),
        code="lot_not_found",
        fields={"lot"},
    )


def test_each_lot_counts_toward_one_line(w):
    plan = w.plan()
    q1, q2 = w.line(plan, quarter=1), w.line(plan, quarter=2)
    tender = w.tender(lots=2)
    lot1, lot2 = tender.lots.order_by("number")

    def link(line, lot=None):
        return services.line_link_tender(
            actor=w.officer,
            plan_id=plan.pk,
            line_id=line.pk,
            tender_id=tender.pk,
            lot_id=lot.pk if lot else None,
        )

    # Lot by lot to two lines.
    link(q1, lot1)
    link(q2, lot2)
    refused(lambda: link(q2, lot1), code="already_linked", status=409)
    refused(lambda: link(q1), code="already_linked")  # whole, while its lots are linked
    # Whole to one line: nothing else of it anywhere, this year's plan or the next.
    whole = w.tender(lots=2)
    services.line_link_tender(actor=w.officer, plan_id=plan.pk, line_id=q1.pk, tender_id=whole.pk)
    next_year = w.plan(year=YEAR + 1)
    later = w.line(next_year)
    refused(
        lambda: services.line_link_tender(
            actor=w.officer, plan_id=next_year.pk, line_id=later.pk, tender_id=whole.pk
        ),
        code="already_linked",
    )
    refused(
        lambda: services.line_link_tender(
            actor=w.officer,
            plan_id=plan.pk,
            line_id=q2.pk,
            tender_id=whole.pk,
            lot_id=whole.lots.first().pk,
        ),
        code="already_linked",
    )
    # The constraints stand behind the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLineTender.objects.create(line=q2, tender=whole)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLineTender.objects.create(line=q1, tender=tender, lot=lot2)


def test_links_are_made_in_a_published_plan_and_taken_off(w):
    plan = w.plan()
    line = w.line(plan)
    services.plan_publish(actor=w.officer, plan_id=plan.pk)
    link = services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=w.tender().pk
    )
    refused(
        lambda: services.line_unlink_tender(
            actor=w.buyer_bidder, plan_id=plan.pk, line_id=line.pk, link_id=link.pk
        ),
        code="not_plan_manager",
    )
    services.line_unlink_tender(actor=w.officer, plan_id=plan.pk, line_id=line.pk, link_id=link.pk)
    assert not PlanLineTender.objects.exists()
    refused(
        lambda: services.line_unlink_tender(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, link_id=link.pk
        ),
        code="link_not_found",
        status=404,
    )


def test_a_line_with_links_keeps_what_they_fit(w):
    plan = w.plan()
    line = w.line(plan, category=w.root)
    services.line_link_tender(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, tender_id=w.tender().pk
    )
    refused(
        lambda: services.line_update(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, category_id=w.elsewhere.pk
        ),
        code="linked_tender_misfit",
        fields={"category"},
    )
    refused(
        lambda: services.line_update(
            actor=w.officer, plan_id=plan.pk, line_id=line.pk, currency="EUR"
        ),
        code="linked_tender_misfit",
        fields={"currency"},
    )
    # Narrowing to the tender's own category still fits.
    services.line_update(
        actor=w.officer, plan_id=plan.pk, line_id=line.pk, category_id=w.category.pk
    )


def test_a_readers_link_is_refused(w):
    plan = w.plan()
    line = w.line(plan)
    tender = w.tender()
    with pytest.raises(PermissionDeniedError):
        services.line_link_tender(
            actor=w.buyer_bidder, plan_id=plan.pk, line_id=line.pk, tender_id=tender.pk
        )
    with pytest.raises(ConflictError):
        services.plan_publish(actor=w.officer, plan_id=w.plan(year=YEAR + 1).pk)
    assert not PlanLineTender.objects.exists()
