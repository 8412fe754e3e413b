"""Reads of the CRM's sales side: pipelines with their stages, opportunities (a filtered list,
the board, the stage history), leads and sales targets. Each starts with the workspace check
(``access.workspace_require``): another company's workspace and rows are "not found"."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError

from .access import workspace_require
from .models import Lead, Opportunity, Pipeline, SalesTarget, Stage, StageChange

CENT = Decimal("0.01")
BOARD_CARDS_MAX = 200


@dataclass(frozen=True)
class OpportunityFilters:
    """What the list and the board are narrowed by; each None (or empty) narrows nothing."""

    pipeline: int | None = None
    stage: int | None = None
    owner: int | None = None
    status: str | None = None
    account: int | None = None
    lot: int | None = None
    tender: int | None = None
    currency: str | None = None
    expected_close_from: date | None = None
    expected_close_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    q: str = ""


def _effective_probability():
    return Coalesce(F("probability"), F("stage__probability"))


def _opportunities(*, workspace_id: int, filters: OpportunityFilters) -> QuerySet[Opportunity]:
    qs = Opportunity.objects.filter(workspace_id=workspace_id)
    exact = {
        "pipeline_id": filters.pipeline,
        "stage_id": filters.stage,
        "owner_id": filters.owner,
        "status": filters.status,
        "account_id": filters.account,
        "lot_id": filters.lot,
        "tender_id": filters.tender,
        "currency": filters.currency,
        "expected_close__gte": filters.expected_close_from,
        "expected_close__lte": filters.expected_close_to,
        "amount__gte": filters.amount_min,
        "amount__lte": filters.amount_max,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    text = " ".join((filters.q or "").split())
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(account__name__icontains=text))
    return qs


# --- Pipelines -------------------------------------------------------------------------------


def pipeline_list(*, user, workspace_id: int) -> QuerySet[Pipeline]:
    workspace_require(user=user, workspace_id=workspace_id)
    return (
        Pipeline.objects.filter(workspace_id=workspace_id)
        .prefetch_related(Prefetch("stages", queryset=Stage.objects.order_by("position")))
        .order_by("-is_default", "kind", "name", "pk")
    )


def pipeline_get(*, user, workspace_id: int, pipeline_id: int) -> Pipeline:
    pipeline = pipeline_list(user=user, workspace_id=workspace_id).filter(pk=pipeline_id).first()
    if pipeline is None:
        raise NotFoundError(_("No such pipeline."), code="pipeline_not_found")
    return pipeline


# --- Opportunities ---------------------------------------------------------------------------


def opportunity_list(
    *, user, workspace_id: int, filters: OpportunityFilters | None = None
) -> QuerySet[Opportunity]:
    """The workspace's opportunities, narrowed by ``filters``, in board order within their
    pipeline (stage, position), newest pipelines' first."""
    workspace_require(user=user, workspace_id=workspace_id)
    return (
        _opportunities(workspace_id=workspace_id, filters=filters or OpportunityFilters())
        .select_related("account", "owner", "stage", "pipeline")
        .annotate(effective_probability=_effective_probability())
        .order_by("pipeline_id", "stage__position", "position", "pk")
    )


def opportunity_get(*, user, workspace_id: int, opportunity_id: int) -> Opportunity:
    opportunity = (
        opportunity_list(user=user, workspace_id=workspace_id).filter(pk=opportunity_id).first()
    )
    if opportunity is None:
        raise NotFoundError(_("No such opportunity."), code="opportunity_not_found")
    return opportunity


def stage_history(*, user, workspace_id: int, opportunity_id: int) -> QuerySet[StageChange]:
    """An opportunity's moves, oldest first: who (or which event) moved it, when, from, to."""
    opportunity_get(user=user, workspace_id=workspace_id, opportunity_id=opportunity_id)
    return (
        StageChange.objects.filter(opportunity_id=opportunity_id)
        .select_related("from_stage", "to_stage", "changed_by", "event")
        .order_by("changed_at", "pk")
    )


@dataclass
class Column:
    stage: Stage
    count: int = 0
    totals: list[dict] = field(default_factory=list)  # per currency: amount, weighted
    cards: list[Opportunity] = field(default_factory=list)


