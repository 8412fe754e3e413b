"""Group commit over lots (``services.bids_place_lots``): the batches of several lots in one
transaction with one COMMIT, each lot's batch checked as ``bids_place`` checks it; a lot that
refuses its whole batch leaves the others alone; a failed COMMIT places each lot again; and on
PostgreSQL, such transactions over the same lots in different orders never deadlock."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from unittest import mock

import pytest
from django.db import close_old_connections, connections, transaction
from django.test.utils import CaptureQueriesContext

from auctions.bidding.place import bid_place, bids_commit, bids_place, bids_place_lots
from auctions.events import chain_verify
from auctions.models import Bid, Lot, LotEvent
from auctions.realtime.bid_batches import (
    decode,
    groups,
    request_from_row,
    request_row,
    run_group,
)
from marketplace.core.exceptions import ApplicationError

from .engine_setup import Auction, assert_each_bid_beats_the_last
from .test_engine_batch import req


def kinds(outcomes):
    return [o.code if isinstance(o, ApplicationError) else "ok" for o in outcomes]


@pytest.mark.django_db(transaction=True)
def test_the_batches_of_several_lots_commit_together_and_each_is_checked_alone():
    a, b = Auction(suppliers=2).start(), Auction(suppliers=2).start()
    assert a.lot.pk < b.lot.pk
    missing = b.lot.pk + 999
    db = connections["default"]
    with mock.patch.object(db, "commit", wraps=db.commit) as commit:
        placed = bids_commit(
            [
                (b.lot.pk, [req(b, 0, "99000.00", "b0"), req(b, 1, "99000.00", "b1")]),
                (missing, [req(a, 0, "99000.00", "m0")]),
                (
                    a.lot.pk,
                    [
                        req(a, 0, "99000.00", "a0"),
                        req(a, 1, "12.345", "a1"),
                        req(a, 0, "99000.00", "a0"),
                    ],
                ),
            ]
        )
    out = placed.outcomes
    assert commit.call_count == 1  # one transaction for all three
    assert kinds(out[0]) == ["ok", "step_too_small"]  # the second bid sees the first
    assert kinds(out[1]) == ["lot_not_found"]
    assert kinds(out[2]) == ["ok", "invalid_amount", "ok"]
    assert out[2][2].duplicate and out[2][2].bid.pk == out[2][0].bid.pk
    # Each lot's change leaves once, after the commit, for its own group.
    changed = sorted(change.lot_id for change in placed.changes)
    assert changed == sorted([a.lot.pk, b.lot.pk]), placed.changes
    for auction, bidder in ((a, 0), (b, 0)):
        auction.refresh()
        assert auction.lot.bid_count == 1
        assert auction.lot.best_application_id == auction.applications[bidder].pk
        assert Bid.objects.filter(lot=auction.lot).count() == 1
        assert chain_verify(lot_id=auction.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_a_failed_commit_places_each_lots_batch_again_on_its_own():
    a, b = Auction(suppliers=2).start(), Auction(suppliers=2).start()
    first = bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "99000.00", "a0")])[0]
    # The client resends "a0" with another amount, which the rules accept: the unique
    # constraint trips at the write (on PostgreSQL, at the shared COMMIT), the transaction
    # rolls back, and each lot's batch is placed again by itself.
    out = bids_place_lots(
        [
            (a.lot.pk, [req(a, 1, "98000.00", "a1"), req(a, 0, "97000.00", "a0")]),
            (b.lot.pk, [req(b, 0, "99000.00", "b0")]),
        ]
    )
    assert kinds(out[0]) == ["ok", "ok"] and kinds(out[1]) == ["ok"]
    assert not out[0][0].duplicate and out[0][1].duplicate
    assert out[0][1].bid.pk == first.bid.pk and out[0][1].bid.amount == Decimal("99000.00")
    assert Bid.objects.filter(lot=a.lot).count() == 2
    assert Bid.objects.filter(lot=b.lot).count() == 1
    for auction in (a, b):
        auction.refresh()
        assert auction.lot.bid_count == Bid.objects.filter(lot=auction.lot).count()
        assert chain_verify(lot_id=auction.lot.pk)[0]


def test_a_workers_lots_are_grouped_in_order_up_to_the_bid_limit():
    lots = [(1, ["x"] * 3), (2, ["x"] * 2), (3, ["x"] * 70), (4, ["x"]), (5, ["x"] * 4)]
    assert [[lot for lot, _b in g] for g in groups(lots, 5)] == [[1, 2], [3], [4, 5]]
    assert [[lot for lot, _b in g] for g in groups(lots, 64)] == [[1, 2], [3], [4, 5]]
    assert [[lot for lot, _b in g] for g in groups(lots[:2], 64)] == [[1, 2]]
    assert groups([], 64) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_transactions_over_the_same_lots_in_any_order_keep_every_rule_and_never_deadlock():
    suppliers, rounds, step = 4, 20, Decimal("100")
    auctions = [
        Auction(
            suppliers=suppliers,
            start_price="1000000",
            step_value=step,
            soft_close_window_seconds=0,
            soft_close_extension_seconds=0,
        ).start()
        for _ in range(3)
    ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def best(auction) -> Decimal:
        value = Lot.objects.filter(pk=auction.lot.pk).values_list("best_amount", flat=True).get()
        return value or Decimal("1000000")

    def several(index: int, order: list[int]) -> None:
        rnd = random.Random(index)
        barrier.wait()
        try:
            for n in range(rounds):
                batches = []
                for k in order:  # each thread names the lots in its own order
                    auction = auctions[k]
                    amount = best(auction) - step * rnd.randint(1, 3)
                    batches.append(
                        (
                            auction.lot.pk,
                            [
                                req(auction, i, str(amount - step * j), f"t{index}-{n}-{i}")
                                for j, i in enumerate(rnd.sample(range(suppliers), 2))
                            ],
                        )
                    )
                out = bids_place_lots(batches)
                assert {c for o in out for c in kinds(o)} <= {"ok", "step_too_small"}, out
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections["default"].close()

    def single() -> None:
        barrier.wait()
        try:
            for n in range(rounds):
                auction = auctions[1]
                try:
                    bid_place(
                        lot_id=auction.lot.pk,
                        user=auction.bidders[0],
                        amount=str(best(auction) - step),
                        client_bid_id=f"s{n}",
                    )
                except ApplicationError as exc:
                    assert exc.code == "step_too_small", exc.code
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections["default"].close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        for f in [
            pool.submit(several, 1, [0, 1, 2]),
            pool.submit(several, 2, [2, 1, 0]),
            pool.submit(single),
        ]:
            f.result()
    close_old_connections()
    assert not errors, errors

    for auction in auctions:
        bids = list(Bid.objects.filter(lot=auction.lot).order_by("placed_at", "pk"))
        assert len(bids) > rounds
        last = assert_each_bid_beats_the_last(bids, step)  # in the order recorded
        auction.refresh()
        assert auction.lot.best_amount == last and auction.lot.bid_count == len(bids)
        assert chain_verify(lot_id=auction.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_a_workers_group_of_lots_answers_each_request_by_its_id():
    a, b = Auction(suppliers=2).start(), Auction(suppliers=2).start()
    rows = {
        11: request_row(req(a, 0, "99000.00", "a0")),
        12: request_row(req(a, 1, "99000.00", "a1")),  # refused: the level is taken
        13: request_row(req(b, 1, "98000.00", "b1")),
    }
    answers, broadcasts = run_group(
        [(b.lot.pk, [(13, rows[13])]), (a.lot.pk, [(11, rows[11]), (12, rows[12])])]
    )
    decoded = {request_id: decode(encoded) for request_id, encoded in answers}
    assert sorted(decoded) == [11, 12, 13]
    assert decoded[11].bid.client_bid_id == "a0" and decoded[11].bid.amount == Decimal("99000.00")
    assert decoded[12].code == "step_too_small"
    assert decoded[13].bid.client_bid_id == "b1" and decoded[13].bid.amount == Decimal("98000.00")
    assert Bid.objects.get(pk=decoded[13].bid.pk).lot_id == b.lot.pk
    assert Bid.objects.get(pk=decoded[11].bid.pk).lot_id == a.lot.pk
    # The bid was placed by its bidder, and its event names them.
    placed = Bid.objects.select_related("placed_by").get(pk=decoded[13].bid.pk)
    assert placed.placed_by == b.bidders[1]
    assert LotEvent.objects.get(lot=b.lot, kind="bid_placed").actor_id == b.bidders[1].pk
    # The worker's bidder is the user with only its id; the rest is read if asked for.
    bidder = request_from_row(rows[13]).user
    assert bidder.pk == b.bidders[1].pk and not bidder._state.adding
    assert bidder.get_deferred_fields() == {
        f.attname for f in type(bidder)._meta.concrete_fields if not f.primary_key
    }
    assert bidder.email == b.bidders[1].email
    assert sorted(group for group, _m in broadcasts) == sorted(
        [f"lot.{a.lot.pk}", f"lot.{b.lot.pk}"]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_bid_paths_statements_are_prepared_and_planned_once_per_connection():
    a = Auction(suppliers=2, step_reference="own").start()
    for n in range(12):
        bids_place(lot_id=a.lot.pk, requests=[req(a, n % 2, str(99000 - 1000 * n), f"p{n}")])
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
        prepared = {row[0]: row[1:] for row in cursor.fetchall()}
    bid_path = {
        "lock": "FOR UPDATE OF l",  # pg_reads'
        "standings": 'LEFT JOIN "platforms_platformmembership" pm',
        "roles": 'FROM "companies_membership" m',
        "write": 'INSERT INTO "auctions_bid"',
    }
    for what, text in bid_path.items():
        (plans,) = [plans for s, plans in prepared.items() if text in s] or [None]
        assert plans is not None, (what, prepared)
        # PostgreSQL's own choice (plan_cache_mode auto) plans the first five calls for their
        # values, and every later one too while the generic plan's estimate is the higher.
        assert plans[0] >= 7 and plans[1] == 0, (what, plans)
    # The resend lookup (a single bid's, with the reads) is planned per call instead: a plan
    # kept from when the table was small would scan the lot's bids.
    assert not any("unnest(" in s for s in prepared), prepared


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_generic_plans_end_with_the_bid_paths_own_transaction():
    a = Auction(suppliers=2, step_reference="own").start()

    def mode() -> str:
        with connections["default"].cursor() as cursor:
            cursor.execute("SHOW plan_cache_mode")
            return cursor.fetchone()[0]

    bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "99000", "g0")])  # its own transaction
    assert mode() == "auto"
    with transaction.atomic():  # a caller's: the bid path leaves its setting alone
        bids_place(lot_id=a.lot.pk, requests=[req(a, 1, "98000", "g1")])
        assert mode() == "auto"
    assert Bid.objects.filter(lot=a.lot).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_lot_whose_bids_are_all_malformed_is_answered_without_the_database():
    a, b = Auction(suppliers=2).start(), Auction(suppliers=2).start()
    db = connections["default"]
    with CaptureQueriesContext(db) as alone:
        bids_place_lots([(a.lot.pk, [req(a, 0, "99000.00", "a0")])])
    with CaptureQueriesContext(db) as beside:
        out = bids_place_lots(
            [
                (a.lot.pk, [req(a, 1, "98000.00", "a1")]),
                (b.lot.pk, [req(b, 0, "12.345", "b0"), req(b, 1, "", "b1")]),
            ]
        )
    assert kinds(out[0]) == ["ok"]
    assert [o.code for o in out[1]] == ["invalid_amount", "invalid_amount"]
    assert len(beside.captured_queries) == len(
        alone.captured_queries
    )  # b is neither read nor locked


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_is_the_same_statements_whatever_its_number_of_lots():
    """On PostgreSQL a transaction's lots are read together (``pg_reads.read_lots``: five
    statements) and written together (``pg_store.flush_together``: one)."""
    lots = [Auction(suppliers=2, step_reference="own").start() for _ in range(5)]
    db = connections["default"]

    def statements(auctions, amount: str) -> list[str]:
        with CaptureQueriesContext(db) as ctx:
            placed = bids_commit([(a.lot.pk, [req(a, 0, amount, f"{amount}")]) for a in auctions])
        assert all(kinds(out) == ["ok"] for out in placed.outcomes), placed.outcomes
        return [q["sql"] for q in ctx.captured_queries]

    statements(lots, "99000.00")  # each supplier's documents, read once a day per process
    one, five = statements(lots[:1], "98000.00"), statements(lots, "97000.00")
    reads = [s for s in five if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 5, reads  # the locks, the resends, the admitted, the roles, the ids
    writes = [s for s in five if s.lstrip().upper().startswith("WITH")]
    assert len(writes) == 1, five  # the bids, their events, the standings and the five lots
    assert len(five) == len(one), five
    for a in lots:
        a.refresh()
        assert a.lot.bid_count == (3 if a is lots[0] else 2)
        assert chain_verify(lot_id=a.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_resends_on_several_lots_are_each_answered_with_their_own_lots_bid():
    """The same client ids on two lots in one transaction: each resend finds its own lot's bid
    (the lookup of a transaction's resends is one statement for all its lots on PostgreSQL)."""
    a, b = Auction(suppliers=2).start(), Auction(suppliers=2).start()
    first = bids_commit(
        [(a.lot.pk, [req(a, 0, "99000.00", "x")]), (b.lot.pk, [req(b, 0, "98000.00", "x")])]
    ).outcomes
    again = bids_commit(
        [(b.lot.pk, [req(b, 0, "98000.00", "x")]), (a.lot.pk, [req(a, 0, "99000.00", "x")])]
    ).outcomes
    assert again[0][0].duplicate and again[0][0].bid.pk == first[1][0].bid.pk
    assert again[1][0].duplicate and again[1][0].bid.pk == first[0][0].bid.pk
    assert again[0][0].bid.amount == Decimal("98000.00")
    assert again[1][0].bid.amount == Decimal("99000.00")
    assert Bid.objects.filter(lot__in=[a.lot, b.lot]).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_lot_given_twice_in_one_transaction_checks_its_second_batch_after_the_first():
    a, b = Auction(suppliers=2).start(), Auction(suppliers=2).start()
    out = bids_commit(
        [
            (a.lot.pk, [req(a, 0, "99000.00", "a0")]),
            (b.lot.pk, [req(b, 0, "99000.00", "b0")]),
            (a.lot.pk, [req(a, 1, "99000.00", "a1"), req(a, 1, "98000.00", "a2")]),
        ]
    ).outcomes
    # The second batch of lot a sees the first's bid: the same level is refused.
    assert kinds(out[0]) == ["ok"] and kinds(out[1]) == ["ok"]
    assert kinds(out[2]) == ["step_too_small", "ok"]
    a.refresh()
    assert a.lot.bid_count == 2 and chain_verify(lot_id=a.lot.pk)[0]
