"""Pipelines and stages through the API: a workspace's defaults made on first use (a supplier's
sales pipeline, a buyer's purchase pipeline), editing by account managers and admins (rename,
add, reorder, change; a stage in use is not deleted nor changes its kind: 409), and a refused
change writes nothing."""

from __future__ import annotations

import pytest

from crm.models import Pipeline, Stage
from tests.crm.pipeline_factories import ADMIN, MANAGER, Crm, snapshot

pytestmark = pytest.mark.django_db


def names(pipeline: dict) -> list[str]:
    return [s["name"] for s in pipeline["stages"]]


def test_a_supplier_gets_its_sales_pipeline_once_on_first_use():
    crm = Crm()
    assert not Pipeline.objects.filter(workspace=crm.ws).exists()
    first = crm.as_().get(crm.api("crm-pipelines"))
    assert first.status_code == 200, first.content
    body = first.json()
    assert [(p["kind"], p["is_default"]) for p in body] == [("sales", True)]
    assert names(body[0]) == [
        "New",
        "Qualified",
        "Applied",
        "Admitted",
        "Bidding",
        "Won",
        "Lost",
    ]
    stages = body[0]["stages"]
    assert [s["auto"] for s in stages] == ["", "", "applied", "admitted", "bid", "won", "lost"]
    assert [s["kind"] for s in stages][-2:] == ["won", "lost"]
    assert [s["position"] for s in stages] == list(range(1, 8))
    again = crm.as_(crm.people[ADMIN]).get(crm.api("crm-pipelines"))
    assert again.json() == body
    assert Pipeline.objects.filter(workspace=crm.ws).count() == 1


def test_a_buyer_gets_a_purchase_pipeline_following_its_tender():
    crm = Crm(buyer=True, supplier=False)
    body = crm.as_().get(crm.api("crm-pipelines")).json()
    assert [p["kind"] for p in body] == ["purchase"]
    assert names(body[0]) == ["Planned", "Published", "Auction", "Awarded", "Cancelled"]
    assert [s["auto"] for s in body[0]["stages"]] == [
        "",
        "published",
        "auction",
        "awarded",
        "cancelled",
    ]
    both = Crm(buyer=True, supplier=True)
    kinds = [p["kind"] for p in both.as_().get(both.api("crm-pipelines")).json()]
    assert sorted(kinds) == ["purchase", "sales"]


def test_managers_rename_add_and_reorder_stages():
    crm = Crm()
    pipeline = crm.pipeline()
    c = crm.as_()
    renamed = c.patch(crm.api("crm-pipeline", pipeline_id=pipeline.pk), {"name": "  Direct sales "})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Direct sales"
    added = c.post(
        crm.api("crm-stages", pipeline_id=pipeline.pk),
        {"name": "Negotiation", "probability": 80},
    )
    assert added.status_code == 201, added.content
    assert added.json()["position"] == 8 and added.json()["kind"] == "open"
    ids = list(pipeline.stages.order_by("position").values_list("pk", flat=True))
    order = [ids[0], ids[-1], *ids[1:-1]]  # the new one second
    reordered = c.put(crm.api("crm-stages-order", pipeline_id=pipeline.pk), {"stages": order})
    assert reordered.status_code == 200, reordered.content
    assert [s["id"] for s in reordered.json()] == order
    assert list(pipeline.stages.order_by("position").values_list("pk", flat=True)) == order
    assert list(pipeline.stages.order_by("position").values_list("position", flat=True)) == list(
        range(1, 9)
    )
    changed = c.patch(
        crm.api("crm-stage", pipeline_id=pipeline.pk, stage_id=added.json()["id"]),
        {"name": "Talks", "probability": 85},
    )
    assert changed.json()["name"] == "Talks" and changed.json()["probability"] == 85


def test_a_new_pipeline_starts_with_its_kinds_stages_and_may_be_deleted_while_empty():
    crm = Crm()
    c = crm.as_()
    made = c.post(crm.api("crm-pipelines"), {"name": "Tenders abroad", "kind": "purchase"})
    assert made.status_code == 201
    assert names(made.json()) == ["Planned", "Published", "Auction", "Awarded", "Cancelled"]
    assert made.json()["is_default"] is False
    gone = c.delete(crm.api("crm-pipeline", pipeline_id=made.json()["id"]))
    assert gone.status_code == 204
    assert not Pipeline.objects.filter(pk=made.json()["id"]).exists()


def test_a_default_pipeline_or_one_with_opportunities_is_not_deleted():
    crm = Crm()
    c = crm.as_()
    default = crm.pipeline()
    refused = c.delete(crm.api("crm-pipeline", pipeline_id=default.pk))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "pipeline_default"
    other = c.post(crm.api("crm-pipelines"), {"name": "Second"}).json()
    crm.opportunity(pipeline_id=other["id"])
    before = snapshot()
    refused = c.delete(crm.api("crm-pipeline", pipeline_id=other["id"]))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "pipeline_in_use"
    assert snapshot() == before


