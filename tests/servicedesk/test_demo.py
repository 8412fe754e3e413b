"""The demo's service desk (demo/servicedesk_demo.py): a queue, a policy, a support address, one
case open within its SLA, one breached and escalated, one closed with its survey; the customer's
person sees them at /support/; a second load adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from crm.models import Account, Contact
from demo.servicedesk_demo import servicedesk_demo_load
from marketplace.events.models import Event
from servicedesk.models import Case, CaseStatus
from tests.crm.accounts_factories import make_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # a Wednesday


def test_the_demo_desk(django_capture_on_commit_callbacks):
    w = make_world()
    account = Account.objects.create(workspace=w.workspace, name="Agro", company=w.market)
    Contact.objects.create(
        workspace=w.workspace, account=account, last_name="Коваль", emails=["olena@agro.example"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        made = servicedesk_demo_load(now=NOW, workspace=w.workspace, manager=w.manager)
    open_case = Case.objects.get(pk=made["open"])
    assert open_case.status == CaseStatus.NEW and not open_case.is_breached
    assert open_case.first_response_due > NOW and open_case.resolution_due > NOW
    breached = Case.objects.get(pk=made["breached"])
    assert breached.first_response_breached_at and breached.resolution_breached_at
    assert breached.priority == "high"  # both targets found late in one sweep: raised once
    assert Event.objects.filter(type="case.sla_breached", payload__case=breached.pk).count() == 2
    closed = Case.objects.get(pk=made["closed"])
    assert closed.status == CaseStatus.CLOSED and closed.survey_rating == 5
    assert {c.account_id for c in Case.objects.all()} == {account.pk}
    c = Client()
    c.force_login(w.market_person)
    shown = c.get("/support/").content.decode()
    assert closed.subject in shown and breached.subject in shown
    c.force_login(w.manager)
    assert c.get(made["cases_url"]).status_code == 200
    assert servicedesk_demo_load(now=NOW, workspace=w.workspace, manager=w.manager) == made
    assert Case.objects.count() == 3
