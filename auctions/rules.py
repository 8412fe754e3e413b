"""The auction's arithmetic as pure functions: steps, comparable prices, ranking and turn order.

A bid's **comparable price** is what ranks it: ``(price + delivery) / coefficient`` (``weighted``).
The coefficient is Prozorro's MEAT coefficient of a weighted lot (1 otherwise); the delivery is
the bidder's delivery cost to the lot's delivery place on a lot ranked by landed cost, fixed at
admission (0 otherwise). A lot is one or the other, never both (``tenders/validation.py``).

Nothing here touches the database, so every rule can be tested on its own and replayed against
the recorded Prozorro auctions in ``shared/reference/prozorro``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import cached_property

CENT = Decimal("0.01")
WEIGHT_PLACES = Decimal("0.00000001")


def money(value: Decimal | str | int) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def min_step(
    *,
    step_kind: str,
    step_value: Decimal,
    start_price: Decimal,
    bands: Sequence[dict] | None = None,
    reference: Decimal | None = None,
) -> Decimal:
    """The minimum step at ``reference`` (the price a bid must beat).

    ``step_kind`` is "amount" (the value is money) or "percent" (of the lot's start price).
    ``bands`` optionally give other steps by price: the first band (sorted by its ``below``
    bound) whose bound is above the reference price applies.
    """
    value = Decimal(step_value)
    if bands and reference is not None:
        for band in sorted(bands, key=lambda b: Decimal(str(b["below"]))):
            if reference < Decimal(str(band["below"])):
                value = Decimal(str(band["step"]))
                break
    if step_kind == "amount":
        return money(value)
    return money(Decimal(start_price) * value / 100)


@dataclass(frozen=True)
class StepRule:
    """A lot's minimum-step rule: its kind, value, band table and what a bid must beat."""

    kind: str  # "amount" or "percent"
    value: Decimal
    start_price: Decimal
    bands: Sequence[dict] | None = None
    own_reference: bool = False  # True: a bid beats the bidder's own last; else the best

    def step_at(self, reference: Decimal) -> Decimal:
        return min_step(
            step_kind=self.kind,
            step_value=self.value,
            start_price=self.start_price,
            bands=self.bands,
            reference=reference,
        )


def bid_limit(
    rule: StepRule,
    *,
    own_amount: Decimal | None,
    best_weighted: Fraction | None,
    coeff: Fraction,
    delivery: Decimal = Decimal(0),
) -> tuple[Decimal, Decimal | None, Decimal]:
    """The highest amount a bidder may bid now: (limit, the reference price it must beat in the
    bidder's own nominal terms or None, the step at that reference).

    The one statement of this rule: the engine checks bids against it and the room's quick-bid
    buttons offer it (``standing.render``'s ``max_bid``), so the two cannot disagree. With the
    bidder's own last price as the reference, the step is the band's at that price; with the
    best, the best comparable price is taken into the bidder's terms: the inverse of
    ``weighted``, best x own coefficient - own delivery (Prozorro's amount_features x own
    coefficient; less the bidder's own delivery cost on a lot ranked by landed cost; the best
    price itself otherwise)."""
    if rule.own_reference:
        if own_amount is None:
            return rule.start_price, None, rule.step_at(rule.start_price)
        reference = Decimal(own_amount)
    elif best_weighted is not None:
        reference = money(as_decimal(best_weighted * coeff, CENT)) - delivery
    else:
        return rule.start_price, None, rule.step_at(rule.start_price)
    step = rule.step_at(reference)
    return reference - step, reference, step


def features_max_sum(criteria_options: Iterable[Sequence[Decimal | str]]) -> Fraction:
    """Σ over criteria of each criterion's largest option value (Prozorro's ``vnmax``)."""
    return sum(
        (max(Fraction(str(v)) for v in options) for options in criteria_options), Fraction(0)
    )


def coefficient(values: Iterable[Decimal | str], max_sum: Fraction) -> Fraction:
    """Prozorro's MEAT coefficient: 1 + Σ bidder's values / (1 − Σ criteria maxima)."""
    if max_sum >= 1:
        raise ValueError("the criteria's maximum values must add up to less than 1")
    return 1 + sum((Fraction(str(v)) for v in values), Fraction(0)) / (1 - max_sum)


def weighted(
    amount: Decimal, coeff: Fraction | Decimal | int = 1, delivery: Decimal | int = 0
) -> Fraction:
    """The comparable price: (price + delivery) / coefficient, exact. The one transformation
    of a bid's price that ranking applies: by the MEAT coefficient (weighted lots) and by the
    bidder's delivery cost (lots ranked by landed cost)."""
    c = coeff if isinstance(coeff, Fraction) else Fraction(str(coeff))
    if delivery:
        amount = Decimal(amount) + Decimal(delivery)
    # Fraction(Decimal) is exact, as Fraction(str(Decimal)) is, and much cheaper.
    value = Fraction(amount) if isinstance(amount, Decimal) else Fraction(str(amount))
    return value if c == 1 else value / c


# Incoterms 2020 by whether the seller's price already covers the carriage to the named place:
# the E and F terms do not (the buyer pays the main carriage), so a lot ranked by landed cost
# adds each bidder's delivery cost to its price; the C and D terms do (the seller pays the
# carriage to the named place), so the bids are compared as they stand.
DELIVERY_ADDED_INCOTERMS = frozenset({"EXW", "FCA", "FAS", "FOB"})
DELIVERY_INCLUDED_INCOTERMS = frozenset({"CPT", "CIP", "CFR", "CIF", "DAP", "DPU", "DDP"})


def delivery_added(incoterms: str) -> bool:
    """Whether a lot under ``incoterms`` adds the delivery cost to a bid to rank it."""
    return (incoterms or "").upper() in DELIVERY_ADDED_INCOTERMS


def as_decimal(value: Fraction, places: Decimal = WEIGHT_PLACES) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        places, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Standing:
    """One bidder's position: its current price and when it was reached."""

    key: int  # application id
    amount: Decimal
    at: datetime
    coeff: Fraction = Fraction(1)
    label: int = 0
    delivery: Decimal = Decimal(0)

    @cached_property  # (a frozen dataclass's ``__dict__`` still takes it)
    def weighted(self) -> Fraction:
        return weighted(self.amount, self.coeff, self.delivery)


def rank(standings: Iterable[Standing]) -> list[Standing]:
    """Best first: the lowest comparable price; at equal prices the earlier one."""
    items = list(standings)
    if all(s.coeff == 1 and not s.delivery for s in items):  # the prices compare the same
        return sorted(items, key=lambda s: (s.amount, s.at, s.key))
    return sorted(items, key=lambda s: (s.weighted, s.at, s.key))


def turn_order(standings: Iterable[Standing]) -> list[Standing]:
    """Prozorro's order of turns in a round: the highest (weighted) price first, the leader last;
    at equal prices the later one goes first, so the earlier one sits nearer the leader."""
    return list(reversed(rank(standings)))


def max_allowed(*, own_amount: Decimal, step: Decimal) -> Decimal:
    """In the rounds format a bidder may bid at most its own current price minus the step."""
    return Decimal(own_amount) - Decimal(step)
