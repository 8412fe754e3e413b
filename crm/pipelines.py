"""Pipelines and their stages, and sales targets: services (writes) of the CRM's sales side.
Opportunities are in ``pipeline_opportunities``, leads in ``pipeline_leads``, reads in
``pipeline_selectors``, the moves the marketplace makes by itself in ``pipeline_listeners``.

* A workspace gets its default pipelines the first time it needs them (``pipelines_ensure``):
  a sales pipeline (a supplier's, and any company that does not only buy) and a purchase
  pipeline (a buyer's), created once even when two requests race: the first use takes the
  workspace company's row lock, and the others find the pipelines made under it. A default
  pipeline is never deleted (it would come back), only renamed and changed.
* A stage has a position, a default probability, a kind (open, won, lost) and ``auto``: the
  auction moment that moves an auction-linked opportunity there by itself (one stage per
  moment in a pipeline; a moment of winning on a won stage, of losing on a lost one). A stage
  in use (an opportunity is in it, or its history names it) is not deleted, nor changes its
  kind: 409. A pipeline keeps an open stage.
* A sales target is a person's (or, without one, the whole workspace's) for a period, in a
  currency; the periods of one owner and currency do not overlap.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max, ProtectedError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marketplace.companies.models import Company
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError

from .access import READ_ROLES, workspace_require
from .models import (
    Opportunity,
    Pipeline,
    PipelineKind,
    SalesTarget,
    Stage,
    StageChange,
    StageKind,
)

# What moves an auction-linked opportunity by itself, per pipeline kind, and the stage kind
# each moment must have.
AUTO_SALES = ("applied", "admitted", "bid", "won", "lost")
AUTO_PURCHASE = ("published", "auction", "awarded", "cancelled")
AUTO_KIND = {"won": StageKind.WON, "awarded": StageKind.WON}
AUTO_KIND |= {"lost": StageKind.LOST, "cancelled": StageKind.LOST}
MAX_STAGES = 30
_RENUMBER_OFFSET = 1000  # stage positions are moved out of the way first (unique per pipeline)


def field_error(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


# --- Pipelines and stages ----------------------------------------------------------------------


def default_stages(kind: str) -> list[tuple[str, int, str, str]]:
    """The stages a new pipeline of ``kind`` starts with: (name, probability, kind, auto)."""
    if kind == PipelineKind.PURCHASE:  # a buyer's purchase, following its tender
        return [
            (_("Planned"), 10, StageKind.OPEN, ""),
            (_("Published"), 30, StageKind.OPEN, "published"),
            (_("Auction"), 60, StageKind.OPEN, "auction"),
            (_("Awarded"), 100, StageKind.WON, "awarded"),
            (_("Cancelled"), 0, StageKind.LOST, "cancelled"),
        ]
    return [
        (_("New"), 10, StageKind.OPEN, ""),
        (_("Qualified"), 25, StageKind.OPEN, ""),
        (_("Applied"), 40, StageKind.OPEN, "applied"),
        (_("Admitted"), 55, StageKind.OPEN, "admitted"),
        (_("Bidding"), 70, StageKind.OPEN, "bid"),
        (_("Won"), 100, StageKind.WON, "won"),
        (pgettext("crm status", "Lost"), 0, StageKind.LOST, "lost"),
    ]


def default_kinds(company: Company) -> list[str]:
    """A supplier gets a sales pipeline, a buyer a purchase pipeline (a company is one or
    both)."""
    kinds: list[str] = []
    if company.is_supplier or not company.is_buyer:
        kinds.append(PipelineKind.SALES)
    if company.is_buyer:
        kinds.append(PipelineKind.PURCHASE)
    return kinds


def _pipeline_add(*, workspace_id: int, name: str, kind: str, is_default: bool) -> Pipeline:
    pipeline = Pipeline.objects.create(
        workspace_id=workspace_id, name=name, kind=kind, is_default=is_default
    )
    Stage.objects.bulk_create(
        [
            Stage(pipeline=pipeline, name=n, position=i, probability=p, kind=k, auto=a)
            for i, (n, p, k, a) in enumerate(default_stages(kind), 1)
        ]
    )
    return pipeline


def workspace_lock(workspace_id: int) -> None:
    """Take the workspace company's row lock (``FOR NO KEY UPDATE``: rows that merely point at
    the company are still written meanwhile): what makes a workspace's defaults, its targets'
    periods and the leads and opportunities its events make, one at a time."""
    list(Company.objects.select_for_update(no_key=True).filter(pk=workspace_id).values_list("pk"))


def pipelines_ensure(*, workspace_id: int, kinds: list[str] | None = None) -> None:
    """Create the workspace's default pipelines it lacks (of ``kinds``; by default those of
    its roles), once (see the module's docstring). Called by whatever first needs them; no
    user check (it makes only the defaults)."""

    def missing() -> list[str]:
        have = set(
            Pipeline.objects.filter(workspace_id=workspace_id, is_default=True).values_list(
                "kind", flat=True
            )
        )
        return [k for k in wanted if k not in have]

    if kinds is None:
        company = Company.objects.only("pk", "is_buyer", "is_supplier").get(pk=workspace_id)
        wanted = default_kinds(company)
    else:
        wanted = list(kinds)
    if not missing():
        return
    names: dict[str, str] = {PipelineKind.SALES: _("Sales"), PipelineKind.PURCHASE: _("Purchases")}
    with transaction.atomic():
        workspace_lock(workspace_id)  # a racing first use waits here, then sees these
        for kind in missing():
            _pipeline_add(workspace_id=workspace_id, name=names[kind], kind=kind, is_default=True)


def default_pipeline(*, workspace_id: int, kind: str = PipelineKind.SALES) -> Pipeline:
    """The workspace's default pipeline of ``kind`` (made if it has none: a buyer converting
    a lead gets a sales pipeline then)."""
    pipelines_ensure(workspace_id=workspace_id, kinds=[kind])
    pipelines = Pipeline.objects.filter(workspace_id=workspace_id, kind=kind, is_default=True)
    return pipelines.order_by("pk")[0]


def pipeline_in(*, workspace_id: int, pipeline_id: int, field: str = "pipeline") -> Pipeline:
    pipeline = Pipeline.objects.filter(workspace_id=workspace_id, pk=pipeline_id).first()
    if pipeline is None:
        raise field_error(field, _("No such pipeline."))
    return pipeline


def _pipeline_locked(*, workspace_id: int, pipeline_id: int) -> Pipeline:
    pipeline = (
        Pipeline.objects.select_for_update(no_key=True)
        .filter(workspace_id=workspace_id, pk=pipeline_id)
        .first()
    )
    if pipeline is None:
        raise NotFoundError(_("No such pipeline."), code="pipeline_not_found")
    return pipeline


def name_clean(name: str, field: str = "name", limit: int = 120) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise field_error(field, _("Give a name."))
    if len(name) > limit:
        raise field_error(field, _("At most %(n)d characters.") % {"n": limit})
    return name


def pipeline_create(*, user, workspace_id: int, name: str, kind: str) -> Pipeline:
    """A new pipeline, with the stages of its kind to start from."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    if kind not in PipelineKind.values:
        raise field_error("kind", _("Unknown pipeline kind."))
    with transaction.atomic():
        return _pipeline_add(
            workspace_id=workspace_id, name=name_clean(name), kind=kind, is_default=False
        )


