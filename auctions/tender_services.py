"""Writes for the tender lifecycle up to the live auction.

draft tender (+ lots, documents, invitations) --publish--> published, every lot draft -> published
lot: published --close applications (deadline passed)--> applications_closed
     applications_closed --schedule--> auction_scheduled (enough admitted)
                                   \\-> failed (too few admitted)
                                   (exactly one admitted + allow_single_award: stays, awaiting a
                                   direct award by the auction engine)
tender or lot --cancel (reason)--> cancelled (from any state the lot table allows)

Each public function is one ``transaction.atomic``. Row locks: the tender row first (taken here
by ``_tender_lock``), then lots through ``lock_objects``; a lot's state changes only through
``states.lot_transition`` and every event is appended under the lot's lock, the lot saved with its
chain fields. What other domains must hear (publication, invitations, applications decided,
questions answered) is written as domain events in the same transaction (``outbox.py``); the
notifications app tells people by e-mail and in the app from them.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.platforms.models import Platform
from marketplace.verification.services import ensure_company_may_trade

from . import outbox, rules
from . import tender_selectors as selectors
from .broadcast import lot_changed_on_commit
from .events import LOT_CHAIN_FIELDS, event_append
from .lock_objects import lot_lock, tender_lots_lock
from .models import (
    Application,
    ApplicationStatus,
    AuctionFormat,
    Lot,
    LotCriterion,
    LotStatus,
    Participation,
    Question,
    StepKind,
    Tender,
    TenderDocument,
    TenderInvitation,
    TenderStatus,
)
from .states import TERMINAL, can_transition, lot_transition

REASON_MAX_LENGTH = 2000
MAX_STEP_BANDS = 20
MAX_CRITERIA = 10
MAX_OPTIONS = 10
COEFFICIENT_PLACES = Decimal("0.000000000001")

TENDER_FIELDS = (
    "title",
    "description",
    "category",
    "currency",
    "questions_deadline",
    "applications_deadline",
    "auction_start",
    "participation",
    "reveal_identities",
)
LOT_FIELDS = (
    "title",
    "description",
    "quantity",
    "unit",
    "start_price",
    "reserve_price",
    "delivery_place",
    "delivery_date",
    "incoterms",
    "auction_format",
    "step_kind",
    "step_value",
    "step_bands",
    "step_reference",
    "max_step_percent",
    "tie_rule",
    "duration_seconds",
    "soft_close_window_seconds",
    "soft_close_extension_seconds",
    "soft_close_max_rank",
    "soft_close_max_extensions",
    "stagger_seconds",
    "visibility",
    "min_participants",
    "allow_single_award",
    "rounds",
    "turn_seconds",
    "first_pause_seconds",
    "round_pause_seconds",
    "weighted",
)

# Tender documents: kind -> (content type, magic prefixes, extensions)
DOCUMENT_KINDS: dict[str, tuple[str, tuple[bytes, ...], tuple[str, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",), (".pdf",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",), (".png",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        (".xlsx",),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        (".docx",),
    ),
}


def document_max_bytes() -> int:
    return getattr(settings, "TENDER_DOCUMENT_MAX_BYTES", 20 * 2**20)


# --- Helpers ---------------------------------------------------------------------------------


def _now(now: datetime | None = None) -> datetime:
    return now or timezone.now()


def _tender_lock(*, tender_id: int) -> Tender:
    """Lock the tender row (first in the lock order: tender, then its lots by pk)."""
    tender = (
        Tender.objects.select_for_update(of=("self",))
        .select_related("platform", "buyer", "category")
        .filter(pk=tender_id)
        .first()
    )
    if tender is None:
        raise NotFoundError(_("No such tender."), code="tender_not_found")
    return tender


def _require_manager(*, actor, tender: Tender) -> None:
    if not selectors.user_may_manage_tender(user=actor, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may do this."),
            code="not_tender_manager",
        )


def _require_draft(tender: Tender) -> None:
    if tender.status != TenderStatus.DRAFT:
        raise ConflictError(
            _("The tender is published; only a draft can be changed."), code="tender_not_draft"
        )


def _clean_reason(reason: str | None, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        message = _("Give a reason.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH}
        raise ApplicationError(message, code="invalid", fields={"reason": [message]})
    return reason


def _invalid(code: str, errors: dict[str, list[str]]) -> ApplicationError:
    message = (
        next(iter(errors.values()))[0] if len(errors) == 1 else _("Some fields are not valid.")
    )
    return ApplicationError(message, code=code, fields=errors)


def _save_lot(lot: Lot, *fields: str) -> None:
    lot.save(update_fields=list(dict.fromkeys([*fields, *LOT_CHAIN_FIELDS])))


def _dec(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


# --- Tender validation -----------------------------------------------------------------------


def _tender_errors(tender: Tender, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        tender.full_clean(
            exclude=["platform", "buyer", "created_by", "category"], validate_constraints=False
        )
    except DjangoValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
    for field in ("questions_deadline", "applications_deadline", "auction_start"):
        value = getattr(tender, field)
        if value is not None and value <= now and field not in errors:
            errors[field] = [_("Must be in the future.")]
    q, a, s = tender.questions_deadline, tender.applications_deadline, tender.auction_start
    if q and a and q > a:
        errors.setdefault("questions_deadline", []).append(
            _("The questions deadline must not be after the applications deadline.")
        )
    if a and s and a > s:
        errors.setdefault("applications_deadline", []).append(
            _("The applications deadline must not be after the auction start.")
        )
    return errors


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


# --- Lot rules -------------------------------------------------------------------------------


def lot_defaults_from_platform(platform: Platform) -> dict:
    """The auction rules a new lot starts from: the platform's defaults (minutes -> seconds)."""
    return {
        "auction_format": platform.default_auction_format,
        "step_kind": StepKind.PERCENT,
        "step_value": platform.default_min_step_percent,
        "soft_close_window_seconds": platform.default_soft_close_window_minutes * 60,
        "soft_close_extension_seconds": platform.default_soft_close_extension_minutes * 60,
        "duration_seconds": platform.default_auction_duration_minutes * 60,
        "visibility": platform.default_visibility,
        "min_participants": platform.min_participants,
    }


