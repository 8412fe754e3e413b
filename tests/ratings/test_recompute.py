"""Facts read from real rows, recomputed idempotently into scorecards and standings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace.events.models import Event
from marketplace.events.services import event_emit
from marketplace.standings.models import SupplierStanding
from marketplace.standings.selectors import admission_standing
from ratings import facts, services
from ratings.models import Review, Scorecard
from tests.auctions.factories import World
from tests.events.test_auction_events import run_to_award
from tests.ratings.helpers import accepted_delivery, answered_order, full_world

pytestmark = pytest.mark.django_db


def _window(now):
    return {"start": now - timedelta(days=30), "end": now + timedelta(seconds=1)}


def test_the_auction_facts_of_the_winner_and_the_loser():
    w = World()
    run_to_award(w)
    now = timezone.now()
    won = facts.facts_for(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, **_window(now))
    assert (won.lots_entered, won.lots_won, won.price_gaps) == (1, 1, (Decimal("0.00"),))
    assert (won.admitted, won.never_bid) == (1, 0)
    lost = facts.facts_for(buyer_id=w.buyer.pk, supplier_id=w.other_supplier.pk, **_window(now))
    # (99 000 − 98 000) / 98 000 = 1.0204 %
    assert (lost.lots_entered, lost.lots_won, lost.price_gaps) == (1, 0, (Decimal("1.02"),))
    # Another buyer has no facts with them.
    assert facts.facts_for(buyer_id=w.stranger.pk, supplier_id=w.supplier.pk, **_window(now)).empty


def test_the_orders_and_deliveries_facts():
    w, _order = full_world()
    got = facts.facts_for(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, **_window(timezone.now()))
    assert got.response_hours == (Decimal("48.00"),)
    assert (got.orders_answered, got.declined) == (1, 0)
    assert (got.deliveries, got.deliveries_on_time, got.claims) == (1, 0, 1)


def test_a_recompute_writes_each_period_and_the_standing_with_the_real_figures():
    w, _order = full_world()
    now = timezone.now()
    changes = services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=now)
    assert [(c.before, c.after) for c in changes] == [(None, "warning"), (None, "warning")]
    card = Scorecard.objects.get(
        buyer=w.buyer,
        supplier=w.supplier,
        period_kind="month",
        period_start=timezone.localdate(now).replace(day=1),
    )
    assert card.scores() == {
        "price": Decimal("100.00"),
        "win_rate": Decimal("100.00"),
        "on_time": Decimal("0.00"),
        "quality": Decimal("0.00"),
        "responsiveness": Decimal("88.89"),
        "reliability": Decimal("100.00"),
    }
    # (20×100 + 10×100 + 25×0 + 25×0 + 10×88.89 + 10×100) / 100
    assert card.total == Decimal("48.89") and card.band == "warning"
    assert [code for code, _points in card.lowered_by] == ["on_time", "quality", "responsiveness"]
    assert card.counts["quality"] == {"count": 1, "reviews": 0, "claims": 1}
    standing = admission_standing(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk)
    assert (standing.score, standing.band) == (Decimal("48.89"), "warning")
    assert "On-time delivery −25.00" in standing.reason
    # Platform-wide as well, with the default weights.
    assert SupplierStanding.objects.get(buyer=None, supplier=w.supplier).score == Decimal("48.89")


def test_the_same_facts_give_the_same_rows_updated_in_place():
    w, _order = full_world()
    now = timezone.now()
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=now)
    rows = {r.pk: (r.total, r.computed_at) for r in Scorecard.objects.all()}
    # 3 kinds × (current, previous) × (buyer, platform) at most; the previous periods are empty.
    assert len(rows) == 6
    later = now + timedelta(minutes=5)
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=later)
    assert {r.pk: (r.total, r.computed_at) for r in Scorecard.objects.all()} == rows
    assert not Event.objects.filter(type="supplier.standing_changed").exists()


def test_a_new_fact_updates_the_row_in_place_and_a_band_change_is_an_event():
    w, order = full_world()
    now = timezone.now()
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=now)
    card = Scorecard.objects.get(buyer=w.buyer, supplier=w.supplier, period_kind="year")
    Review.objects.create(
        order=order,
        buyer=w.buyer,
        supplier=w.supplier,
        quality=5,
        delivery=5,
        communication=5,
        documents=5,
        submitted_at=now,
        updated_at=now,
    )
    later = now + timedelta(minutes=1)
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=later)
    again = Scorecard.objects.get(buyer=w.buyer, supplier=w.supplier, period_kind="year")
    assert again.pk == card.pk and again.computed_at == later
    # Quality: mean of reviews 5/5 (100) and claim-free 0 % → 50; total 61.39, average.
    assert (again.quality_score, again.total, again.band) == (
        Decimal("50.00"),
        Decimal("61.39"),
        "average",
    )
    event = Event.objects.get(type="supplier.standing_changed", payload__buyer=w.buyer.pk)
    assert event.payload == {
        "supplier": w.supplier.pk,
        "buyer": w.buyer.pk,
        "band_before": "warning",
        "band_after": "average",
        "score": "61.39",
    }


def test_history_is_kept_a_past_periods_row_stays():
    w, _order = full_world()
    now = timezone.now()
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=now)
    # Two years on: the old periods are not recomputed and stay as they were.
    services.pair_recompute(
        buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, now=now + timedelta(days=800)
    )
    year = Scorecard.objects.get(
        buyer=w.buyer,
        supplier=w.supplier,
        period_kind="year",
        period_start=timezone.localdate(now).replace(month=1, day=1),
    )
    assert year.total == Decimal("48.89")
    # The standing's twelve months have no facts left: it is removed, and that is an event.
    assert admission_standing(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk) is None
    assert (
        Event.objects.filter(type="supplier.standing_changed", payload__band_after=None).count()
        == 2
    )


def test_a_declined_order_counts_against_reliability():
    w = World()
    order = answered_order(w)  # runs a tender to its award first
    now = timezone.now()
    got = facts.facts_for(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, **_window(now))
    assert got.declined == 0
    from deals.models import OrderHistory, Side

    OrderHistory.objects.create(
        order=order,
        action="decline",
        status_before="sent",
        status_after="cancelled",
        side=Side.SUPPLIER,
        at=now,
    )
    got = facts.facts_for(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk, **_window(now))
    assert (got.orders_answered, got.declined) == (2, 1)


def test_the_nightly_command_recomputes_every_pair_with_facts():
    w, _order = full_world()
    call_command("ratings_recompute")
    pairs = set(Scorecard.objects.values_list("buyer_id", "supplier_id"))
    assert pairs == {
        (w.buyer.pk, w.supplier.pk),
        (None, w.supplier.pk),
        (w.buyer.pk, w.other_supplier.pk),
        (None, w.other_supplier.pk),
    }
    loser = SupplierStanding.objects.get(buyer=w.buyer, supplier=w.other_supplier)
    # price 94.90 (gap 1.02 %), win rate 0, reliability 100: (20×94.90 + 0 + 10×100) / 40
    assert (loser.score, loser.band) == (Decimal("72.45"), "average")


def test_the_listener_recomputes_when_a_delivery_is_accepted(django_capture_on_commit_callbacks):
    w = World()
    order = answered_order(w)
    acceptance = accepted_delivery(order, days_late=0, quality_ok=True)
    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        with transaction.atomic():
            event_emit(
                "delivery.accepted",
                payload={
                    "shipment": acceptance.shipment_id,
                    "order": order.pk,
                    "buyer": w.buyer.pk,
                    "supplier": w.supplier.pk,
                    "days_late": 0,
                    "quantity_ok": True,
                    "quality_ok": True,
                    "claim": False,
                },
                company=w.buyer,
                audience=[w.supplier],
            )
    card = Scorecard.objects.get(
        buyer=w.buyer,
        supplier=w.supplier,
        period_kind="month",
        period_start=timezone.localdate().replace(day=1),
    )
    assert (card.on_time_score, card.quality_score) == (Decimal("100.00"), Decimal("100.00"))