def pipeline_rename(*, user, workspace_id: int, pipeline_id: int, name: str) -> Pipeline:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        pipeline = _pipeline_locked(workspace_id=workspace_id, pipeline_id=pipeline_id)
        pipeline.name = name_clean(name)
        pipeline.save(update_fields=["name"])
    return pipeline


def pipeline_delete(*, user, workspace_id: int, pipeline_id: int) -> None:
    """Delete a pipeline that is not a default one and holds no opportunity (409 otherwise)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        pipeline = _pipeline_locked(workspace_id=workspace_id, pipeline_id=pipeline_id)
        if pipeline.is_default:
            raise ConflictError(
                _("A default pipeline is not deleted; rename it or change its stages."),
                code="pipeline_default",
            )
        try:
            with transaction.atomic():
                pipeline.delete()
        except ProtectedError:
            raise ConflictError(
                _("The pipeline has opportunities; move or delete them first."),
                code="pipeline_in_use",
            ) from None


def _auto_clean(pipeline: Pipeline, auto: str, kind: str, stage: Stage | None) -> str:
    auto = (auto or "").strip()
    if not auto:
        return ""
    allowed = AUTO_PURCHASE if pipeline.kind == PipelineKind.PURCHASE else AUTO_SALES
    if auto not in allowed:
        raise field_error("auto", _("Must be one of: %(c)s.") % {"c": ", ".join(allowed)})
    if AUTO_KIND.get(auto, StageKind.OPEN) != kind:
        raise field_error("auto", _("This moment does not fit a stage of this kind."))
    taken = pipeline.stages.filter(auto=auto)
    if stage is not None:
        taken = taken.exclude(pk=stage.pk)
    if taken.exists():
        raise field_error("auto", _("Another stage of this pipeline already has this moment."))
    return auto


def probability_clean(value, field: str = "probability") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise field_error(field, _("A whole number from 0 to 100."))
    return value


def stage_add(
    *,
    user,
    workspace_id: int,
    pipeline_id: int,
    name: str,
    probability: int,
    kind: str = StageKind.OPEN,
    auto: str = "",
) -> Stage:
    """A stage at the end of the pipeline (reorder it with ``stages_reorder``)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    if kind not in StageKind.values:
        raise field_error("kind", _("Unknown stage kind."))
    with transaction.atomic():
        pipeline = _pipeline_locked(workspace_id=workspace_id, pipeline_id=pipeline_id)
        if pipeline.stages.count() >= MAX_STAGES:
            raise field_error("name", _("A pipeline has at most %(n)d stages.") % {"n": MAX_STAGES})
        last = pipeline.stages.aggregate(last=Max("position"))["last"] or 0
        return Stage.objects.create(
            pipeline=pipeline,
            name=name_clean(name),
            position=last + 1,
            probability=probability_clean(probability),
            kind=kind,
            auto=_auto_clean(pipeline, auto, kind, None),
        )