def _band_errors(bands) -> list[str]:
    if bands in (None, []):
        return []
    if not isinstance(bands, list) or len(bands) > MAX_STEP_BANDS:
        return [_("Give a list of at most %(n)s bands.") % {"n": MAX_STEP_BANDS}]
    seen: set[Decimal] = set()
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"below", "step"}:
            return [_('Each band is {"below": "<price>", "step": "<step>"}.')]
        below, step = _dec(band["below"]), _dec(band["step"])
        if below is None or step is None or below <= 0 or step <= 0:
            return [_("A band's bound and step must be positive numbers.")]
        if below in seen:
            return [_("Two bands have the same bound.")]
        seen.add(below)
    return []


def _criteria_errors(criteria: list[dict] | None) -> list[str]:
    if not criteria:
        return [_("A weighted lot needs at least one criterion.")]
    if len(criteria) > MAX_CRITERIA:
        return [_("At most %(n)s criteria.") % {"n": MAX_CRITERIA}]
    codes: set[str] = set()
    maxima: list[list[Decimal]] = []
    for criterion in criteria:
        code = criterion.get("code") or ""
        options = criterion.get("options") or []
        if not code or code in codes:
            return [_("Each criterion needs its own code.")]
        codes.add(code)
        if not criterion.get("title"):
            return [_("Each criterion needs a title.")]
        if not options or len(options) > MAX_OPTIONS:
            return [_("Each criterion needs 1 to %(n)s options.") % {"n": MAX_OPTIONS}]
        values = []
        for option in options:
            value = _dec(option.get("value"))
            if value is None or value < 0 or not value.is_finite():
                return [_("An option's value must be a number of 0 or more.")]
            if not option.get("title"):
                return [_("Each option needs a title.")]
            values.append(value)
        if len(set(values)) != len(values):
            return [_("A criterion's options must have different values.")]
        maxima.append(values)
    if rules.features_max_sum(maxima) >= 1:
        return [_("The criteria's largest values must add up to less than 1.")]
    return []


def _lot_errors(lot: Lot, criteria: list[dict] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        lot.full_clean(exclude=["tender", "best_application", "number"], validate_constraints=False)
    except DjangoValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if isinstance(lot.start_price, Decimal) and isinstance(lot.reserve_price, Decimal):
        if lot.reserve_price <= 0:
            add("reserve_price", _("The reserve price must be greater than zero."))
        elif lot.reserve_price > lot.start_price:
            add("reserve_price", _("The reserve price must not exceed the start price."))
    if (
        lot.step_kind == StepKind.PERCENT
        and isinstance(lot.step_value, Decimal)
        and lot.step_value >= 50
    ):
        # xgettext:no-python-format
        add("step_value", _("A step of 50% of the start price or more is not a step."))
    if (
        lot.step_kind == StepKind.AMOUNT
        and isinstance(lot.step_value, Decimal)
        and isinstance(lot.start_price, Decimal)
        and lot.step_value >= lot.start_price
    ):
        add("step_value", _("The step must be smaller than the start price."))
    for message in _band_errors(lot.step_bands):
        add("step_bands", message)
    window, extension = lot.soft_close_window_seconds, lot.soft_close_extension_seconds
    duration = lot.duration_seconds
    if isinstance(window, int) and isinstance(extension, int) and (window == 0) != (extension == 0):
        add(
            "soft_close_extension_seconds",
            _("The soft close needs both a window and an extension; set both to 0 to turn it off."),
        )
    if isinstance(window, int) and isinstance(duration, int) and window and window >= duration:
        add(
            "soft_close_window_seconds",
            _("The soft close window must be shorter than the auction."),
        )
    if window == 0 and (lot.soft_close_max_rank or lot.soft_close_max_extensions):
        add("soft_close_max_rank", _("These limits need a soft close window."))
    rounds_format = lot.auction_format == AuctionFormat.ROUNDS
    if rounds_format and isinstance(lot.turn_seconds, int) and lot.turn_seconds < 10:
        add("turn_seconds", _("A turn lasts at least 10 seconds."))
    if lot.weighted:
        for message in _criteria_errors(criteria):
            add("criteria", message)
    elif criteria:
        add("criteria", _("Only a weighted lot has criteria; set weighted to true."))
    if lot.delivery_date and lot.delivery_date < timezone.localdate():
        add("delivery_date", _("The delivery date is in the past."))
    return errors


def _normalise_bands(fields: dict) -> None:
    """Store step bands as JSON strings (Decimals are not JSON)."""
    bands = fields.get("step_bands")
    if isinstance(bands, list) and all(isinstance(b, dict) for b in bands):
        fields["step_bands"] = [{k: str(v) for k, v in b.items()} for b in bands]


def _write_criteria(lot: Lot, criteria: list[dict] | None) -> None:
    lot.criteria.all().delete()
    for criterion in criteria or []:
        LotCriterion.objects.create(
            lot=lot,
            code=criterion["code"],
            title=criterion["title"],
            options=[
                {"title": str(o["title"]), "value": str(_dec(o["value"]))}
                for o in criterion["options"]
            ],
        )


def _lot_build(*, tender: Tender, number: int, fields: dict, criteria: list[dict] | None) -> Lot:
    unknown = set(fields) - set(LOT_FIELDS)
    if unknown:
        raise TypeError(f"unknown lot fields: {sorted(unknown)}")
    _normalise_bands(fields)
    values = {**lot_defaults_from_platform(tender.platform), **fields}
    lot = Lot(tender=tender, number=number, **values)
    errors = _lot_errors(lot, criteria)
    if errors:
        raise _invalid("invalid_lot", errors)
    return lot


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
    lots: list[dict] | None = None,
    now: datetime | None = None,
) -> Tender:
    """A draft tender of ``buyer`` on ``platform`` with its lots (each a dict of lot fields,
    optionally with ``criteria``). The lots' auction rules start from the platform's defaults."""
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
    )
    errors = _tender_errors(tender, now=_now(now))
    if errors:
        raise _invalid("invalid_tender", errors)
    with transaction.atomic():
        tender.save()
        for index, lot_fields in enumerate(lots or [], start=1):
            fields = dict(lot_fields)
            criteria = fields.pop("criteria", None)
            try:
                lot = _lot_build(tender=tender, number=index, fields=fields, criteria=criteria)
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
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        for key, value in fields.items():
            setattr(tender, key, value)
        errors = _tender_errors(tender, now=_now(now))
        if errors:
            raise _invalid("invalid_tender", errors)
        tender.save()
    return tender


