"""Opportunities: potential deals on accounts moving through a pipeline's stages (services).

* An opportunity has an account, a pipeline and a stage, a title, an amount in a currency, a
  probability (the stage's unless set), an expected close, an owner (a person of the
  workspace), competitors, custom fields, and may point at a lot (a supplier's sale) or at one
  of the workspace's tenders (a buyer's purchase).
* Each move between stages records a ``StageChange`` (who, when, from, to; for a move the
  marketplace made, the event, once) and a line on the account's timeline. A lost stage needs a
  lost reason; a won one keeps the won amount (the opportunity's amount unless given).
* Positions order the cards of a stage (the board). A move locks its opportunity's stage and
  the target stage (by id), then the opportunity: moves into one stage happen one after
  another, so positions stay distinct, and two moves never wait on each other in a circle.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import Application, Lot, Tender, TenderStatus
from auctions.tenders.selectors import tender_supplier_block_reason
from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.events.services import event_emit, money

from .access import workspace_require
from .account_checks import domain_of, name_fold
from .accounts import account_create, custom_fields_of, custom_values_clean
from .models import (
    Account,
    CustomField,
    LostReason,
    Opportunity,
    OpportunityStatus,
    Pipeline,
    PipelineKind,
    Segment,
    Stage,
    StageChange,
    StageKind,
    TimelineKind,
)
from .pipelines import (
    AUTO_KIND,
    default_pipeline,
    field_error,
    member_clean,
    name_clean,
    pipeline_in,
    probability_clean,
)
from .timeline import timeline_add

MAX_COMPETITORS = 20


# --- Checks of an opportunity's values -------------------------------------------------------


def account_in(*, workspace_id: int, account_id: int, field: str = "account") -> Account:
    account = Account.objects.filter(workspace_id=workspace_id, pk=account_id).first()
    if account is None:
        raise field_error(field, _("No such account."))
    return account


def _custom_clean(*, workspace_id: int, values: dict | None, current: dict | None = None) -> dict:
    """The opportunity's custom fields with ``values`` applied, each checked against its
    field's type (the accounts' rule, ``accounts.custom_values_clean``)."""
    fields = custom_fields_of(workspace_id=workspace_id, entity=CustomField.Entity.OPPORTUNITY)
    out, errors = custom_values_clean(fields=fields, values=values or {}, current=current)
    if errors:
        raise ApplicationError(_("Some fields are not valid."), fields=errors)
    return out


def _competitors_clean(values) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list) or len(values) > MAX_COMPETITORS:
        raise field_error("competitors", _("At most %(n)d names.") % {"n": MAX_COMPETITORS})
    out: list[str] = []
    for value in values:
        name = " ".join(str(value).split())[:200]
        if name and name not in out:
            out.append(name)
    return out


def link_clean(
    *, workspace_id: int, lot_id: int | None, tender_id: int | None
) -> tuple[Lot | None, Tender | None]:
    """A supplier's opportunity points at a lot its company may see (it applied to it, or may
    take part in its published tender); a buyer's at one of its own tenders."""
    if lot_id and tender_id:
        raise field_error("lot", _("Link a lot (a sale) or a tender (a purchase), not both."))
    if lot_id:
        lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
        applied = Application.objects.filter(lot_id=lot_id, supplier_id=workspace_id).exists()
        if lot is None or not (
            applied
            or (
                lot.tender.status != TenderStatus.DRAFT
                and tender_supplier_block_reason(tender=lot.tender, company=workspace_id) is None
            )
        ):
            raise field_error("lot", _("No such lot."))
        return lot, None
    if tender_id:
        tender = Tender.objects.filter(pk=tender_id, buyer_id=workspace_id).first()
        if tender is None:
            raise field_error("tender", _("No such tender."))
        return None, tender
    return None, None


# --- Opportunities ---------------------------------------------------------------------------


def _stages_lock(ids) -> dict[int, Stage]:
    stages = Stage.objects.select_for_update(no_key=True).filter(pk__in=set(ids)).order_by("pk")
    return {s.pk: s for s in stages}


