"""The marketing canary: a workspace's segment, campaign, recipients and suppressions whose texts
carry a canary; another company asks every marketing API route and page (found by walking the
URL patterns, so a route added later is crawled too) with every method and the victim's ids.
Nothing answers but 404/405 (a page may send the stranger to sign in elsewhere: never 200),
no answer carries the canary, and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from marketing.models import Recipient, Suppression
from marketing.services import campaign_create, campaign_send
from marketplace.companies.models import MembershipRole
from tests.factories import CompanyFactory, member
from tests.routes import url_routes as routes

from .factories import account, contact, make_world, segment, table_counts

pytestmark = pytest.mark.django_db
CANARY = "CANARY-4d2e"
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def victim():
    w = make_world()
    acc = account(w, f"{CANARY} account", company=w.market)
    contact(acc, f"{CANARY} person", emails=["canary@example.com"])
    seg = segment(w, {}, name=f"{CANARY} segment")
    campaign = campaign_create(
        actor=w.manager,
        workspace_id=w.ws,
        segment_id=seg.pk,
        name=f"{CANARY} campaign",
        subject=CANARY,
        body=f"<p>{CANARY}</p>",
    )
    campaign_send(actor=w.manager, workspace_id=w.ws, campaign_id=campaign.pk)
    Suppression.objects.create(
        workspace=w.workspace, address="canary@example.com", reason="bounced"
    )
    return {"workspace_id": w.ws, "segment_id": seg.pk, "campaign_id": campaign.pk}


def fill(route: str, ids: dict) -> list[str]:
    path = route
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        value = ids.get(match.group(2), "garbage")
        path = path.replace(match.group(0), str(value), 1)
    return ["/" + path]


def test_another_company_learns_nothing_on_any_marketing_route(victim):
    api_routes = routes("api/crm", containing="marketing")
    pages = [r for r in routes("crm/", containing="marketing") if "<" in r]
    assert len(api_routes) >= 8 and len(pages) >= 6, (api_routes, pages)
    outsider = CompanyFactory(legal_name="Outsider Ltd")
    before = table_counts()
    asked = 0
    for role in (MembershipRole.COMPANY_ADMIN, MembershipRole.ACCOUNT_MANAGER):
        person = member(outsider, role)
        rest = APIClient()
        rest.force_authenticate(person)
        browser = Client()
        browser.force_login(person)
        for c, found in ((rest, api_routes), (browser, pages)):
            for route in found:
                for path in fill(route, victim):
                    for method in METHODS:
                        response = getattr(c, method)(path)
                        asked += 1
                        body = response.content.decode(errors="replace")
                        assert CANARY not in body, (method, path, response.status_code)
                        assert response.status_code in (404, 405), (
                            method,
                            path,
                            response.status_code,
                            body[:200],
                        )
    assert asked > 50
    assert table_counts() == before
    assert Recipient.objects.get().status == "pending"  # the delivery task did not run here


def test_a_made_up_unsubscribe_token_tells_nothing(victim):
    for token in ("1:garbage", "garbage", f"{victim['campaign_id']}:x"):
        r = Client().post(f"/marketing/unsubscribe/{token}/")
        assert r.status_code == 400 and CANARY not in r.content.decode()
    assert Suppression.objects.count() == 1