def test_a_stage_in_use_is_not_deleted_nor_changes_its_kind():
    crm = Crm()
    c = crm.as_()
    pipeline = crm.pipeline()
    qualified = crm.stage("Qualified")
    crm.opportunity(stage="Qualified")
    before = snapshot()
    url = crm.api("crm-stage", pipeline_id=pipeline.pk, stage_id=qualified.pk)
    refused = c.delete(url)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "stage_in_use"
    assert "cannot be deleted" in refused.json()["error"]["message"]
    refused = c.patch(url, {"kind": "won"})
    assert refused.status_code == 409
    assert snapshot() == before
    unused = crm.stage("New")
    assert (
        c.delete(crm.api("crm-stage", pipeline_id=pipeline.pk, stage_id=unused.pk)).status_code
        == 204
    )
    positions = list(pipeline.stages.order_by("position").values_list("position", flat=True))
    assert positions == list(range(1, 7))  # renumbered


def test_a_stage_once_used_stays_even_when_its_opportunity_moved_on():
    crm = Crm()
    opportunity = crm.opportunity(stage="New")
    crm.as_().post(
        crm.api("crm-opportunity-move", opportunity_id=opportunity.pk),
        {"stage": crm.stage("Qualified").pk},
    )
    new = crm.stage("New")
    refused = crm.as_().delete(crm.api("crm-stage", pipeline_id=new.pipeline_id, stage_id=new.pk))
    assert refused.status_code == 409  # its history names it


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "", "probability": 10}, "name"),
        ({"name": "X", "probability": 101}, "probability"),
        ({"name": "X", "probability": 10, "kind": "maybe"}, "kind"),
        ({"name": "X", "probability": 10, "auto": "published"}, "auto"),  # a purchase moment
        ({"name": "X", "probability": 10, "auto": "won"}, "auto"),  # winning on an open stage
        ({"name": "X", "probability": 10, "auto": "bid"}, "auto"),  # Bidding has it already
        ({"name": "x" * 121, "probability": 10}, "name"),
    ],
)
def test_bad_stages_are_refused_with_the_field_named_and_nothing_written(payload, field):
    crm = Crm()
    pipeline = crm.pipeline()
    before = snapshot()
    response = crm.as_().post(crm.api("crm-stages", pipeline_id=pipeline.pk), payload)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert snapshot() == before


def test_a_reorder_must_name_each_stage_once():
    crm = Crm()
    pipeline = crm.pipeline()
    ids = list(pipeline.stages.values_list("pk", flat=True))
    other = Crm().pipeline().stages.first().pk
    c = crm.as_()
    url = crm.api("crm-stages-order", pipeline_id=pipeline.pk)
    for order in (ids[:-1], [*ids[:-1], ids[0]], [*ids[:-1], other]):
        before = snapshot()
        response = c.put(url, {"stages": order})
        assert response.status_code == 400, order
        assert snapshot() == before


def test_a_pipeline_keeps_an_open_stage():
    crm = Crm()
    c = crm.as_()
    made = c.post(crm.api("crm-pipelines"), {"name": "Tiny", "kind": "purchase"}).json()
    opens = [s for s in made["stages"] if s["kind"] == "open"]
    for stage in opens[:-1]:
        url = crm.api("crm-stage", pipeline_id=made["id"], stage_id=stage["id"])
        assert c.delete(url).status_code == 204
    last = crm.api("crm-stage", pipeline_id=made["id"], stage_id=opens[-1]["id"])
    refused = c.delete(last)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "last_open_stage"
    refused = c.patch(last, {"kind": "won"})
    assert refused.status_code == 409
    assert Stage.objects.filter(pk=opens[-1]["id"], kind="open").exists()


def test_readers_see_the_pipelines_but_change_nothing():
    crm = Crm()
    pipeline = crm.pipeline()
    for role in ("procurement_officer", "bidder"):
        c = crm.as_(crm.people[role])
        assert c.get(crm.api("crm-pipelines")).status_code == 200
        before = snapshot()
        for response in (
            c.post(crm.api("crm-pipelines"), {"name": "Mine"}),
            c.patch(crm.api("crm-pipeline", pipeline_id=pipeline.pk), {"name": "Mine"}),
            c.post(crm.api("crm-stages", pipeline_id=pipeline.pk), {"name": "X", "probability": 1}),
        ):
            assert response.status_code == 403, response.content
            assert response.json()["error"]["code"] == "crm_read_only"
        assert snapshot() == before
    assert crm.as_(crm.people[MANAGER]).get(crm.api("crm-pipelines")).status_code == 200