def _target_position(
    opportunity: Opportunity,
    target: Stage,
    *,
    after: int | None = None,
    before: int | None = None,
    index: int | None = None,
) -> int | None:
    """The position the card takes in ``target``: after or before a card of it, or at an index
    among its cards; None for the bottom."""
    column = Opportunity.objects.filter(stage=target).exclude(pk=opportunity.pk)
    for field, neighbour, shift in (("after", after, 1), ("before", before, 0)):
        if neighbour is not None:
            at = column.filter(pk=neighbour).values_list("position", flat=True).first()
            if at is None:
                raise field_error(field, _("That card is not in the target stage."))
            return at + shift
    if index is not None:
        ordered = column.order_by("position", "pk").values_list("position", flat=True)
        return ordered[index : index + 1].first()
    return None


def _place(opportunity: Opportunity, target: Stage, position: int | None) -> None:
    """Give the card ``position`` in ``target`` (the cards at and after it move down one), or
    the bottom. Under ``target``'s row lock."""
    column = Opportunity.objects.filter(stage=target).exclude(pk=opportunity.pk)
    if position is None:
        position = (column.aggregate(last=Max("position"))["last"] or 0) + 1
    else:
        column.filter(position__gte=position).update(position=F("position") + 1)
    opportunity.position = position


def _status_for(
    opportunity: Opportunity,
    target: Stage,
    *,
    lost_reason: str,
    lost_note: str,
    won_amount: Decimal | None,
    now: datetime,
) -> None:
    if target.kind == StageKind.LOST:
        if lost_reason not in LostReason.values:
            raise field_error("lost_reason", _("Say why it was lost."), code="lost_reason_required")
        opportunity.status = OpportunityStatus.LOST
        opportunity.lost_reason, opportunity.lost_note = lost_reason, lost_note[:500]
        opportunity.won_amount, opportunity.closed_at = None, now
    elif target.kind == StageKind.WON:
        opportunity.status = OpportunityStatus.WON
        opportunity.won_amount = won_amount if won_amount is not None else opportunity.amount
        opportunity.lost_reason, opportunity.lost_note = "", ""
        opportunity.closed_at = now
    else:
        opportunity.status = OpportunityStatus.OPEN
        opportunity.lost_reason, opportunity.lost_note = "", ""
        opportunity.won_amount, opportunity.closed_at = None, None


def _record(
    opportunity: Opportunity, from_stage: Stage | None, to: Stage, *, by, event, note, now
) -> StageChange:
    change = StageChange.objects.create(
        opportunity=opportunity,
        from_stage=from_stage,
        to_stage=to,
        changed_by=by,
        event=event,
        note=note[:500],
        changed_at=now,
    )
    names = {"title": opportunity.title, "to": to.name}
    if from_stage is None:
        title = _("Opportunity “%(title)s” opened in %(to)s") % names
    else:
        title = _("Opportunity “%(title)s”: %(from)s → %(to)s") % {**names, "from": from_stage.name}
    timeline_add(
        account=opportunity.account,
        kind=TimelineKind.STAGE,
        type="opportunity.stage_changed",
        title=title,
        body=note,
        payload={"opportunity": opportunity.pk, "from": getattr(from_stage, "pk", None)}
        | {"to": to.pk, "status": opportunity.status},
        at=now,
        actor=by,
    )
    return change


def _stage_changed_emit(opportunity: Opportunity, from_stage: Stage, to: Stage, *, by, now) -> None:
    """``crm.opportunity_stage_changed``, in the transaction of the move (its listeners, e.g.
    the automation rules, hear of it after the commit)."""
    event_emit(
        "crm.opportunity_stage_changed",
        company=opportunity.workspace_id,
        actor=by,
        now=now,
        payload={
            "opportunity": opportunity.pk,
            "workspace": opportunity.workspace_id,
            "account": opportunity.account_id,
            "pipeline": opportunity.pipeline_id,
            "from_stage": from_stage.pk,
            "to_stage": to.pk,
            "to_kind": to.kind,
            "status": opportunity.status,
            "owner": opportunity.owner_id,
            "amount": None if opportunity.amount is None else money(opportunity.amount),
            "currency": opportunity.currency,
        },
    )


