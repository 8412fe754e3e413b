"""Collusion signals (issue 19): pure detectors over plain rows of lots and bids.

For a buyer's people and the platform's admins only: ``auctions.integrity.selectors`` decides
who reads them and gathers the rows; nothing here is ever rendered for a supplier. Each
detector reads a ``Market`` (the lots with their category, buyer, platform, step rule,
scheduled end and winner; every accepted bid, withdrawn ones left out, with its lot, supplier,
amount and time) and returns ``Flag``s: what was seen (``kind``), how strongly (``severity``),
the lots and suppliers involved, a sentence in the reader's language (gettext, the active
language) and the **evidence**: the bids, lots and times that show it.

A flag is a reason to look, never proof: honest competitors can produce each pattern by
chance, or one of them by a lasting cost advantage. The thresholds are constants, each with why
it is what it is, chosen so that independent bidders with their own costs almost never produce
a flag (``tests/auctions/test_collusion_signals.py`` runs every detector over simulated honest
markets); every cross-lot pattern needs several lots.

Nothing here reads the database: the rules can be tested on constructed data.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from math import factorial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from marketplace.core.money import format_money

from .. import rules

# --- The thresholds ------------------------------------------------------------------------

IDENTICAL_FINALS_MIN_LOTS = 2
"""The same suppliers ending with the very same final offer, to the cent, on at least this many
lots make a cross-lot flag. Once is already a flag of its lot (``identical_bids``); independent
prices agreeing to the cent twice between the same suppliers is a pattern, not chance."""

SHADOW_STEP_MARGIN = Decimal("0.10")
"""A losing last bid is "one step above" the winning bid when the gap is one minimum step give
or take 10% of a step: a typed amount a few cents off, or a proxy's cent, stays in; two steps
are out."""

SHADOW_MIN_LOTS = 6
"""A shadow bidder needs at least six lots where it stopped one step above the same rival.
Between two evenly matched honest rivals one of them loses six times in a row with a chance of
1 in 32, and only a part of those losses end one step apart; fewer lots would flag ordinary
pairs of competitors that meet often."""

SHADOW_MIN_SHARE = Decimal("0.8")
"""...and those lots are at least 80% of the lots both bid on: a supplier that usually loses to
others, or far below the rival, is not shadowing it."""

SHADOW_HIGH_LOTS = 10
"""Ten lots or more of it is a high severity flag (a chance of 1 in 1,000 between even rivals)."""

ROTATION_MAX_RING = 4
"""Rotations among two to four suppliers are looked for: larger rings rotate too slowly to show
within a period, and their combinations grow too fast to try them all."""

ROTATION_MIN_LOTS = 6
"""A rotation takes at least six lots in a row (and at least two turns of the ring)."""

ROTATION_MAX_CHANCE = Fraction(1, 10_000)
"""...and enough lots that evenly matched honest winners would produce that exact cycle by
chance less than once in ten thousand: n suppliers winning k lots in a strict cycle has a
chance of n! / n^k, so two suppliers need 15 alternating lots, three 11, four 9
(``rotation_min_lots``). A period holds many windows and a category many possible rings, so
the chance per window has to be this small for a flag per market to stay rare."""

ROTATION_CANDIDATES = 12
"""At most the twelve suppliers with the most wins of a category are tried as ring members
(each needs several wins to be in a rotation at all)."""

LATE_WINDOW_SECONDS = 30
"""A bid is "in the last seconds" when it comes at most 30 seconds before the lot's scheduled
end (or after it, in a soft-close extension)."""

LATE_MIN_LOTS = 4
"""A ring of late bidders needs at least four lots on which all of them bid only in the last
seconds: a supplier whose bids all fall in the last 30 s of a 30-minute auction is rare by
itself, two of them together on four lots is not chance."""

LATE_MIN_RING = 2
"""A ring is at least two suppliers; one supplier that snipes is a bidding habit."""

LATE_HIGH_LOTS = 8
"""Eight lots or more of it is a high severity flag."""

CLOCK_FORMATS = ("japanese", "dutch")
"""In these formats the clock sets the prices, not the bidders: every supplier confirming a
Japanese level bids that level's price, the last ones out stop one level above the winner, a
Dutch acceptance is the clock's price. Equal amounts and one-step gaps are their nature, so
the price patterns (identical bids, the shadow) are not read in them; their winners count for
rotations."""

# --- The rows ------------------------------------------------------------------------------

HIGH, MEDIUM = "high", "medium"
SEVERITIES = (HIGH, MEDIUM)

IDENTICAL_BIDS = "identical_bids"
IDENTICAL_FINALS = "identical_finals"
SHADOW_BIDDER = "shadow_bidder"
ROTATING_WINNERS = "rotating_winners"
LAST_SECONDS_RING = "last_seconds_ring"
KINDS = (IDENTICAL_BIDS, IDENTICAL_FINALS, SHADOW_BIDDER, ROTATING_WINNERS, LAST_SECONDS_RING)
KIND_TITLES = {
    IDENTICAL_BIDS: gettext_lazy("Identical bids"),
    IDENTICAL_FINALS: gettext_lazy("Identical final offers across lots"),
    SHADOW_BIDDER: gettext_lazy("Shadow bidder"),
    ROTATING_WINNERS: gettext_lazy("Rotating winners"),
    LAST_SECONDS_RING: gettext_lazy("Last-seconds ring"),
}
SEVERITY_TITLES = {
    HIGH: pgettext_lazy("signal severity", "high"),
    MEDIUM: pgettext_lazy("signal severity", "medium"),
}


@dataclass(frozen=True)
class LotRow:
    """A lot as the detectors read it."""

    id: int
    start_price: Decimal
    buyer: int = 0
    platform: int = 0
    category: int | None = None
    category_name: str = ""
    tender: int = 0
    tender_title: str = ""
    number: int = 1
    title: str = ""
    currency: str = "UAH"
    step_kind: str = "amount"  # the lot's step rule (``rules.min_step``)
    step_value: Decimal = Decimal("1")
    step_bands: Sequence[dict] = ()
    auction_format: str = "english"
    ends_at: datetime | None = None  # the scheduled end, before soft-close extensions
    by_price: bool = True  # ranked by its nominal price (neither weighted nor landed cost)
    winner: int | None = None  # the supplier awarded, or ranked first once closed

    def step_at(self, reference: Decimal) -> Decimal:
        return rules.min_step(
            step_kind=self.step_kind,
            step_value=self.step_value,
            start_price=self.start_price,
            bands=list(self.step_bands) or None,
            reference=reference,
        )


@dataclass(frozen=True)
class BidRow:
    """An accepted bid (not withdrawn)."""

    lot: int
    supplier: int
    amount: Decimal
    placed_at: datetime
    id: int | None = None
    kind: str = "manual"  # ``BidKind``: initial, manual, proxy, surrogate, sealed


@dataclass(frozen=True)
class Evidence:
    """One fact a flag rests on: a bid (with its time) or a lot's outcome."""

    lot: int
    note: str
    supplier: int | None = None
    bid: int | None = None
    amount: Decimal | None = None
    placed_at: datetime | None = None
    seconds_before_end: int | None = None  # before the scheduled end; negative: after it


