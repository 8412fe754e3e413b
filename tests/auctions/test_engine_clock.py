"""The clock formats at the service level (issue 19): the Japanese reverse auction (confirm each
lower price to stay in; the last one standing wins) and the Dutch one (the price rises until a
supplier accepts; the first wins), with their refusals, the ends they reach, the lot's chain,
and on PostgreSQL suppliers accepting in the same instant."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from auctions.bidding.place import bid_place
from auctions.events import chain_verify
from auctions.formats import dutch, japanese
from auctions.lifecycle import lot_award, lot_close
from auctions.models import Bid, LotEvent, LotStatus
from auctions.tenders.validation import lot_errors
from marketplace.core.exceptions import ApplicationError

from .engine_setup import Auction

pytestmark = pytest.mark.django_db

CLOCK = {"level_seconds": 60, "step_value": Decimal("1000"), "soft_close_window_seconds": 0,
         "soft_close_extension_seconds": 0}  # fmt: skip


def japanese_auction(**rules) -> Auction:
    return Auction(auction_format="japanese", **{**CLOCK, **rules}).start()


def dutch_auction(**rules) -> Auction:
    return Auction(
        auction_format="dutch", **{**CLOCK, "floor_price": Decimal("90000"), **rules}
    ).start()


def refused(code: str, a: Auction, bidder: int, amount: str) -> ApplicationError:
    before = (Bid.objects.count(), LotEvent.objects.count())
    with pytest.raises(ApplicationError) as err:
        bid_place(lot_id=a.lot.pk, user=a.bidders[bidder], amount=amount)
    assert err.value.code == code, err.value.message
    assert (Bid.objects.count(), LotEvent.objects.count()) == before
    return err.value


def level_end(a: Auction):
    a.refresh()
    return a.lot.ends_at


def kinds(a: Auction) -> list[str]:
    return list(LotEvent.objects.filter(lot=a.lot).values_list("kind", flat=True))


# --- Japanese ---------------------------------------------------------------------------------


def test_japanese_the_last_one_standing_wins_at_the_price_it_alone_confirmed():
    a = japanese_auction()
    assert (a.lot.current_round, japanese.level_price(a.lot, 1)) == (1, Decimal("100000.00"))
    assert sorted(a.lot.turn_order) == sorted(app.pk for app in a.applications)
    # Level 1: the start price. Two confirm; the third stays silent and is out.
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="100000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="100000")
    refused("already_confirmed", a, 0, "100000")
    refused("price_moved", a, 1, "99000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    a.refresh()
    assert (a.lot.status, a.lot.current_round) == (LotStatus.LIVE, 2)
    assert sorted(a.lot.turn_order) == sorted([a.applications[0].pk, a.applications[1].pk])
    refused("dropped_out", a, 2, "99000")
    refused("price_moved", a, 0, "100000")
    # Level 2 (99,000): only the second confirms; it wins there.
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="99000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    closed = LotEvent.objects.get(lot=a.lot, kind="status_changed", payload__to="closed")
    assert [(r["application"], r["amount"]) for r in closed.payload["ranking"]] == [
        (a.applications[1].pk, "99000.00"),
        (a.applications[0].pk, "100000.00"),
    ]
    ended = LotEvent.objects.get(lot=a.lot, kind="clock_ended")
    assert ended.payload["why"] == "last_standing"
    assert ended.payload["out"] == [a.applications[0].label]
    assert kinds(a).count("level_started") == 2
    assert lot_award(lot_id=a.lot.pk, user=a.officer).amount == Decimal("99000.00")
    ok, broken, _ = chain_verify(lot_id=a.lot.pk)
    assert ok and broken is None


def test_japanese_when_everyone_drops_at_once_the_earliest_confirmation_of_the_level_before_wins():
    a = japanese_auction()
    bid_place(lot_id=a.lot.pk, user=a.bidders[2], amount="100000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="100000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    lot_close(lot_id=a.lot.pk, now=level_end(a))  # nobody confirms 99,000
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    assert LotEvent.objects.get(lot=a.lot, kind="clock_ended").payload["why"] == "all_out"
    assert a.lot.best_application_id == a.applications[2].pk  # confirmed first


def test_japanese_stops_at_its_floor():
    a = japanese_auction(floor_price=Decimal("99000"))
    assert japanese.levels(a.lot) == 2
    for bidder in (0, 1):
        bid_place(lot_id=a.lot.pk, user=a.bidders[bidder], amount="100000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    for bidder in (1, 0):
        bid_place(lot_id=a.lot.pk, user=a.bidders[bidder], amount="99000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    assert LotEvent.objects.get(lot=a.lot, kind="clock_ended").payload["why"] == "floor_reached"
    assert a.lot.best_application_id == a.applications[1].pk


def test_a_late_scheduler_still_gives_the_next_level_its_whole_time():
    a = japanese_auction()
    for bidder in (0, 1):
        bid_place(lot_id=a.lot.pk, user=a.bidders[bidder], amount="100000")
    late = level_end(a) + timedelta(minutes=10)
    lot_close(lot_id=a.lot.pk, now=late)
    a.refresh()
    assert a.lot.current_round == 2 and a.lot.ends_at == late + timedelta(seconds=60)


def test_nobody_confirming_the_start_price_fails_the_lot():
    a = japanese_auction()
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    a.refresh()
    assert a.lot.status == LotStatus.FAILED


# --- Dutch ------------------------------------------------------------------------------------


def test_dutch_the_first_to_accept_wins_and_ends_the_auction():
    a = dutch_auction()
    assert (a.lot.current_round, dutch.level_price(a.lot, 1)) == (1, Decimal("90000.00"))
    refused("price_moved", a, 0, "91000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))  # nobody accepted 90,000
    a.refresh()
    assert (a.lot.current_round, dutch.level_price(a.lot, 2)) == (2, Decimal("91000.00"))
    accepted = bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="91000")
    a.refresh()
    assert a.lot.ends_at == accepted.bid.placed_at  # over now: no extension
    assert "extended" not in kinds(a)
    # The acceptance ended the auction: any later one is too late (under the lot's lock, the
    # format itself refuses one that came in the same instant: already_accepted).
    refused("auction_closed", a, 0, "91000")
    with pytest.raises(ApplicationError) as err:
        dutch.check_bid(
            lot=a.lot,
            application=a.applications[0],
            applications=a.applications,
            amount=Decimal("91000"),
            confirm=False,
        )
    assert err.value.code == "already_accepted"
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    assert (a.lot.best_application_id, a.lot.best_amount) == (
        a.applications[1].pk,
        Decimal("91000.00"),
    )
    ok, _broken, _ = chain_verify(lot_id=a.lot.pk)
    assert ok


def test_dutch_nobody_accepting_up_to_the_start_price_fails_the_lot():
    a = dutch_auction(floor_price=Decimal("98000"))
    assert dutch.levels(a.lot) == 3
    for _level in range(3):
        lot_close(lot_id=a.lot.pk, now=level_end(a))
    a.refresh()
    assert a.lot.status == LotStatus.FAILED
    assert LotEvent.objects.get(lot=a.lot, kind="clock_ended").payload["why"] == "none_accepted"


def test_the_clock_formats_ignore_initial_offers_and_rank_by_price_alone():
    a = Auction(auction_format="dutch", floor_price=Decimal("90000"), **CLOCK)
    a.applications[0].initial_amount = Decimal("95000")
    a.applications[0].save(update_fields=["initial_amount"])
    a.start()
    assert a.lot.best_application_id is None and not Bid.objects.exists()
    lot = a.lot
    lot.weighted = True
    errors = lot_errors(lot, criteria=[])
    assert "auction_format" in errors
    lot.weighted, lot.floor_price = False, Decimal("100000")
    assert "floor_price" in lot_errors(lot, criteria=[])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_dutch_suppliers_accepting_in_the_same_instant_make_one_winner():
    a = dutch_auction()
    start = threading.Barrier(3)
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(index: int) -> None:
        start.wait()
        try:
            bid_place(lot_id=a.lot.pk, user=a.bidders[index], amount="90000")
            outcome = "accepted"
        except ApplicationError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(accept, range(3)))
    close_old_connections()
    assert sorted(outcomes)[0] == "accepted"
    assert set(sorted(outcomes)[1:]) <= {"already_accepted", "auction_closed"}
    assert Bid.objects.filter(lot=a.lot).count() == 1


def test_the_protocol_tells_the_clock_s_course_without_naming_competitors():
    from auctions.protocol.record import protocol_build
    from auctions.protocol.render import protocol_render_csv

    a = japanese_auction()
    for bidder in (0, 1, 2):
        bid_place(lot_id=a.lot.pk, user=a.bidders[bidder], amount="100000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="99000")
    lot_close(lot_id=a.lot.pk, now=level_end(a))
    full = protocol_build(lot_id=a.lot.pk)
    course = [e.description for e in full.events]
    assert any(t.startswith("Price level 2: ") for t in course)
    assert any("One supplier alone confirmed" in t for t in course)
    assert ("Each price level, seconds", "60") in full.rules
    assert [r.amount for r in full.ranking][:1] == [Decimal("99000.00")]
    mine = protocol_build(lot_id=a.lot.pk, supplier_id=a.companies[0].pk)
    text = protocol_render_csv(mine).decode("utf-8-sig")
    assert "Canary Supplier 2" not in text and "Canary Supplier 3" not in text
    assert "Canary Supplier 1" in text  # its own name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_japanese_confirmations_in_the_same_instant_are_each_taken_once():
    """Everyone confirms level 1 at once, one supplier twice: three confirmations, and the
    second of the twice-sent one refused under the lot's lock."""
    a = japanese_auction()
    start = threading.Barrier(4)
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def confirm(index: int) -> None:
        bidder = index % 3
        start.wait()
        try:
            bid_place(lot_id=a.lot.pk, user=a.bidders[bidder], amount="100000")
            outcome = "accepted"
        except ApplicationError as exc:
            outcome = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append((bidder, outcome))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(confirm, range(4)))
    close_old_connections()
    assert sorted(o for _b, o in outcomes) == ["accepted"] * 3 + ["already_confirmed"]
    assert Bid.objects.filter(lot=a.lot).count() == 3
    assert Bid.objects.filter(lot=a.lot, application=a.applications[0]).count() == 1


def test_a_dutch_lot_runs_alone_or_the_tender_is_not_published():
    from auctions.tenders import drafting
    from tests.auctions.factories import World, lot_data

    w = World()
    dutch_lot = lot_data(
        title="Dutch",
        auction_format="dutch",
        floor_price=Decimal("90000"),
        start_price=Decimal("100000"),
        step_kind="amount",
        step_value=Decimal("1000"),
        level_seconds=60,
        stagger_seconds=60,  # its clock runs 11 levels of a minute: the next lot comes too soon
        reserve_price=None,
    )
    tender = drafting.tender_create(
        actor=w.officer, **w.tender_kwargs(lots=[lot_data(title="First"), dutch_lot, lot_data()])
    )
    with pytest.raises(ApplicationError) as err:
        drafting.tender_publish(actor=w.officer, tender=tender)
    # It starts with the first lot (whose stagger is 0), and the third comes too soon.
    assert set(err.value.fields) == {"lots.0.stagger_seconds", "lots.1.stagger_seconds"}
    assert "must not start with the lot before" in err.value.fields["lots.0.stagger_seconds"][0]
    assert "runs alone" in err.value.fields["lots.1.stagger_seconds"][0]