def move(
    opportunity: Opportunity,
    target: Stage,
    *,
    by=None,
    event=None,
    note: str = "",
    position: int | None = None,
    lost_reason: str = "",
    lost_note: str = "",
    won_amount: Decimal | None = None,
) -> StageChange | None:
    """Move ``opportunity`` to ``target`` (a stage of its pipeline) at ``position`` (None: the
    bottom), recording the change when the stage changes. The caller holds the opportunity's
    row lock and those of its stage and ``target`` (``_stages_lock``)."""
    now = timezone.now()
    change = None
    if target.pk != opportunity.stage_id:
        from_stage = opportunity.stage
        _status_for(
            opportunity,
            target,
            lost_reason=lost_reason,
            lost_note=lost_note,
            won_amount=won_amount,
            now=now,
        )
        opportunity.stage = target
        _place(opportunity, target, position)
        opportunity.save()
        change = _record(opportunity, from_stage, target, by=by, event=event, note=note, now=now)
        _stage_changed_emit(opportunity, from_stage, target, by=by, now=now)
    else:
        _place(opportunity, target, position)
        opportunity.save(update_fields=["position", "updated_at"])
    return change


def _locked_for_move(rows, *, target_id: int | None) -> tuple[Opportunity, dict[int, Stage]] | None:
    """Lock the opportunity of ``rows`` for a move to ``target_id``: its stage and the target
    stage first (by id), then the opportunity. Every writer of a stage's cards holds that
    stage's lock, so a move waits for no card of a stage it holds, and no two moves wait on
    each other in a circle. None if there is no such opportunity; 409 if it moved meanwhile."""
    current = rows.values_list("stage_id", flat=True).first()
    if current is None:
        return None
    stages = _stages_lock([current] if target_id is None else [current, target_id])
    opportunity = rows.select_for_update(no_key=True).first()
    if opportunity is None:
        return None
    if opportunity.stage_id != current:
        raise ConflictError(
            _("The opportunity was moved by someone else just now: try again."),
            code="opportunity_moved",
        )
    opportunity.stage = stages[current]
    return opportunity, stages


def _locked_opportunity(*, workspace_id: int, opportunity_id: int) -> Opportunity:
    opportunity = (
        Opportunity.objects.select_for_update()
        .filter(workspace_id=workspace_id, pk=opportunity_id)
        .first()
    )
    if opportunity is None:
        raise NotFoundError(_("No such opportunity."), code="opportunity_not_found")
    return opportunity


def opportunity_create(
    *,
    user,
    workspace_id: int,
    account_id: int,
    title: str,
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    amount: Decimal | None = None,
    currency: str = "UAH",
    probability: int | None = None,
    expected_close: date | None = None,
    owner_id: int | None = None,
    competitors: list | None = None,
    custom: dict | None = None,
    lot_id: int | None = None,
    tender_id: int | None = None,
    lost_reason: str = "",
    lost_note: str = "",
) -> Opportunity:
    """A new opportunity on an account, in a stage of a pipeline (by default the first open
    stage of the workspace's default pipeline: a purchase one for a tender)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    account = account_in(workspace_id=workspace_id, account_id=account_id)
    lot, tender = link_clean(workspace_id=workspace_id, lot_id=lot_id, tender_id=tender_id)
    values = {
        "title": name_clean(title, "title", 300),
        "amount": amount,
        "currency": currency,
        "probability": None if probability is None else probability_clean(probability),
        "expected_close": expected_close,
        "owner": member_clean(workspace_id=workspace_id, user_id=owner_id),
        "competitors": _competitors_clean(competitors),
        "custom": _custom_clean(workspace_id=workspace_id, values=custom),
        "lot": lot,
        "tender": tender,
    }
    if pipeline_id is None:
        kind = PipelineKind.PURCHASE if tender else PipelineKind.SALES
        pipeline = default_pipeline(workspace_id=workspace_id, kind=kind)
    else:
        pipeline = pipeline_in(workspace_id=workspace_id, pipeline_id=pipeline_id)
    with transaction.atomic():
        return opportunity_add(
            workspace_id=workspace_id,
            account=account,
            pipeline=pipeline,
            stage_id=stage_id,
            by=user,
            lost_reason=lost_reason,
            lost_note=lost_note,
            **values,
        )


def opportunity_add(
    *,
    workspace_id: int,
    account: Account,
    pipeline: Pipeline,
    stage_id: int | None = None,
    auto: str = "",
    by=None,
    event=None,
    lost_reason: str = "",
    lost_note: str = "",
    **values,
) -> Opportunity:
    """Write a new opportunity (its values checked by the caller) at the bottom of its stage:
    ``stage_id``, else the stage of ``auto``, else the pipeline's first open stage. In the
    caller's transaction."""
    stages = pipeline.stages.order_by("position")
    if stage_id is not None:
        stage = stages.filter(pk=stage_id).first()
        if stage is None:
            raise field_error("stage", _("No such stage in this pipeline."))
    else:
        stage = (auto and stages.filter(auto=auto).first()) or stages.filter(
            kind=StageKind.OPEN
        ).first()
        if stage is None:
            raise field_error("stage", _("The pipeline has no open stage."))
    stage = _stages_lock([stage.pk])[stage.pk]
    opportunity = Opportunity(
        workspace_id=workspace_id, account=account, pipeline=pipeline, stage=stage, created_by=by
    )
    for field, value in values.items():
        setattr(opportunity, field, value)
    _status_for(
        opportunity,
        stage,
        lost_reason=lost_reason,
        lost_note=lost_note,
        won_amount=None,
        now=timezone.now(),
    )
    _place(opportunity, stage, None)
    opportunity.save(force_insert=True)
    _record(opportunity, None, stage, by=by, event=event, note="", now=timezone.now())
    return opportunity


