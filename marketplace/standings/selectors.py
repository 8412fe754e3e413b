"""Reading a supplier's standing. The admission of an application reads only this."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Band, SupplierStanding


def admission_standing(*, buyer_id: int, supplier_id: int) -> SupplierStanding | None:
    """The standing the admission of ``supplier_id`` to a tender of ``buyer_id`` goes by: the
    supplier's standing with that buyer; where the two have no history yet, its platform-wide
    standing; None when neither exists (a supplier without facts is not judged)."""
    rows = {
        row.buyer_id: row
        for row in SupplierStanding.objects.filter(supplier_id=supplier_id, buyer_id=buyer_id)
        | SupplierStanding.objects.filter(supplier_id=supplier_id, buyer__isnull=True)
    }
    return rows.get(buyer_id) or rows.get(None)


def standing_text(standing: SupplierStanding) -> str:
    """“Warning, score 42.50 with your company (12 months to 2026-05-14)”."""
    if standing.platform_wide:
        text = _("%(band)s, score %(score)s on the platform (%(period)s)")
    else:
        text = _("%(band)s, score %(score)s with this buyer (%(period)s)")
    return text % {
        "band": standing.get_band_display(),
        "score": standing.score,
        "period": standing.period_label,
    }


def admission_refusal(*, buyer_id: int, supplier_id: int) -> str | None:
    """Why ``supplier_id`` may not be admitted to ``buyer_id``'s tenders (its standing is in
    the blocked band), or None when it may."""
    standing = admission_standing(buyer_id=buyer_id, supplier_id=supplier_id)
    if standing is None or standing.band != Band.BLOCKED:
        return None
    message = _(
        "This supplier's standing is “%(band)s” (score %(score)s, %(period)s): a supplier in "
        "the blocked band cannot be admitted."
    ) % {
        "band": standing.get_band_display(),
        "score": standing.score,
        "period": standing.period_label,
    }
    if standing.reason:
        message += " " + _("What lowered it: %(reason)s") % {"reason": standing.reason}
    return message
