"""Properties of the clock formats under random confirmations, acceptances and the passing of
levels (a hypothesis state machine, as tests/auctions/test_engine_properties.py does for the
English format):

* Japanese: the level only goes down in price, one level per tick; the suppliers still in only
  shrink, to those who confirmed the level; every accepted bid is a confirmation of its level's
  price by a supplier still in, once per level; the winner is the best ranked at the end.
* Dutch: the price only rises, never past the start price; at most one bid, at its level's
  price, and it ends the auction; the lot closes with that bidder as the winner.
* Both: a refused bid changes nothing, the chain verifies."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from auctions.bidding.place import bid_place
from auctions.events import chain_verify
from auctions.formats import dutch, japanese
from auctions.lifecycle import lot_close
from auctions.models import Bid, LotEvent, LotStatus
from marketplace.core.exceptions import ApplicationError

from .engine_setup import Auction

STEP = Decimal("1000")


class ClockAuction(RuleBasedStateMachine):
    @initialize(
        fmt=st.sampled_from(["japanese", "dutch"]),
        floor=st.sampled_from([None, Decimal("95000"), Decimal("97000")]),
    )
    def start(self, fmt, floor):
        self.fmt = fmt
        self.module = japanese if fmt == "japanese" else dutch
        self.a = Auction(
            auction_format=fmt,
            floor_price=floor,
            level_seconds=60,
            step_value=STEP,
            soft_close_window_seconds=0,
            soft_close_extension_seconds=0,
        )
        self.a.start()
        self.now = self.a.lot.ends_at - timedelta(seconds=59)
        self.levels_seen = [self.a.lot.current_round]
        self.still_in = [set(self.a.lot.turn_order)]

    def _state(self):
        self.a.refresh()
        lot = self.a.lot
        return (
            Bid.objects.filter(lot=lot).count(),
            LotEvent.objects.filter(lot=lot).count(),
            lot.best_amount,
            lot.ends_at,
            lot.status,
            lot.current_round,
        )

    @rule(who=st.integers(0, 2), offset=st.sampled_from([0, 0, 0, -1, 1]))
    def act(self, who, offset):
        """Confirm (Japanese) or accept (Dutch) the level's price, or a price beside it."""
        lot = self.a.lot
        if lot.status != LotStatus.LIVE or self.now >= lot.ends_at:
            return
        price = self.module.level_price(lot, lot.current_round) + offset * STEP
        before = self._state()
        try:
            bid_place(lot_id=lot.pk, user=self.a.bidders[who], amount=str(price), now=self.now)
        except ApplicationError:
            assert self._state() == before, "a refused bid must leave nothing behind"
        self.now += timedelta(seconds=1)
        self.a.refresh()

    @rule()
    def tick(self):
        """The level's time passes."""
        lot = self.a.lot
        if lot.status != LotStatus.LIVE:
            return
        self.now = lot.ends_at
        lot_close(lot_id=lot.pk, now=self.now)
        self.now += timedelta(seconds=1)
        self.a.refresh()
        self.levels_seen.append(self.a.lot.current_round)
        self.still_in.append(set(self.a.lot.turn_order))

    @invariant()
    def levels_move_one_at_a_time(self):
        steps = [b - a for a, b in zip(self.levels_seen, self.levels_seen[1:], strict=False)]
        assert set(steps) <= {0, 1}
        assert self.levels_seen[-1] <= self.module.levels(self.a.lot)

    @invariant()
    def bids_are_their_level_s_price(self):
        lot = self.a.lot
        bids = list(Bid.objects.filter(lot=lot).order_by("placed_at", "pk"))
        for bid in bids:
            assert bid.amount == self.module.level_price(lot, bid.round)
            assert bid.amount <= lot.start_price
        if self.fmt == "dutch":
            assert len(bids) <= 1
            if bids:
                assert lot.ends_at <= bids[0].placed_at
                if lot.status in (LotStatus.CLOSED, LotStatus.AWARDED):
                    assert lot.best_application_id == bids[0].application_id
        else:
            per_level = [(b.application_id, b.round) for b in bids]
            assert len(per_level) == len(set(per_level)), "one confirmation per level"
            # Whoever confirmed a level was still in at that level.
            for bid in bids:
                level_in = self.still_in[min(bid.round - 1, len(self.still_in) - 1)]
                assert bid.application_id in level_in

    @invariant()
    def still_in_only_shrinks(self):
        if self.fmt != "japanese":
            return
        for before, after in zip(self.still_in, self.still_in[1:], strict=False):
            assert after <= before

    @invariant()
    def the_end_is_the_best_ranked(self):
        lot = self.a.lot
        if lot.status == LotStatus.CLOSED:
            closed = LotEvent.objects.get(lot=lot, kind="status_changed", payload__to="closed")
            assert closed.payload["ranking"][0]["application"] == lot.best_application_id
        if lot.status in (LotStatus.CLOSED, LotStatus.FAILED):
            assert LotEvent.objects.filter(lot=lot, kind="clock_ended").count() <= 1
        assert chain_verify(lot_id=lot.pk)[0]


@pytest.mark.django_db
def test_clock_auction_properties():
    run_state_machine_as_test(
        ClockAuction,
        settings=settings(
            max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "25")),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
