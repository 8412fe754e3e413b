"""The CRM canary: one company's CRM, full of rows whose texts carry a canary, and a second
company that asks for every CRM endpoint the API routes (found by walking the URL patterns, so
an endpoint added later is crawled too) with every method, with the first company's workspace
and row ids. Nothing answers but "not found" (or "method not allowed"), no answer carries the
canary, and nothing is written. The pages get the same crawl in ``test_canary_pages``."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from crm import models as crm
from marketplace.companies.models import MembershipRole
from tests.factories import CompanyFactory, member
from tests.routes import url_routes

pytestmark = pytest.mark.django_db
CANARY = "CANARY-7f3a"
METHODS = ("get", "post", "put", "patch", "delete")


def crm_routes() -> list[str]:
    """Every API route under /api/crm/, as a Django route with its converters."""
    return url_routes("api/crm")


@pytest.fixture
def victim():
    """Company A's CRM, every kind of row, each text with the canary."""
    company = CompanyFactory(legal_name=f"{CANARY} Victim Ltd")
    manager = member(company, MembershipRole.ACCOUNT_MANAGER)
    now = timezone.now()
    other = CompanyFactory(legal_name=f"{CANARY} Counterparty")
    tag = crm.Tag.objects.create(workspace=company, name=f"{CANARY} tag")
    field = crm.CustomField.objects.create(
        workspace=company, entity="account", key="canary", label=CANARY, type="text"
    )
    account = crm.Account.objects.create(
        workspace=company,
        company=other,
        name=f"{CANARY} account",
        name_key="canary account",
        notes=CANARY,
        owner=manager,
        custom={"canary": CANARY},
    )
    account.tags.add(tag)
    contact = crm.Contact.objects.create(
        workspace=company,
        account=account,
        last_name=f"{CANARY} person",
        emails=["canary@example.com"],
        phones=["+380441234567"],
    )
    pipeline = crm.Pipeline.objects.create(workspace=company, name=f"{CANARY} pipeline")
    stage = crm.Stage.objects.create(
        pipeline=pipeline, name=f"{CANARY} stage", position=1, probability=10, kind="open"
    )
    opportunity = crm.Opportunity.objects.create(
        workspace=company,
        account=account,
        pipeline=pipeline,
        stage=stage,
        title=f"{CANARY} opportunity",
        amount=Decimal("1000.00"),
        owner=manager,
    )
    change = crm.StageChange.objects.create(
        opportunity=opportunity, to_stage=stage, changed_by=manager, changed_at=now
    )
    lead = crm.Lead.objects.create(workspace=company, title=f"{CANARY} lead", owner=manager)
    activity = crm.Activity.objects.create(
        workspace=company,
        kind="meeting",
        subject=f"{CANARY} meeting",
        account=account,
        contact=contact,
        opportunity=opportunity,
        assignee=manager,
        created_by=manager,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
        due_at=now + timedelta(days=1),
    )
    entry = crm.TimelineEntry.objects.create(
        workspace=company,
        account=account,
        contact=contact,
        kind="note",
        type="note",
        title=f"{CANARY} entry",
        at=now,
    )
    template = crm.DocumentTemplate.objects.create(
        workspace=company, name=f"{CANARY} template", kind="offer"
    )
    version = crm.DocumentTemplateVersion.objects.create(
        template=template, version=1, body=f"<p>{CANARY}</p>", created_by=manager
    )
    document = crm.GeneratedDocument.objects.create(
        workspace=company,
        template_version=version,
        account=account,
        number=f"{CANARY}-1",
        file_format="pdf",
        storage_name="crm/none.pdf",
        sha256="0" * 64,
        created_by=manager,
    )
    job = crm.ImportJob.objects.create(
        workspace=company,
        entity="accounts",
        file_name=f"{CANARY}.csv",
        storage_name="x",
        status="checked",
        report=[{"row": 2, "problems": [CANARY]}],
        created_by=manager,
    )
    target = crm.SalesTarget.objects.create(
        workspace=company,
        owner=manager,
        period_start=now.date(),
        period_end=now.date() + timedelta(days=30),
        amount=Decimal("5000.00"),
    )
    feed = crm.CalendarFeed.objects.create(user=manager, token="canary-token-" + "a" * 40)
    return {
        "workspace": company,
        "tag": tag,
        "field": field,
        "account": account,
        "contact": contact,
        "pipeline": pipeline,
        "stage": stage,
        "opportunity": opportunity,
        "change": change,
        "lead": lead,
        "activity": activity,
        "entry": entry,
        "template": template,
        "version": version,
        "document": document,
        "job": job,
        "target": target,
        "feed": feed,
    }


