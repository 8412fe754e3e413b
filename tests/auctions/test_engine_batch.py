"""Group commit (``bidding.place.bids_place``): a batch of bids on one lot in one transaction, each
checked by the same rules as a single bid, in order, idempotent per client bid id; and on
PostgreSQL, batches and single bids from many threads at once keep every rule."""

import contextlib
import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.db import close_old_connections, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from auctions import participation
from auctions.bidding import pg_reads, place, store
from auctions.bidding.outcomes import BidRequest, BidResult
from auctions.bidding.place import bid_place, bids_place
from auctions.bidding.proxy import proxy_set
from auctions.events import chain_verify
from auctions.models import Application, Bid, Lot, LotEvent
from marketplace.companies.models import MembershipRole
from marketplace.core.exceptions import ApplicationError
from tests.factories import member

from .engine_setup import Auction, assert_each_bid_beats_the_last

STEP = Decimal("1000")


def req(a, i, amount, cid="", **kw):
    return BidRequest(
        application_id=a.applications[i].pk,
        user=a.bidders[i],
        amount=amount,
        client_bid_id=cid,
        **kw,
    )


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_checked_in_order_by_the_single_bid_rules_and_commits_once():
    a = Auction(suppliers=3).start()
    seq_before = a.lot.event_seq
    with mock.patch.object(place, "lot_changed_on_commit") as broadcast:
        out = bids_place(
            lot_id=a.lot.pk,
            requests=[
                req(a, 0, "99000.00", "a1"),
                req(a, 1, "99000.00", "b1"),  # the level is taken by the bid before it
                req(a, 1, "98000.00", "b2"),
                req(a, 2, "12.345", "c1"),  # not a valid amount
                req(a, 0, "99000.00", "a1"),  # a resend within the batch
            ],
        )
    assert isinstance(out[0], BidResult) and not out[0].duplicate
    assert isinstance(out[1], ApplicationError) and out[1].code == "step_too_small"
    assert isinstance(out[2], BidResult) and out[2].bid.amount == Decimal("98000.00")
    assert isinstance(out[3], ApplicationError) and out[3].code == "invalid_amount"
    assert out[4].duplicate and out[4].bid.pk == out[0].bid.pk
    broadcast.assert_called_once()  # one change for the whole batch
    a.refresh()
    assert a.lot.bid_count == 2
    assert a.lot.best_amount == Decimal("98000.00")
    assert a.lot.best_application_id == a.applications[1].pk
    assert a.lot.event_seq == seq_before + 2
    assert Bid.objects.filter(lot=a.lot).count() == 2
    assert chain_verify(lot_id=a.lot.pk)[0]
    # A later resend answers with the same bid; a single bid sees the batch's bids.
    again = bids_place(lot_id=a.lot.pk, requests=[req(a, 1, "98000.00", "b2")])
    assert again[0].duplicate and again[0].bid.pk == out[2].bid.pk
    # ... also within a batch of several, whose other bids are placed (the rules refuse the
    # resend's amount, so it is looked up after them).
    mixed = bids_place(
        lot_id=a.lot.pk,
        requests=[
            req(a, 2, "97000.00", "c3"),
            req(a, 1, "98000.00", "b2"),
            req(a, 0, "96000.00", "a3"),
        ],
    )
    assert [getattr(o, "duplicate", o) for o in mixed] == [False, True, False], mixed
    assert mixed[1].bid.pk == out[2].bid.pk
    assert Bid.objects.filter(lot=a.lot).count() == 4
    assert chain_verify(lot_id=a.lot.pk)[0]
    # A resend whose amount the rules accept (the client changed it): on PostgreSQL the unique
    # constraint trips when the batch commits (its write and COMMIT go together), the batch is
    # rolled back and its bids are placed one by one; the resend is answered with its first bid.
    changed = bids_place(
        lot_id=a.lot.pk,
        requests=[
            req(a, 2, "95000.00", "c4"),
            req(a, 1, "94000.00", "b2"),
        ],
    )
    assert [getattr(o, "duplicate", o) for o in changed] == [False, True], changed
    assert changed[1].bid.pk == out[2].bid.pk and changed[1].bid.amount == Decimal("98000.00")
    assert Bid.objects.filter(lot=a.lot).count() == 5
    assert chain_verify(lot_id=a.lot.pk)[0]
    with pytest.raises(ApplicationError) as exc:
        bid_place(lot_id=a.lot.pk, user=a.bidders[2], amount="97500.00")
    assert exc.value.code == "step_too_small"


