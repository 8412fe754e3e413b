"""The CRM canary, for the pages: a second company asks for every CRM page (found by walking
the URL patterns, so a page added later is crawled too) with the first company's workspace and
row ids, by GET and by POST. Nothing answers but "not found" (or "method not allowed"), no
page carries the canary, and nothing is written."""

from __future__ import annotations

import pytest

from marketplace.companies.models import MembershipRole
from tests.crm.test_canary_crawl import CANARY, counts, fill, victim  # noqa: F401 (fixture)
from tests.factories import CompanyFactory, member
from tests.routes import url_routes

pytestmark = pytest.mark.django_db


def crm_pages() -> list[str]:
    return url_routes("crm/")


def test_another_company_sees_no_crm_page_of_the_workspace_and_changes_nothing(client, victim):  # noqa: F811
    pages = crm_pages()
    assert len(pages) >= 15, pages  # the CRM's pages are routed: the crawl is not empty
    outsider = CompanyFactory(legal_name="Outsider Ltd")
    before = counts()
    asked = 0
    for role in (MembershipRole.COMPANY_ADMIN, MembershipRole.ACCOUNT_MANAGER):
        client.force_login(member(outsider, role))
        for route in pages:
            if "<" not in route:
                continue  # /crm/ itself: the outsider's own workspaces
            for path in fill(route, victim):
                for method in ("get", "post"):
                    response = getattr(client, method)(path)
                    asked += 1
                    body = response.content.decode(errors="replace")
                    assert CANARY not in body, (method, path, response.status_code)
                    assert response.status_code in (404, 405), (method, path, response.status_code)
    assert asked > 50
    assert counts() == before


def test_the_crm_home_of_an_outsider_shows_none_of_the_victims_rows(client, victim):  # noqa: F811
    outsider = CompanyFactory(legal_name="Outsider Ltd")
    client.force_login(member(outsider, MembershipRole.ACCOUNT_MANAGER))
    response = client.get("/crm/", follow=True)
    assert response.status_code == 200
    assert CANARY not in response.content.decode()
