"""The forecast of a workspace (reads only): the weighted pipeline (amount × probability of its
open opportunities) by month of expected close, by owner or by stage, and plan versus fact
(the won amounts against the ``SalesTarget`` of each manager and of the whole workspace).
Amounts are summed per currency, never across: UAH is not added to EUR."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from .access import workspace_require
from .analytics import Column, Table, in_period, money, percent, user_name
from .models import Opportunity, OpportunityStatus, SalesTarget

PIPELINE_GROUPS = ("month", "owner", "stage")

_WEIGHTED = ExpressionWrapper(
    F("amount") * Coalesce("probability", "stage__probability") / Value(Decimal(100)),
    output_field=DecimalField(max_digits=40, decimal_places=6),
)


def pipeline_weighted(
    *,
    user,
    workspace_id: int,
    group: str = "month",
    pipeline_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Table:
    """The open opportunities per month of expected close (those without a date in a row of
    their own, unless a period is asked), per owner or per stage, and per currency: how many,
    their amount, and their weighted amount (amount × the opportunity's probability, or its
    stage's). An opportunity without an amount is counted and adds nothing."""
    workspace_require(user=user, workspace_id=workspace_id)
    if group not in PIPELINE_GROUPS:
        raise ValueError(group)
    qs = Opportunity.objects.filter(workspace_id=workspace_id, status=OpportunityStatus.OPEN)
    if pipeline_id is not None:
        qs = qs.filter(pipeline_id=pipeline_id)
    qs = in_period(qs, "expected_close", date_from, date_to)
    keys: tuple[str, ...] = {
        "month": ("month",),
        "owner": ("owner_id", "owner__full_name", "owner__email"),
        "stage": ("pipeline_id", "pipeline__name", "stage_id", "stage__name", "stage__position"),
    }[group]
    if group == "month":
        qs = qs.annotate(month=TruncMonth("expected_close"))
    totals = (
        qs.values(*keys, "currency")
        .annotate(n=Count("pk"), amount_sum=Sum("amount"), weighted_sum=Sum(_WEIGHTED))
        .order_by()
    )
    rows = []
    for total in totals:
        row: dict = {}
        if group == "month":
            month = total["month"]
            row["month"] = month.strftime("%Y-%m") if month else None
        elif group == "owner":
            row["owner"] = total["owner_id"]
            row["owner_name"] = (
                user_name(total["owner__full_name"], total["owner__email"])
                if total["owner_id"]
                else _("No owner")
            )
        else:
            row.update(
                pipeline=total["pipeline_id"],
                pipeline_name=total["pipeline__name"],
                stage=total["stage_id"],
                stage_name=total["stage__name"],
                position=total["stage__position"],
            )
        row.update(
            currency=total["currency"],
            count=total["n"],
            amount=money(total["amount_sum"]),
            weighted=money(total["weighted_sum"]),
        )
        rows.append(row)
    if group == "month":
        rows.sort(key=lambda r: (r["month"] is None, r["month"] or "", r["currency"]))
    elif group == "owner":
        rows.sort(key=lambda r: (r["owner"] is None, r["owner_name"].casefold(), r["currency"]))
    else:
        rows.sort(key=lambda r: (r["pipeline_name"], r["pipeline"], r["position"], r["currency"]))
        for row in rows:
            del row["position"]
    key_columns = {
        "month": [Column("month", _("Month of expected close"), "month")],
        "owner": [Column("owner", _("Owner id"), "int"), Column("owner_name", _("Owner"))],
        "stage": [
            Column("pipeline", _("Pipeline id"), "int"),
            Column("pipeline_name", _("Pipeline")),
            Column("stage", _("Stage id"), "int"),
            Column("stage_name", _("Stage")),
        ],
    }[group]
    return Table(
        name=f"pipeline-by-{group}",
        title=_("Weighted pipeline"),
        columns=[
            *key_columns,
            Column("currency", _("Currency")),
            Column("count", _("Opportunities"), "int"),
            Column("amount", _("Amount"), "money"),
            Column("weighted", _("Weighted amount"), "money"),
        ],
        rows=rows,
    )


_WON_AMOUNT = Coalesce("won_amount", "amount")


def plan_fact(
    *,
    user,
    workspace_id: int,
    owner_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Table:
    """Each sales target whose period meets the asked one (a manager's, or the whole
    workspace's when it has no owner) against what was won in its own period: the
    opportunities won (by the day they were closed) by that manager (or by anyone, for the
    workspace's), in the target's currency. Won amounts in other currencies are listed beside
    it, never added."""
    workspace_require(user=user, workspace_id=workspace_id)
    targets = SalesTarget.objects.filter(workspace_id=workspace_id).select_related("owner")
    if owner_id is not None:
        targets = targets.filter(owner_id=owner_id)
    if date_from is not None:
        targets = targets.filter(period_end__gte=date_from)
    if date_to is not None:
        targets = targets.filter(period_start__lte=date_to)
    rows = []
    order = ("period_start", F("owner_id").asc(nulls_last=True), "pk")  # the whole's last
    for target in targets.order_by(*order):
        won = Opportunity.objects.filter(
            workspace_id=workspace_id,
            status=OpportunityStatus.WON,
            closed_at__date__gte=target.period_start,
            closed_at__date__lte=target.period_end,
        )
        if target.owner_id is not None:
            won = won.filter(owner_id=target.owner_id)
        by_currency = {
            r["currency"]: (r["n"], money(r["won_sum"]))
            for r in won.values("currency")
            .annotate(n=Count("pk"), won_sum=Sum(_WON_AMOUNT))
            .order_by()
        }
        count, fact = by_currency.pop(target.currency, (0, money(0)))
        goal = money(target.amount)
        rows.append(
            {
                "target": target.pk,
                "owner": target.owner_id,
                "owner_name": (
                    user_name(target.owner.full_name, target.owner.email)
                    if target.owner
                    else _("Whole workspace")
                ),
                "period_start": target.period_start,
                "period_end": target.period_end,
                "currency": target.currency,
                "plan": goal,
                "won_count": count,
                "fact": fact,
                "percent": percent(fact, goal),
                "remaining": max(goal - fact, money(0)),
                "won_other_currencies": "; ".join(
                    f"{amount} {currency}" for currency, (_n, amount) in sorted(by_currency.items())
                ),
            }
        )
    return Table(
        name="plan-fact",
        title=_("Plan versus fact"),
        columns=[
            Column("target", _("Target id"), "int"),
            Column("owner", _("Owner id"), "int"),
            Column("owner_name", _("Owner")),
            Column("period_start", _("From"), "date"),
            Column("period_end", _("To"), "date"),
            Column("currency", _("Currency")),
            Column("plan", _("Plan"), "money"),
            Column("won_count", _("Won"), "int"),
            Column("fact", _("Fact"), "money"),
            Column("percent", _("Done, %"), "percent"),
            Column("remaining", _("Remaining"), "money"),
            Column("won_other_currencies", _("Won in other currencies")),
        ],
        rows=rows,
    )
