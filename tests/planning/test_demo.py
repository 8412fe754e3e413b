"""The demo's procurement plan (demo/planning_demo.py), loaded by `load_demo` after the trading
history: agro's plan for the year, published, its awarded tenders of the year linked, so plan
versus fact shows contracted amounts; a second load adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from marketplace.users.models import User
from planning import facts
from planning.models import PlanLineTender, PlanStatus, ProcurementPlan

pytestmark = pytest.mark.django_db


def load() -> str:
    out = StringIO()
    call_command("load_demo", "--port", "8124", "--without", "catalogue", stdout=out)
    return out.getvalue()


def test_the_demo_plan_shows_its_fact():
    printed = load()
    plan = ProcurementPlan.objects.get()
    assert plan.year == timezone.localdate().year and plan.status == PlanStatus.PUBLISHED
    assert f"/planning/{plan.pk}/fact/" in printed
    assert PlanLineTender.objects.filter(line__plan=plan).exists()
    [uah] = facts.plan_fact(plan=plan).totals
    assert uah["contracted"] > 0 and uah["budgeted"] > uah["contracted"]
    assert any(row["contracted"] == 0 for row in facts.plan_fact(plan=plan).rows)
    c = Client()
    c.force_login(User.objects.get(email="buyer@demo.tradefloor.local"))
    assert c.get(f"/planning/{plan.pk}/fact/").status_code == 200
    load()
    assert ProcurementPlan.objects.count() == 1
