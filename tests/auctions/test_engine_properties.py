"""Properties of the English engine under random sequences of bids, proxies, pauses and time
(a hypothesis state machine): the best price never rises, the end never moves earlier, no
accepted bid breaks a rule, there is at most one leader, and a refused bid changes nothing.

The same machine runs a lot ranked by landed cost: each supplier's delivery cost is drawn, the
engine's invariants hold over the comparable prices (price plus delivery), and each supplier's
bids are checked in its own terms (the best landed cost less its own delivery, less a step)."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from auctions import rules
from auctions.bidding.place import bid_place
from auctions.bidding.proxy import proxy_set
from auctions.events import chain_verify
from auctions.lifecycle import lot_close, lot_pause, lot_resume
from auctions.models import Application, Bid, BidKind, LotEvent, LotStatus
from marketplace.core.exceptions import ApplicationError

from .engine_setup import Auction

STEP = Decimal("1000")


class EnglishAuction(RuleBasedStateMachine):
    @initialize(
        max_rank=st.sampled_from([None, 1, 2]),
        max_extensions=st.sampled_from([None, 0, 2]),
        reference=st.sampled_from(["best", "own"]),
        tie_rule=st.sampled_from(["earlier_first", "refuse_equal"]),
        deliveries=st.none()
        | st.lists(
            st.decimals(min_value=0, max_value=9000, places=2, allow_nan=False),
            min_size=3,
            max_size=3,
        ),
    )
    def start(self, max_rank, max_extensions, reference, tie_rule, deliveries):
        self.delivery = {}
        self.a = Auction(
            suppliers=3,
            deliveries=deliveries,
            duration_seconds=600,
            soft_close_window_seconds=120,
            soft_close_extension_seconds=60,
            soft_close_max_rank=max_rank,
            soft_close_max_extensions=max_extensions,
            step_reference=reference,
            tie_rule=tie_rule,
            max_step_percent=Decimal("20"),
        )
        self.now = timezone.now()
        self.a.start(now=self.now)
        self.delivery = {a.pk: a.delivery_cost or Decimal(0) for a in self.a.applications}
        self.last_best = None
        self.last_end = self.a.lot.ends_at
        self.floors: dict[int, list[Decimal]] = {}

    def _state(self):
        self.a.refresh()
        lot = self.a.lot
        return (
            Bid.objects.filter(lot=lot).count(),
            LotEvent.objects.filter(lot=lot).count(),
            lot.best_amount,
            lot.ends_at,
            lot.status,
        )

    @rule(
        who=st.integers(0, 2),
        steps=st.integers(-2, 25),
        cents=st.sampled_from(["0", "0.01", "0.5", "-0.01"]),
        confirm=st.booleans(),
        wait=st.integers(0, 90),
    )
    def bid(self, who, steps, cents, confirm, wait):
        self.now += timedelta(seconds=wait)
        reference = self.a.lot.best_amount or self.a.lot.start_price
        amount = reference - steps * STEP + Decimal(cents)
        before = self._state()
        try:
            bid_place(
                lot_id=self.a.lot.pk,
                user=self.a.bidders[who],
                amount=str(amount),
                confirm=confirm,
                now=self.now,
            )
        except ApplicationError:
            assert self._state() == before, "a refused bid changed something"

    @rule(who=st.integers(0, 2), below=st.integers(1, 30))
    def proxy(self, who, below):
        self.a.refresh()
        if self.a.lot.status != LotStatus.LIVE or self.a.lot.now_passed(self.now):
            return
        floor = self.a.lot.start_price - below * STEP
        proxy_set(lot_id=self.a.lot.pk, user=self.a.bidders[who], floor=str(floor), now=self.now)
        self.floors.setdefault(self.a.applications[who].pk, []).append(floor)

    @rule(wait=st.integers(1, 300))
    def pause_and_resume(self, wait):
        self.a.refresh()
        if self.a.lot.status != LotStatus.LIVE or self.a.lot.now_passed(self.now):
            return
        lot_pause(lot_id=self.a.lot.pk, user=self.a.officer, reason="check", now=self.now)
        self.now += timedelta(seconds=wait)
        lot_resume(lot_id=self.a.lot.pk, user=self.a.officer, now=self.now)

    @rule(wait=st.integers(0, 400))
    def time_passes(self, wait):
        self.now += timedelta(seconds=wait)
        lot_close(lot_id=self.a.lot.pk, now=self.now)

    @invariant()
    def best_never_rises_and_end_never_earlier(self):
        if not hasattr(self, "a"):
            return
        self.a.refresh()
        lot = self.a.lot
        best = None
        if lot.best_application_id is not None:
            best = lot.best_amount + self.delivery[lot.best_application_id]  # the landed best
        if self.last_best is not None:
            assert best is not None and best <= self.last_best
        self.last_best = best
        assert lot.ends_at >= self.last_end, (lot.ends_at, self.last_end)
        self.last_end = lot.ends_at

    @invariant()
    def every_accepted_bid_kept_the_rules(self):
        if not hasattr(self, "a"):
            return
        lot = self.a.lot
        best = None
        own: dict[int, Decimal] = {}
        for bid in Bid.objects.filter(lot=lot).order_by("placed_at", "pk"):
            assert bid.amount <= lot.start_price
            delivery = self.delivery[bid.application_id]
            landed = bid.amount + delivery
            assert bid.weighted_amount == landed  # the comparable price it was ranked by
            if lot.step_reference == "own":
                previous = own.get(bid.application_id)
                if previous is not None:
                    assert bid.amount <= previous - STEP, (bid.amount, previous)
            elif best is not None:
                # In the bidder's own terms: the best landed cost less its own delivery.
                assert bid.amount <= best - delivery - STEP, (bid.amount, best, delivery)
            if bid.kind == BidKind.PROXY:
                assert bid.amount >= min(self.floors[bid.application_id]), bid.amount
            own[bid.application_id] = bid.amount
            best = landed if best is None else min(best, landed)
        # One leader: the lot's best is the single first of the standings.
        standings = [
            rules.Standing(
                key=app.pk,
                amount=app.current_amount,
                at=app.current_at,
                delivery=self.delivery[app.pk],
            )
            for app in Application.objects.filter(lot=lot, current_amount__isnull=False)
        ]
        if standings:
            ranking = rules.rank(standings)
            assert lot.best_application_id == ranking[0].key
            assert lot.best_amount == ranking[0].amount
            assert best == ranking[0].amount + ranking[0].delivery
            if lot.tie_rule == "refuse_equal":
                landed_costs = [s.amount + s.delivery for s in standings]
                assert len(landed_costs) == len(set(landed_costs))
        else:
            assert lot.best_amount is None
        # Every extension is recorded, and never more than allowed.
        extensions = LotEvent.objects.filter(lot=lot, kind="extended").count()
        assert extensions == lot.extensions
        if lot.soft_close_max_extensions is not None:
            assert extensions <= lot.soft_close_max_extensions
        assert chain_verify(lot_id=lot.pk)[0]


@pytest.mark.django_db
def test_english_auction_properties():
    EnglishAuction.TestCase.settings = settings(
        max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "25")),
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(EnglishAuction, settings=EnglishAuction.TestCase.settings)
