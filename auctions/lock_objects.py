"""The one place auction row locks are taken, always in the same order: tender, then lots by pk."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError

from .models import Lot


def lot_lock(*, lot_id: int) -> Lot:
    """Lock and return the lot row (inside a transaction)."""
    lot = (
        Lot.objects.select_for_update(of=("self",))
        .select_related("tender")
        .filter(pk=lot_id)
        .first()
    )
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    return lot


def tender_lots_lock(*, tender_id: int) -> list[Lot]:
    return list(
        Lot.objects.select_for_update(of=("self",))
        .select_related("tender")
        .filter(tender_id=tender_id)
        .order_by("pk")
    )
