"""The permission matrix of every pipeline endpoint: account managers and company admins edit;
procurement officers and bidders read (every write: 403, nothing written); another company
gets 404 on everything, with this workspace's id or its own and this workspace's row ids;
anonymous callers are refused (401/403)."""

from __future__ import annotations

import pytest

from crm import pipeline_leads
from tests.crm.pipeline_factories import (
    ADMIN,
    BIDDER,
    MANAGER,
    OFFICER,
    Crm,
    api,
    client,
    snapshot,
)
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def crm():
    crm = Crm()
    pipeline = crm.pipeline()
    opportunity = crm.opportunity("Deal", stage="Qualified")
    lead = pipeline_leads.lead_create(user=crm.manager, workspace_id=crm.ws.pk, title="Lead")
    second_lead = pipeline_leads.lead_create(
        user=crm.manager, workspace_id=crm.ws.pk, title="Second lead"
    )
    target = crm.as_().post(
        crm.api("crm-targets"),
        {"period_start": "2030-01-01", "period_end": "2030-03-31", "amount": "1000"},
    )
    assert target.status_code == 201
    crm.rows = {
        "pipeline_id": pipeline.pk,
        "stage_id": crm.stage("New").pk,
        "opportunity_id": opportunity.pk,
        "lead_id": lead.pk,
        "second_lead_id": second_lead.pk,
        "target_id": target.json()["id"],
        "qualified": crm.stage("Qualified").pk,
    }
    return crm


def endpoints(crm: Crm, workspace_id: int) -> list[tuple[str, str, dict, bool]]:
    """(method, path, data, is a write) for every pipeline endpoint, naming ``crm``'s rows."""
    r = crm.rows

    def u(name, **kw):
        return api(name, workspace_id=workspace_id, **kw)

    pipeline, stage, opportunity = r["pipeline_id"], r["stage_id"], r["opportunity_id"]
    return [
        ("get", u("crm-pipelines"), {}, False),
        ("post", u("crm-pipelines"), {"name": "New pipeline"}, True),
        ("get", u("crm-pipeline", pipeline_id=pipeline), {}, False),
        ("patch", u("crm-pipeline", pipeline_id=pipeline), {"name": "Renamed"}, True),
        ("delete", u("crm-pipeline", pipeline_id=pipeline), {}, True),
        ("get", u("crm-pipeline-board", pipeline_id=pipeline), {}, False),
        (
            "put",
            u("crm-stages-order", pipeline_id=pipeline),
            {"stages": list(crm.pipeline().stages.values_list("pk", flat=True))},
            True,
        ),
        ("post", u("crm-stages", pipeline_id=pipeline), {"name": "S", "probability": 5}, True),
        ("patch", u("crm-stage", pipeline_id=pipeline, stage_id=stage), {"name": "N"}, True),
        ("delete", u("crm-stage", pipeline_id=pipeline, stage_id=stage), {}, True),
        ("get", u("crm-opportunities"), {}, False),
        ("post", u("crm-opportunities"), {"account": crm.account.pk, "title": "New"}, True),
        ("get", u("crm-opportunity", opportunity_id=opportunity), {}, False),
        ("patch", u("crm-opportunity", opportunity_id=opportunity), {"title": "T"}, True),
        (
            "post",
            u("crm-opportunity-move", opportunity_id=opportunity),
            {"stage": r["qualified"], "index": 0},
            True,
        ),
        ("get", u("crm-opportunity-history", opportunity_id=opportunity), {}, False),
        ("get", u("crm-leads"), {}, False),
        ("post", u("crm-leads"), {"title": "L"}, True),
        ("get", u("crm-lead", lead_id=r["lead_id"]), {}, False),
        ("patch", u("crm-lead", lead_id=r["lead_id"]), {"notes": "n"}, True),
        ("post", u("crm-lead-qualify", lead_id=r["lead_id"]), {}, True),
        ("post", u("crm-lead-disqualify", lead_id=r["second_lead_id"]), {"reason": "R"}, True),
        ("post", u("crm-lead-convert", lead_id=r["lead_id"]), {}, True),
        ("post", u("crm-lead-form-token"), {}, True),
        ("get", u("crm-targets"), {}, False),
        (
            "post",
            u("crm-targets"),
            {"period_start": "2031-01-01", "period_end": "2031-03-31", "amount": "5"},
            True,
        ),
        ("get", u("crm-target", target_id=r["target_id"]), {}, False),
        ("patch", u("crm-target", target_id=r["target_id"]), {"amount": "7"}, True),
        ("delete", u("crm-opportunity", opportunity_id=opportunity), {}, True),
        ("delete", u("crm-lead", lead_id=r["second_lead_id"]), {}, True),
        ("delete", u("crm-target", target_id=r["target_id"]), {}, True),
    ]


