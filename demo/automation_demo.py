"""The demo's automation rules, in a CRM workspace kept by ``admin`` (a company admin): when a
lead is created, a follow-up task for its owner; when an opportunity moves to a won stage, its
owner is notified. A lead entered and an opportunity won by the CRM's own services then make
logged runs (the events delivered as the worker would). Loaded once: a workspace that has rules
gets nothing again."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Max

from automation import services
from automation.models import Rule, Run
from crm.models import Account, Pipeline, Stage, StageKind
from crm.pipeline_leads import lead_create
from crm.pipeline_opportunities import opportunity_create, opportunity_move
from marketplace.companies.models import Company
from marketplace.events.models import DeliveryStatus, Event, EventDelivery
from marketplace.events.services import delivery_run
from marketplace.users.models import User


def _deliver(now: datetime, *, after: int) -> None:
    """Run the pending deliveries of the events made here (the event ids above ``after``; the
    rules' among them) now, as the worker does after the commit; more passes for what the first
    one emitted. Earlier events are left to their own delivery."""
    for _round in range(3):
        ids = list(
            EventDelivery.objects.filter(
                status=DeliveryStatus.PENDING, attempts=0, event_id__gt=after
            ).values_list("pk", flat=True)
        )
        for pk in ids:
            delivery_run(delivery_id=pk, now=now)


def automation_demo_load(*, now: datetime, workspace: Company, admin: User) -> dict:
    """Two rules of ``workspace`` and their first runs. Returns the rules and runs by name."""
    if Rule.objects.filter(workspace=workspace).exists():
        return {"rules": list(Rule.objects.filter(workspace=workspace)), "runs": 0}
    after = Event.objects.aggregate(last=Max("pk"))["last"] or 0
    follow_up = services.rule_create(
        user=admin,
        workspace_id=workspace.pk,
        name="Новий лід → завдання відповідальному",
        trigger="crm.lead_created",
        actions=[
            {
                "kind": "create_task",
                "subject": "Зв'язатися з новим лідом",
                "body": "Перший дзвінок протягом доби.",
                "due_in_days": 1,
                "assignee": "owner",
            }
        ],
    )
    won = services.rule_create(
        user=admin,
        workspace_id=workspace.pk,
        name="Угоду виграно → сповістити відповідального",
        trigger="crm.opportunity_stage_changed",
        conditions=[{"field": "to_kind", "operator": "eq", "value": "won"}],
        actions=[
            {
                "kind": "notify",
                "to": "owner",
                "title": "Угоду виграно",
                "body": "Автоматичне правило: угода перейшла на виграну стадію.",
            }
        ],
    )
    account = Account.objects.filter(workspace=workspace).order_by("pk").first()
    if account is not None:
        lead_create(
            user=admin,
            workspace_id=workspace.pk,
            title="Запит на постачання з виставки",
            account_id=account.pk,
            owner_id=account.owner_id or admin.pk,
            person_name="Олена Коваль",
        )
    if account is not None:
        # A deal of its own, won, in the workspace's own pipeline (the CRM demo's
        # opportunities keep their stages).
        pipeline = (
            Pipeline.objects.filter(workspace=workspace, is_default=True).order_by("pk").first()
        )
        opportunity = opportunity_create(
            pipeline_id=pipeline.pk if pipeline else None,
            user=admin,
            workspace_id=workspace.pk,
            account_id=account.pk,
            title="Повторна поставка насіння (виграно)",
            amount=Decimal("180000.00"),
            currency="UAH",
            owner_id=account.owner_id or admin.pk,
        )
        stage = Stage.objects.filter(pipeline=opportunity.pipeline, kind=StageKind.WON).first()
        if stage is not None:
            opportunity_move(
                user=admin,
                workspace_id=workspace.pk,
                opportunity_id=opportunity.pk,
                stage_id=stage.pk,
            )
    _deliver(now, after=after)
    return {
        "rules": [follow_up, won],
        "runs": Run.objects.filter(rule__in=[follow_up, won]).count(),
    }