def tender_delete(*, actor, tender: Tender) -> None:
    """Delete a draft tender with its lots and documents' files."""
    with transaction.atomic():
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        names = list(tender.documents.values_list("storage_name", flat=True))
        tender.delete()
        storage = storages["private"]
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def tender_publish(*, actor, tender: Tender, now: datetime | None = None) -> Tender:
    """Publish a draft tender: the buyer must be allowed to trade and the tender must have at
    least one lot and deadlines still in the future. Every lot goes draft -> published."""
    now = _now(now)
    with transaction.atomic():
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        ensure_company_may_trade(tender.buyer)
        lots = tender_lots_lock(tender_id=tender.pk)
        if not lots:
            raise ConflictError(_("Add at least one lot before publishing."), code="no_lots")
        errors = _tender_errors(tender, now=now)
        if errors:
            raise _invalid("invalid_tender", errors)
        tender.status = TenderStatus.PUBLISHED
        tender.published_at = now
        tender.save(update_fields=["status", "published_at"])
        for lot in lots:
            lot_transition(lot=lot, to=LotStatus.PUBLISHED, actor=actor)
            _save_lot(lot, "status")
        outbox.tender_published(tender=tender, lots=lots, actor=actor)
        if tender.participation == Participation.INVITATION:
            for invitation in tender.invitations.all():  # told now that the tender is out
                outbox.tender_invited(invitation=invitation, actor=actor)
    return tender


def tender_cancel(*, actor, tender: Tender, reason: str) -> Tender:
    """Cancel a tender: every lot that is not finished becomes cancelled. Refused while a lot
    is live or closed (awaiting its award): those finish in the auction engine first."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        if tender.status in (TenderStatus.CANCELLED, TenderStatus.COMPLETE):
            raise ConflictError(_("This tender is already finished."), code="tender_finished")
        lots = tender_lots_lock(tender_id=tender.pk)
        stuck = [
            lot for lot in lots
            if lot.status not in TERMINAL and not can_transition(lot.status, LotStatus.CANCELLED)
        ]  # fmt: skip
        if stuck:
            raise ConflictError(
                _("Lot %(number)s is %(status)s and cannot be cancelled now.")
                % {"number": stuck[0].number, "status": LotStatus(stuck[0].status).label},
                code="lot_not_cancellable",
            )
        for lot in lots:
            if lot.status not in TERMINAL:
                lot_transition(lot=lot, to=LotStatus.CANCELLED, actor=actor, reason=reason)
                _save_lot(lot, "status")
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
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        number = (tender.lots.aggregate(n=Max("number"))["n"] or 0) + 1
        lot = _lot_build(tender=tender, number=number, fields=fields, criteria=criteria)
        lot.save()
        _write_criteria(lot, criteria)
    return lot


def lot_update(*, actor, lot: Lot, criteria: list[dict] | None = None, **fields) -> Lot:
    """Change a lot of a draft tender. ``criteria``, when given, replaces the lot's criteria."""
    unknown = set(fields) - set(LOT_FIELDS)
    if unknown:
        raise TypeError(f"unknown lot fields: {sorted(unknown)}")
    with transaction.atomic():
        tender = _tender_lock(tender_id=lot.tender_id)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        lot = lot_lock(lot_id=lot.pk)
        _normalise_bands(fields)
        for key, value in fields.items():
            setattr(lot, key, value)
        if criteria is None and lot.weighted:
            current = [
                {"code": c.code, "title": c.title, "options": c.options} for c in lot.criteria.all()
            ]
        else:
            current = criteria
        errors = _lot_errors(lot, current)
        if errors:
            raise _invalid("invalid_lot", errors)
        lot.save()
        if criteria is not None or not lot.weighted:
            _write_criteria(lot, criteria if lot.weighted else None)
    return lot


