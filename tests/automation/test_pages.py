"""The automation pages: the rules, a rule with its runs' log (a failed action with its error
and retry button), the editor (choose a trigger, then rows; refusals by row), and who sees
what."""

from __future__ import annotations

from unittest import mock

import pytest

from automation.models import ActionRun, Rule
from crm.pipeline_leads import lead_create
from tests.factories import CompanyFactory, member

from .factories import deliver_pending, world_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world_make()


def page(ws_id: int, rest: str = "") -> str:
    return f"/crm/{ws_id}/automation/{rest}"


def test_the_admin_makes_a_rule_in_the_editor(client, w):
    client.force_login(w.admin)
    r = client.get(page(w.ws.pk, "new/"))
    assert r.status_code == 200 and b'id="rule-trigger"' in r.content
    r = client.post(page(w.ws.pk, "new/"), {"trigger": "crm.lead_created", "choose": "1"})
    assert r.status_code == 200 and b'name="c-field"' in r.content and b"a0-kind" in r.content
    form = {
        "name": "Follow up",
        "enabled": "on",
        "trigger": "crm.lead_created",
        "c-field": ["source", ""],
        "c-operator": ["in", "eq"],
        "c-value": ["manual, web_form", ""],
        "a0-kind": "create_task",
        "a0-create_task-subject": "Call them",
        "a0-create_task-due_in_days": "2",
        "a0-create_task-assignee": "owner",
        "a1-kind": "notify",
        "a1-notify-to": str(w.manager.pk),
        "a1-notify-title": "New lead",
    }
    r = client.post(page(w.ws.pk, "new/"), form)
    rule = Rule.objects.get()
    assert r.status_code == 302 and r.url == page(w.ws.pk, f"{rule.pk}/")
    assert rule.conditions == [
        {"field": "source", "operator": "in", "value": ["manual", "web_form"]}
    ]
    assert [a["kind"] for a in rule.actions] == ["create_task", "notify"]
    assert rule.actions[0]["due_in_days"] == 2 and rule.actions[1]["to"] == w.manager.pk
    r = client.get(page(w.ws.pk, f"{rule.pk}/edit/"))
    assert r.status_code == 200 and b"Call them" in r.content


def test_the_editor_shows_refusals_and_stores_nothing(client, w):
    client.force_login(w.admin)
    form = {
        "name": "Bad",
        "trigger": "crm.lead_created",
        "c-field": "source",
        "c-operator": "gt",
        "c-value": "manual",
        "a0-kind": "create_task",
        "a0-create_task-subject": "",
    }
    r = client.post(page(w.ws.pk, "new/"), form)
    assert r.status_code == 400
    body = r.content.decode()
    assert "conditions.0.operator" in body and "actions.0.subject" in body
    assert not Rule.objects.exists()


def test_the_rule_page_shows_a_failed_action_and_retries_it(client, w):
    rule = w.rule(
        "crm.lead_created", [{"kind": "create_task", "subject": "Call", "assignee": "owner"}]
    )
    with mock.patch(
        "automation.executors.activity_create", side_effect=RuntimeError("calendar away")
    ):
        lead_create(user=w.manager, workspace_id=w.ws.pk, title="L", account_id=w.account.pk)
        deliver_pending()
    action = ActionRun.objects.get()
    client.force_login(w.manager)
    body = client.get(page(w.ws.pk, f"{rule.pk}/")).content.decode()
    assert "calendar away" in body and "Retry now" not in body  # a reader: no button
    assert client.get(page(w.ws.pk)).status_code == 200
    assert client.post(page(w.ws.pk, f"actions/{action.pk}/retry/")).status_code == 403
    client.force_login(w.admin)
    body = client.get(page(w.ws.pk, f"{rule.pk}/?status=failed")).content.decode()
    assert "calendar away" in body and "Retry now" in body and "Automatic retries: 1" in body
    r = client.post(page(w.ws.pk, f"actions/{action.pk}/retry/"))
    assert r.status_code == 302
    action.refresh_from_db()
    assert action.status == "ok"
    r = client.post(page(w.ws.pk, f"{rule.pk}/toggle/"))
    rule.refresh_from_db()
    assert r.status_code == 302 and not rule.enabled
    assert client.post(page(w.ws.pk, f"{rule.pk}/delete/")).status_code == 302
    assert not Rule.objects.exists()


def test_who_sees_the_pages(client, w):
    rule = w.rule("crm.lead_created", [{"kind": "notify", "to": w.admin.pk, "title": "x"}])
    outsider = member(CompanyFactory(), "company_admin")
    for user, read, write in (
        (w.admin, 200, 200),
        (w.manager, 200, 403),
        (w.officer, 404, 404),
        (outsider, 404, 404),
    ):
        client.force_login(user)
        assert client.get(page(w.ws.pk)).status_code == read
        assert client.get(page(w.ws.pk, f"{rule.pk}/")).status_code == read
        assert client.get(page(w.ws.pk, "new/")).status_code == write
        assert client.get(page(w.ws.pk, f"{rule.pk}/edit/")).status_code == write
    client.force_login(w.manager)
    r = client.get("/crm/automation/")
    assert r.status_code == 302 and r.url == page(w.ws.pk)
    client.logout()
    assert client.get(page(w.ws.pk)).status_code == 302  # to sign in
