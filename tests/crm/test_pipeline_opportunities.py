"""Opportunities through the API: made on an account in a stage, checked values (a refused one
writes nothing), moves between stages and within a stage (positions stay distinct and in
order), a lost stage needs a lost reason, each move in the stage history, the list's filters,
and the board: its columns and cards in a fixed number of queries, however many there are."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.models import CustomField, Opportunity, StageChange, TimelineEntry
from tests.crm.pipeline_factories import ADMIN, Crm, account_make, snapshot

pytestmark = pytest.mark.django_db


def column(crm: Crm, stage: str) -> list[str]:
    qs = Opportunity.objects.filter(stage=crm.stage(stage)).order_by("position", "pk")
    return list(qs.values_list("title", flat=True))


def test_an_opportunity_is_made_in_the_first_open_stage_of_the_default_pipeline():
    crm = Crm()
    response = crm.as_().post(
        crm.api("crm-opportunities"),
        {
            "account": crm.account.pk,
            "title": "Diesel for the winter",
            "amount": "125000.50",
            "currency": "EUR",
            "expected_close": "2030-01-31",
            "owner": crm.people[ADMIN].pk,
            "competitors": ["Fuel Co", "Fuel Co", " Oil  Ltd "],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account"] == {"id": crm.account.pk, "name": "Customer One"}
    assert body["stage"] == crm.stage("New").pk and body["status"] == "open"
    assert body["amount"] == "125000.50" and body["currency"] == "EUR"
    assert body["probability"] is None and body["effective_probability"] == 10
    assert body["owner"]["id"] == crm.people[ADMIN].pk
    assert body["competitors"] == ["Fuel Co", "Oil Ltd"]
    history = StageChange.objects.get(opportunity_id=body["id"])
    assert history.from_stage is None and history.changed_by == crm.manager
    entry = TimelineEntry.objects.get(account=crm.account)
    assert entry.kind == "stage" and "Diesel for the winter" in entry.title


def test_a_probability_set_on_the_opportunity_wins_over_its_stages():
    crm = Crm()
    opportunity = crm.opportunity(probability=35)
    body = crm.as_().get(crm.api("crm-opportunity", opportunity_id=opportunity.pk)).json()
    assert body["probability"] == 35 and body["effective_probability"] == 35
    cleared = crm.as_().patch(
        crm.api("crm-opportunity", opportunity_id=opportunity.pk),
        {"probability": None},
        format="json",
    )
    assert cleared.json()["effective_probability"] == 10


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"account": "other"}, "account"),
        ({"owner": "outsider"}, "owner"),
        ({"title": ""}, "title"),
        ({"amount": "-1"}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"currency": "XXX"}, "currency"),
        ({"probability": 150}, "probability"),
        ({"stage": "other"}, "stage"),
        ({"pipeline": "other"}, "pipeline"),
        ({"custom": {"unknown": 1}}, "custom.unknown"),
        ({"custom": {"budget": "lots"}}, "custom.budget"),
        ({"lot": 999999}, "lot"),
        ({"tender": 999999}, "tender"),
        ({"competitors": ["x"] * 21}, "competitors"),
    ],
)
def test_bad_values_are_refused_with_the_field_named_and_nothing_written(change, field):
    crm = Crm()
    other = Crm()
    CustomField.objects.create(
        workspace=crm.ws, entity="opportunity", key="budget", label="Budget", type="number"
    )
    values = {"account": crm.account.pk, "title": "Deal"}
    substitutes = {
        "other": {
            "account": other.account.pk,
            "stage": other.stage("New").pk,
            "pipeline": other.pipeline().pk,
        },
        "outsider": {"owner": crm.outsider_manager.pk},
    }
    for key, value in change.items():
        values[key] = (
            substitutes[value][key] if isinstance(value, str) and value in substitutes else value
        )
    crm.pipeline()
    before = snapshot()
    response = crm.as_().post(crm.api("crm-opportunities"), values, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
    assert snapshot() == before


def test_custom_fields_are_kept_as_their_type_says():
    crm = Crm()
    CustomField.objects.create(
        workspace=crm.ws, entity="opportunity", key="budget", label="Budget", type="number"
    )
    made = crm.as_().post(
        crm.api("crm-opportunities"),
        {"account": crm.account.pk, "title": "Deal", "custom": {"budget": "1 500,5"}},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["custom"] == {"budget": "1500.5"}


def test_moving_to_another_stage_records_who_when_from_and_to():
    crm = Crm()
    opportunity = crm.opportunity("Deal", stage="New")
    c = crm.as_(crm.people[ADMIN])
    moved = c.post(
        crm.api("crm-opportunity-move", opportunity_id=opportunity.pk),
        {"stage": crm.stage("Qualified").pk},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["stage"] == crm.stage("Qualified").pk
    won = c.post(
        crm.api("crm-opportunity-move", opportunity_id=opportunity.pk),
        {"stage": crm.stage("Won").pk},
    )
    assert won.json()["status"] == "won" and won.json()["won_amount"] == "1000.00"
    assert won.json()["closed_at"] is not None
    history = c.get(crm.api("crm-opportunity-history", opportunity_id=opportunity.pk))
    assert history.status_code == 200
    rows = history.json()
    assert [(r["from_stage"] and r["from_stage"]["name"], r["to_stage"]["name"]) for r in rows] == [
        (None, "New"),
        ("New", "Qualified"),
        ("Qualified", "Won"),
    ]
    assert rows[1]["changed_by"]["id"] == crm.people[ADMIN].pk and rows[1]["event"] is None
    reopened = c.post(
        crm.api("crm-opportunity-move", opportunity_id=opportunity.pk),
        {"stage": crm.stage("Qualified").pk},
    )
    assert reopened.json()["status"] == "open" and reopened.json()["won_amount"] is None


def test_a_lost_stage_needs_a_lost_reason():
    crm = Crm()
    opportunity = crm.opportunity("Deal")
    url = crm.api("crm-opportunity-move", opportunity_id=opportunity.pk)
    before = snapshot()
    refused = crm.as_().post(url, {"stage": crm.stage("Lost").pk})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "lost_reason_required"
    assert "lost_reason" in refused.json()["error"]["fields"]
    assert snapshot() == before
    lost = crm.as_().post(
        url, {"stage": crm.stage("Lost").pk, "lost_reason": "price", "lost_note": "Too dear"}
    )
    body = lost.json()
    assert (body["status"], body["lost_reason"], body["lost_note"]) == ("lost", "price", "Too dear")


def test_cards_take_the_place_they_are_dropped_at():
    crm = Crm()
    a, b, c = (crm.opportunity(t, stage="Qualified") for t in "ABC")
    x = crm.opportunity("X", stage="New")
    client = crm.as_()
    qualified = crm.stage("Qualified").pk

    def move(card, **where):
        url = crm.api("crm-opportunity-move", opportunity_id=card.pk)
        response = client.post(url, {"stage": qualified, **where}, format="json")
        assert response.status_code == 200, response.content

    assert column(crm, "Qualified") == ["A", "B", "C"]
    move(x, after=a.pk)
    assert column(crm, "Qualified") == ["A", "X", "B", "C"]
    move(c, before=a.pk)
    assert column(crm, "Qualified") == ["C", "A", "X", "B"]
    move(a, index=3)
    assert column(crm, "Qualified") == ["C", "X", "B", "A"]
    move(b, index=0)
    assert column(crm, "Qualified") == ["B", "C", "X", "A"]
    move(c)  # no place: the bottom
    assert column(crm, "Qualified") == ["B", "X", "A", "C"]
    positions = list(
        Opportunity.objects.filter(stage_id=qualified).values_list("position", flat=True)
    )
    assert len(set(positions)) == 4
    # Reordering within a stage is not a stage change.
    assert StageChange.objects.filter(opportunity=b).count() == 1


def test_a_neighbour_must_be_in_the_target_stage_and_only_one_place_is_given():
    crm = Crm()
    a = crm.opportunity("A", stage="New")
    elsewhere = crm.opportunity("B", stage="Qualified")
    url = crm.api("crm-opportunity-move", opportunity_id=a.pk)
    other = Crm()
    other_stage = other.stage("New").pk
    before = snapshot()
    refused = crm.as_().post(url, {"stage": crm.stage("New").pk, "after": elsewhere.pk})
    assert refused.status_code == 400 and "after" in refused.json()["error"]["fields"]
    refused = crm.as_().post(
        url, {"stage": crm.stage("Qualified").pk, "after": elsewhere.pk, "index": 0}
    )
    assert refused.status_code == 400
    refused = crm.as_().post(url, {"stage": other_stage})
    assert refused.status_code == 400 and "stage" in refused.json()["error"]["fields"]
    assert snapshot() == before


def test_the_list_filters():
    crm = Crm()
    second = account_make(crm.ws, "Second Account")
    today = timezone.localdate()
    crm.opportunity("Alpha diesel", amount=Decimal("100"), expected_close=today)
    crm.opportunity(
        "Beta petrol",
        stage="Qualified",
        amount=Decimal("5000"),
        expected_close=today + timedelta(days=40),
        owner_id=crm.people[ADMIN].pk,
        account_id=second.pk,
    )
    crm.opportunity("Gamma", stage="Won", amount=Decimal("900"), currency="EUR")
    c = crm.as_(crm.people["bidder"])  # a reader lists

    def titles(**params) -> list[str]:
        response = c.get(crm.api("crm-opportunities"), params)
        assert response.status_code == 200, response.content
        return sorted(row["title"] for row in response.json()["results"])

    assert titles() == ["Alpha diesel", "Beta petrol", "Gamma"]
    assert titles(stage=crm.stage("Qualified").pk) == ["Beta petrol"]
    assert titles(owner=crm.people[ADMIN].pk) == ["Beta petrol"]
    assert titles(status="won") == ["Gamma"]
    assert titles(currency="EUR") == ["Gamma"]
    assert titles(expected_close_from=today + timedelta(days=1)) == ["Beta petrol"]
    assert titles(expected_close_to=today.isoformat()) == ["Alpha diesel"]
    assert titles(amount_min="500", amount_max="1000") == ["Gamma"]
    assert titles(q="DIESEL") == ["Alpha diesel"]
    assert titles(q="second acc") == ["Beta petrol"]
    assert titles(account=second.pk) == ["Beta petrol"]
    for bad in ({"status": "maybe"}, {"expected_close_from": "soon"}, {"amount_min": "x"}):
        response = c.get(crm.api("crm-opportunities"), bad)
        assert response.status_code == 400, bad


def test_the_board_shows_each_stage_with_its_count_totals_and_first_cards():
    crm = Crm()
    for i in range(3):
        crm.opportunity(f"Q{i}", stage="Qualified", amount=Decimal("1000"), probability=50)
    crm.opportunity("Q-eur", stage="Qualified", amount=Decimal("10"), currency="EUR")
    crm.opportunity("N", stage="New", amount=None)
    pipeline = crm.pipeline()
    response = crm.as_(crm.people["procurement_officer"]).get(
        crm.api("crm-pipeline-board", pipeline_id=pipeline.pk), {"per_stage": 2}
    )
    assert response.status_code == 200, response.content
    board = response.json()
    assert board["pipeline"]["id"] == pipeline.pk
    by_name = {col["stage"]["name"]: col for col in board["columns"]}
    assert list(by_name) == ["New", "Qualified", "Applied", "Admitted", "Bidding", "Won", "Lost"]
    qualified = by_name["Qualified"]
    assert qualified["count"] == 4
    assert [card["title"] for card in qualified["cards"]] == ["Q0", "Q1"]
    assert qualified["cards"][0]["probability"] == 50
    assert qualified["totals"] == [
        {"currency": "EUR", "amount": "10.00", "weighted": "2.50"},
        {"currency": "UAH", "amount": "3000.00", "weighted": "1500.00"},
    ]
    assert by_name["New"]["count"] == 1 and by_name["Won"]["count"] == 0
    filtered = (
        crm.as_().get(crm.api("crm-pipeline-board", pipeline_id=pipeline.pk), {"q": "eur"}).json()
    )
    assert [c["count"] for c in filtered["columns"]] == [0, 1, 0, 0, 0, 0, 0]


def bulk(crm: Crm, n: int) -> None:
    stages = list(crm.pipeline().stages.order_by("position"))
    accounts = [account_make(crm.ws, f"Account {i}") for i in range(20)]
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                workspace=crm.ws,
                account=accounts[i % len(accounts)],
                pipeline=stages[0].pipeline,
                stage=stages[i % len(stages)],
                title=f"Opportunity {i}",
                amount=Decimal(i),
                owner=crm.manager if i % 2 else None,
                position=i,
                expected_close=date(2030, 1, 1),
            )
            for i in range(n)
        ],
        batch_size=1000,
    )


def test_the_board_of_5000_opportunities_takes_a_fixed_number_of_queries():
    crm = Crm()
    pipeline = crm.pipeline()
    c = crm.as_()
    url = crm.api("crm-pipeline-board", pipeline_id=pipeline.pk)
    bulk(crm, 14)
    with CaptureQueriesContext(connection) as few:
        small = c.get(url, {"per_stage": 200})
    assert small.status_code == 200
    Opportunity.objects.filter(workspace=crm.ws).delete()
    bulk(crm, 5000)
    with CaptureQueriesContext(connection) as many:
        response = c.get(url, {"per_stage": 200})
    assert response.status_code == 200
    columns = response.json()["columns"]
    assert sum(col["count"] for col in columns) == 5000
    assert all(len(col["cards"]) == 200 for col in columns)
    assert all(
        card["owner"] is None or card["owner"]["name"] for col in columns for card in col["cards"]
    )
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(many.captured_queries) <= 8, [q["sql"][:120] for q in many.captured_queries]
    listed = CaptureQueriesContext(connection)
    with listed:
        page = c.get(crm.api("crm-opportunities"), {"page_size": 200})
    assert page.status_code == 200 and len(page.json()["results"]) == 200
    assert len(listed.captured_queries) <= 8, [q["sql"][:120] for q in listed.captured_queries]


def test_an_update_changes_values_not_the_stage():
    crm = Crm()
    opportunity = crm.opportunity("Deal")
    second = account_make(crm.ws, "Second")
    response = crm.as_().patch(
        crm.api("crm-opportunity", opportunity_id=opportunity.pk),
        {"title": "Bigger deal", "amount": "2000", "account": second.pk, "owner": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["amount"], body["account"]["id"]) == (
        "Bigger deal",
        "2000.00",
        second.pk,
    )
    assert body["stage"] == opportunity.stage_id
    deleted = crm.as_().delete(crm.api("crm-opportunity", opportunity_id=opportunity.pk))
    assert deleted.status_code == 204
    assert not Opportunity.objects.filter(pk=opportunity.pk).exists()