def lot_delete(*, actor, lot: Lot) -> None:
    with transaction.atomic():
        tender = _tender_lock(tender_id=lot.tender_id)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        lot_lock(lot_id=lot.pk).delete()


def lot_cancel(*, actor, lot: Lot, reason: str) -> Lot:
    """Cancel one lot (any state the lot table allows). When no lot of the tender is left
    running and none was awarded, the tender is cancelled too."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        tender = _tender_lock(tender_id=lot.tender_id)
        _require_manager(actor=actor, tender=tender)
        lot = lot_lock(lot_id=lot.pk)
        if lot.status == LotStatus.DRAFT:
            raise ConflictError(_("A draft lot is deleted, not cancelled."), code="lot_is_draft")
        lot_transition(lot=lot, to=LotStatus.CANCELLED, actor=actor, reason=reason)
        _save_lot(lot, "status")
        lot_changed_on_commit(lot_id=lot.pk, kinds=["cancelled"])
        statuses = set(tender.lots.values_list("status", flat=True))
        if statuses == {LotStatus.CANCELLED}:
            tender.status = TenderStatus.CANCELLED
            tender.save(update_fields=["status"])
    return lot


# --- Documents -------------------------------------------------------------------------------


def _document_error(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def _document_kind(file: UploadedFile) -> tuple[str, str]:
    original_name = os.path.basename((file.name or "").replace("\\", "/")).strip()[:255]
    limit = document_max_bytes()
    if not file.size:
        raise _document_error("file_empty", _("The file is empty."))
    if file.size > limit:
        raise _document_error(
            "file_too_large",
            _("Files may be at most %(limit)s MB.") % {"limit": limit // 2**20 or 1},
        )
    extension = os.path.splitext(original_name)[1].lower()
    kind = next((k for k, (_c, _m, exts) in DOCUMENT_KINDS.items() if extension in exts), None)
    if kind is None:
        raise _document_error(
            "file_type_not_allowed",
            _("Only PDF, PNG, JPEG, XLSX and DOCX files are accepted."),
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_KINDS[kind][1]):
        raise _document_error(
            "file_content_mismatch",
            _("The file's content does not match its extension %(ext)s.") % {"ext": extension},
        )
    return kind, original_name


def tender_document_upload(
    *, actor, tender: Tender, file: UploadedFile, title: str = ""
) -> TenderDocument:
    """Store a document in the private storage for a draft or published tender."""
    if not selectors.user_may_manage_tender(user=actor, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may do this."),
            code="not_tender_manager",
        )
    if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
        raise ConflictError(_("This tender is finished."), code="tender_finished")
    kind, original_name = _document_kind(file)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    extension = DOCUMENT_KINDS[kind][2][0]
    storage = storages["private"]
    stored = storage.save(f"tenders/{tender.pk}/{uuid.uuid4().hex}{extension}", file)
    try:
        with transaction.atomic():
            document = TenderDocument.objects.create(
                tender=tender,
                title=(title or original_name)[:200],
                storage_name=stored,
                original_name=original_name,
                content_type=DOCUMENT_KINDS[kind][0],
                size=file.size,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
            )
    except BaseException:
        storage.delete(stored)
        raise
    return document


def tender_document_delete(*, actor, document: TenderDocument) -> None:
    """Remove a document of a draft tender (a published tender's documents stay)."""
    with transaction.atomic():
        tender = _tender_lock(tender_id=document.tender_id)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        name = document.storage_name
        document.delete()
        storage = storages["private"]
        transaction.on_commit(lambda: storage.delete(name))


# --- Invitations -----------------------------------------------------------------------------


def tender_invitation_create(*, actor, tender: Tender, supplier) -> TenderInvitation:
    """Invite a supplier company (verified, a participant of the platform) to an invitation-only
    tender, while it is a draft or published."""
    with transaction.atomic():
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        if tender.participation != Participation.INVITATION:
            raise ConflictError(
                _("Only invitation-only tenders take invitations."), code="tender_is_open"
            )
        if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        if supplier.pk == tender.buyer_id or not supplier.is_supplier:
            raise ApplicationError(
                _("Only other supplier companies can be invited."),
                code="not_a_supplier",
                fields={"supplier": [_("Not a supplier company.")]},
            )
        if not selectors.company_can_trade(supplier):
            raise ApplicationError(
                _("Only verified suppliers can be invited."),
                code="supplier_not_verified",
                fields={"supplier": [_("This company is not verified.")]},
            )
        if not selectors.company_participates(company=supplier, platform=tender.platform_id):
            raise ApplicationError(
                _("This supplier is not a participant of the tender's platform."),
                code="supplier_not_participant",
                fields={"supplier": [_("Not a participant of the platform.")]},
            )
        if TenderInvitation.objects.filter(tender=tender, supplier=supplier).exists():
            raise ConflictError(_("This supplier is already invited."), code="already_invited")
        try:
            with transaction.atomic():
                invitation = TenderInvitation.objects.create(
                    tender=tender, supplier=supplier, invited_by=actor
                )
        except IntegrityError as exc:
            raise ConflictError(
                _("This supplier is already invited."), code="already_invited"
            ) from exc
        if tender.status == TenderStatus.PUBLISHED:
            outbox.tender_invited(invitation=invitation, actor=actor)
    return invitation


def tender_invitation_remove(*, actor, invitation: TenderInvitation) -> None:
    """Take an invitation back, unless the supplier has an application that is not withdrawn."""
    with transaction.atomic():
        tender = _tender_lock(tender_id=invitation.tender_id)
        _require_manager(actor=actor, tender=tender)
        if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        active = Application.objects.filter(
            lot__tender=tender, supplier_id=invitation.supplier_id
        ).exclude(status=ApplicationStatus.WITHDRAWN)
        if active.exists():
            raise ConflictError(
                _("This supplier has applied; reject its application instead."),
                code="invitation_in_use",
            )
        invitation.delete()


# --- Applications ----------------------------------------------------------------------------


def _supplier_gate(*, actor, tender: Tender, supplier) -> None:
    if not selectors.user_has_company_role(
        user=actor, company=supplier, roles=selectors.SUPPLIER_ACTOR_ROLES
    ):
        raise PermissionDeniedError(
            _("Only a supplier's company admins and bidders may do this."),
            code="not_supplier_bidder",
        )
    blocked = selectors.tender_supplier_block_reason(tender=tender, company=supplier)
    if blocked is not None:
        code, message = blocked
        raise PermissionDeniedError(message, code=code)


def _weighted_values(lot: Lot, chosen: dict | None) -> tuple[dict, Decimal]:
    criteria = list(lot.criteria.all().order_by("pk"))
    if not lot.weighted:
        if chosen:
            message = _("This lot has no criteria.")
            raise ApplicationError(message, code="invalid", fields={"criteria_values": [message]})
        return {}, Decimal(1)
    chosen = chosen or {}
    if set(chosen) != {c.code for c in criteria}:
        message = _("Choose one option for each criterion: %(codes)s.") % {
            "codes": ", ".join(c.code for c in criteria)
        }
        raise ApplicationError(
            message, code="invalid_criteria", fields={"criteria_values": [message]}
        )
    values: dict[str, str] = {}
    for criterion in criteria:
        allowed = {Decimal(str(o["value"])) for o in criterion.options}
        value = _dec(chosen[criterion.code])
        if value is None or value not in allowed:
            message = _("%(code)s: not one of the criterion's options.") % {"code": criterion.code}
            raise ApplicationError(
                message, code="invalid_criteria", fields={"criteria_values": [message]}
            )
        values[criterion.code] = str(value)
    max_sum = rules.features_max_sum([[o["value"] for o in c.options] for c in criteria])
    coefficient = rules.as_decimal(rules.coefficient(values.values(), max_sum), COEFFICIENT_PLACES)
    return values, coefficient


def application_submit(
    *,
    actor,
    lot: Lot,
    supplier,
    terms_accepted: bool,
    initial_amount: Decimal | None = None,
    criteria_values: dict | None = None,
    now: datetime | None = None,
) -> Application:
    """A supplier applies to a published lot before the applications deadline.

    A withdrawn application may be submitted again (the same row, keeping its label)."""
    now = _now(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot.pk)
        tender = lot.tender
        _supplier_gate(actor=actor, tender=tender, supplier=supplier)
        if tender.participation == Participation.OPEN and not selectors.supplier_covers_category(
            company=supplier, tender=tender
        ):
            raise PermissionDeniedError(
                _(
                    "Your supplier profile's categories do not cover this tender's category "
                    "(%(category)s). Add it or a broader category to your profile."
                )
                % {"category": tender.category.code},
                code="category_not_covered",
            )
        if lot.status != LotStatus.PUBLISHED or now >= tender.applications_deadline:
            raise ConflictError(
                _("This lot does not accept applications any more."), code="applications_closed"
            )
        if terms_accepted is not True:
            message = _("You must accept the tender's terms.")
            raise ApplicationError(
                message, code="terms_not_accepted", fields={"terms_accepted": [message]}
            )
        if initial_amount is not None and not (0 < initial_amount <= lot.start_price):
            message = _("The initial offer must be above zero and at most the start price.")
            raise ApplicationError(
                message, code="invalid_initial_amount", fields={"initial_amount": [message]}
            )
        values, coefficient = _weighted_values(lot, criteria_values)
        existing = Application.objects.filter(lot=lot, supplier=supplier).first()
        if existing is not None and existing.status != ApplicationStatus.WITHDRAWN:
            raise ConflictError(
                _("Your company has already applied to this lot."), code="already_applied"
            )
        application = existing or Application(lot=lot, supplier=supplier)
        application.submitted_by = actor
        application.status = ApplicationStatus.SUBMITTED
        application.terms_accepted_at = now
        application.initial_amount = initial_amount
        application.criteria_values = values
        application.coefficient = coefficient
        application.reason = ""
        application.decided_by = None
        application.decided_at = None
        application.save()
        outbox.application_changed(kind="submitted", application=application, lot=lot, actor=actor)
    return application


def application_withdraw(
    *, actor, application: Application, now: datetime | None = None
) -> Application:
    """The supplier takes its application back before the applications deadline."""
    now = _now(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=application.lot_id)
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not selectors.user_has_company_role(
            user=actor, company=application.supplier_id, roles=selectors.SUPPLIER_ACTOR_ROLES
        ):
            raise PermissionDeniedError(
                _("Only a supplier's company admins and bidders may do this."),
                code="not_supplier_bidder",
            )
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED):
            raise ConflictError(
                _("This application cannot be withdrawn."), code="application_not_withdrawable"
            )
        if lot.status != LotStatus.PUBLISHED or now >= lot.tender.applications_deadline:
            raise ConflictError(
                _("The applications deadline has passed."), code="applications_closed"
            )
        was_admitted = application.status == ApplicationStatus.ADMITTED
        application.status = ApplicationStatus.WITHDRAWN
        application.save(update_fields=["status"])
        if was_admitted:
            event_append(
                lot=lot, kind="application_withdrawn", actor=actor,
                payload={"application": application.pk, "label": application.label},
            )  # fmt: skip
            _save_lot(lot)
    return application


