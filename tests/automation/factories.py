"""A workspace with its people and CRM rows for the automation tests, and helpers to run the
events' deliveries as the outbox does after a commit."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from rest_framework.test import APIClient

from automation import services
from automation.models import Rule
from crm.models import Account, Contact, Opportunity, Pipeline, PipelineKind, Stage
from crm.pipelines import pipelines_ensure
from marketplace.companies.models import Company, MembershipRole
from marketplace.events.models import DeliveryStatus, EventDelivery
from marketplace.events.services import delivery_run
from tests.factories import CompanyFactory, member


def api(ws_id: int, rest: str = "") -> str:
    return f"/api/crm/{ws_id}/automation/{rest}"


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def deliver_pending() -> int:
    """Run every pending delivery (the listeners), as the worker would; repeatedly, since a
    listener's writes may emit more events. Returns how many ran."""
    ran = 0
    for _round in range(20):
        ids = list(
            EventDelivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            return ran
        for pk in ids:
            delivery_run(delivery_id=pk)
            ran += 1
    raise AssertionError("deliveries kept coming")


@dataclass
class World:
    ws: Company
    admin: object
    manager: object
    officer: object
    account: Account
    contact: Contact
    pipeline: Pipeline
    stages: list[Stage]
    opportunity: Opportunity

    def rule(self, trigger: str, actions: list, conditions: list | None = None, **kw) -> Rule:
        return services.rule_create(
            user=self.admin,
            workspace_id=self.ws.pk,
            name=kw.pop("name", f"When {trigger}"),
            trigger=trigger,
            conditions=conditions or [],
            actions=actions,
            **kw,
        )

    def stage(self, name: str) -> Stage:
        return next(s for s in self.stages if s.name == name)


def world_make() -> World:
    ws = CompanyFactory(legal_name="Automation Works Ltd")
    admin = member(ws, MembershipRole.COMPANY_ADMIN, email="admin@auto.example")
    manager = member(ws, MembershipRole.ACCOUNT_MANAGER, email="manager@auto.example")
    officer = member(ws, MembershipRole.PROCUREMENT_OFFICER, email="officer@auto.example")
    with transaction.atomic():
        pipelines_ensure(workspace_id=ws.pk, kinds=[PipelineKind.SALES])
    pipeline = Pipeline.objects.get(workspace=ws, kind=PipelineKind.SALES)
    stages = list(pipeline.stages.order_by("position"))
    account = Account.objects.create(
        workspace=ws, name="Client Co", name_key="client co", owner=manager
    )
    contact = Contact.objects.create(
        workspace=ws,
        account=account,
        last_name="Client",
        emails=["client@client.example"],
        consent=True,
    )
    opportunity = Opportunity.objects.create(
        workspace=ws,
        account=account,
        pipeline=pipeline,
        stage=stages[0],
        title="Big sale",
        owner=manager,
    )
    return World(ws, admin, manager, officer, account, contact, pipeline, stages, opportunity)
