"""Drafting a tender: create, change and delete a draft tender and its lots, publish it, cancel a
tender or a lot. The rules the fields must meet are ``validation``'s."""

from __future__ import annotations

from datetime import datetime

from django.core.files.storage import storages
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.platforms.models import Platform
from marketplace.verification.services import ensure_company_may_trade

from .. import outbox
from ..lock_objects import lot_lock, tender_lock, tender_lots_lock
from ..models import Lot, LotCriterion, LotStatus, Participation, Tender, TenderStatus
from ..realtime.broadcast import lot_changed_on_commit
from ..states import TERMINAL, can_transition, lot_transition
from . import approvals, selectors, versions
from ._common import (
    clean_reason,
    current_time,
    invalid,
    require_draft,
    require_manager,
    save_lot,
    to_decimal,
)
from .validation import (
    LOT_FIELDS,
    TENDER_FIELDS,
    dutch_serial_errors,
    lot_build,
    lot_errors,
    normalise_bands,
    tender_errors,
)


def _ensure_buyer_may_tender(*, actor, buyer, platform: Platform) -> None:
    if not selectors.user_has_company_role(
        user=actor, company=buyer, roles=selectors.BUYER_MANAGER_ROLES
    ):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may create tenders."),
            code="not_tender_manager",
        )
    if not buyer.is_buyer:
        raise PermissionDeniedError(
            _("Only buyer companies may publish tenders."), code="not_a_buyer"
        )
    ensure_company_may_trade(buyer)
    if not platform.is_active or not selectors.company_participates(
        company=buyer, platform=platform
    ):
        raise PermissionDeniedError(
            _("Your company is not an accepted participant of this platform."),
            code="not_platform_participant",
        )


def _write_criteria(lot: Lot, criteria: list[dict] | None) -> None:
    lot.criteria.all().delete()
    for criterion in criteria or []:
        LotCriterion.objects.create(
            lot=lot,
            code=criterion["code"],
            title=criterion["title"],
            options=[
                {"title": str(o["title"]), "value": str(to_decimal(o["value"]))}
                for o in criterion["options"]
            ],
        )


# --- Tenders ---------------------------------------------------------------------------------


def tender_create(
    *,
    actor,
    platform: Platform,
    buyer,
    title: str,
    category,
    questions_deadline: datetime,
    applications_deadline: datetime,
    auction_start: datetime,
    description: str = "",
    currency: str | None = None,
    participation: str = Participation.OPEN,
    reveal_identities: bool = False,
    public_live: bool = False,
    lots: list[dict] | None = None,
    original_language: str | None = None,
    now: datetime | None = None,
) -> Tender:
    """A draft tender of ``buyer`` on ``platform`` with its lots (each a dict of lot fields,
    optionally with ``criteria``). The lots' auction rules start from the platform's defaults.
    Its texts' language (``original_language``, the one that governs) defaults to its
    author's."""
    _ensure_buyer_may_tender(actor=actor, buyer=buyer, platform=platform)
    tender = Tender(
        platform=platform,
        buyer=buyer,
        created_by=actor,
        title=title,
        description=description,
        category=category,
        currency=currency or platform.default_currency,
        participation=participation,
        questions_deadline=questions_deadline,
        applications_deadline=applications_deadline,
        auction_start=auction_start,
        reveal_identities=reveal_identities,
        public_live=public_live,
        original_language=original_language or versions.author_language(actor),
    )
    errors = tender_errors(tender, now=current_time(now))
    if errors:
        raise invalid("invalid_tender", errors)
    with transaction.atomic():
        tender.save()
        for index, lot_fields in enumerate(lots or [], start=1):
            fields = dict(lot_fields)
            criteria = fields.pop("criteria", None)
            try:
                lot = lot_build(tender=tender, number=index, fields=fields, criteria=criteria)
            except ApplicationError as exc:
                exc.fields = {f"lots.{index - 1}.{k}": v for k, v in exc.fields.items()}
                raise
            lot.save()
            _write_criteria(lot, criteria)
    return tender


def tender_update(*, actor, tender: Tender, now: datetime | None = None, **fields) -> Tender:
    """Change a draft tender's fields (the buyer's managers)."""
    unknown = set(fields) - set(TENDER_FIELDS)
    if unknown:
        raise TypeError(f"unknown tender fields: {sorted(unknown)}")
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        language_before = tender.original_language
        for key, value in fields.items():
            setattr(tender, key, value)
        errors = tender_errors(tender, now=current_time(now))
        if errors:
            raise invalid("invalid_tender", errors)
        tender.save()
        if tender.original_language != language_before:
            versions.original_language_changed(tender=tender, actor=actor)
    return tender


def tender_delete(*, actor, tender: Tender) -> None:
    """Delete a draft tender with its lots and documents' files."""
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        names = list(tender.documents.values_list("storage_name", flat=True))
        tender.delete()
        storage = storages["private"]

        def delete_files() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)


