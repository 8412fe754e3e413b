"""Planning's domain events (``marketplace.events``), written in the transaction of each change:
``plan.published`` (read by every signed-in person, as the plan itself) and
``plan_line.linked`` (the buyer's own)."""

from __future__ import annotations

from decimal import Decimal

from marketplace.events.services import event_emit, money

from .models import PlanLineTender, ProcurementPlan


def plan_published(
    *, plan: ProcurementPlan, budgets: dict[str, Decimal], lines: int, actor
) -> None:
    event_emit(
        "plan.published",
        company=plan.buyer_id,
        public=True,
        actor=actor,
        now=plan.published_at,
        payload={
            "plan": plan.pk,
            "buyer": plan.buyer_id,
            "year": plan.year,
            "title": plan.title,
            "lines": lines,
            "budgets": [
                {"currency": currency, "amount": money(amount)}
                for currency, amount in sorted(budgets.items())
            ],
        },
    )


def line_linked(*, link: PlanLineTender, actor) -> None:
    event_emit(
        "plan_line.linked",
        company=link.tender.buyer_id,
        actor=actor,
        payload={
            "plan": link.line.plan_id,
            "line": link.line_id,
            "tender": link.tender_id,
            "lot": link.lot_id,
        },
    )
