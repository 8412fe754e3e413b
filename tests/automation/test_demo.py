"""The demo's automation (demo/automation_demo.py): two rules and their logged runs, on a
workspace as the CRM demo makes it; a second load adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from automation.models import Rule, Run
from crm.models import Activity
from demo.automation_demo import automation_demo_load
from notifications.models import Notification

from .factories import client, world_make

pytestmark = pytest.mark.django_db


def test_the_demo_rules_run_and_are_logged():
    w = world_make()
    out = automation_demo_load(now=timezone.now(), workspace=w.ws, admin=w.admin)
    assert len(out["rules"]) == 2 and out["runs"] == 2
    assert set(Run.objects.values_list("status", flat=True)) == {"ok"}
    task = Activity.objects.get(kind="task")
    assert task.assignee == w.manager  # the account's owner, the lead's
    assert Notification.objects.filter(user=w.manager).exists()  # the opportunity's owner
    c = client(w.admin)
    assert len(c.get(f"/api/crm/{w.ws.pk}/automation/runs/").json()["results"]) == 2
    again = automation_demo_load(now=timezone.now(), workspace=w.ws, admin=w.admin)
    assert again["runs"] == 0 and Rule.objects.count() == 2 and Run.objects.count() == 2