def _decision_prologue(*, actor, application: Application) -> tuple[Lot, Application]:
    lot = lot_lock(lot_id=application.lot_id)
    _require_manager(actor=actor, tender=lot.tender)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if lot.status not in (LotStatus.PUBLISHED, LotStatus.APPLICATIONS_CLOSED):
        raise ConflictError(
            _("Applications to this lot can no longer be decided."), code="lot_not_deciding"
        )
    return lot, application


def application_admit(
    *, actor, application: Application, now: datetime | None = None
) -> Application:
    """Admit a submitted application. It gets a stable anonymous label: the next free "Bidder
    #N" of the lot (an application that had one keeps it)."""
    now = _now(now)
    with transaction.atomic():
        lot, application = _decision_prologue(actor=actor, application=application)
        if application.status != ApplicationStatus.SUBMITTED:
            raise ConflictError(
                _("Only a submitted application can be admitted."), code="application_not_pending"
            )
        if not selectors.company_can_trade(application.supplier):
            raise ConflictError(
                _("This supplier is not verified any more and cannot be admitted."),
                code="supplier_not_verified",
            )
        if application.label is None:
            application.label = (lot.applications.aggregate(n=Max("label"))["n"] or 0) + 1
        application.status = ApplicationStatus.ADMITTED
        application.reason = ""
        application.decided_by = actor
        application.decided_at = now
        application.save(update_fields=["label", "status", "reason", "decided_by", "decided_at"])
        event_append(
            lot=lot, kind="application_admitted", actor=actor, at=now,
            payload={"application": application.pk, "label": application.label},
        )  # fmt: skip
        _save_lot(lot)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["admitted"])
        outbox.application_changed(kind="admitted", application=application, lot=lot, actor=actor)
    return application


