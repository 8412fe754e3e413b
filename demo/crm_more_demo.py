"""The demo of the CRM beyond sales (issue 23), after the demo tender exists: agro's campaign to
its suppliers with its results, agro's automation rules, a tender of agro's waiting for its
approver, steel's service desk (a case within its SLA, one breached, one closed with its survey)
and fuel's prices for kinds of customer with its warehouses' stock. Each part is safe to load
again."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from demo.approvals_demo import approvals_demo_load
from demo.automation_demo import automation_demo_load
from demo.marketing_demo import marketing_demo_load
from demo.pricing_demo import pricing_demo_load
from demo.servicedesk_demo import servicedesk_demo_load
from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.platforms.models import Platform
from marketplace.users.models import User

MANAGER = "manager@demo.tradefloor.local"
BUYER = "buyer@demo.tradefloor.local"
APPROVER = "approver@demo.tradefloor.local"
STEEL = "steel@demo.tradefloor.local"
FUEL = "fuel@demo.tradefloor.local"


def crm_more_demo_load(
    *,
    now: datetime,
    platform: Platform,
    companies: dict[str, Company],
    people: dict[str, tuple[User, Company]],
    category_code: str,
) -> dict:
    agro = companies["agro"]
    loaded: dict[str, object] = {
        "marketing": marketing_demo_load(now=now, workspace=agro, manager=people[MANAGER][0]),
        "automation": automation_demo_load(now=now, workspace=agro, admin=people[BUYER][0]),
        "approvals": approvals_demo_load(
            now=now,
            platform=platform,
            buyer=agro,
            officer=people[BUYER][0],
            approver=people[APPROVER][0],
        ),
        "servicedesk": servicedesk_demo_load(
            now=now,
            workspace=companies["steel"],
            manager=people[STEEL][0],
        ),
        "pricing": pricing_demo_load(
            now=now,
            supplier=companies["fuel"],
            buyer=agro,
            manager=people[FUEL][0],
            categories=list(Category.objects.filter(code=category_code)),
        ),
    }
    fuel, steel = companies["fuel"], companies["steel"]
    loaded["pages"] = [
        (reverse("frontend:marketing-home", args=[agro.pk]), MANAGER, "the campaign's results"),
        (reverse("frontend:automation-rules", args=[agro.pk]), BUYER, "automation rules"),
        (reverse("frontend:approvals-queue"), APPROVER, "a tender waiting for approval"),
        (reverse("frontend:servicedesk-cases", args=[steel.pk]), STEEL, "the service desk"),
        (reverse("frontend:support-cases"), BUYER, "the customer's cases"),
        (reverse("frontend:pricing-settings", args=[fuel.pk]), FUEL, "prices for kinds"),
        (reverse("frontend:supplier-stock", args=[fuel.pk]), FUEL, "stock"),
    ]
    return loaded
