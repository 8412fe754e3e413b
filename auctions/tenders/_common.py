"""What the tender services share: the clock, the permission and state guards, a reason's and
a number's cleaning, the field errors, and saving a lot with its chain fields. Private to
``auctions.tenders``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError

from ..events import LOT_CHAIN_FIELDS
from ..models import Lot, Tender, TenderStatus
from . import selectors

REASON_MAX_LENGTH = 2000


def current_time(now: datetime | None = None) -> datetime:
    return now or timezone.now()


def require_manager(*, actor, tender: Tender) -> None:
    if not selectors.user_may_manage_tender(user=actor, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may do this."),
            code="not_tender_manager",
        )


def require_draft(tender: Tender) -> None:
    if tender.status != TenderStatus.DRAFT:
        raise ConflictError(
            _("The tender is published; only a draft can be changed."), code="tender_not_draft"
        )


def clean_reason(reason: str | None, *, required: bool = True) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        message = _("Give a reason.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("At most %(n)s characters.") % {"n": REASON_MAX_LENGTH}
        raise ApplicationError(message, code="invalid", fields={"reason": [message]})
    return reason


def invalid(code: str, errors: dict[str, list[str]]) -> ApplicationError:
    message = (
        next(iter(errors.values()))[0] if len(errors) == 1 else _("Some fields are not valid.")
    )
    return ApplicationError(message, code=code, fields=errors)


def save_lot(lot: Lot, *fields: str) -> None:
    lot.save(update_fields=list(dict.fromkeys([*fields, *LOT_CHAIN_FIELDS])))


def to_decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def supplier_gate(*, actor, tender: Tender, supplier) -> None:
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
