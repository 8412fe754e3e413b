"""The service desk canary: a workspace's case whose texts (subject, messages, an internal note,
the survey comment, the queue and policy names) carry a canary; a stranger (another company's
admin) asks every service desk endpoint and page (found by walking the URL patterns, so one
added later is crawled too) with every method and the victim's ids. No answer carries the
canary, and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from servicedesk import services
from servicedesk.models import Case, CaseMessage, Queue, SlaPolicy, SupportMailbox
from tests.routes import url_routes as routes

from .factories import Desk, client

pytestmark = pytest.mark.django_db
CANARY = "CANARY-5d2e"
METHODS = ("get", "post", "put", "patch", "delete")
API_PREFIXES = ("api/crm/<int:workspace_id>/cases/", "api/support/")
PAGE_PREFIXES = ("crm/<int:workspace_id>/cases/", "support/")


def snapshot() -> tuple:
    return tuple(
        m.objects.count() for m in (Case, CaseMessage, Queue, SlaPolicy, SupportMailbox)
    ) + tuple(Case.objects.values_list("status", "priority", "survey_rating").order_by("pk"))


@pytest.fixture
def victim() -> dict:
    desk = Desk()
    desk.queue.name = f"{CANARY} queue"
    desk.queue.save()
    desk.policy.name = f"{CANARY} policy"
    desk.policy.save()
    case = desk.case(subject=f"{CANARY} subject", body=f"{CANARY} body")
    services.case_reply(case_id=case.pk, body=f"{CANARY} reply", author=desk.manager)
    services.case_reply(case_id=case.pk, body=f"{CANARY} note", author=desk.manager, internal=True)
    services.case_status_change(case_id=case.pk, status="closed")
    services.case_survey_answer(case_id=case.pk, rating=2, comment=f"{CANARY} comment")
    return {
        "desk": desk,
        "ids": {
            "workspace_id": desk.ws,
            "case_id": case.pk,
            "queue_id": desk.queue.pk,
            "token": "garbage",
        },
    }


def fill(route: str, ids: dict) -> str:
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ids[m.group(1)]), route)
    assert "<" not in path, route
    return path


def test_the_api_never_shows_a_stranger_the_canary(victim):
    found = routes(*API_PREFIXES)
    assert len(found) >= 11
    stranger = client(victim["desk"].outsider_admin)
    before = snapshot()
    answers = 0
    for route in found:
        url = fill(route, victim["ids"])
        for method in METHODS:
            answer = getattr(stranger, method)(url, {"body": CANARY, "subject": "x"}, format="json")
            answers += 1
            # The workspace's endpoints: not found before anything else (as the CRM's crawl
            # asks); the stranger's own /support/ endpoints may say their input is wrong.
            allowed = (404, 405) if url.startswith("/api/crm/") else (200, 400, 404, 405)
            assert answer.status_code in allowed, (method, url, answer.status_code)
            assert CANARY not in answer.content.decode("utf-8", "replace"), (method, url)
    assert snapshot() == before
    assert answers >= 55


def test_the_pages_never_show_a_stranger_the_canary(victim):
    c = Client()
    c.force_login(victim["desk"].outsider_admin)
    before = snapshot()
    found = routes(*PAGE_PREFIXES)
    assert len(found) >= 12
    for route in found:
        url = fill(route, victim["ids"])
        for method in ("get", "post"):
            answer = getattr(c, method)(url, {"body": "x", "rating": "5", "status": "open"})
            assert answer.status_code in (200, 302, 400, 403, 404, 405), (method, url)
            assert CANARY not in answer.content.decode(), (method, url)
    assert snapshot() == before