@dataclass(frozen=True)
class Flag:
    kind: str
    severity: str
    lots: tuple[int, ...]
    suppliers: tuple[int, ...]
    explanation: str
    evidence: tuple[Evidence, ...]

    @property
    def title(self) -> str:
        return str(KIND_TITLES[self.kind])

    @property
    def severity_title(self) -> str:
        return str(SEVERITY_TITLES[self.severity])


@dataclass
class Market:
    """The rows one analysis reads, with the indexes every detector needs."""

    lots: Sequence[LotRow]
    bids: Iterable[BidRow]
    names: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lot = {row.id: row for row in self.lots}
        by_lot: dict[int, list[BidRow]] = defaultdict(list)
        for bid in self.bids:
            if bid.lot in self.lot:
                by_lot[bid.lot].append(bid)
        for rows in by_lot.values():
            rows.sort(key=lambda b: (b.placed_at, b.id or 0))
        self.bids_by_lot: dict[int, list[BidRow]] = dict(by_lot)
        # Each supplier's final offer on each lot: its latest bid (the engine keeps the latest:
        # lower in the English format, the turn's last in the rounds, a sealed offer replaced).
        self.finals: dict[int, dict[int, BidRow]] = {
            lot: {b.supplier: b for b in rows} for lot, rows in self.bids_by_lot.items()
        }

    def bid_rows(self) -> list[BidRow]:
        """Every bid of the market's lots, lot by lot, each lot's in time order."""
        return [b for rows in self.bids_by_lot.values() for b in rows]

    def name(self, supplier: int) -> str:
        return self.names.get(supplier) or _("Supplier #%(id)s") % {"id": supplier}

    def names_of(self, suppliers: Iterable[int]) -> str:
        return ", ".join(self.name(s) for s in suppliers)

    def lot_label(self, lot_id: int) -> str:
        lot = self.lot[lot_id]
        return _("lot %(number)s (%(title)s)") % {"number": lot.number, "title": lot.title}

    def lots_label(self, lot_ids: Iterable[int]) -> str:
        return "; ".join(self.lot_label(i) for i in lot_ids)

    def money(self, amount: Decimal, lot_id: int) -> str:
        return format_money(amount, self.lot[lot_id].currency)

    def evidence(self, bid: BidRow, note: str) -> Evidence:
        end = self.lot[bid.lot].ends_at
        return Evidence(
            lot=bid.lot,
            note=note,
            supplier=bid.supplier,
            bid=bid.id,
            amount=bid.amount,
            placed_at=bid.placed_at,
            seconds_before_end=None if end is None else int((end - bid.placed_at).total_seconds()),
        )