# A route parameter's name -> the victim's row it names.
PARAMS = [
    (r"workspace", "workspace"),
    (r"account", "account"),
    (r"contact", "contact"),
    (r"opportunit|opp", "opportunity"),
    (r"lead", "lead"),
    (r"activit", "activity"),
    (r"pipeline", "pipeline"),
    (r"stage", "stage"),
    (r"change", "change"),
    (r"tag", "tag"),
    (r"field", "field"),
    (r"entr|timeline", "entry"),
    (r"template", "template"),
    (r"version", "version"),
    (r"document|doc", "document"),
    (r"job|import", "job"),
    (r"target", "target"),
    (r"feed", "feed"),
]


def fill(route: str, rows: dict) -> list[str]:
    """The paths to ask for ``route``: its int parameters with the victim's ids (a parameter
    whose name says nothing: each of the victim's rows in turn), its text ones with the
    victim's feed token or garbage."""
    paths = [route]
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            key = next((row for pattern, row in PARAMS if re.search(pattern, name)), None)
            values = [rows[key].pk] if key else sorted({r.pk for r in rows.values()})
        else:
            values = [rows["feed"].token, "garbage"]
        paths = [p.replace(match.group(0), str(v), 1) for p in paths for v in values]
    return ["/" + p for p in paths]


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (
            crm.Account,
            crm.Contact,
            crm.Tag,
            crm.CustomField,
            crm.Lead,
            crm.Pipeline,
            crm.Stage,
            crm.Opportunity,
            crm.StageChange,
            crm.Activity,
            crm.TimelineEntry,
            crm.DocumentTemplate,
            crm.DocumentTemplateVersion,
            crm.GeneratedDocument,
            crm.ImportJob,
            crm.SalesTarget,
            crm.CalendarFeed,
        )
    }


def test_another_company_learns_nothing_and_changes_nothing_on_any_crm_endpoint(victim):
    routes = crm_routes()
    assert len(routes) >= 20, routes  # the CRM's API is routed: the crawl is not empty
    outsider = CompanyFactory(legal_name="Outsider Ltd")
    before = counts()
    for role in (MembershipRole.COMPANY_ADMIN, MembershipRole.ACCOUNT_MANAGER):
        client = APIClient()
        client.force_authenticate(member(outsider, role))
        asked = 0
        for route in routes:
            if "<" not in route:
                continue  # not a workspace's row (e.g. a public form): crawled elsewhere
            for path in fill(route, victim):
                for method in METHODS:
                    response = getattr(client, method)(path, data={}, format="json")
                    asked += 1
                    body = response.content.decode(errors="replace")
                    assert CANARY not in body, (method, path, response.status_code, body[:300])
                    assert response.status_code in (404, 405), (
                        method,
                        path,
                        response.status_code,
                        body[:300],
                    )
        assert asked > 100
    assert counts() == before  # nothing written, nothing deleted
    victim["account"].refresh_from_db()
    assert victim["account"].name == f"{CANARY} account"


def test_the_outsiders_own_workspace_shows_none_of_the_victims_rows(victim):
    outsider = CompanyFactory(legal_name="Outsider Ltd")
    client = APIClient()
    client.force_authenticate(member(outsider, MembershipRole.ACCOUNT_MANAGER))
    own = {**victim, "workspace": outsider}
    for route in crm_routes():
        if "<" not in route or re.search(r"<(?:int:)?(?!workspace)\w+>", route):
            continue  # the lists and reports of a workspace only
        for path in fill(route, own):
            response = client.get(path)
            body = response.content.decode(errors="replace")
            assert CANARY not in body, (path, response.status_code, body[:300])
            assert response.status_code < 500, (path, body[:300])
