"""The formats decide and never write: each is called here on rows that exist only in memory,
with the database out of reach (no ``django_db`` mark: any query would fail the test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from auctions.formats import FORMATS, english, format_of, rounds, sealed
from auctions.models import Application, ApplicationStatus, Lot
from marketplace.platforms.models import AuctionFormat

T0 = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def app(pk: int, amount: str | None, label: int) -> Application:
    return Application(
        pk=pk,
        status=ApplicationStatus.ADMITTED,
        label=label,
        current_amount=Decimal(amount) if amount else None,
        current_at=T0 if amount else None,
    )


def test_every_format_a_lot_may_have_has_its_rules_in_the_table():
    assert set(FORMATS) == set(AuctionFormat.values)
    for value in AuctionFormat.values:
        assert format_of(Lot(auction_format=value)) is FORMATS[value]
    assert FORMATS[AuctionFormat.SEALED].sealed and not FORMATS[AuctionFormat.ENGLISH].sealed
    assert FORMATS[AuctionFormat.ENGLISH].proxies and not FORMATS[AuctionFormat.ROUNDS].proxies


def test_rounds_move_through_the_passed_deadlines_without_touching_the_lot():
    lot = Lot(
        auction_format=AuctionFormat.ROUNDS,
        ends_at=T0,
        rounds=2,
        turn_seconds=60,
        round_pause_seconds=30,
        current_round=1,
        current_turn=0,
        turn_order=[1, 2],
    )
    apps = [app(1, "99000", 1), app(2, "98000", 2)]

    step = rounds.advance(lot, apps, T0 + timedelta(seconds=61))

    assert [s.kind for s in step.stages] == ["turn_started", "turn_started"]
    assert [s.payload["label"] for s in step.stages] == [1, 2]
    assert (step.current_round, step.current_turn, step.ends_at) == (
        1,
        2,
        T0 + timedelta(seconds=120),
    )
    assert not step.over
    assert (lot.current_turn, lot.ends_at) == (0, T0)  # decided, not applied

    # Past the second turn's end: round two's pause, its order from the standings then
    # (the highest price first), then past the last turn of the last round: over.
    late = rounds.advance(lot, apps, T0 + timedelta(seconds=120 + 30 + 120))
    kinds = [s.kind for s in late.stages]
    assert kinds == [
        "turn_started",
        "turn_started",
        "round_started",
        "turn_started",
        "turn_started",
    ]
    assert late.stages[2].payload["order"] == [1, 2]
    assert late.over


def test_rounds_round_one_follows_the_initial_offers():
    lot = Lot(auction_format=AuctionFormat.ROUNDS, ends_at=T0, rounds=3)
    from auctions import rules

    ranking = rules.rank(
        [
            rules.Standing(key=1, amount=Decimal("90"), at=T0, label=1),
            rules.Standing(key=2, amount=Decimal("95"), at=T0, label=2),
        ]
    )
    first = rounds.begin(lot, ranking, [])
    assert first.turn_order == [2, 1]  # the highest price bids first
    assert first.stages[0].kind == "round_started" and first.stages[0].payload["round"] == 1


def test_english_soft_close_extends_only_inside_its_window_and_its_limits():
    lot = Lot(
        auction_format=AuctionFormat.ENGLISH,
        ends_at=T0,
        soft_close_window_seconds=120,
        soft_close_extension_seconds=60,
        soft_close_max_rank=2,
        soft_close_max_extensions=1,
        extensions=0,
    )
    assert english.extension(lot, now=T0 - timedelta(seconds=121), rank=1) is None  # too early
    assert english.extension(lot, now=T0 - timedelta(seconds=30), rank=3) is None  # rank too low
    assert english.extension(lot, now=T0 - timedelta(seconds=30), rank=2) == T0 + timedelta(
        seconds=60
    )
    lot.extensions = 1
    assert english.extension(lot, now=T0 - timedelta(seconds=30), rank=1) is None  # used up
    assert lot.ends_at == T0


def test_english_proxy_bids_one_step_below_the_best_never_below_its_floor():
    from auctions.models import ProxyBid

    lot = Lot(
        auction_format=AuctionFormat.ENGLISH,
        start_price=Decimal("100000"),
        step_kind="amount",
        step_value=Decimal("1000"),
        step_reference="best",
    )
    leader, proxied = app(1, "95000", 1), app(2, "99000", 2)
    proxied.supplier_participation = leader.supplier_participation = None
    leader._state.fields_cache["proxy"] = None  # read with the applications, as the engine does
    proxied.proxy = ProxyBid(floor_amount=Decimal("94000"), active=True)
    assert english.proxy_next(lot, [leader, proxied]) == (proxied, Decimal("94000"))
    proxied.proxy.floor_amount = Decimal("94500")
    assert english.proxy_next(lot, [leader, proxied]) is None


@pytest.mark.parametrize("amount", ["100.00", "100", Decimal("100.0")])
def test_a_sealed_commitment_is_the_same_for_the_same_offer(amount):
    one = sealed.seal_commitment(lot_id=1, application_id=2, amount=amount, seal="s")
    assert one == sealed.seal_commitment(lot_id=1, application_id=2, amount="100", seal="s")
    assert one != sealed.seal_commitment(lot_id=1, application_id=2, amount="100", seal="t")
