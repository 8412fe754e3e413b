"""The automation canary: a workspace's rule, run and failed action carry a canary; another
company's admin and manager, and the workspace's own officer (who does not read automation),
ask for every automation route of the API and the pages (found by walking the URL patterns)
with every method. Nothing answers but 404 or 405, no answer carries the canary, nothing is
written. (The CRM's own crawls, tests/crm and tests/frontend, walk these routes too.)"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from automation.models import ActionRun, Rule, Run
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from tests.factories import CompanyFactory, member
from tests.routes import url_routes as routes

from .factories import world_make

pytestmark = pytest.mark.django_db
CANARY = "CANARY-a11c"


def fill(route: str, ids: dict[str, int]) -> str:
    return "/" + re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)


def counts() -> dict:
    return {m.__name__: m.objects.count() for m in (Rule, Run, ActionRun)} | {
        "enabled": Rule.objects.filter(enabled=True).count()
    }


def test_no_one_outside_reads_or_changes_a_workspaces_automation():
    w = world_make()
    rule = Rule.objects.create(
        workspace=w.ws,
        name=f"{CANARY} rule",
        trigger="crm.lead_created",
        actions=[{"kind": "notify", "to": "owner", "title": CANARY}],
        updated_by=w.admin,
    )
    event = Event.objects.create(type="crm.lead_created", company=w.ws, payload={})
    run = Run.objects.create(
        rule=rule, workspace=w.ws, event=event, status="failed", created_at=timezone.now()
    )
    action = ActionRun.objects.create(
        run=run,
        index=0,
        kind="notify",
        spec=rule.actions[0],
        status="failed",
        error=f"{CANARY} error",
        updated_at=timezone.now(),
    )
    ids = {"workspace_id": w.ws.pk, "rule_id": rule.pk, "action_id": action.pk}
    api, pages = (
        routes("api/crm/", containing="automation"),
        [r for r in routes("crm/", containing="automation") if "<" in r],
    )
    assert len(api) >= 5 and len(pages) >= 6, (api, pages)
    outsider = CompanyFactory()
    before = counts()
    people = [
        member(outsider, MembershipRole.COMPANY_ADMIN),
        member(outsider, MembershipRole.ACCOUNT_MANAGER),
        w.officer,
    ]
    for person in people:
        rest = APIClient()
        rest.force_authenticate(person)
        for route in api:
            for method in ("get", "post", "put", "patch", "delete"):
                r = getattr(rest, method)(fill(route, ids), data={"enabled": False}, format="json")
                body = r.content.decode(errors="replace")
                assert r.status_code in (404, 405) and CANARY not in body, (
                    person,
                    method,
                    route,
                    r.status_code,
                )
        from django.test import Client

        web = Client()
        web.force_login(person)
        for route in pages:
            for method in ("get", "post"):
                r = getattr(web, method)(fill(route, ids))
                assert r.status_code in (404, 405), (person, method, route, r.status_code)
                assert CANARY not in r.content.decode(errors="replace")
    assert counts() == before