def tender_publish(*, actor, tender: Tender, now: datetime | None = None) -> Tender:
    """Publish a draft tender: the buyer must be allowed to trade and the tender must have at
    least one lot and deadlines still in the future. Every lot goes draft -> published.
    A tender the buyer's approval policy catches needs an approval that holds (``approvals``)."""
    now = current_time(now)
    approvals.approval_void_stale(actor=actor, tender=tender, now=now)
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        ensure_company_may_trade(tender.buyer)
        lots = tender_lots_lock(tender_id=tender.pk)
        if not lots:
            raise ConflictError(_("Add at least one lot before publishing."), code="no_lots")
        errors = tender_errors(tender, now=now) | dutch_serial_errors(lots)
        if errors:
            raise invalid("invalid_tender", errors)
        approvals.approval_publish_gate(actor=actor, tender=tender, lots=lots, now=now)
        tender.status = TenderStatus.PUBLISHED
        tender.published_at = now
        tender.save(update_fields=["status", "published_at"])
        for lot in lots:
            lot_transition(lot=lot, to=LotStatus.PUBLISHED, actor=actor, at=now)
            save_lot(lot, "status")
        outbox.tender_published(tender=tender, lots=lots, actor=actor)
        if tender.participation == Participation.INVITATION:
            for invitation in tender.invitations.all():  # told now that the tender is out
                outbox.tender_invited(invitation=invitation, actor=actor)
    return tender


def tender_cancel(*, actor, tender: Tender, reason: str) -> Tender:
    """Cancel a tender: every lot that is not finished becomes cancelled. Refused while a lot
    is live or closed (awaiting its award): those finish in the auction engine first."""
    reason = clean_reason(reason)
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        if tender.status in (TenderStatus.CANCELLED, TenderStatus.COMPLETE):
            raise ConflictError(_("This tender is already finished."), code="tender_finished")
        lots = tender_lots_lock(tender_id=tender.pk)
        stuck = [
            lot
            for lot in lots
            if lot.status not in TERMINAL and not can_transition(lot.status, LotStatus.CANCELLED)
        ]
        if stuck:
            raise ConflictError(
                _("Lot %(number)s is %(status)s and cannot be cancelled now.")
                % {"number": stuck[0].number, "status": LotStatus(stuck[0].status).label},
                code="lot_not_cancellable",
            )
        for lot in lots:
            if lot.status not in TERMINAL:
                lot_transition(lot=lot, to=LotStatus.CANCELLED, actor=actor, reason=reason)
                save_lot(lot, "status")
                lot_changed_on_commit(lot_id=lot.pk, kinds=["cancelled"])
        tender.status = TenderStatus.CANCELLED
        tender.save(update_fields=["status"])
        if tender.published_at is not None:
            outbox.tender_cancelled(tender=tender, reason=reason, actor=actor)
    return tender


# --- Lots ------------------------------------------------------------------------------------


def lot_create(*, actor, tender: Tender, criteria: list[dict] | None = None, **fields) -> Lot:
    """Add a lot to a draft tender; its number is the next free one."""
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        number = (tender.lots.aggregate(n=Max("number"))["n"] or 0) + 1
        lot = lot_build(tender=tender, number=number, fields=fields, criteria=criteria)
        lot.save()
        _write_criteria(lot, criteria)
    return lot


def lot_update(*, actor, lot: Lot, criteria: list[dict] | None = None, **fields) -> Lot:
    """Change a lot of a draft tender. ``criteria``, when given, replaces the lot's criteria."""
    unknown = set(fields) - set(LOT_FIELDS)
    if unknown:
        raise TypeError(f"unknown lot fields: {sorted(unknown)}")
    with transaction.atomic():
        tender = tender_lock(tender_id=lot.tender_id)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        lot = lot_lock(lot_id=lot.pk)
        normalise_bands(fields)
        for key, value in fields.items():
            setattr(lot, key, value)
        current: list[dict] | None
        if criteria is None and lot.weighted:
            current = [
                {"code": c.code, "title": c.title, "options": c.options} for c in lot.criteria.all()
            ]
        else:
            current = criteria
        errors = lot_errors(lot, current)
        if errors:
            raise invalid("invalid_lot", errors)
        lot.save()
        if criteria is not None or not lot.weighted:
            _write_criteria(lot, criteria if lot.weighted else None)
    return lot


def lot_delete(*, actor, lot: Lot) -> None:
    with transaction.atomic():
        tender = tender_lock(tender_id=lot.tender_id)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        lot_lock(lot_id=lot.pk).delete()


def lot_cancel(*, actor, lot: Lot, reason: str) -> Lot:
    """Cancel one lot (any state the lot table allows). When no lot of the tender is left
    running and none was awarded, the tender is cancelled too."""
    reason = clean_reason(reason)
    with transaction.atomic():
        tender = tender_lock(tender_id=lot.tender_id)
        require_manager(actor=actor, tender=tender)
        lot = lot_lock(lot_id=lot.pk)
        if lot.status == LotStatus.DRAFT:
            raise ConflictError(_("A draft lot is deleted, not cancelled."), code="lot_is_draft")
        lot_transition(lot=lot, to=LotStatus.CANCELLED, actor=actor, reason=reason)
        save_lot(lot, "status")
        lot_changed_on_commit(lot_id=lot.pk, kinds=["cancelled"])
        statuses = set(tender.lots.values_list("status", flat=True))
        if statuses == {LotStatus.CANCELLED}:
            tender.status = TenderStatus.CANCELLED
            tender.save(update_fields=["status"])
    return lot