def call(c, method, path, data):
    return getattr(c, method)(path, data=data, format="json")


@pytest.mark.parametrize("role", [OFFICER, BIDDER])
def test_readers_read_everything_and_change_nothing(crm, role):
    c = client(crm.people[role])
    before = snapshot()
    for method, path, data, write in endpoints(crm, crm.ws.pk):
        response = call(c, method, path, data)
        if write:
            assert response.status_code == 403, (method, path, response.content)
            assert response.json()["error"]["code"] == "crm_read_only"
        else:
            assert response.status_code == 200, (method, path, response.content)
    assert snapshot() == before


@pytest.mark.parametrize("role", [MANAGER, ADMIN])
def test_editors_do_everything(crm, role):
    c = client(crm.people[role])
    for method, path, data, _write in endpoints(crm, crm.ws.pk):
        response = call(c, method, path, data)
        # A default pipeline and a stage in use stay (409): the rules, not the rights.
        assert response.status_code in (200, 201, 204, 409), (method, path, response.content)
        if response.status_code == 409:
            assert method == "delete" and ("pipeline" in path or "stages" in path), path


OWN_LISTS = ("/pipelines/", "/opportunities/", "/leads/", "/targets/", "/form-token/")


@pytest.mark.parametrize("role", [MANAGER, ADMIN, OFFICER, BIDDER])
def test_another_company_finds_nothing_here(crm, role):
    outsider = client(member(crm.outsider, role))
    before = snapshot()
    for workspace_id in (crm.ws.pk, crm.outsider.pk):
        for method, path, data, write in endpoints(crm, workspace_id):
            if workspace_id == crm.outsider.pk and path.endswith(OWN_LISTS):
                continue  # its own workspace's lists and new rows: below
            response = call(outsider, method, path, data)
            # In its own workspace its readers may write nothing at all: 403 before any row.
            own_write = workspace_id == crm.outsider.pk and write and role in (OFFICER, BIDDER)
            expected = 403 if own_write else 404
            assert response.status_code == expected, (workspace_id, method, path, response.content)
            assert "Deal" not in response.content.decode()
    own = {"workspace_id": crm.outsider.pk}
    for name in ("crm-opportunities", "crm-leads", "crm-targets"):
        response = outsider.get(api(name, **own))
        assert response.status_code == 200 and response.json()["results"] == [], name
    # This workspace's account named in its own workspace's new opportunity: as unknown as
    # an id that does not exist (or, for its readers, not theirs to write at all).
    named = outsider.post(
        api("crm-opportunities", **own), {"account": crm.account.pk, "title": "x"}
    )
    unknown = outsider.post(api("crm-opportunities", **own), {"account": 10**9, "title": "x"})
    assert named.status_code == unknown.status_code == (400 if role in (MANAGER, ADMIN) else 403)
    assert named.json() == unknown.json()
    assert snapshot() == before


def test_anonymous_callers_are_refused(crm):
    c = client(None)
    before = snapshot()
    for method, path, data, _write in endpoints(crm, crm.ws.pk):
        response = call(c, method, path, data)
        assert response.status_code in (401, 403), (method, path, response.status_code)
    assert snapshot() == before