def application_reject(
    *, actor, application: Application, reason: str, now: datetime | None = None
) -> Application:
    """Reject a submitted (or admitted, before scheduling) application with a reason the
    supplier sees. The event names the application and its label, never the supplier."""
    now = _now(now)
    reason = _clean_reason(reason)
    with transaction.atomic():
        lot, application = _decision_prologue(actor=actor, application=application)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.ADMITTED):
            raise ConflictError(
                _("Only a submitted or admitted application can be rejected."),
                code="application_not_pending",
            )
        application.status = ApplicationStatus.REJECTED
        application.reason = reason
        application.decided_by = actor
        application.decided_at = now
        application.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        event_append(
            lot=lot, kind="application_rejected", actor=actor, at=now,
            payload={"application": application.pk, "label": application.label},
        )  # fmt: skip
        _save_lot(lot)
        # The auction app's listener of this event closes the supplier's open sockets.
        outbox.application_changed(kind="rejected", application=application, lot=lot, actor=actor)
    return application


# --- Clarifications --------------------------------------------------------------------------


def question_ask(
    *, actor, tender: Tender, company, text: str, lot: Lot | None = None,
    now: datetime | None = None,
) -> Question:  # fmt: skip
    """A supplier who sees the tender asks before the questions deadline."""
    now = _now(now)
    text = (text or "").strip()
    if not text:
        message = _("Write the question.")
        raise ApplicationError(message, code="invalid", fields={"text": [message]})
    _supplier_gate(actor=actor, tender=tender, supplier=company)
    if tender.status != TenderStatus.PUBLISHED:
        raise ConflictError(_("This tender does not take questions."), code="tender_not_published")
    if now >= tender.questions_deadline:
        raise ConflictError(
            _("The deadline for questions has passed."), code="questions_deadline_passed"
        )
    if lot is not None and lot.tender_id != tender.pk:
        message = _("This lot belongs to another tender.")
        raise ApplicationError(message, code="invalid", fields={"lot": [message]})
    with transaction.atomic():
        question = Question.objects.create(
            tender=tender, lot=lot, asked_by_company=company, asked_by=actor, text=text
        )
        outbox.question_changed(kind="asked", question=question, tender=tender, actor=actor)
    return question


def question_answer(
    *, actor, question: Question, answer: str, now: datetime | None = None
) -> Question:
    """The buyer answers; the answer is then listed to everyone who sees the tender."""
    answer = (answer or "").strip()
    if not answer:
        message = _("Write the answer.")
        raise ApplicationError(message, code="invalid", fields={"answer": [message]})
    with transaction.atomic():
        tender = _tender_lock(tender_id=question.tender_id)
        _require_manager(actor=actor, tender=tender)
        question = Question.objects.select_for_update().get(pk=question.pk)
        if question.answer:
            raise ConflictError(_("This question is already answered."), code="already_answered")
        if tender.status != TenderStatus.PUBLISHED:
            raise ConflictError(_("This tender is finished."), code="tender_finished")
        question.answer = answer
        question.answered_by = actor
        question.answered_at = _now(now)
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        outbox.question_changed(kind="answered", question=question, tender=tender, actor=actor)
    return question


# --- Closing applications and scheduling -----------------------------------------------------