def opportunity_board(
    *,
    user,
    workspace_id: int,
    pipeline_id: int,
    per_stage: int = 50,
    filters: OpportunityFilters | None = None,
) -> tuple[Pipeline, list[Column]]:
    """A pipeline's board: each stage a column with its count and totals (per currency, and
    weighted by probability) and its first ``per_stage`` cards in position order (the rest
    through the list, filtered by stage). A fixed number of queries, however many
    opportunities: the pipeline and its stages, one for the totals, one for every column's
    card ids (a window over the stages), one for those cards."""
    pipeline = pipeline_get(user=user, workspace_id=workspace_id, pipeline_id=pipeline_id)
    per_stage = max(1, min(per_stage, BOARD_CARDS_MAX))
    filters = filters or OpportunityFilters()
    qs = _opportunities(workspace_id=workspace_id, filters=filters).filter(pipeline=pipeline)
    columns = {stage.pk: Column(stage=stage) for stage in pipeline.stages.all()}
    # Amount × probability (%), summed exactly; divided by 100 here, not in SQL (SQLite would
    # divide integers).
    weighted = ExpressionWrapper(
        F("amount") * _effective_probability(),
        output_field=DecimalField(max_digits=24, decimal_places=2),
    )
    totals = (
        qs.order_by()
        .values("stage_id", "currency")
        .annotate(cards=Count("pk"), total=Sum("amount"), total_weighted=Sum(weighted))
        .order_by("stage_id", "currency")
    )
    for row in totals:
        column = columns.get(row["stage_id"])
        if column is None:
            continue
        column.count += row["cards"]
        column.totals.append(
            {
                "currency": row["currency"],
                "amount": Decimal(row["total"] or 0).quantize(CENT),
                "weighted": (Decimal(row["total_weighted"] or 0) / 100).quantize(CENT),
            }
        )
    # The window ranks the opportunities alone (narrow rows, no joins); only the cards it
    # keeps are joined to their accounts and owners. Ranking the joined rows read every
    # account of the workspace and sorted 5,000 wide rows for 350 cards (docs/benchmarks.md).
    first = (
        qs.order_by()
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("stage_id")],
                order_by=[F("position").asc(), F("pk").asc()],
            )
        )
        .filter(row__lte=per_stage)
        .values_list("pk", flat=True)
    )
    cards = (
        Opportunity.objects.filter(pk__in=list(first))
        .select_related("account", "owner")
        .annotate(effective_probability=_effective_probability())
        .order_by("stage_id", "position", "pk")
    )
    for card in cards:
        column = columns.get(card.stage_id)
        if column is not None:
            column.cards.append(card)
    return pipeline, list(columns.values())


# --- Leads and targets -----------------------------------------------------------------------


def lead_list(
    *,
    user,
    workspace_id: int,
    status: str | None = None,
    source: str | None = None,
    owner: int | None = None,
    q: str = "",
) -> QuerySet[Lead]:
    workspace_require(user=user, workspace_id=workspace_id)
    qs = Lead.objects.filter(workspace_id=workspace_id).select_related("owner", "account")
    exact = {"status": status, "source": source, "owner_id": owner}
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    text = " ".join((q or "").split())
    if text:
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(company_name__icontains=text)
            | Q(person_name__icontains=text)
            | Q(email__icontains=text)
        )
    return qs.order_by("-created_at", "-pk")


def lead_get(*, user, workspace_id: int, lead_id: int) -> Lead:
    lead = lead_list(user=user, workspace_id=workspace_id).filter(pk=lead_id).first()
    if lead is None:
        raise NotFoundError(_("No such lead."), code="lead_not_found")
    return lead


def sales_target_list(
    *, user, workspace_id: int, owner: int | None = None, on: date | None = None
) -> QuerySet[SalesTarget]:
    """The workspace's targets; ``owner``: one person's; ``on``: those whose period holds the
    date."""
    workspace_require(user=user, workspace_id=workspace_id)
    qs = SalesTarget.objects.filter(workspace_id=workspace_id).select_related("owner")
    if owner is not None:
        qs = qs.filter(owner_id=owner)
    if on is not None:
        qs = qs.filter(period_start__lte=on, period_end__gte=on)
    return qs.order_by("period_start", "pk")


def sales_target_get(*, user, workspace_id: int, target_id: int) -> SalesTarget:
    target = sales_target_list(user=user, workspace_id=workspace_id).filter(pk=target_id).first()
    if target is None:
        raise NotFoundError(_("No such target."), code="target_not_found")
    return target