def _note_final() -> str:
    return pgettext("signal evidence", "final offer")


def _ordered(lot_ids: Iterable[int], market: Market) -> tuple[int, ...]:
    """Lots in the order they ended (then by id)."""
    return tuple(
        sorted(
            set(lot_ids),
            key=lambda i: (market.lot[i].ends_at is None, market.lot[i].ends_at or 0, i),
        )
    )


# --- Identical bids ------------------------------------------------------------------------


def identical_bids(market: Market) -> list[Flag]:
    """Per lot: two or more suppliers bid the very same amount (their start price aside: an
    initial offer at the ceiling is no coincidence). With the best price as the reference the
    engine never accepts two equal bids during the auction, so equal amounts come from
    initial, sealed or rounds offers, or from a lot where each bidder beats its own price: the
    places where cover prices are agreed. High when the equal amounts are the suppliers' final
    offers (an identical tender), medium otherwise."""
    flags = []
    for lot in market.lots:
        if lot.auction_format in CLOCK_FORMATS:
            continue
        by_amount: dict[Decimal, list[BidRow]] = defaultdict(list)
        for bid in market.bids_by_lot.get(lot.id, ()):
            if bid.amount != lot.start_price:
                by_amount[bid.amount].append(bid)
        groups = [
            (amount, rows)
            for amount, rows in sorted(by_amount.items())
            if len({b.supplier for b in rows}) >= 2
        ]
        if not groups:
            continue
        finals = market.finals[lot.id]
        final_equal = any(
            len({s for s, b in finals.items() if b.amount == amount}) >= 2 for amount, _r in groups
        )
        suppliers = sorted({b.supplier for _a, rows in groups for b in rows})
        evidence = [
            market.evidence(
                b, _note_final() if finals[b.supplier] is b else pgettext("signal evidence", "bid")
            )
            for _a, rows in groups
            for b in rows
        ]
        amounts = "; ".join(
            _("%(amount)s by %(names)s")
            % {
                "amount": market.money(amount, lot.id),
                "names": market.names_of(sorted({b.supplier for b in rows})),
            }
            for amount, rows in groups
        )
        explanation = _(
            "Different suppliers bid exactly the same amount on %(lot)s: %(amounts)s."
        ) % {
            "lot": market.lot_label(lot.id),
            "amounts": amounts,
        }
        if final_equal:
            explanation += " " + _("The equal amount is their final offer.")
        flags.append(
            Flag(
                IDENTICAL_BIDS,
                HIGH if final_equal else MEDIUM,
                (lot.id,),
                tuple(suppliers),
                explanation,
                tuple(evidence),
            )
        )
    return flags


