"""Probe of the bid path over many lots, not part of the suite (its name is not test_*.py) and
not a timed test: what a bid worker does in the spread scenario (``make bench``), per bid: wall
and CPU time of ``bids_commit`` over groups of lots with one bid each, and a cProfile of it.
Run it explicitly on the throwaway PostgreSQL:

    make test PYTEST_ARGS="tests/auctions/probe_spread.py -q -s -p no:cacheprovider"

PROBE_LOTS (100) lots of 2 bidders (the hot lot's rule "own"); PROBE_GROUP (32) lots per
transaction; PROBE_ROUNDS (40) transactions measured; PROBE_PROFILE=1 also prints the profile
(PROBE_SORT=tottime sorts it by own time).
"""

import os
from decimal import Decimal

import pytest

from auctions.bidding.outcomes import BidRequest
from auctions.bidding.place import bids_commit

from .engine_setup import Auction
from .probe_bidpath import _per_call, _profile

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_probe_spread():
    lots = [
        Auction(
            suppliers=2,
            start_price="10000000",
            step_value=Decimal("1"),
            duration_seconds=3 * 3600,
            visibility="ladder",
            step_reference="own",
        ).start()
        for _ in range(int(os.environ.get("PROBE_LOTS", "100")))
    ]
    amounts = {(a.lot.pk, k): Decimal("10000000") for a in lots for k in range(2)}
    group = int(os.environ.get("PROBE_GROUP", "32"))
    rounds = int(os.environ.get("PROBE_ROUNDS", "40"))
    n = [0]

    def request(a, k):
        amounts[a.lot.pk, k] -= 1
        n[0] += 1
        return BidRequest(
            application_id=a.applications[k].pk,
            user=a.bidders[k],
            amount=str(amounts[a.lot.pk, k]),
            client_bid_id=f"c{n[0]}",
        )

    def transaction(i):
        chosen = [lots[(i * group + j) % len(lots)] for j in range(group)]
        placed = bids_commit([(a.lot.pk, [request(a, i % 2)]) for a in chosen])
        assert all(not isinstance(o, Exception) for out in placed.outcomes for o in out)

    for i in range(10):
        transaction(i)
    dt, dc = _per_call(transaction, rounds)
    print(
        f"\nbids_commit over {group} lots, per transaction: {dt * 1000:.2f} ms wall, "
        f"{dc * 1000:.2f} ms CPU; per bid: {dt * 1000 / group:.3f} ms wall, "
        f"{dc * 1000 / group:.3f} ms CPU"
    )
    if os.environ.get("PROBE_PROFILE"):
        _profile(transaction, rounds)
