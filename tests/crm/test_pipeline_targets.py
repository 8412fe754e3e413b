"""Sales targets through the API: a person's or the whole workspace's, per period and currency;
checked values, no two overlapping periods for one owner and currency; a refused change writes
nothing."""

from __future__ import annotations

import pytest

from crm.models import SalesTarget
from tests.crm.pipeline_factories import ADMIN, BIDDER, Crm, snapshot

pytestmark = pytest.mark.django_db


def test_targets_for_a_manager_and_for_the_whole_workspace():
    crm = Crm()
    c = crm.as_()
    mine = c.post(
        crm.api("crm-targets"),
        {
            "owner": crm.manager.pk,
            "period_start": "2030-01-01",
            "period_end": "2030-03-31",
            "amount": "150000",
        },
    )
    assert mine.status_code == 201, mine.content
    assert mine.json()["owner"]["id"] == crm.manager.pk and mine.json()["currency"] == "UAH"
    team = c.post(
        crm.api("crm-targets"),
        {"period_start": "2030-01-01", "period_end": "2030-12-31", "amount": "900000"},
    )
    assert team.status_code == 201 and team.json()["owner"] is None
    bidder = c.post(  # a bidder (sales) of the workspace may have a target too
        crm.api("crm-targets"),
        {
            "owner": crm.people[BIDDER].pk,
            "period_start": "2030-01-01",
            "period_end": "2030-01-31",
            "amount": "1",
            "currency": "EUR",
        },
    )
    assert bidder.status_code == 201
    listed = crm.as_(crm.people[BIDDER]).get(crm.api("crm-targets"), {"owner": crm.manager.pk})
    assert [t["id"] for t in listed.json()["results"]] == [mine.json()["id"]]
    on = c.get(crm.api("crm-targets"), {"on": "2030-06-01"}).json()["results"]
    assert [t["id"] for t in on] == [team.json()["id"]]
    changed = c.patch(
        crm.api("crm-target", target_id=mine.json()["id"]),
        {"amount": "200000", "period_end": "2030-04-30"},
    )
    assert changed.status_code == 200 and changed.json()["amount"] == "200000.00"
    gone = crm.as_(crm.people[ADMIN]).delete(crm.api("crm-target", target_id=team.json()["id"]))
    assert gone.status_code == 204
    assert SalesTarget.objects.filter(workspace=crm.ws).count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"period_end": "2030-12-31"}, "period_end"),  # before it starts
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"currency": "ABC"}, "currency"),
        ({"owner": "outsider"}, "owner"),
        ({"period_start": "2030-03-01", "period_end": "2030-05-01"}, "period_start"),  # overlaps
        ({"period_start": "yesterday"}, "period_start"),
    ],
)
def test_bad_targets_are_refused_and_nothing_is_written(values, field):
    crm = Crm()
    existing = {"period_start": "2030-01-01", "period_end": "2030-03-31", "amount": "1000"}
    made = crm.as_().post(crm.api("crm-targets"), {"owner": crm.manager.pk, **existing})
    assert made.status_code == 201
    data = {
        "owner": crm.manager.pk,
        "period_start": "2031-01-01",
        "period_end": "2031-01-31",
        "amount": "100",
        **values,
    }
    if data["owner"] == "outsider":
        data["owner"] = crm.outsider_manager.pk
    before = snapshot()
    response = crm.as_().post(crm.api("crm-targets"), data)
    assert response.status_code == 400, (data, response.content)
    assert field in response.json()["error"]["fields"], response.json()
    assert snapshot() == before
