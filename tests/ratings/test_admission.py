"""The admission gate: a supplier in the buyer's blocked band is refused, with the band and
score; a warning band is admitted and shown to the buyer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from auctions.models import ApplicationStatus
from auctions.tenders import applications
from marketplace.core.exceptions import ConflictError
from ratings import scoring, services
from ratings.models import RatingSettings
from tests.auctions.factories import url
from tests.deals.factories import client
from tests.ratings.helpers import full_world

pytestmark = pytest.mark.django_db


def _blocked_world():
    """The supplier scores 48.89 with the buyer, whose bands block below 50."""
    w, _order = full_world()
    services.bands_set(
        user=w.officer,
        buyer_id=w.buyer.pk,
        bands=scoring.Bands(Decimal(50), Decimal(60), Decimal(80)),
    )
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk)
    return w


def test_a_blocked_supplier_is_refused_with_its_band_and_score():
    w = _blocked_world()
    lot = w.published(title="Second tender").lots.get()
    application = w.apply(lot, w.supplier)
    with pytest.raises(ConflictError) as refused:
        applications.application_admit(actor=w.officer, application=application)
    assert refused.value.code == "supplier_blocked"
    assert "“Blocked” (score 48.89" in refused.value.message
    assert "On-time delivery −25.00" in refused.value.message
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    # Another supplier without a blocked standing is admitted.
    other = w.apply(lot, w.other_supplier)
    assert applications.application_admit(actor=w.officer, application=other).status == "admitted"


def test_the_api_answers_409_with_the_reason():
    w = _blocked_world()
    lot = w.published(title="Second tender").lots.get()
    application = w.apply(lot, w.supplier)
    response = client(w.officer).post(url("application-admit", application_id=application.pk))
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "supplier_blocked" and "48.89" in error["message"]


def test_a_warning_supplier_is_admitted_and_its_standing_shown_in_the_list():
    w, _order = full_world()
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk)
    assert not RatingSettings.objects.exists()  # the default bands: 48.89 is a warning
    lot = w.published(title="Second tender").lots.get()
    application = w.apply(lot, w.supplier)
    response = client(w.officer).get(url("lot-application-list", lot_id=lot.pk))
    assert response.status_code == 200
    rows = response.json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    (row,) = [r for r in rows if r["id"] == application.pk]
    assert row["standing"]["band"] == "warning" and row["standing"]["score"] == "48.89"
    assert row["standing"]["platform_wide"] is False
    admitted = applications.application_admit(
        actor=w.officer, application=application, now=timezone.now()
    )
    assert admitted.status == ApplicationStatus.ADMITTED


def test_without_history_with_the_buyer_the_platform_wide_standing_counts():
    w = _blocked_world()
    from marketplace.standings.models import SupplierStanding
    from marketplace.standings.services import standing_write

    SupplierStanding.objects.filter(buyer=w.buyer).delete()
    standing_write(
        buyer_id=None,
        supplier_id=w.supplier.pk,
        score=Decimal("12.00"),
        band="blocked",
        reason="",
        period_label="12 months",
        now=timezone.now(),
    )
    lot = w.published(title="Third tender").lots.get()
    application = w.apply(lot, w.supplier)
    with pytest.raises(ConflictError, match=r"score 12\.00"):
        applications.application_admit(actor=w.officer, application=application)