def _stage_in_use(stage: Stage) -> bool:
    return (
        Opportunity.objects.filter(stage=stage).exists()
        or StageChange.objects.filter(to_stage=stage).exists()
        or StageChange.objects.filter(from_stage=stage).exists()
    )


def stage_update(*, user, workspace_id: int, pipeline_id: int, stage_id: int, **changes) -> Stage:
    """Change a stage's ``name``, ``probability``, ``kind`` or ``auto`` (a stage in use keeps
    its kind: the opportunities in it are won, lost or open by it)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        pipeline = _pipeline_locked(workspace_id=workspace_id, pipeline_id=pipeline_id)
        stage = pipeline.stages.filter(pk=stage_id).first()
        if stage is None:
            raise NotFoundError(_("No such stage."), code="stage_not_found")
        if "name" in changes:
            stage.name = name_clean(changes["name"])
        if "probability" in changes:
            stage.probability = probability_clean(changes["probability"])
        kind = changes.get("kind", stage.kind)
        if kind not in StageKind.values:
            raise field_error("kind", _("Unknown stage kind."))
        if kind != stage.kind and _stage_in_use(stage):
            raise ConflictError(
                _("The stage is in use: its kind cannot change."), code="stage_in_use"
            )
        if kind != stage.kind and stage.kind == StageKind.OPEN:
            _keep_an_open_stage(pipeline, without=stage)
        stage.kind = kind
        stage.auto = _auto_clean(pipeline, changes.get("auto", stage.auto), kind, stage)
        stage.save()
    return stage


def _keep_an_open_stage(pipeline: Pipeline, *, without: Stage) -> None:
    if not pipeline.stages.filter(kind=StageKind.OPEN).exclude(pk=without.pk).exists():
        raise ConflictError(_("A pipeline keeps at least one open stage."), code="last_open_stage")


def stage_delete(*, user, workspace_id: int, pipeline_id: int, stage_id: int) -> None:
    """Delete a stage no opportunity is in nor has been in: 409 otherwise."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        pipeline = _pipeline_locked(workspace_id=workspace_id, pipeline_id=pipeline_id)
        stage = pipeline.stages.filter(pk=stage_id).first()
        if stage is None:
            raise NotFoundError(_("No such stage."), code="stage_not_found")
        if _stage_in_use(stage):
            raise ConflictError(
                _("Opportunities are or were in this stage: it cannot be deleted."),
                code="stage_in_use",
            )
        if stage.kind == StageKind.OPEN:
            _keep_an_open_stage(pipeline, without=stage)
        stage.delete()
        _renumber(pipeline, list(pipeline.stages.order_by("position").values_list("pk", flat=True)))


