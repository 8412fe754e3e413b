"""Probe of the bid path, not part of the suite (its name is not test_*.py) and not a timed test:
per-bid wall and CPU time, statements per bid and a cProfile of ``bid_place`` (one bid per
transaction) and of ``bids_place`` (group commit, batches of 16), on one lot with 16 bidders
and the hot lot's rules. Run it explicitly on the throwaway PostgreSQL:

    make test PYTEST_ARGS="tests/auctions/probe_bidpath.py -q -s -p no:cacheprovider"

PROBE_BIDS (300) bids per measurement; PROBE_BATCH (16) bids per batch; PROBE_SUPPLIERS (16)
admitted suppliers, of which the first 16 bid; PROBE_PROFILE=1 also prints the profiles
(PROBE_SORT=tottime sorts them by own time).
"""

import cProfile
import io
import os
import pstats
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auctions.bidding.outcomes import BidRequest
from auctions.bidding.place import bid_place, bids_commit

from .engine_setup import Auction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

N = int(os.environ.get("PROBE_BIDS", "300"))


def _profile(fn, times):
    pr = cProfile.Profile()
    pr.enable()
    for i in range(times):
        fn(i)
    pr.disable()
    out = io.StringIO()
    pstats.Stats(pr, stream=out).sort_stats(os.environ.get("PROBE_SORT", "cumulative")).print_stats(
        60
    )
    print(out.getvalue())


def _per_call(fn, times: int) -> tuple[float, float]:
    """``fn(i)`` for i in range(times): the wall and CPU seconds of one call, on average."""
    t, c = time.perf_counter(), time.process_time()
    for i in range(times):
        fn(i)
    return (time.perf_counter() - t) / times, (time.process_time() - c) / times


def test_probe():
    a = Auction(
        suppliers=int(os.environ.get("PROBE_SUPPLIERS", "16")),
        start_price="10000000",
        step_value=Decimal("1"),
        duration_seconds=3 * 3600,
        visibility="ladder",
        step_reference="own",
    ).start()
    amounts = [Decimal("10000000")] * 16
    apps = [x.pk for x in a.applications]
    n = [0]

    def request(k):
        amounts[k] -= 1
        n[0] += 1
        return BidRequest(
            application_id=apps[k],
            user=a.bidders[k],
            amount=str(amounts[k]),
            client_bid_id=f"c{n[0]}",
        )

    def one(i, via_app=True):
        r = request(i % 16)
        bid_place(
            lot_id=a.lot.pk,
            user=r.user,
            amount=r.amount,
            client_bid_id=r.client_bid_id,
            application_id=r.application_id if via_app else None,
        )

    size = int(os.environ.get("PROBE_BATCH", "16"))

    def batch(_i=0):
        # as the hub calls it: it sends the broadcast itself
        (out,) = bids_commit([(a.lot.pk, [request(k) for k in range(size)])]).outcomes
        assert all(not isinstance(o, Exception) for o in out), out

    for i in range(48):
        one(i)
    with CaptureQueriesContext(connection) as ctx:
        one(0)
    print("\nstatements, one accepted bid (websocket path):", len(ctx.captured_queries))
    for q in ctx.captured_queries:
        print("  ", q["sql"][:120])
    with CaptureQueriesContext(connection) as ctx:
        one(1, via_app=False)
    print("statements, one accepted bid (REST path):", len(ctx.captured_queries))
    dt, dc = _per_call(one, N)
    print(f"bid_place, per bid: {dt * 1000:.2f} ms wall, {dc * 1000:.2f} ms CPU ({N} bids)")

    batch()
    with CaptureQueriesContext(connection) as ctx:
        batch()
    print(f"statements, a batch of {size} accepted bids:", len(ctx.captured_queries))
    rounds = max(1, N // size)
    dt, dc = _per_call(batch, rounds)
    print(
        f"bids_place x{size}, per batch: {dt * 1000:.2f} ms wall, {dc * 1000:.2f} ms CPU; "
        f"per bid: {dt * 1000 / size:.2f} ms wall, {dc * 1000 / size:.2f} ms CPU"
    )
    if os.environ.get("PROBE_PROFILE"):
        _profile(one, N)
        _profile(batch, rounds)