def lot_applications_close(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """published -> applications_closed, at or after the tender's applications deadline.

    Raises ``invalid_transition`` (409) when the lot is not published (so a second run changes
    nothing) and ``applications_still_open`` (409) before the deadline."""
    now = _now(now)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        if actor is not None:
            _require_manager(actor=actor, tender=lot.tender)
        if lot.status == LotStatus.PUBLISHED and now < lot.tender.applications_deadline:
            raise ConflictError(
                _("Applications are open until the deadline."), code="applications_still_open"
            )
        lot_transition(lot=lot, to=LotStatus.APPLICATIONS_CLOSED, actor=actor)
        _save_lot(lot, "status")
    return lot


class ScheduleOutcome:
    SCHEDULED = "scheduled"
    FAILED = "failed"
    AWAITING_DIRECT_AWARD = "awaiting_direct_award"


def lot_schedule(*, lot_id: int, actor=None) -> tuple[Lot, str]:
    """applications_closed -> auction_scheduled at the tender's auction start plus the stagger
    of the lots before it; or failed when too few suppliers were admitted. Exactly one admitted
    with ``allow_single_award`` leaves the lot applications_closed awaiting a direct award.

    Returns the lot and the outcome (``ScheduleOutcome``)."""
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        tender = lot.tender
        if actor is not None:
            _require_manager(actor=actor, tender=tender)
        if lot.status != LotStatus.APPLICATIONS_CLOSED:
            raise ConflictError(
                _("Only a lot whose applications are closed can be scheduled."),
                code="lot_not_closed_for_applications",
            )
        if lot.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
            raise ConflictError(
                _("Admit or reject every application first."), code="applications_undecided"
            )
        admitted = selectors.lot_admitted_count(lot=lot)
        if admitted < lot.min_participants:
            if admitted == 1 and lot.allow_single_award:
                event_append(
                    lot=lot, kind="awaiting_direct_award", actor=actor,
                    payload={"admitted": admitted, "min_participants": lot.min_participants},
                )  # fmt: skip
                _save_lot(lot)
                return lot, ScheduleOutcome.AWAITING_DIRECT_AWARD
            lot.failure_reason = _(
                "Only %(admitted)s supplier(s) admitted; the lot needs at least %(min)s."
            ) % {"admitted": admitted, "min": lot.min_participants}
            lot_transition(
                lot=lot, to=LotStatus.FAILED, actor=actor, reason=lot.failure_reason,
                payload={"admitted": admitted, "min_participants": lot.min_participants},
            )  # fmt: skip
            _save_lot(lot, "status", "failure_reason")
            return lot, ScheduleOutcome.FAILED
        offset = (
            Lot.objects.filter(tender_id=tender.pk, number__lt=lot.number).aggregate(
                s=Sum("stagger_seconds")
            )["s"]
            or 0
        )
        lot.starts_at = tender.auction_start + timedelta(seconds=offset)
        lot_transition(
            lot=lot, to=LotStatus.AUCTION_SCHEDULED, actor=actor,
            payload={"starts_at": lot.starts_at, "admitted": admitted},
        )  # fmt: skip
        _save_lot(lot, "status", "starts_at")
    return lot, ScheduleOutcome.SCHEDULED


# --- Lots from a spreadsheet -----------------------------------------------------------------
#
# One row per lot. The file is read and its cells parsed with the price-list importer's helpers
# (suppliers.pricelist_io); each row is checked by the same lot rules as a lot made through the
# API (``_lot_build``), and the lots are added all or nothing.

LOT_IMPORT_MAX_ROWS = 500
LOT_IMPORT_COLUMNS = (
    "title",
    "quantity",
    "unit",
    "start_price",
    "reserve_price",
    "delivery_place",
    "delivery_date",
    "description",
)
LOT_IMPORT_REQUIRED = ("title", "quantity", "unit", "start_price")
# Canonical column -> accepted header spellings (compared lower-cased, spaces collapsed).
LOT_IMPORT_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "item", "name", "наименование", "название", "товар", "найменування",
              "назва"),
    "quantity": ("quantity", "qty", "количество", "кол-во", "кількість"),
    "unit": ("unit", "uom", "ед. изм.", "ед.изм.", "единица", "од. вим.", "од.вим.", "одиниця"),
    "start_price": ("start_price", "start price", "начальная цена", "стартовая цена",
                    "початкова ціна", "стартова ціна"),
    "reserve_price": ("reserve_price", "reserve price", "reserve", "резервная цена",
                      "резервна ціна"),
    "delivery_place": ("delivery_place", "delivery place", "место поставки", "місце поставки"),
    "delivery_date": ("delivery_date", "delivery date", "срок поставки", "дата поставки",
                      "термін поставки"),
    "description": ("description", "описание", "опис"),
}  # fmt: skip
_LOT_IMPORT_ALIAS = {a: col for col, aliases in LOT_IMPORT_ALIASES.items() for a in aliases}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


class LotImportError(ApplicationError):
    """The file has problems; ``report`` lists each one (row, column, problem). Nothing was
    written."""

    code = "import_invalid"

    def __init__(self, problems: list) -> None:
        super().__init__(
            _(
                "The file has %(count)d problem(s); no lot was added. "
                "Fix them and upload the file again."
            )
            % {"count": len(problems)}
        )
        self.report = problems