def stages_reorder(
    *, user, workspace_id: int, pipeline_id: int, stage_ids: list[int]
) -> list[Stage]:
    """Put the pipeline's stages in the order of ``stage_ids`` (each of its stages, once)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        pipeline = _pipeline_locked(workspace_id=workspace_id, pipeline_id=pipeline_id)
        stages = {s.pk: s for s in pipeline.stages.all()}
        if sorted(stage_ids) != sorted(stages):
            raise field_error("stages", _("List each stage of the pipeline once."))
        _renumber(pipeline, stage_ids)
        for position, pk in enumerate(stage_ids, 1):
            stages[pk].position = position
    return [stages[pk] for pk in stage_ids]


def _renumber(pipeline: Pipeline, stage_ids: list[int]) -> None:
    """Positions 1..n in this order; they move out of each other's way first (they are unique
    per pipeline, checked row by row). Under the pipeline's lock."""
    pipeline.stages.update(position=F("position") + _RENUMBER_OFFSET)
    for position, pk in enumerate(stage_ids, 1):
        Stage.objects.filter(pk=pk).update(position=position)


# --- People and sales targets -----------------------------------------------------------------


def member_clean(*, workspace_id: int, user_id: int | None, field: str = "owner"):
    """A person of the workspace's company (any CRM role), or None."""
    if user_id is None:
        return None
    person = get_user_model().objects.filter(pk=user_id).first()
    if person is None or not user_has_company_role(
        user=person, company=workspace_id, roles=READ_ROLES
    ):
        raise field_error(field, _("Not a person of this company."))
    return person


def _target_values(*, workspace_id: int, target: SalesTarget, changes: dict) -> None:
    if "owner_id" in changes:
        target.owner = member_clean(workspace_id=workspace_id, user_id=changes["owner_id"])
    for field in ("period_start", "period_end", "amount", "currency"):
        if field in changes:
            setattr(target, field, changes[field])
    if target.period_start > target.period_end:
        raise field_error("period_end", _("The period ends before it starts."))
    if target.amount is None or target.amount <= 0:
        raise field_error("amount", _("The target must be above zero."))
    overlapping = SalesTarget.objects.filter(
        workspace_id=workspace_id,
        owner=target.owner,
        currency=target.currency,
        period_start__lte=target.period_end,
        period_end__gte=target.period_start,
    ).exclude(pk=target.pk)
    if overlapping.exists():
        raise field_error(
            "period_start",
            _("Another target of the same person and currency covers part of this period."),
            code="target_overlaps",
        )


def sales_target_create(*, user, workspace_id: int, **values) -> SalesTarget:
    """A target for a person of the workspace (``owner_id``) or, without one, the whole
    workspace, for a period, in a currency; periods of one owner and currency do not overlap."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        workspace_lock(workspace_id)
        target = SalesTarget(workspace_id=workspace_id)
        _target_values(workspace_id=workspace_id, target=target, changes=values)
        target.save(force_insert=True)
    return target


def sales_target_update(*, user, workspace_id: int, target_id: int, **changes) -> SalesTarget:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        workspace_lock(workspace_id)
        target = SalesTarget.objects.filter(workspace_id=workspace_id, pk=target_id).first()
        if target is None:
            raise NotFoundError(_("No such target."), code="target_not_found")
        _target_values(workspace_id=workspace_id, target=target, changes=changes)
        target.save()
    return target


def sales_target_delete(*, user, workspace_id: int, target_id: int) -> None:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    deleted, _rows = SalesTarget.objects.filter(workspace_id=workspace_id, pk=target_id).delete()
    if not deleted:
        raise NotFoundError(_("No such target."), code="target_not_found")
