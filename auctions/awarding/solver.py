"""Which supplier gets which lot: the award scenarios of a tender's closed lots, solved as a small
mixed-integer program with HiGHS (``highspy``). Pure: offers in, an assignment out; nothing is
read or written here (``auctions.awarding.scenarios`` does that).

Each lot goes whole to one supplier (an award is one supplier's offer for the lot). The program:
``x[l, s]`` is 1 when lot ``l`` goes to supplier ``s``, ``y[s]`` when ``s`` gets any lot;
minimise the total of the chosen offers, with every lot awarded once, and

* ``max_suppliers``: at most that many suppliers (``sum y <= N``);
* ``min_share``: each chosen supplier gets at least that share of the total
  (``sum_l a[l, s] x[l, s] >= share * total - M (1 - y[s])``);
* ``single``: one supplier for every lot (``max_suppliers=1``, among those who bid on all).

The amounts are scaled to at most 1 for the solver; the totals the caller shows are added up
again in ``Decimal`` from the chosen offers, and a min-share answer is checked in ``Decimal``
too."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

TIME_LIMIT_SECONDS = 10.0


@dataclass(frozen=True)
class Offer:
    lot: int
    application: int
    supplier: int
    amount: Decimal


class NoSolution(Exception):
    """No assignment satisfies the scenario's conditions (or the solver found none in time)."""


def lowest(offers: dict[int, list[Offer]]) -> dict[int, Offer]:
    """Each lot to its lowest offer (the earliest among equal ones: the caller's order)."""
    return {lot: min(own, key=lambda o: o.amount) for lot, own in offers.items() if own}


def one_supplier(offers: dict[int, list[Offer]]) -> dict[int, Offer]:
    """Every lot to the one supplier whose offers for all of them total least."""
    lots = [lot for lot, own in offers.items() if own]
    if not lots:
        return {}
    by_supplier: dict[int, dict[int, Offer]] = {}
    for lot in lots:
        for offer in offers[lot]:
            mine = by_supplier.setdefault(offer.supplier, {})
            if lot not in mine or offer.amount < mine[lot].amount:
                mine[lot] = offer
    complete = {s: own for s, own in by_supplier.items() if len(own) == len(lots)}
    if not complete:
        raise NoSolution("no supplier offered for every lot")
    best = min(complete, key=lambda s: (sum(o.amount for o in complete[s].values()), s))
    return complete[best]


def solve(
    offers: dict[int, list[Offer]],
    *,
    max_suppliers: int | None = None,
    min_share: Decimal | None = None,
) -> dict[int, Offer]:
    """The lowest total under the conditions given (none: ``lowest``)."""
    lots = [lot for lot, own in offers.items() if own]
    if not lots:
        return {}
    if max_suppliers is None and not min_share:
        return lowest(offers)
    if max_suppliers is not None and max_suppliers < 1:
        raise NoSolution("at least one supplier is needed")
    cells = [o for lot in lots for o in offers[lot]]
    scale = max(o.amount for o in cells) or Decimal(1)
    cost = [float(o.amount / scale) for o in cells]
    suppliers = sorted({o.supplier for o in cells})

    import highspy  # with numpy, loaded when a scenario is solved, not at each server's start

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", TIME_LIMIT_SECONDS)
    h.setOptionValue("threads", 1)
    x = [h.addBinary(obj=c) for c in cost]
    for lot in lots:
        h.addConstr(sum(x[i] for i, o in enumerate(cells) if o.lot == lot) == 1)
    y = {s: h.addBinary(obj=0.0) for s in suppliers}
    for i, o in enumerate(cells):
        h.addConstr(x[i] - y[o.supplier] <= 0)
    if max_suppliers is not None:
        h.addConstr(sum(y.values()) <= max_suppliers)
    if min_share:
        share = float(min_share)
        total = sum(cost[i] * x[i] for i in range(len(cells)))
        big = float(sum(max(float(o.amount / scale) for o in offers[lot]) for lot in lots))
        for s in suppliers:
            own = sum(cost[i] * x[i] for i, o in enumerate(cells) if o.supplier == s)
            h.addConstr(own - share * total + big * (1 - y[s]) >= 0)
            # A supplier counts as chosen only with a lot of its own.
            h.addConstr(sum(x[i] for i, o in enumerate(cells) if o.supplier == s) - y[s] >= 0)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise NoSolution(h.modelStatusToString(h.getModelStatus()))
    values = h.getSolution().col_value
    chosen = {o.lot: o for i, o in enumerate(cells) if values[i] > 0.5}
    if set(chosen) != set(lots):
        raise NoSolution("the solver's answer leaves a lot out")
    if min_share and not shares_hold(chosen, min_share):
        raise NoSolution("the solver's answer breaks the minimum share")
    return chosen


def shares_hold(chosen: dict[int, Offer], min_share: Decimal) -> bool:
    """Each supplier of ``chosen`` gets at least ``min_share`` of its total (in ``Decimal``, with
    a cent's tolerance for the solver's rounding)."""
    total = sum((o.amount for o in chosen.values()), Decimal(0))
    per: dict[int, Decimal] = {}
    for o in chosen.values():
        per[o.supplier] = per.get(o.supplier, Decimal(0)) + o.amount
    return all(amount >= min_share * total - Decimal("0.01") for amount in per.values())
