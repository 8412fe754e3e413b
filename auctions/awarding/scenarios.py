"""Award scenarios for a tender's closed lots: the buyer compares ways to award them side by side
(each lot to its best ranked offer, the lowest total, every lot to one supplier, the lowest
total with at most N suppliers, the lowest total where each chosen supplier gets at least a
share) and applies one, which awards every lot of it (``lifecycle.lot_award``) in one
transaction.

The lots in play are the tender's closed lots not awarded yet; an offer is an admitted
bidder's final offer for a lot, never one above the lot's reserve price (it could not be
awarded). A scenario that gives a lot to another offer than the lot's best ranked (a weighted
ranking may put a dearer offer first) awards it with the scenario as the reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError

from ..lifecycle import lot_award
from ..lock_objects import lot_lock
from ..models import Award, Lot, LotStatus, Tender
from ..participation import admitted, final_ranking
from ..tenders.selectors import tender_get_visible, tender_is_buyer_side
from . import solver

SCENARIOS = ("best", "lowest", "one_supplier", "max_suppliers", "min_share")
DEFAULT_MAX_SUPPLIERS = 2
DEFAULT_MIN_SHARE = Decimal("0.2")


@dataclass(frozen=True)
class LotInPlay:
    lot: Lot
    offers: list[solver.Offer]  # the lot's ranking order, above-reserve offers left out
    best: solver.Offer  # the best ranked of them
    ranked_first: int  # the application ranked first (``lot_award`` wants a reason for another)


@dataclass
class ScenarioAward:
    lot: Lot
    offer: solver.Offer
    supplier_name: str
    best: bool  # the lot's best ranked offer


@dataclass
class Scenario:
    key: str
    title: str
    awards: list[ScenarioAward] = field(default_factory=list)
    problem: str = ""  # why it has no answer
    total: Decimal = Decimal(0)
    start_total: Decimal = Decimal(0)
    suppliers: int = 0

    @property
    def feasible(self) -> bool:
        return not self.problem

    @property
    def savings(self) -> Decimal:
        return self.start_total - self.total

    @property
    def savings_percent(self) -> Decimal:
        if not self.start_total:
            return Decimal(0)
        return (self.savings * 100 / self.start_total).quantize(Decimal("0.1"))


@dataclass
class Comparison:
    tender: Tender
    lots: list[LotInPlay]
    left_out: list[tuple[Lot, str]]  # lots not in play, with why
    scenarios: list[Scenario]
    max_suppliers: int
    min_share: Decimal

    def scenario(self, key: str) -> Scenario:
        return next(s for s in self.scenarios if s.key == key)


def _lots_in_play(tender: Tender) -> tuple[list[LotInPlay], list[tuple[Lot, str]]]:
    awarded = set(Award.objects.filter(lot__tender=tender).values_list("lot_id", flat=True))
    in_play, left_out = [], []
    for lot in tender.lots.order_by("number", "pk"):
        if lot.pk in awarded:
            left_out.append((lot, str(_("already awarded"))))
            continue
        if lot.status != LotStatus.CLOSED:
            left_out.append((lot, str(LotStatus(lot.status).label)))
            continue
        applications = admitted(lot)
        by_id = {a.pk: a for a in applications}
        ranked = [by_id[row["application"]] for row in final_ranking(lot, applications)]
        offers = [
            solver.Offer(lot.pk, a.pk, a.supplier_id, a.current_amount)
            for a in ranked
            if a.current_amount is not None
        ]
        offers = [o for o in offers if lot.reserve_price is None or o.amount <= lot.reserve_price]
        if not offers:
            left_out.append((lot, str(_("no offer within the reserve price"))))
            continue
        in_play.append(LotInPlay(lot, offers, offers[0], ranked[0].pk))
    return in_play, left_out


def _scenario(
    key: str, title: str, lots: list[LotInPlay], solve, names: dict[int, str]
) -> Scenario:
    scenario = Scenario(key, title)
    offers = {item.lot.pk: item.offers for item in lots}
    try:
        chosen = solve(offers)
    except solver.NoSolution as exc:
        scenario.problem = str(exc)
        return scenario
    for item in lots:
        offer = chosen[item.lot.pk]
        scenario.awards.append(
            ScenarioAward(
                item.lot,
                offer,
                names.get(offer.supplier, ""),
                offer.application == item.ranked_first,
            )
        )
        scenario.total += offer.amount
        scenario.start_total += item.lot.start_price
    scenario.suppliers = len({a.offer.supplier for a in scenario.awards})
    return scenario


def compare(
    tender: Tender,
    *,
    max_suppliers: int = DEFAULT_MAX_SUPPLIERS,
    min_share: Decimal = DEFAULT_MIN_SHARE,
) -> Comparison:
    """Every scenario for the tender's lots in play (``SCENARIOS``)."""
    if max_suppliers < 1:
        raise ApplicationError(
            _("At least one supplier is needed."),
            code="invalid",
            fields={"max_suppliers": [_("Ensure this value is greater than or equal to 1.")]},
        )
    if not min_share.is_finite() or not Decimal(0) < min_share <= Decimal(1):
        raise ApplicationError(
            _("The minimum share is a part of the total above 0 and at most 1 (0.2 is 20%)."),
            code="invalid",
            fields={"min_share": [_("Ensure this value is above 0 and at most 1.")]},
        )
    lots, left_out = _lots_in_play(tender)
    suppliers = {o.supplier for item in lots for o in item.offers}
    names = dict(Company.objects.filter(pk__in=suppliers).values_list("pk", "legal_name"))
    share = f"{(min_share * 100).normalize():f}%"
    scenarios = [
        _scenario(
            "best",
            str(_("Each lot to its best ranked offer")),
            lots,
            lambda offers: {item.lot.pk: item.best for item in lots},
            names,
        ),
        _scenario("lowest", str(_("Lowest total")), lots, solver.solve, names),
        _scenario(
            "one_supplier", str(_("Every lot to one supplier")), lots, solver.one_supplier, names
        ),
        _scenario(
            "max_suppliers",
            str(_("Lowest total with at most %(n)s suppliers") % {"n": max_suppliers}),
            lots,
            lambda offers: solver.solve(offers, max_suppliers=max_suppliers),
            names,
        ),
        _scenario(
            "min_share",
            str(
                _("Lowest total, each chosen supplier at least %(share)s of it") % {"share": share}
            ),
            lots,
            lambda offers: solver.solve(offers, min_share=min_share),
            names,
        ),
    ]
    return Comparison(tender, lots, left_out, scenarios, max_suppliers, min_share)