def hide_first_resend_lookup():
    """As if a resend's first send committed, through another process, after this batch read
    the lot's bids and before it wrote: the first read of a call finds no earlier bids."""
    calls = {"n": 0}

    def blank(reads):
        calls["n"] += 1
        if calls["n"] == 1:
            reads.earlier.clear()
        return reads

    # On PostgreSQL every read of the bid path goes through ``pg_reads.read_lots`` (a single
    # lot's too); through the ORM, through ``OrmStore.read``.
    real_lots, real_orm = pg_reads.read_lots, store.OrmStore.read
    stack = contextlib.ExitStack()
    stack.enter_context(
        mock.patch.object(
            pg_reads,
            "read_lots",
            lambda batches, **kw: [r and blank(r) for r in real_lots(batches, **kw)],
        )
    )
    stack.enter_context(
        mock.patch.object(store.OrmStore, "read", lambda self, **kw: blank(real_orm(self, **kw)))
    )
    stack.callback(lambda: calls["n"] or pytest.fail("no read of the bid path was seen"))
    return stack


@pytest.mark.django_db(transaction=True)
def test_a_lone_resend_racing_its_first_send_is_placed_again_and_answered_with_it():
    a = Auction(suppliers=2).start()
    first = bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "99000.00", "a0")])[0]
    with hide_first_resend_lookup():
        out = bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "97000.00", "a0")])
    assert out[0].duplicate and out[0].bid.pk == first.bid.pk
    assert Bid.objects.filter(lot=a.lot).count() == 1
    assert chain_verify(lot_id=a.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_a_refusal_in_a_batch_writes_nothing_and_stops_no_other():
    a = Auction(suppliers=3, max_step_percent=Decimal("10")).start()
    watcher = member(a.companies[2], MembershipRole.ACCOUNT_MANAGER)  # not a bidding role
    stranger_app = a.applications[2].pk
    out = bids_place(
        lot_id=a.lot.pk,
        requests=[
            BidRequest(application_id=stranger_app, user=watcher, amount="99000.00"),
            BidRequest(application_id=a.applications[0].pk, user=a.bidders[1], amount="99000"),
            req(a, 0, "50000.00", "big"),  # a drop beyond the typo guard, not confirmed
            req(a, 1, "99000.00", "ok"),
        ],
    )
    assert out[0].code == "not_a_bidder"
    assert out[1].code == "not_a_bidder"  # a bidder of another company for this application
    assert out[2].code == "confirmation_required"
    assert isinstance(out[3], BidResult)
    bids = Bid.objects.filter(lot=a.lot)
    assert [b.client_bid_id for b in bids] == ["ok"]
    a.refresh()
    assert a.lot.bid_count == bids.count()
    assert LotEvent.objects.filter(lot=a.lot, kind="bid_placed").count() == bids.count()
    assert chain_verify(lot_id=a.lot.pk)[0]


@pytest.mark.django_db(transaction=True)
def test_a_batch_for_a_closed_or_missing_lot_refuses_every_bid():
    a = Auction(suppliers=2)  # not started
    out = bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "99000"), req(a, 1, "98000")])
    assert [o.code for o in out] == ["lot_not_live", "lot_not_live"]
    out = bids_place(lot_id=a.lot.pk + 999, requests=[req(a, 0, "99000"), req(a, 1, "98000")])
    assert [o.code for o in out] == ["lot_not_found", "lot_not_found"]
    assert not Bid.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_reads_the_lot_and_its_standings_once():
    a = Auction(suppliers=8, step_reference="own").start()
    bids_place(lot_id=a.lot.pk, requests=[req(a, i, "99000.00", f"w{i}") for i in range(8)])
    one = [req(a, 0, "98000.00", "x0")]
    with CaptureQueriesContext(connection) as single:
        bids_place(lot_id=a.lot.pk, requests=one)
    eight = [req(a, i, "98000.00" if i else "97000.00", f"y{i}") for i in range(8)]
    with CaptureQueriesContext(connection) as batch:
        out = bids_place(lot_id=a.lot.pk, requests=eight)
    assert all(isinstance(o, BidResult) for o in out)
    if connection.vendor == "postgresql":
        # BEGIN, then in one round trip the plans' mode, the lot, a resent id (a single bid
        # only: in a batch the unique constraint finds one), the standings, the bidders' roles
        # and the bids' ids; one statement writing every row; COMMIT. Eight bids take no more
        # than one.
        assert len(single.captured_queries) == 9
        assert len(batch.captured_queries) == 8
    else:
        # Per extra bid at most its own writes (the bid, its standing, its event).
        assert len(single.captured_queries) == 10
        assert len(batch.captured_queries) <= len(single.captured_queries) + 7 * 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_bid_path_leaves_the_columns_it_never_reads_in_the_database():
    a = Auction(suppliers=2).start()
    with transaction.atomic():
        (reads,) = pg_reads.read_lots([(a.lot.pk, [])], roles=[])
    unread = {Application._meta.get_field(n).attname for n in pg_reads.UNREAD_APPLICATION}
    assert [x.pk for x in reads.applications] == [x.pk for x in a.applications]
    with CaptureQueriesContext(connection) as later:
        for application in reads.applications:
            assert application.get_deferred_fields() == unread
            assert application.label and application.supplier.legal_name
            assert application.status == "admitted" and application.current_amount is None
    assert not later.captured_queries
    # A column left behind is still there when asked for (one query), as QuerySet.defer does.
    first = reads.applications[0]
    assert first.terms_accepted_at == Application.objects.get(pk=first.pk).terms_accepted_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_bid_paths_instances_are_the_orms():
    """``pg_reads`` builds its instances itself (``_Builder``): each as the ORM's, field for
    field, related object for related object, and saved (not adding) in the same database."""
    a = Auction(suppliers=3).start()
    proxy_set(lot_id=a.lot.pk, user=a.bidders[2], floor="95500")
    bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "99000.00", "f0")])
    with transaction.atomic():
        (reads,) = pg_reads.read_lots([(a.lot.pk, [])], roles=[])
    unread = {Application._meta.get_field(n).attname for n in pg_reads.UNREAD_APPLICATION}

    def values(instance, leave=()):
        """The instance's values; a timestamp's with its tzinfo object (psycopg's own loader
        parses them, ``_native_timestamps``: Django's ``timezone.utc``, not a ZoneInfo)."""
        assert instance._state.adding is False and instance._state.db == "default"
        return {
            k: (v, v.tzinfo) if isinstance(v, datetime) else v
            for k, v in vars(instance).items()
            if k != "_state" and k not in leave
        }

    lot = Lot.objects.select_related("tender").get(pk=a.lot.pk)
    assert type(reads.lot) is Lot and values(reads.lot) == values(lot)
    assert values(reads.lot.tender) == values(lot.tender)
    orm = participation.admitted(lot)
    assert [x.pk for x in reads.applications] == [x.pk for x in orm]
    for mine, theirs in zip(reads.applications, orm, strict=True):
        assert type(mine) is Application
        assert values(mine) == values(theirs, leave=unread)
        assert values(mine.supplier) == values(theirs.supplier)
        # No proxy: cached as None, as select_related caches it (reading it raises).
        proxy, their_proxy = mine._state.fields_cache["proxy"], theirs._state.fields_cache["proxy"]
        if their_proxy is None:
            assert proxy is None
        else:
            assert values(proxy) == values(their_proxy) and proxy.application is mine
    assert sum(getattr(x, "proxy", None) is not None for x in reads.applications) == 1
    assert reads.applications[0].current_amount == Decimal("99000.00")
    reads.applications[0].save(update_fields=["label"])  # an instance the ORM can save
    # A resend's bid, looked up alone or with the batch's reads.
    bid = Bid.objects.get(client_bid_id="f0")
    key = (bid.application_id, "f0")
    with transaction.atomic():
        found = pg_reads.earlier(lot_id=a.lot.pk, pairs=[key])[key]
        items = place._bid_items([req(a, 0, "98000.00", "f0")])
        (again,) = pg_reads.read_lots([(a.lot.pk, items)], roles=[])
    assert type(found) is Bid and values(found) == values(bid)
    assert values(again.earlier[key]) == values(bid)
    assert isinstance(bid.placed_at, datetime) and bid.placed_at.tzinfo is not None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_bid_paths_timestamps_are_the_orms_without_time_zones_too():
    """``pg_reads`` parses its timestamps with psycopg's loader, which makes them aware; the
    builder leaves them as Django's loader does in the settings' time zone mode: naive
    without ``USE_TZ``, as the ORM reads them."""
    a = Auction(suppliers=2).start()
    bids_place(lot_id=a.lot.pk, requests=[req(a, 0, "99000.00", "z0")])
    with override_settings(USE_TZ=False):
        with transaction.atomic():
            (reads,) = pg_reads.read_lots([(a.lot.pk, [])], roles=[])
        lot = Lot.objects.get(pk=a.lot.pk)
        theirs = Application.objects.get(pk=reads.applications[0].pk)
    assert lot.ends_at.tzinfo is None and reads.lot.ends_at.tzinfo is None
    assert reads.lot.ends_at == lot.ends_at
    mine = reads.applications[0]
    assert mine.current_at is not None and mine.current_at.tzinfo is None
    assert mine.current_at == theirs.current_at


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_and_single_bids_keep_every_rule():
    suppliers, rounds = 8, 25
    a = Auction(
        suppliers=suppliers,
        start_price="1000000",
        step_value=Decimal("100"),
        soft_close_window_seconds=0,
        soft_close_extension_seconds=0,
    ).start()
    lot_id = a.lot.pk
    results: list[tuple[str, str, object]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(3)

    def batcher(index: int) -> None:
        rnd = random.Random(index)
        barrier.wait()
        try:
            for n in range(rounds):
                best = Lot.objects.filter(pk=lot_id).values_list("best_amount", flat=True).get()
                best = best or Decimal("1000000")
                picks = rnd.sample(range(suppliers), 4)
                requests = []
                for i in picks:
                    cid = f"t{index}-r{n}-s{i}"
                    amount = best - Decimal("100") * rnd.randint(1, 3)
                    requests.append(req(a, i, str(amount), cid))
                    if rnd.random() < 0.3:
                        requests.append(req(a, i, str(amount), cid))  # a resend
                out = bids_place(lot_id=lot_id, requests=requests)
                with lock:
                    for r, o in zip(requests, out, strict=True):
                        if isinstance(o, BidResult):
                            results.append(
                                (r.client_bid_id, "dup" if o.duplicate else "ok", o.bid.pk)
                            )
                        else:
                            results.append((r.client_bid_id, "refused", o.code))
        finally:
            connection.close()

    def single() -> None:
        barrier.wait()
        try:
            for n in range(rounds):
                best = Lot.objects.filter(pk=lot_id).values_list("best_amount", flat=True).get()
                cid = f"single-{n}"
                try:
                    r = bid_place(
                        lot_id=lot_id,
                        user=a.bidders[0],
                        amount=str((best or Decimal("1000000")) - Decimal("100")),
                        client_bid_id=cid,
                    )
                    outcome = ("ok", r.bid.pk)
                except ApplicationError as exc:
                    outcome = ("refused", exc.code)
                with lock:
                    results.append((cid, *outcome))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(batcher, 1), pool.submit(batcher, 2), pool.submit(single)]
        for f in futures:
            f.result()
    close_old_connections()

    accepted = {cid: bid for cid, kind, bid in results if kind == "ok"}
    assert len(accepted) == len([r for r in results if r[1] == "ok"])  # no id accepted twice
    assert {code for _c, kind, code in results if kind == "refused"} <= {"step_too_small"}
    for cid, kind, bid in results:
        if kind == "dup":
            assert accepted[cid] == bid
    bids = list(Bid.objects.filter(lot_id=lot_id).order_by("placed_at", "pk"))
    assert len(bids) == len(accepted) > suppliers
    best = assert_each_bid_beats_the_last(bids, Decimal("100"))  # in the order recorded
    a.refresh()
    assert a.lot.best_amount == best and a.lot.bid_count == len(bids)
    assert Application.objects.get(pk=a.lot.best_application_id).current_amount == best
    assert LotEvent.objects.filter(lot_id=lot_id, kind="bid_placed").count() == len(bids)
    assert chain_verify(lot_id=lot_id)[0]