def opportunity_update(*, user, workspace_id: int, opportunity_id: int, **changes) -> Opportunity:
    """Change an opportunity's values (not its stage: ``opportunity_move`` does that)."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        opportunity = _locked_opportunity(workspace_id=workspace_id, opportunity_id=opportunity_id)
        if "account_id" in changes:
            opportunity.account = account_in(
                workspace_id=workspace_id, account_id=changes.pop("account_id")
            )
        if "lot_id" in changes or "tender_id" in changes:
            opportunity.lot, opportunity.tender = link_clean(
                workspace_id=workspace_id,
                lot_id=changes.pop("lot_id", opportunity.lot_id),
                tender_id=changes.pop("tender_id", opportunity.tender_id),
            )
        checks = {
            "title": lambda v: name_clean(v, "title", 300),
            "probability": lambda v: None if v is None else probability_clean(v),
            "owner_id": lambda v: member_clean(workspace_id=workspace_id, user_id=v),
            "competitors": _competitors_clean,
            "custom": lambda v: _custom_clean(
                workspace_id=workspace_id, values=v, current=opportunity.custom
            ),
            "lost_note": lambda v: (v or "")[:500],
        }
        for field, value in changes.items():
            check = checks.get(field)
            setattr(opportunity, field.removesuffix("_id"), check(value) if check else value)
        opportunity.save()
    return opportunity


def opportunity_delete(*, user, workspace_id: int, opportunity_id: int) -> None:
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        _locked_opportunity(workspace_id=workspace_id, opportunity_id=opportunity_id).delete()


def opportunity_move(
    *,
    user,
    workspace_id: int,
    opportunity_id: int,
    stage_id: int,
    after: int | None = None,
    before: int | None = None,
    index: int | None = None,
    lost_reason: str = "",
    lost_note: str = "",
    won_amount: Decimal | None = None,
) -> Opportunity:
    """Move an opportunity to a stage of its pipeline (a lost stage needs ``lost_reason``), at
    a place among that stage's cards: after or before a card, or at an index (default: the
    bottom). Within its own stage this only reorders."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    with transaction.atomic():
        rows = Opportunity.objects.filter(workspace_id=workspace_id, pk=opportunity_id)
        pipeline_id = rows.values_list("pipeline_id", flat=True).first()
        if pipeline_id is None:
            raise NotFoundError(_("No such opportunity."), code="opportunity_not_found")
        if not Stage.objects.filter(pk=stage_id, pipeline_id=pipeline_id).exists():
            raise field_error("stage", _("No such stage in this opportunity's pipeline."))
        locked = _locked_for_move(rows, target_id=stage_id)
        if locked is None:
            raise NotFoundError(_("No such opportunity."), code="opportunity_not_found")
        opportunity, stages = locked
        target = stages[stage_id]
        position = _target_position(opportunity, target, after=after, before=before, index=index)
        move(
            opportunity,
            target,
            by=user,
            position=position,
            lost_reason=lost_reason,
            lost_note=lost_note,
            won_amount=won_amount,
        )
    return opportunity