def tender_for_scenarios(*, user, tender_id: int) -> Tender:
    """The tender, for its buyer's side only (names and amounts of every offer); 404 else."""
    tender = tender_get_visible(user=user, tender_id=tender_id)
    if not tender_is_buyer_side(user=user, tender=tender):
        raise NotFoundError(_("No such tender."), code="tender_not_found")
    return tender


def scenario_apply(
    *,
    user,
    tender_id: int,
    key: str,
    max_suppliers: int = DEFAULT_MAX_SUPPLIERS,
    min_share: Decimal = DEFAULT_MIN_SHARE,
) -> list[Award]:
    """Award every lot of scenario ``key`` as ``compare`` shows it now, in one transaction: all
    the lots or none. The lots are locked first (in their id order, as every lot lock is
    taken), so the offers cannot change between the comparison and the awards."""
    tender = tender_for_scenarios(user=user, tender_id=tender_id)
    if key not in SCENARIOS:
        raise ApplicationError(
            _("Choose one of the scenarios: %(keys)s.") % {"keys": ", ".join(SCENARIOS)},
            code="invalid",
            fields={"scenario": [_("Not a scenario.")]},
        )
    with transaction.atomic():
        for lot_id in tender.lots.order_by("pk").values_list("pk", flat=True):
            lot_lock(lot_id=lot_id)
        comparison = compare(tender, max_suppliers=max_suppliers, min_share=min_share)
        scenario = comparison.scenario(key)
        if not scenario.feasible:
            raise ApplicationError(
                _("This scenario has no answer: %(problem)s.") % {"problem": scenario.problem},
                code="scenario_infeasible",
            )
        if not scenario.awards:
            raise ApplicationError(
                _("No lot of this tender is closed and waiting for its award."),
                code="nothing_to_award",
            )
        reason = _("Award scenario: %(title)s") % {"title": scenario.title}
        return [
            lot_award(
                lot_id=a.lot.pk,
                user=user,
                application_id=a.offer.application,
                reason="" if a.best else reason,
            )
            for a in scenario.awards
        ]