@pytest.mark.django_db(transaction=True)
def test_proxies_answer_each_bid_of_a_batch_and_the_rows_match_the_standing():
    a = Auction(suppliers=3).start()
    proxy_set(lot_id=a.lot.pk, user=a.bidders[2], floor="95500")
    out = bids_place(
        lot_id=a.lot.pk,
        requests=[req(a, 0, "99000", "p0"), req(a, 1, "97000", "p1"), req(a, 0, "95000", "p2")],
    )
    # Each bid is answered by the proxy one step lower while its floor allows.
    assert [type(o) for o in out] == [BidResult] * 3, out
    a.refresh()
    assert a.lot.best_application_id == a.applications[0].pk
    assert a.lot.best_amount == Decimal("95000.00")
    proxy = list(
        Bid.objects.filter(lot=a.lot, kind="proxy").order_by("pk").values_list("amount", flat=True)
    )
    assert proxy == [Decimal("98000.00"), Decimal("96000.00")]
    assert a.lot.bid_count == Bid.objects.filter(lot=a.lot).count() == 5
    for app in a.applications:  # the standings written at the end of the batch
        last = Bid.objects.filter(application=app).order_by("-placed_at", "-pk").first()
        assert app.current_amount == (last.amount if last else None)
    assert chain_verify(lot_id=a.lot.pk)[0]