def auto_stage(*, pipeline_id: int, auto: str) -> Stage | None:
    """The pipeline's stage of an auction moment: the stage marked with it, else for winning
    or losing the first won or lost stage."""
    stages = Stage.objects.filter(pipeline_id=pipeline_id).order_by("position")
    stage = stages.filter(auto=auto).first()
    if stage is None and auto in AUTO_KIND:
        stage = stages.filter(kind=AUTO_KIND[auto]).first()
    return stage


def opportunity_move_by_event(
    *,
    opportunity_id: int,
    auto: str,
    event,
    note: str = "",
    lost_reason: str = "",
    lost_note: str = "",
    won_amount: Decimal | None = None,
    outcome: dict | None = None,
) -> bool:
    """The marketplace moves an auction-linked opportunity to the stage of ``auto`` (called by
    a listener of ``event``, no user): only forward along the pipeline, never one already won
    or lost (by hand or by an earlier event), once per event. ``outcome`` (what the auction
    told this workspace) is kept even when the stage stays. True if it moved."""
    rows = Opportunity.objects.filter(pk=opportunity_id)
    pipeline_id = rows.values_list("pipeline_id", flat=True).first()
    target = auto_stage(pipeline_id=pipeline_id, auto=auto) if pipeline_id else None
    with transaction.atomic():
        locked = _locked_for_move(rows, target_id=target.pk if target else None)
        if locked is None:
            return False
        opportunity, stages = locked
        if outcome and {**opportunity.auction_outcome, **outcome} != opportunity.auction_outcome:
            opportunity.auction_outcome = {**opportunity.auction_outcome, **outcome}
            opportunity.save(update_fields=["auction_outcome", "updated_at"])
        if target is None or opportunity.status != OpportunityStatus.OPEN:
            return False
        if StageChange.objects.filter(opportunity=opportunity, event=event).exists():
            return False  # a redelivered event
        current, target = opportunity.stage, stages[target.pk]
        if target.kind == StageKind.OPEN and target.position <= current.position:
            return False  # it is there, or further on already
        move(
            opportunity,
            target,
            event=event,
            note=note,
            lost_reason=lost_reason,
            lost_note=lost_note,
            won_amount=won_amount,
        )
    return True


# --- Accounts the pipeline opens by itself -----------------------------------------------------


def account_for_company(*, workspace_id: int, company: Company, segment: str) -> Account:
    """The workspace's account of a marketplace company, found, or made from the company's
    registration (one per company and workspace, even when two events race)."""
    account = Account.objects.filter(workspace_id=workspace_id, company=company).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                workspace_id=workspace_id,
                company=company,
                name=company.legal_name,
                name_key=name_fold(company.legal_name),
                country=company.country,
                registration_number=company.registration_number or "",
                tax_id=company.tax_id or "",
                website=company.website or "",
                domain=domain_of(website=company.website or "", email=company.email or ""),
                email=company.email or "",
                phone=company.phone or "",
                city=company.city or "",
                address=company.address or "",
                segment=segment,
            )
    except IntegrityError:
        return Account.objects.get(workspace_id=workspace_id, company=company)


def account_for_lead(*, lead, by) -> Account:
    """The account a lead converts onto: its own, the buyer's of its tender's lot, or a new one
    from what the lead says of the company (made by ``accounts.account_create``, checked as
    any account is)."""
    if lead.account_id:
        return lead.account
    if lead.lot_id:
        buyer = Company.objects.get(pk=lead.lot.tender.buyer_id)
        return account_for_company(
            workspace_id=lead.workspace_id, company=buyer, segment=Segment.CUSTOMER
        )
    return account_create(
        actor=by,
        workspace_id=lead.workspace_id,
        name=lead.company_name or lead.person_name or lead.title,
        email=lead.email,
        phone=lead.phone,
        owner_id=lead.owner_id,
    )
