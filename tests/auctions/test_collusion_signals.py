"""Collusion signals (issue 19): the detectors on constructed data (each pattern found where it
is, never on ordinary competition, and simulated honest markets never flagged), the API's
scope (the buyer's side and the platform's admins; a supplier that bid and a stranger get 404,
and nothing a supplier receives carries a signal), bad input, the query count, and the page."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from auctions.integrity import signals as sig
from auctions.models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    Lot,
    LotStatus,
)
from auctions.selectors import lot_snapshot, lot_viewer
from auctions.standing import render
from marketplace.companies.models import MembershipRole
from tests.auctions.engine_setup import running_tender
from tests.factories import (
    CompanyFactory,
    PlatformAdminFactory,
    PlatformFactory,
    UserFactory,
    member,
)

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english():
    """The explanations are written in the active language: English here, unless a test
    says otherwise (a page asked in Ukrainian leaves Ukrainian active after it)."""
    with translation.override("en"):
        yield


STEP = Decimal("1000")
START = Decimal("100000")

# --- constructed data ---------------------------------------------------------------------


def lot(
    i: int, *, winner=None, category=1, fmt="english", start=START, step_value=STEP, **kwargs
) -> sig.LotRow:
    """Lot ``i``: a 30-minute auction starting ``i`` hours after T0, a fixed step of 1,000."""
    return sig.LotRow(
        id=i,
        start_price=start,
        category=category,
        number=i,
        title=f"Lot {i}",
        step_kind="amount",
        step_value=step_value,
        auction_format=fmt,
        ends_at=T0 + timedelta(hours=i, minutes=30),
        winner=winner,
        **kwargs,
    )


_ids = iter(range(1, 10**9))


def bid(lot_id: int, supplier: int, amount, *, at: float = 600, kind="manual") -> sig.BidRow:
    """A bid ``at`` seconds after lot ``lot_id`` started."""
    return sig.BidRow(
        lot=lot_id,
        supplier=supplier,
        amount=Decimal(amount),
        placed_at=T0 + timedelta(hours=lot_id, seconds=at),
        id=next(_ids),
        kind=kind,
    )


def kinds(market: sig.Market) -> list[str]:
    return [f.kind for f in sig.detect(market)]


def race(lot_id: int, ladder: list[tuple[int, int]], *, first_at: float = 60) -> list[sig.BidRow]:
    """An English auction's bids in order: (supplier, amount), one every minute from
    ``first_at``."""
    return [bid(lot_id, s, a, at=first_at + 60 * k) for k, (s, a) in enumerate(ladder)]


def test_identical_offers_on_a_lot_are_flagged_with_their_bids():
    # A sealed lot: suppliers 1 and 2 offer exactly the same final amount.
    lots = [lot(1, winner=3, fmt="sealed")]
    bids = [
        bid(1, 1, "95500.00", kind="sealed"),
        bid(1, 2, "95500.00", kind="sealed"),
        bid(1, 3, "94000.00", kind="sealed"),
    ]
    (flag,) = sig.detect(sig.Market(lots, bids, {1: "Alpha", 2: "Beta", 3: "Gamma"}))
    assert (flag.kind, flag.severity, flag.lots, flag.suppliers) == (
        "identical_bids",
        "high",
        (1,),
        (1, 2),
    )
    assert "Alpha, Beta" in flag.explanation and "95,500.00" in flag.explanation
    assert [(e.supplier, e.amount, e.note) for e in flag.evidence] == [
        (1, Decimal("95500.00"), "final offer"),
        (2, Decimal("95500.00"), "final offer"),
    ]
    assert all(e.placed_at and e.bid for e in flag.evidence)


def test_equal_bids_that_are_not_final_offers_are_a_medium_flag_and_the_start_price_none():
    # Each beats its own price (step reference "own"): 1 and 2 meet at 97,000 on the way down.
    lots = [lot(1, winner=1)]
    bids = race(1, [(1, 97000), (2, 97000), (1, 95000), (2, 96000)])
    (flag,) = sig.detect(sig.Market(lots, bids))
    assert (flag.kind, flag.severity) == ("identical_bids", "medium")
    assert {e.note for e in flag.evidence} == {"bid"}
    # Initial offers at the start (ceiling) price are no coincidence.
    at_start = [bid(1, 1, START, kind="initial"), bid(1, 2, START, kind="initial")]
    assert kinds(sig.Market([lot(1, winner=1)], at_start + race(1, [(1, 99000), (2, 98000)]))) == []


def test_the_clock_formats_set_equal_prices_themselves():
    # A Japanese lot: suppliers confirm each level at its price; 1 and 2 drop out together
    # one level above 3, on six lots: no identical bids, no shadow.
    lots, bids = [], []
    for i in range(1, 7):
        lots.append(lot(i, winner=3, fmt="japanese"))
        for k, level in enumerate((99000, 98000, 97000)):
            bids += [bid(i, s, level, at=60 * k + s) for s in (1, 2, 3)]
        bids.append(bid(i, 3, 96000, at=300))
    assert kinds(sig.Market(lots, bids)) == []


def test_the_same_final_offers_on_several_lots_are_flagged_across_lots():
    lots = [lot(i, winner=3, fmt="sealed") for i in (1, 2)]
    bids = [
        bid(1, 1, "91234.56", kind="sealed"),
        bid(1, 2, "91234.56", kind="sealed"),
        bid(1, 3, "90000", kind="sealed"),
        bid(2, 1, "88000", kind="sealed"),
        bid(2, 2, "88000", kind="sealed"),
        bid(2, 3, "87000", kind="sealed"),
    ]
    flags = sig.detect(sig.Market(lots, bids))
    across = [f for f in flags if f.kind == "identical_finals"]
    assert len(across) == 1 and across[0].lots == (1, 2) and across[0].suppliers == (1, 2)
    assert len(across[0].evidence) == 4
    # Each lot has its own flag too; one lot alone is no cross-lot flag.
    assert sorted(f.lots for f in flags if f.kind == "identical_bids") == [(1,), (2,)]
    one = sig.Market(lots[:1], [b for b in bids if b.lot == 1])
    assert "identical_finals" not in kinds(one)


def shadow_market(lots_n: int, *, gap=STEP, s_wins_once=False) -> sig.Market:
    """Supplier 2 stops ``gap`` above supplier 1's winning bid on ``lots_n`` lots; supplier 3
    bids along and gives up early."""
    lots, bids = [], []
    for i in range(1, lots_n + 1):
        win = 90000 - 500 * i
        if s_wins_once and i == 1:
            lots.append(lot(i, winner=2))
            bids += race(i, [(3, 99000), (1, win + int(STEP)), (2, win)])
            continue
        lots.append(lot(i, winner=1))
        bids += race(i, [(3, 99000), (2, 97000), (1, 96000), (2, win + gap), (1, win)])
    return sig.Market(lots, bids, {1: "Rival", 2: "Shadow", 3: "Outsider"})


def test_a_bidder_that_always_stops_one_step_above_the_same_rival_is_a_shadow():
    (flag,) = sig.detect(shadow_market(sig.SHADOW_MIN_LOTS))
    assert (flag.kind, flag.severity, flag.suppliers) == ("shadow_bidder", "medium", (2, 1))
    assert flag.lots == tuple(range(1, sig.SHADOW_MIN_LOTS + 1))
    assert "Shadow stopped exactly one step above the winning bid of Rival" in flag.explanation
    first = flag.evidence[:2]
    assert [(e.supplier, e.note) for e in first] == [
        (1, "winning bid"),
        (2, "last bid, UAH\xa01,000.00 above the winning bid"),
    ]
    assert first[1].amount - first[0].amount == STEP
    # Ten lots: high. A gap within 10% of a step still counts.
    assert sig.detect(shadow_market(sig.SHADOW_HIGH_LOTS))[0].severity == "high"
    assert kinds(shadow_market(sig.SHADOW_MIN_LOTS, gap=STEP + 90)) == ["shadow_bidder"]


def test_ordinary_competition_is_no_shadow():
    # Too few lots; two steps above; or it won once against the rival.
    assert kinds(shadow_market(sig.SHADOW_MIN_LOTS - 1)) == []
    assert kinds(shadow_market(sig.SHADOW_MIN_LOTS, gap=2 * STEP)) == []
    assert kinds(shadow_market(sig.SHADOW_MIN_LOTS + 1, s_wins_once=True)) == []
    # A weighted ranking compares other figures than the amounts: no shadow is read in it.
    market = shadow_market(sig.SHADOW_MIN_LOTS)
    weighted = [sig.LotRow(**{**row.__dict__, "by_price": False}) for row in market.lots]
    assert kinds(sig.Market(weighted, market.bid_rows())) == []


def rotation(order: list[int], *, category=1, outsider=True, offset=0) -> tuple[list, list]:
    """Lots won in ``order``, every ring member (1-4) bidding on each; an outsider (9) too."""
    ring = sorted(set(order))
    lots, bids = [], []
    for k, winner in enumerate(order):
        i = offset + k + 1
        lots.append(lot(i, winner=winner, category=category))
        losers = [s for s in ring if s != winner] + ([9] if outsider else [])
        ladder = [(s, 99000 - 1000 * n) for n, s in enumerate(losers)]
        bids += race(i, [*ladder, (winner, 90000)])
    return lots, bids


def test_winners_taking_turns_in_a_category_are_a_rotation():
    order = [1, 2, 3] * 3 + [1, 2]  # 11 lots: what three suppliers need
    assert sig.rotation_min_lots(3) == 11
    lots, bids = rotation(order)
    (flag,) = sig.detect(sig.Market(lots, bids, {1: "A", 2: "B", 3: "C"}))
    assert (flag.kind, flag.severity, flag.suppliers) == ("rotating_winners", "high", (1, 2, 3))
    assert flag.lots == tuple(range(1, 12))
    assert "A → B → C → A" in flag.explanation
    assert {e.note for e in flag.evidence} == {"won", "lost, a member of the ring"}
    assert len(flag.evidence) == 11 * 3
    # Lots where not all of the ring bid are left out of its sequence.
    other_lots, other_bids = rotation([7, 8], offset=100)
    assert kinds(sig.Market(lots + other_lots, bids + other_bids)) == ["rotating_winners"]


def test_irregular_winners_or_too_short_a_cycle_are_no_rotation():
    assert sig.rotation_min_lots(2) == 15 and sig.rotation_min_lots(4) == 9
    for order in (
        [1, 2, 3] * 3 + [1],  # ten lots: one short
        [1, 2, 3, 1, 3, 2, 1, 2, 3, 1, 2],  # the ring wins, but not in turn
        [1, 2] * 7,  # two suppliers alternating 14 times: chance, 1 in 8,192
    ):
        lots, bids = rotation(order)
        assert kinds(sig.Market(lots, bids)) == [], order
    # The same turns spread over two categories are two short sequences.
    lots, bids = rotation([1, 2, 3] * 2, category=1)
    more, more_bids = rotation([1, 2, 3] * 2, category=2, offset=6)
    assert kinds(sig.Market(lots + more, bids + more_bids)) == []


def late_market(lots_n: int, *, early_once=False, proxy=False) -> sig.Market:
    """Suppliers 1 and 2 bid only in the last 20 seconds of ``lots_n`` lots; supplier 3 bids
    all along."""
    lots, bids = [], []
    for i in range(1, lots_n + 1):
        lots.append(lot(i, winner=2))
        bids += [bid(i, 3, 99000, at=120), bid(i, 3, 97000, at=900)]
        if early_once and i == 1:
            bids.append(bid(i, 1, 98000, at=300))
        bids += [bid(i, 1, 96000, at=1780), bid(i, 2, 95000, at=1790)]
        bids.append(bid(i, 1, 94000, at=1795, kind="proxy" if proxy else "manual"))
        bids.append(bid(i, 2, 93000, at=1805))  # in the soft-close extension
    return sig.Market(lots, bids, {1: "Late One", 2: "Late Two", 3: "Early"})


def test_a_ring_that_bids_only_in_the_last_seconds_is_flagged():
    (flag,) = sig.detect(late_market(sig.LATE_MIN_LOTS))
    assert (flag.kind, flag.severity, flag.suppliers) == ("last_seconds_ring", "medium", (1, 2))
    assert flag.lots == tuple(range(1, sig.LATE_MIN_LOTS + 1))
    assert "Late One, Late Two bid on 4 lots together only in the last 30 seconds" in (
        flag.explanation
    )
    assert sorted({e.seconds_before_end for e in flag.evidence}) == [-5, 5, 10, 20]
    assert sig.detect(late_market(sig.LATE_HIGH_LOTS))[0].severity == "high"


def test_late_bids_not_repeated_or_not_only_late_are_no_ring():
    assert kinds(late_market(sig.LATE_MIN_LOTS - 1)) == []
    # Supplier 1 bid early on one lot: three lots are left, too few.
    assert kinds(late_market(sig.LATE_MIN_LOTS, early_once=True)) == []
    # The engine's proxy bids for a supplier are no sign of its own timing.
    assert kinds(late_market(sig.LATE_MIN_LOTS, proxy=True)) == []
    # The rounds format sets the times itself.
    market = late_market(sig.LATE_MIN_LOTS)
    rounds = [sig.LotRow(**{**row.__dict__, "auction_format": "rounds"}) for row in market.lots]
    assert kinds(sig.Market(rounds, market.bid_rows())) == []


def test_the_explanation_is_in_the_readers_language():
    market = shadow_market(sig.SHADOW_MIN_LOTS)
    with translation.override("uk"):
        (flag,) = sig.detect(market)
    # The amounts as the reader writes them (format_money): "1 000,00 ₴" in Ukrainian.
    assert "1\xa0000,00\xa0₴" in flag.evidence[1].note
    with translation.override("en"):
        assert "UAH\xa01,000.00" in sig.detect(market)[0].evidence[1].note


def test_a_lots_flags_are_those_that_involve_it():
    market = shadow_market(sig.SHADOW_MIN_LOTS + 1, s_wins_once=True)  # no shadow: won once
    assert sig.detect(market, lot=1) == []
    market = shadow_market(sig.SHADOW_MIN_LOTS)
    assert [f.kind for f in sig.detect(market, lot=3)] == ["shadow_bidder"]
    assert sig.detect(market, lot=999) == []


# --- honest markets -----------------------------------------------------------------------


def honest_market(seed: int, suppliers: int, lots: int, categories: int, min_steps: bool):
    """Independent suppliers, each with its own cost on each lot (60-97% of the start price),
    2-5 of them on a lot: in an English lot each bids down from the best price by one step
    (or, unless ``min_steps``, often two to four) while it can stay above its cost, at times
    spread over the auction or bunched towards its end; 15% of the lots are sealed, each
    offering a margin above its cost. Nobody acts together."""
    rng = random.Random(seed)
    pool = list(range(1, suppliers + 1))
    rows, bids = [], []
    for i in range(1, lots + 1):
        start = Decimal(rng.choice([50000, 100000, 250000]))
        step = start / 200
        bidders = rng.sample(pool, rng.randint(2, min(5, suppliers)))
        cost = {
            s: (start * Decimal(str(rng.uniform(0.6, 0.97)))).quantize(Decimal("0.01"))
            for s in bidders
        }
        sealed = rng.random() < 0.15
        ladder = []
        if sealed:
            ladder = [
                (s, (cost[s] * Decimal(str(rng.uniform(1, 1.1)))).quantize(Decimal("0.01")))
                for s in bidders
            ]
            winner = min(ladder, key=lambda x: x[1])[0]
        else:
            best, winner = None, None
            while True:
                reference = start + step if best is None else best
                movers = [s for s in bidders if s != winner and reference - step >= cost[s]]
                if not movers:
                    break
                s = rng.choice(movers)
                steps = 1 if min_steps or rng.random() < 0.6 else rng.randint(2, 4)
                while reference - steps * step < cost[s]:
                    steps -= 1
                best, winner = reference - steps * step, s
                ladder.append((s, best))
        end_bunched = rng.random() < 0.5
        times = sorted(
            1800 * (rng.betavariate(2, 1) if end_bunched else rng.random()) for _ in ladder
        )
        for (s, amount), at in zip(ladder, times, strict=True):
            bids.append(bid(i, s, amount, at=at, kind="sealed" if sealed else "manual"))
        rows.append(
            lot(
                i,
                winner=winner,
                category=rng.randint(1, categories),
                fmt="sealed" if sealed else "english",
                start=start,
                step_value=step,
            )
        )
    return sig.Market(rows, bids)


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    suppliers=st.integers(3, 8),
    lots=st.integers(5, 40),
    categories=st.integers(1, 3),
    min_steps=st.booleans(),
)
def test_honest_bidding_raises_no_flag(seed, suppliers, lots, categories, min_steps):
    market = honest_market(seed, suppliers, lots, categories, min_steps)
    assert sig.detect(market) == []


@settings(max_examples=40, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), lots=st.integers(5, 30))
def test_a_ring_hidden_among_honest_lots_is_still_found(seed, lots):
    market = honest_market(seed, 6, lots, 1, False)
    ring_lots, ring_bids = rotation([21, 22, 23] * 4, category=1, offset=1000)
    shadow = shadow_market(sig.SHADOW_MIN_LOTS)
    shadow_lots = [sig.LotRow(**{**r.__dict__, "id": r.id + 2000}) for r in shadow.lots]
    shadow_bids = [
        sig.BidRow(**{**b.__dict__, "lot": b.lot + 2000, "supplier": b.supplier + 30})
        for b in shadow.bid_rows()
    ]
    shadow_lots = [sig.LotRow(**{**r.__dict__, "winner": 31}) for r in shadow_lots]
    mixed = sig.Market(
        [*market.lots, *ring_lots, *shadow_lots],
        [*market.bid_rows(), *ring_bids, *shadow_bids],
    )
    found = {(f.kind, f.suppliers) for f in sig.detect(mixed)}
    assert ("rotating_winners", (21, 22, 23)) in found
    assert ("shadow_bidder", (32, 31)) in found


# --- the API ------------------------------------------------------------------------------


class Ring:
    """A buyer's tender on a platform, its lots finished a few days ago: on lots 1-6 supplier
    1 stops one step above supplier 0's winning bid (supplier 2 gives up early); on lot 7
    (sealed) suppliers 1 and 2 offer exactly the same amount."""

    def __init__(self, *, shadow_lots: int = 6):
        self.platform = PlatformFactory()
        self.buyer = CompanyFactory(legal_name="Buyer Canary Ltd", is_supplier=False)
        self.officer = member(self.buyer, MembershipRole.PROCUREMENT_OFFICER)
        self.watcher = member(self.buyer, MembershipRole.ACCOUNT_MANAGER)
        self.admin = PlatformAdminFactory(platform=self.platform).user
        self.suppliers = [
            CompanyFactory(legal_name=f"Canary Supplier {i}", is_buyer=False) for i in range(3)
        ]
        self.bidders = [member(c, MembershipRole.BIDDER) for c in self.suppliers]
        self.tender = running_tender(
            platform=self.platform,
            buyer=self.buyer,
            officer=self.officer,
            title="Fuel for the winter",
            ago=timedelta(days=27),
        )
        self.lots = []
        for n in range(1, shadow_lots + 1):
            win = 90000 - 500 * n
            ladder = [(2, 99000), (1, 97000), (0, 96000), (1, win + 1000), (0, win)]
            self.lots.append(self.closed_lot(n, ladder, award=n == 1))
        self.sealed = self.closed_lot(
            shadow_lots + 1, [(1, 95500), (2, 95500), (0, 94000)], fmt="sealed"
        )
        self.lots.append(self.sealed)

    def closed_lot(self, number, ladder, *, fmt="english", award=False, status=None) -> Lot:
        started = timezone.now() - timedelta(days=20 - number)
        lot = Lot.objects.create(
            tender=self.tender,
            number=number,
            title=f"Lot {number}",
            quantity=Decimal("10"),
            unit="t",
            start_price=START,
            auction_format=fmt,
            step_kind="amount",
            step_value=STEP,
            status=status or LotStatus.CLOSED,
            starts_at=started,
            ends_at=started + timedelta(minutes=30),
            original_ends_at=started + timedelta(minutes=30),
            closed_at=started + timedelta(minutes=30, seconds=1),
        )
        apps = {
            i: Application.objects.create(
                lot=lot,
                supplier=company,
                submitted_by=self.bidders[i],
                status=ApplicationStatus.ADMITTED,
                terms_accepted_at=started,
                label=i + 1,
            )
            for i, company in enumerate(self.suppliers)
        }
        last = {}
        for k, (i, amount) in enumerate(ladder):
            last[i] = Bid.objects.create(
                lot=lot,
                application=apps[i],
                amount=Decimal(amount),
                weighted_amount=Decimal(amount),
                kind="sealed" if fmt == "sealed" else "manual",
                placed_by=self.bidders[i],
                placed_at=started + timedelta(seconds=60 + 60 * k),
            )
        for i, b in last.items():
            Application.objects.filter(pk=apps[i].pk).update(
                current_amount=b.amount, current_at=b.placed_at
            )
        best = min(last, key=lambda i: last[i].amount)
        lot.best_application, lot.best_amount = apps[best], last[best].amount
        lot.save(update_fields=["best_application", "best_amount"])
        if award:
            Award.objects.create(
                lot=lot,
                application=apps[best],
                bid=last[best],
                amount=last[best].amount,
                awarded_by=self.officer,
                awarded_at=lot.closed_at,
            )
            Lot.objects.filter(pk=lot.pk).update(status=LotStatus.AWARDED)
        return lot


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _kinds(body) -> list[tuple[str, str]]:
    return [(f["kind"], f["severity"]) for f in body["flags"]]


@pytest.mark.django_db
def test_the_buyer_side_and_the_platform_admin_read_a_lots_signals():
    r = Ring()
    staff = UserFactory(is_staff=True)
    for user in (r.officer, r.watcher, r.admin, staff):
        response = api(user).get(f"/api/lots/{r.lots[0].pk}/signals/")
        assert response.status_code == 200, (user, response.json())
        body = response.json()
        assert body["lot"] == r.lots[0].pk and body["lots_analysed"] == 7
        assert _kinds(body) == [("shadow_bidder", "medium")]
    (flag,) = body["flags"]
    assert [s["name"] for s in flag["suppliers"]] == ["Canary Supplier 1", "Canary Supplier 0"]
    assert [lot["number"] for lot in flag["lots"]] == [1, 2, 3, 4, 5, 6]
    first, second = flag["evidence"][:2]
    assert (first["supplier_name"], first["amount"], first["note"]) == (
        "Canary Supplier 0",
        "89500.00",
        "winning bid",
    )
    assert (second["supplier_name"], second["amount"]) == ("Canary Supplier 1", "90500.00")
    assert second["placed_at"].endswith("Z") and second["seconds_before_end"] == 1800 - 240
    assert "Canary Supplier 1 stopped exactly one step above" in flag["explanation"]
    # The sealed lot's own flag: identical final offers.
    sealed = api(r.officer).get(f"/api/lots/{r.sealed.pk}/signals/").json()
    assert _kinds(sealed) == [("identical_bids", "high")]


@pytest.mark.django_db
def test_a_supplier_that_bid_and_a_stranger_are_told_there_is_no_such_lot():
    r = Ring()
    stranger = member(CompanyFactory(is_buyer=False), MembershipRole.COMPANY_ADMIN)
    other_admin = PlatformAdminFactory().user
    for user in (*r.bidders, stranger, other_admin):
        response = api(user).get(f"/api/lots/{r.lots[0].pk}/signals/")
        assert response.status_code == 404, user
        assert response.json()["error"]["code"] == "lot_not_found"
        assert "shadow" not in response.content.decode()
    assert api().get(f"/api/lots/{r.lots[0].pk}/signals/").status_code in (401, 403)
    assert api(r.officer).get(f"/api/lots/{2**63}/signals/").status_code == 404
    # Across lots: a supplier with no buyer company and no platform is told nothing is here.
    for user in (*r.bidders, stranger):
        response = api(user).get("/api/signals/")
        assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


@pytest.mark.django_db
def test_nothing_a_supplier_receives_carries_a_signal():
    r = Ring()
    words = ("signal", "shadow", "identical", "collusion", "rotating", "flags")
    lot = r.lots[1]
    bidder = r.bidders[1]  # the shadow itself
    for path in ("standing", "bids"):
        text = api(bidder).get(f"/api/lots/{lot.pk}/{path}/").content.decode().lower()
        assert not any(w in text for w in words), (path, text)
    # The view the websocket sends it is made by the same function, from the same snapshot.
    view = render(lot_snapshot(lot=lot), lot_viewer(user=bidder, lot=lot))
    text = json.dumps(view, default=str).lower()
    assert not any(w in text for w in words)
    # Its page offers no way to the signals.
    page = Client()
    page.force_login(bidder)
    html = page.get(f"/lots/{lot.pk}/").content.decode()
    assert "/signals/" not in html
    assert page.get("/signals/").status_code == 404


@pytest.mark.django_db
def test_across_lots_each_reader_sees_its_own_scope():
    r = Ring()
    url = "/api/signals/"
    body = api(r.admin).get(url).json()
    assert set(_kinds(body)) == {("shadow_bidder", "medium"), ("identical_bids", "high")}
    assert body["lots_analysed"] == 7 and body["truncated"] is False
    assert _kinds(api(r.watcher).get(url, {"buyer": r.buyer.pk}).json()) == _kinds(body)
    assert _kinds(api(UserFactory(is_staff=True)).get(url, {"platform": r.platform.pk}).json())
    # Another buyer's people and another platform's admins: nothing of these lots.
    other_buyer = member(CompanyFactory(), MembershipRole.PROCUREMENT_OFFICER)
    other_admin = PlatformAdminFactory().user
    for user in (other_buyer, other_admin):
        body = api(user).get(url, {"buyer": r.buyer.pk}).json()
        assert (body["flags"], body["lots_analysed"]) == ([], 0)
    # A platform filter that is not the tender's, or a period after the lots: nothing.
    assert api(r.admin).get(url, {"platform": PlatformFactory().pk}).json()["flags"] == []
    recent = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert api(r.officer).get(url, {"since": recent}).json()["lots_analysed"] == 0
    # Empty parameters are as none.
    assert _kinds(api(r.officer).get(url, {"platform": "", "buyer": "", "since": ""}).json())


@pytest.mark.django_db
def test_bad_parameters_are_a_clear_400():
    r = Ring()
    future = (timezone.now() + timedelta(days=2)).isoformat()
    for params, field in (
        ({"platform": "abc"}, "platform"),
        ({"buyer": "0"}, "buyer"),
        ({"buyer": str(2**63)}, "buyer"),
        ({"since": "last week"}, "since"),
        ({"since": future}, "since"),
    ):
        response = api(r.officer).get("/api/signals/", params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], error


@pytest.mark.django_db
def test_a_sealed_lots_offers_count_only_once_opened():
    r = Ring(shadow_lots=0)
    live = r.closed_lot(9, [(1, 91000), (2, 91000)], fmt="sealed", status=LotStatus.LIVE)
    assert api(r.officer).get(f"/api/lots/{live.pk}/signals/").json()["flags"] == []
    assert _kinds(api(r.officer).get(f"/api/lots/{r.sealed.pk}/signals/").json()) == [
        ("identical_bids", "high")
    ]


@pytest.mark.django_db
def test_the_analysis_reads_a_few_queries_whatever_the_number_of_lots():
    def count(shadow_lots: int) -> tuple[int, int]:
        r = Ring(shadow_lots=shadow_lots)
        with CaptureQueriesContext(connection) as one:
            assert api(r.admin).get(f"/api/lots/{r.lots[0].pk}/signals/").status_code == 200
        with CaptureQueriesContext(connection) as across:
            assert api(r.admin).get("/api/signals/").status_code == 200
        return len(one), len(across)

    few, many = count(2), count(12)
    assert few == many, (few, many)
    assert many[1] <= 8


# --- the page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_the_flags_with_their_evidence():
    r = Ring()
    page = Client()
    page.force_login(r.officer)
    manage = page.get(f"/tenders/{r.tender.pk}/manage/").content.decode()
    link = f"/signals/?buyer={r.buyer.pk}&amp;platform={r.platform.pk}"
    assert f'href="{link}"' in manage
    html = page.get(f"/signals/?buyer={r.buyer.pk}&platform={r.platform.pk}").content.decode()
    assert 'data-kind="shadow_bidder"' in html and 'data-kind="identical_bids"' in html
    assert "Canary Supplier 1 stopped exactly one step above" in html
    assert "89,500.00" in html and "winning bid" in html
    assert f'href="/lots/{r.lots[0].pk}/"' in html
    # The platform admin reaches it from its platforms.
    admin = Client()
    admin.force_login(r.admin)
    assert (
        f'href="/signals/?platform={r.platform.pk}"'
        in admin.get("/platforms/manage/").content.decode()
    )
    assert (
        'data-kind="shadow_bidder"'
        in admin.get(f"/signals/?platform={r.platform.pk}").content.decode()
    )
    # A bad filter is said and left out; an empty scope says so.
    shown = page.get("/signals/", {"since": "2999-01-01", "platform": "x"})
    assert shown.status_code == 200 and 'id="filter-errors"' in shown.content.decode()
    assert 'data-kind="shadow_bidder"' in shown.content.decode()
    other = Client()
    other.force_login(member(CompanyFactory(), MembershipRole.PROCUREMENT_OFFICER))
    assert 'id="no-signals"' in other.get("/signals/").content.decode()
    # In Ukrainian, the amounts as the reader writes them.
    uk = page.get("/signals/", HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "89\xa0500,00" in uk
