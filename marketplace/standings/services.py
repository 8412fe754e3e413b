"""Writing standings: called by the ratings app after it recomputed a pair's score."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from .models import SupplierStanding


def standing_write(
    *,
    buyer_id: int | None,
    supplier_id: int,
    score: Decimal | None,
    band: str,
    reason: str,
    period_label: str,
    now: datetime,
) -> tuple[str | None, SupplierStanding | None]:
    """Set the pair's standing (``score`` None: no facts, the row is removed). Returns the band
    before and the row after. Unchanged figures leave the row (and its ``updated_at``) as it
    was."""
    with transaction.atomic():
        # ``buyer_id=None`` filters on IS NULL: the platform-wide row.
        existing = (
            SupplierStanding.objects.select_for_update()
            .filter(buyer_id=buyer_id, supplier_id=supplier_id)
            .first()
        )
        before = existing.band if existing is not None else None
        if score is None:
            if existing is not None:
                existing.delete()
            return before, None
        values = {"score": score, "band": band, "reason": reason, "period_label": period_label}
        if existing is None:
            existing = SupplierStanding.objects.create(
                buyer_id=buyer_id, supplier_id=supplier_id, updated_at=now, **values
            )
        elif any(getattr(existing, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(existing, key, value)
            existing.updated_at = now
            existing.save()
        return before, existing