def _import_date(value):
    if isinstance(value, datetime):
        return value.date()
    if hasattr(value, "year") and hasattr(value, "day"):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _import_rows(table: list[list], problem) -> tuple[list[tuple[int, dict]], list]:
    """The data rows as ``(row number, lot fields)``; problems of shape go to ``problem``."""
    from suppliers.pricelist_io import _cell_text, _is_blank, _normalize_header, parse_decimal

    problems: list = []
    header_index = next((i for i, values in enumerate(table) if not _is_blank(values)), None)
    if header_index is None:
        return [], [problem(None, None, _("The file has no header row and no data."))]
    header_row = header_index + 1
    positions: dict[str, int] = {}
    for position, raw in enumerate(table[header_index]):
        column = _LOT_IMPORT_ALIAS.get(_normalize_header(raw))
        if column is None:
            continue
        if column in positions:
            problems.append(
                problem(header_row, column, _("The column “%(c)s” appears twice.") % {"c": column})
            )
        positions.setdefault(column, position)
    for column in LOT_IMPORT_REQUIRED:
        if column not in positions:
            problems.append(
                problem(
                    header_row,
                    column,
                    _("The required column “%(column)s” is missing. Expected columns: %(cols)s.")
                    % {"column": column, "cols": ", ".join(LOT_IMPORT_COLUMNS)},
                )
            )
    if problems:
        return [], problems
    data = [
        (index + 1, values)
        for index, values in enumerate(table[header_index + 1 :], start=header_index + 1)
        if not _is_blank(values)
    ]
    if not data:
        return [], [problem(None, None, _("The file has a header but no rows."))]
    if len(data) > LOT_IMPORT_MAX_ROWS:
        message = _("The file has more than %(max)d rows; split it into smaller files.")
        return [], [problem(None, None, message % {"max": LOT_IMPORT_MAX_ROWS})]
    rows: list[tuple[int, dict]] = []
    for row_number, values in data:
        fields: dict = {}
        for column, position in positions.items():
            raw = values[position] if position < len(values) else None
            text = _cell_text(raw)
            if text == "":
                continue
            if column in ("quantity", "start_price", "reserve_price"):
                try:
                    number = parse_decimal(raw if isinstance(raw, int | float) else text)
                except ValueError:
                    message = _("“%(value)s” is not a number.") % {"value": text}
                    problems.append(problem(row_number, column, message))
                    continue
                fields[column] = number
            elif column == "delivery_date":
                try:
                    fields[column] = _import_date(raw)
                except ValueError:
                    message = _("“%(value)s” is not a date (write it as 2026-12-31).")
                    problems.append(problem(row_number, column, message % {"value": text}))
            else:
                fields[column] = text
        rows.append((row_number, fields))
    return rows, problems


def lots_import_xlsx(*, actor, tender: Tender, file: UploadedFile) -> list[Lot]:
    """Add the lots of an XLSX file (one row per lot: title, quantity, unit, start price,
    reserve, delivery place and date) to a draft tender, all or nothing. Every row is checked
    by the lot rules of ``lot_create``; the auction rules come from the platform's defaults.

    Raises ``LotImportError`` whose ``report`` lists every problem as (row, column, problem),
    rows numbered as the spreadsheet shows them."""
    from suppliers.pricelist_io import FileProblem, Problem, read_table

    _require_manager(actor=actor, tender=tender)
    _require_draft(tender)
    name = (file.name or "").lower()
    file.seek(0)
    data = file.read()
    if not name.endswith(".xlsx"):
        message = _("Upload an Excel workbook (.xlsx); the template shows the columns.")
        raise LotImportError([Problem(None, None, message)])
    try:
        table = read_table(data=data, filename=name, max_rows=LOT_IMPORT_MAX_ROWS)
    except FileProblem as exc:
        raise LotImportError([Problem(None, None, exc.message)]) from exc
    rows, problems = _import_rows(table, Problem)
    checked: list[tuple[int, dict]] = []
    for row_number, fields in rows:
        if any(p.row == row_number for p in problems):
            continue
        for column in LOT_IMPORT_REQUIRED:
            if column not in fields:
                problems.append(Problem(row_number, column, _("This cell is empty.")))
        if any(p.row == row_number for p in problems):
            continue
        try:
            _lot_build(tender=tender, number=1, fields=dict(fields), criteria=None)
        except ApplicationError as exc:
            for column, messages in exc.fields.items():
                for message in messages:
                    problems.append(Problem(row_number, column, message))
            continue
        checked.append((row_number, fields))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise LotImportError(problems)
    lots: list[Lot] = []
    with transaction.atomic():
        tender = _tender_lock(tender_id=tender.pk)
        _require_manager(actor=actor, tender=tender)
        _require_draft(tender)
        number = tender.lots.aggregate(n=Max("number"))["n"] or 0
        for _row, fields in checked:
            number += 1
            lot = _lot_build(tender=tender, number=number, fields=dict(fields), criteria=None)
            lot.save()
            lots.append(lot)
    return lots


def lots_import_template_xlsx() -> bytes:
    """The workbook ``lots_import_xlsx`` reads: the header row and one example lot."""
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Lots"
    sheet.append(list(LOT_IMPORT_COLUMNS))
    example = timezone.localdate() + timedelta(days=60)
    sheet.append(
        ["Diesel fuel EN 590", Decimal("100"), "t", Decimal("100000.00"), Decimal("95000.00"),
         "Kyiv, 1 Khreshchatyk St", example, ""]
    )  # fmt: skip
    sheet["G2"].number_format = "yyyy-mm-dd"
    for cell in ("D2", "E2"):
        sheet[cell].number_format = "0.00"
    for column, width in zip("ABCDEFGH", (40, 10, 8, 14, 14, 30, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
