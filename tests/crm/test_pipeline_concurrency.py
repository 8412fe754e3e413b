"""Races on PostgreSQL, each side in its own thread and connection: a workspace's default
pipelines made once when its first requests come together; cards moved into and out of the same
stages at once keep distinct positions, none lost, no deadlock."""

from __future__ import annotations

import pytest

from crm import pipeline_opportunities as opportunities
from crm.models import Opportunity, Pipeline
from tests.crm.pipeline_factories import Crm, client
from tests.threads import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_first_requests_of_a_workspace_make_its_pipelines_once():
    for _round in range(5):
        crm = Crm(buyer=True, supplier=True)
        people = list(crm.people.values())
        url = crm.api("crm-pipelines")
        calls = [lambda user=p, url=url: client(user).get(url).status_code for p in people]
        assert together(calls) == [200] * len(people)
        kinds = sorted(Pipeline.objects.filter(workspace=crm.ws).values_list("kind", flat=True))
        assert kinds == ["purchase", "sales"]
        assert crm.pipeline().stages.count() == 7


def test_cards_moved_at_once_keep_distinct_positions_and_none_is_lost():
    crm = Crm()
    a = [crm.opportunity(f"A{i}", stage="Qualified") for i in range(8)]
    b = [crm.opportunity(f"B{i}", stage="Applied") for i in range(8)]
    qualified, applied = crm.stage("Qualified"), crm.stage("Applied")

    def move(card, stage, **where):
        return lambda: (
            opportunities.opportunity_move(
                user=crm.manager,
                workspace_id=crm.ws.pk,
                opportunity_id=card.pk,
                stage_id=stage.pk,
                **where,
            ).stage_id
        )

    calls = []
    for i in range(4):  # across, both ways at once (locks taken in one order: no deadlock)
        calls.append(move(a[i], applied, index=0))
        calls.append(move(b[i], qualified, after=a[7].pk))
    for i in range(4, 6):  # within a stage
        calls.append(move(a[i], qualified, index=0))
        calls.append(move(b[i], applied, before=b[7].pk))
    results = together(calls)
    assert not [r for r in results if isinstance(r, Exception)], results
    for stage in (qualified, applied):
        positions = list(Opportunity.objects.filter(stage=stage).values_list("position", flat=True))
        assert len(positions) == len(set(positions)) == 8, (stage.name, positions)
    assert Opportunity.objects.filter(workspace=crm.ws).count() == 16


def test_cards_made_at_once_in_one_stage_get_distinct_positions():
    crm = Crm()
    crm.pipeline()

    def make(i):
        return lambda: crm.opportunity(f"N{i}", stage="New").position

    results = together([make(i) for i in range(8)])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == list(range(1, 9))