def identical_finals(market: Market) -> list[Flag]:
    """Across lots: the same suppliers end with the very same final offer on at least
    ``IDENTICAL_FINALS_MIN_LOTS`` lots. Pairs that share the same lots are one flag."""
    pair_lots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for lot in market.lots:
        if lot.auction_format in CLOCK_FORMATS:
            continue
        by_amount: dict[Decimal, list[int]] = defaultdict(list)
        for supplier, bid in market.finals.get(lot.id, {}).items():
            if bid.amount != lot.start_price:
                by_amount[bid.amount].append(supplier)
        for equal in by_amount.values():
            for pair in combinations(sorted(equal), 2):
                pair_lots[pair].append(lot.id)
    rings: dict[tuple[int, ...], set[int]] = defaultdict(set)
    for pair, pair_lot_ids in pair_lots.items():
        if len(pair_lot_ids) >= IDENTICAL_FINALS_MIN_LOTS:
            rings[_ordered(pair_lot_ids, market)].update(pair)
    flags = []
    for lots, members in rings.items():
        suppliers = tuple(sorted(members))
        evidence = [
            market.evidence(market.finals[lot][s], _note_final())
            for lot in lots
            for s in suppliers
            if s in market.finals[lot]
        ]
        explanation = ngettext(
            "%(names)s ended with exactly the same final offer on %(n)s lot: %(lots)s.",
            "%(names)s ended with exactly the same final offers on %(n)s lots: %(lots)s.",
            len(lots),
        ) % {
            "names": market.names_of(suppliers),
            "n": len(lots),
            "lots": market.lots_label(lots),
        }
        flags.append(Flag(IDENTICAL_FINALS, HIGH, lots, suppliers, explanation, tuple(evidence)))
    return flags


# --- The shadow bidder ---------------------------------------------------------------------


def shadow_bidders(market: Market) -> list[Flag]:
    """Across lots: a supplier S whose last bid on a lot is one minimum step above the winning
    bid of the same rival R (give or take ``SHADOW_STEP_MARGIN``), on at least
    ``SHADOW_MIN_LOTS`` lots that are at least ``SHADOW_MIN_SHARE`` of the lots both bid on,
    and which never won a lot R bid on. Only lots ranked by their nominal price count (a
    weighted or landed-cost ranking compares other figures), and not the clock formats."""
    decided: dict[int, set[int]] = defaultdict(set)  # supplier -> lots with a winner it bid on
    won: dict[int, set[int]] = defaultdict(set)
    shadow: dict[tuple[int, int], list[int]] = defaultdict(list)  # (S, R) -> lots
    for lot in market.lots:
        finals = market.finals.get(lot.id, {})
        if lot.winner is None or lot.winner not in finals:
            continue
        won[lot.winner].add(lot.id)
        for supplier in finals:
            decided[supplier].add(lot.id)
        if not lot.by_price or lot.auction_format in CLOCK_FORMATS:
            continue
        winning = finals[lot.winner].amount
        for supplier, last in finals.items():
            if supplier == lot.winner:
                continue
            step = lot.step_at(last.amount)
            if step > 0 and abs(last.amount - winning - step) <= step * SHADOW_STEP_MARGIN:
                shadow[(supplier, lot.winner)].append(lot.id)
    flags = []
    for (s, r), lot_ids in sorted(shadow.items()):
        if len(lot_ids) < SHADOW_MIN_LOTS:
            continue
        together = decided[s] & decided[r]
        if won[s] & together or len(lot_ids) < SHADOW_MIN_SHARE * len(together):
            continue
        lots = _ordered(lot_ids, market)
        evidence = []
        for lot_id in lots:
            winning_bid, last = market.finals[lot_id][r], market.finals[lot_id][s]
            gap = market.money(last.amount - winning_bid.amount, lot_id)
            evidence.append(market.evidence(winning_bid, _("winning bid")))
            evidence.append(
                market.evidence(last, _("last bid, %(gap)s above the winning bid") % {"gap": gap})
            )
        names = {"shadow": market.name(s), "rival": market.name(r)}
        explanation = (
            ngettext(
                "On %(n)s lot %(shadow)s stopped exactly one step above the winning bid of "
                "%(rival)s: %(lots)s.",
                "On %(n)s lots %(shadow)s stopped exactly one step above the winning bid of "
                "%(rival)s: %(lots)s.",
                len(lots),
            )
            % {**names, "n": len(lots), "lots": market.lots_label(lots)}
            + " "
            + ngettext(
                "%(shadow)s never won a lot %(rival)s bid on (%(n)s lot together).",
                "%(shadow)s never won a lot %(rival)s bid on (%(n)s lots together).",
                len(together),
            )
            % {**names, "n": len(together)}
        )
        severity = HIGH if len(lots) >= SHADOW_HIGH_LOTS else MEDIUM
        flags.append(Flag(SHADOW_BIDDER, severity, lots, (s, r), explanation, tuple(evidence)))
    return flags


