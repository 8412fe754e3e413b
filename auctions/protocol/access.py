"""Who gets which version of a lot's protocol."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.companies.selectors import user_company_ids, user_is_company_member
from marketplace.core.exceptions import ConflictError, NotFoundError
from marketplace.platforms.selectors import user_is_platform_admin

from ..models import Application, ApplicationStatus, Lot
from .record import FINISHED


def protocol_viewer(*, user, lot_id: int) -> tuple[Lot, int | None]:
    """The lot and whose version ``user`` may have: (lot, None) for the buyer's members and the
    platform's admins, (lot, company id) for an admitted supplier. Anyone else: not found; a lot
    not yet finished: 409 ``protocol_not_ready`` (after the access check, so it tells nothing)."""
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    supplier_id: int | None = None
    if not (
        user_is_company_member(user=user, company=lot.tender.buyer_id)
        or user_is_platform_admin(user=user, platform=lot.tender.platform_id)
    ):
        supplier_id = (
            Application.objects.filter(
                lot=lot,
                status=ApplicationStatus.ADMITTED,
                supplier_id__in=user_company_ids(user=user),
            )
            .order_by("pk")
            .values_list("supplier_id", flat=True)
            .first()
        )
        if supplier_id is None:
            raise NotFoundError(_("No such lot."), code="lot_not_found")
    if lot.status not in FINISHED:
        raise ConflictError(
            _("The protocol is produced when the auction has closed."), code="protocol_not_ready"
        )
    return lot, supplier_id
