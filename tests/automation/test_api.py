"""The automation API: rules CRUD with clear 400s, runs and retry, and the permission matrix
(company admin writes, account manager reads, officer/bidder and other companies 404,
anonymous refused)."""

from __future__ import annotations

from unittest import mock

import pytest
from rest_framework.test import APIClient

from automation.models import ActionRun, Rule
from crm.models import Pipeline, Stage
from crm.pipeline_leads import lead_create
from marketplace.companies.models import MembershipRole
from tests.factories import CompanyFactory, member

from .factories import api, client, deliver_pending, world_make

pytestmark = pytest.mark.django_db

TASK = {"kind": "create_task", "subject": "Call", "assignee": "owner"}


@pytest.fixture
def w():
    return world_make()


def rule_body(**extra) -> dict:
    return {"name": "Follow up", "trigger": "crm.lead_created", "actions": [TASK], **extra}


def test_an_admin_makes_reads_changes_and_deletes_a_rule(w):
    c = client(w.admin)
    r = c.post(api(w.ws.pk, "rules/"), rule_body(), format="json")
    assert r.status_code == 201, r.content
    rule_id = r.json()["id"]
    assert r.json()["actions"] == [{**TASK, "body": "", "due_in_days": 1}]
    assert c.get(api(w.ws.pk, "rules/")).json()[0]["id"] == rule_id
    r = c.patch(api(w.ws.pk, f"rules/{rule_id}/"), {"enabled": False}, format="json")
    assert r.status_code == 200 and r.json()["enabled"] is False
    catalogue = c.get(api(w.ws.pk, "catalogue/")).json()
    lead = next(t for t in catalogue["triggers"] if t["type"] == "crm.lead_created")
    assert {"name": "source", "type": "choice"}.items() <= lead["fields"][1].items()
    assert "move_stage" not in lead["actions"] and catalogue["loop_limit"] == 3
    assert c.delete(api(w.ws.pk, f"rules/{rule_id}/")).status_code == 204
    assert not Rule.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (rule_body(trigger="tender.cancelled"), "trigger"),
        (rule_body(trigger="automation.action_failed"), "trigger"),
        (rule_body(name=""), "name"),
        (rule_body(actions=[]), "actions"),
        (rule_body(actions=[{"kind": "eval", "code": "1"}]), "actions.0.kind"),
        (rule_body(actions=[{"kind": "move_stage", "stage": 1}]), "actions.0.kind"),
        (rule_body(actions=[{**TASK, "due_in_days": 999}]), "actions.0.due_in_days"),
        (rule_body(actions=[{"kind": "notify", "to": 999999, "title": "x"}]), "actions.0.to"),
        (
            rule_body(
                actions=[{"kind": "send_email", "template": 999, "subject": "x", "to": "contact"}]
            ),
            "actions.0.template",
        ),
        (
            rule_body(
                actions=[
                    {
                        "kind": "send_email",
                        "template": 1,
                        "subject": "x",
                        "to": "address",
                        "address": "nope",
                    }
                ]
            ),
            "actions.0.template",
        ),
        (
            rule_body(conditions=[{"field": "amount", "operator": "gt", "value": 1}]),
            "conditions.0.field",
        ),
        (
            rule_body(conditions=[{"field": "source", "operator": "gt", "value": "manual"}]),
            "conditions.0.operator",
        ),
        (rule_body(conditions="source == 'manual'"), "conditions"),
    ],
)
def test_a_rule_that_may_not_be_stored_is_refused_by_field(w, body, field):
    r = client(w.admin).post(api(w.ws.pk, "rules/"), body, format="json")
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert field in error["fields"], error
    assert error["message"]
    assert not Rule.objects.exists()


def test_a_stage_of_another_workspace_is_refused(w):
    foreign = CompanyFactory()
    pipeline = Pipeline.objects.create(workspace=foreign, name="Theirs")
    stage = Stage.objects.create(
        pipeline=pipeline, name="X", position=1, probability=1, kind="open"
    )
    body = {
        "name": "Move",
        "trigger": "crm.opportunity_stage_changed",
        "actions": [{"kind": "move_stage", "stage": stage.pk}],
    }
    r = client(w.admin).post(api(w.ws.pk, "rules/"), body, format="json")
    assert r.status_code == 400 and "actions.0.stage" in r.json()["error"]["fields"]


def test_runs_are_listed_and_a_failed_action_retried(w):
    client(w.admin).post(api(w.ws.pk, "rules/"), rule_body(), format="json")
    with mock.patch("automation.executors.activity_create", side_effect=RuntimeError("away")):
        lead_create(user=w.manager, workspace_id=w.ws.pk, title="L", account_id=w.account.pk)
        deliver_pending()
    runs = client(w.manager).get(api(w.ws.pk, "runs/?status=failed")).json()["results"]
    [action] = runs[0]["actions"]
    assert action["status"] == "failed" and "away" in action["error"]
    assert action["retry"]["status"] == "pending" and action["retry"]["attempts"] == 1
    url = api(w.ws.pk, f"actions/{action['id']}/retry/")
    assert client(w.manager).post(url).status_code == 403
    r = client(w.admin).post(url)
    assert r.status_code == 200 and r.json()["status"] == "ok"
    assert r.json()["actions"][0]["status"] == "ok"
    assert client(w.admin).post(url).status_code == 409  # not failed any more
    assert ActionRun.objects.get().status == "ok"


def test_the_permission_matrix(w):
    rule = Rule.objects.create(workspace=w.ws, name="R", trigger="crm.lead_created", actions=[TASK])
    bidder = member(w.ws, MembershipRole.BIDDER)
    outsider = member(CompanyFactory(), MembershipRole.COMPANY_ADMIN)
    paths = [
        api(w.ws.pk, "rules/"),
        api(w.ws.pk, f"rules/{rule.pk}/"),
        api(w.ws.pk, "runs/"),
        api(w.ws.pk, "catalogue/"),
    ]
    for path in paths:
        assert client(w.admin).get(path).status_code == 200
        assert client(w.manager).get(path).status_code == 200
        for nobody in (w.officer, bidder, outsider):
            assert client(nobody).get(path).status_code == 404, (path, nobody)
        assert APIClient().get(path).status_code in (401, 403)
    # Writes: the admin only; the manager 403; the others 404.
    create = api(w.ws.pk, "rules/")
    assert client(w.manager).post(create, rule_body(), format="json").status_code == 403
    assert client(w.manager).patch(paths[1], {"enabled": False}, format="json").status_code == 403
    assert client(w.manager).delete(paths[1]).status_code == 403
    for nobody in (w.officer, bidder, outsider):
        assert client(nobody).post(create, rule_body(), format="json").status_code == 404
        assert client(nobody).delete(paths[1]).status_code == 404
    assert APIClient().post(create, rule_body(), format="json").status_code in (401, 403)
    rule.refresh_from_db()
    assert rule.enabled and Rule.objects.count() == 1