# --- Rotating winners ----------------------------------------------------------------------


def rotation_min_lots(ring: int) -> int:
    """The fewest lots in a row a rotation of ``ring`` suppliers must take to be flagged: at
    least ``ROTATION_MIN_LOTS`` and two turns, and enough that evenly matched winners would
    cycle so by chance at most ``ROTATION_MAX_CHANCE`` (n! / n^k)."""
    lots = max(ROTATION_MIN_LOTS, 2 * ring)
    while Fraction(factorial(ring), ring**lots) > ROTATION_MAX_CHANCE:
        lots += 1
    return lots


def _cycle_runs(winners: list[int], ring: int) -> list[tuple[int, int]]:
    """The maximal runs ``[start, end)`` of ``winners`` that cycle strictly through ``ring``
    different suppliers (each window of ``ring`` lots holds each of them once)."""
    runs, start = [], 0
    while start < len(winners):
        end = start + 1
        while end < len(winners):
            if end - start < ring:
                if winners[end] in winners[start:end]:
                    break
            elif winners[end] != winners[end - ring]:
                break
            end += 1
        if end - start >= ring:
            runs.append((start, end))
            start = max(start + 1, end - ring + 1)
        else:
            start += 1
    return runs


def rotating_winners(market: Market) -> list[Flag]:
    """Across lots of a category, in the order they ended: a ring of two to
    ``ROTATION_MAX_RING`` suppliers who all bid on each lot in a row (others may bid too),
    one of them wins each, and the winners cycle strictly (A, B, C, A, B, C...), for at least
    ``rotation_min_lots(ring)`` lots. The lots where not all of the ring bid are left out of
    its sequence: a ring takes turns on the lots it shares."""
    by_category: dict[int | None, list[tuple[LotRow, int]]] = defaultdict(list)
    for lot in market.lots:
        if lot.winner is not None and lot.winner in market.finals.get(lot.id, {}):
            by_category[lot.category].append((lot, lot.winner))
    flags: list[Flag] = []
    for rows in by_category.values():
        rows.sort(key=lambda row: (row[0].ends_at is None, row[0].ends_at or 0, row[0].id))
        wins = Counter(winner for _lot, winner in rows)
        positions: dict[int, set[int]] = defaultdict(set)
        for i, (lot, _winner) in enumerate(rows):
            for supplier in market.finals[lot.id]:
                positions[supplier].add(i)
        seen: list[tuple[frozenset[int], frozenset[int]]] = []
        for ring in range(2, ROTATION_MAX_RING + 1):
            need = rotation_min_lots(ring)
            candidates = sorted(
                s for s, n in wins.most_common(ROTATION_CANDIDATES) if n >= need // ring
            )
            for members in combinations(candidates, ring):
                shared = sorted(set.intersection(*(positions[s] for s in members)))
                if len(shared) < need:
                    continue
                winners = [rows[i][1] for i in shared]
                for start, end in _cycle_runs(winners, ring):
                    if end - start < need or not set(winners[start:end]) <= set(members):
                        continue
                    lots = tuple(rows[i][0].id for i in shared[start:end])
                    if any(frozenset(members) >= m and frozenset(lots) <= ls for m, ls in seen):
                        continue
                    seen.append((frozenset(members), frozenset(lots)))
                    flags.append(_rotation_flag(market, members, lots))
    return flags


def _rotation_flag(market: Market, members: tuple[int, ...], lots: tuple[int, ...]) -> Flag:
    evidence = []
    order = []
    for lot in lots:
        winner = market.lot[lot].winner
        assert winner is not None
        order.append(market.name(winner))
        for s in members:
            bid = market.finals[lot][s]
            note = (
                pgettext("signal evidence", "won")
                if s == winner
                else _("lost, a member of the ring")
            )
            evidence.append(market.evidence(bid, note))
    first = market.lot[lots[0]]
    explanation = ngettext(
        "In the category %(category)s the suppliers %(names)s won %(n)s lot in turn, each of "
        "them bidding on every one of these lots; the winners in order: %(order)s.",
        "In the category %(category)s the suppliers %(names)s won %(n)s lots in turn, each of "
        "them bidding on every one of these lots; the winners in order: %(order)s.",
        len(lots),
    ) % {
        "category": first.category_name or f"#{first.category}",
        "names": market.names_of(members),
        "n": len(lots),
        "order": " → ".join(order),
    }
    return Flag(ROTATING_WINNERS, HIGH, lots, tuple(members), explanation, tuple(evidence))


# --- The last-seconds ring -----------------------------------------------------------------


def _late_only(market: Market, lot: LotRow) -> set[int]:
    """The suppliers whose every bid on ``lot`` came in its last seconds (initial and sealed
    offers aside); one with a proxy bid is not, as the engine bid for it when others did."""
    if lot.auction_format != "english" or lot.ends_at is None:
        return set()
    late: dict[int, bool] = {}
    for bid in market.bids_by_lot.get(lot.id, ()):
        if bid.kind in ("initial", "sealed"):
            continue
        before = (lot.ends_at - bid.placed_at).total_seconds()
        ok = bid.kind != "proxy" and before <= LATE_WINDOW_SECONDS
        late[bid.supplier] = late.get(bid.supplier, True) and ok
    return {s for s, ok in late.items() if ok}


def last_seconds_rings(market: Market) -> list[Flag]:
    """Across lots: the same group of at least ``LATE_MIN_RING`` suppliers bid only in the
    last ``LATE_WINDOW_SECONDS`` before the scheduled end of at least ``LATE_MIN_LOTS`` lots,
    never earlier on them. English lots only: the rounds format sets the times, a sealed offer
    late is no sign."""
    late = {lot.id: _late_only(market, lot) for lot in market.lots}
    pairs: dict[tuple[int, int], list[int]] = defaultdict(list)
    for lot_id, suppliers in late.items():
        for pair in combinations(sorted(suppliers), 2):
            pairs[pair].append(lot_id)
    rings: dict[tuple[int, ...], tuple[int, ...]] = {}
    for lot_ids in pairs.values():
        if len(lot_ids) < LATE_MIN_LOTS:
            continue
        closure = set.intersection(*(late[i] for i in lot_ids))
        if len(closure) >= LATE_MIN_RING:
            rings[tuple(sorted(closure))] = _ordered(lot_ids, market)
    kept = [
        (members, lots)
        for members, lots in rings.items()
        if not any(
            (m, ls) != (members, lots) and set(members) <= set(m) and set(lots) <= set(ls)
            for m, ls in rings.items()
        )
    ]
    flags = []
    for members, lots in sorted(kept):
        evidence = [
            market.evidence(bid, _("bid in the last seconds"))
            for lot in lots
            for bid in market.bids_by_lot[lot]
            if bid.supplier in members and bid.kind not in ("initial", "sealed")
        ]
        explanation = ngettext(
            "%(names)s bid on %(n)s lot together only in the last %(seconds)s seconds before "
            "the scheduled end, never earlier: %(lots)s.",
            "%(names)s bid on %(n)s lots together only in the last %(seconds)s seconds before "
            "the scheduled end, never earlier: %(lots)s.",
            len(lots),
        ) % {
            "names": market.names_of(members),
            "n": len(lots),
            "seconds": LATE_WINDOW_SECONDS,
            "lots": market.lots_label(lots),
        }
        severity = HIGH if len(lots) >= LATE_HIGH_LOTS else MEDIUM
        flags.append(Flag(LAST_SECONDS_RING, severity, lots, members, explanation, tuple(evidence)))
    return flags


# --- All of them ---------------------------------------------------------------------------

DETECTORS = {
    IDENTICAL_BIDS: identical_bids,
    IDENTICAL_FINALS: identical_finals,
    SHADOW_BIDDER: shadow_bidders,
    ROTATING_WINNERS: rotating_winners,
    LAST_SECONDS_RING: last_seconds_rings,
}


def detect(market: Market, *, lot: int | None = None) -> list[Flag]:
    """Every flag of ``market``, the most severe first (then by kind, then by the lots); with
    ``lot``, only the flags that involve that lot."""
    flags = [flag for detector in DETECTORS.values() for flag in detector(market)]
    if lot is not None:
        flags = [f for f in flags if lot in f.lots]
    return sorted(flags, key=lambda f: (SEVERITIES.index(f.severity), KINDS.index(f.kind), f.lots))
