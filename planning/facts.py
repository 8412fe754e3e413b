"""Plan versus fact: a plan's budgets beside what its linked tenders contracted, by category and
quarter, each currency on its own (amounts in different currencies are never added).

Computed when asked, from the awards (no copy is kept): a link made after the award, an order
declined later, a line moved to another quarter all show at once, and there is nothing to keep
in step. The fact of a line is the awards of the lots linked to it:

* **budgeted**: the lines' budgets;
* **contracted**: the awarded amounts (the lot's total, as ``Award.amount`` is) of the linked
  lots of the plan's buyer's tenders whose award stands: the lot not cancelled, its deal not
  cancelled, its order (if made) not cancelled (declined by the supplier);
* **expected**: the start prices of those same lots (Prozorro's "expected value");
* **saved**: expected − contracted, as Prozorro counts savings (the tender's expected value
  less the contract's value), for the contracted lots only;
* **remaining**: budgeted − contracted (below zero: over the budget);
* **contracted_percent**: contracted / budgeted (none without a budget in that currency);
  **saved_percent**: saved / expected.

Each lot counts once (the services link a lot to one line; the report also keeps the first
link if the table were to hold two). A row is a category × quarter × currency: the budget goes
to the line's currency, the contracted amounts to the tender's (the services refuse a tender in
another currency than the line's, so both are the same in practice).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from auctions.models import Award, DealStatus, Lot, LotStatus
from deals.models import OrderStatus
from marketplace.categories.models import Category
from marketplace.core import spreadsheets

from .models import PlanLine, PlanLineTender, ProcurementPlan

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(TENTH)


@dataclass
class Figures:
    """The plan-versus-fact figures of a group, in one currency."""

    currency: str
    lines: int = 0
    budgeted: Decimal = Decimal("0.00")
    tenders: set[int] = field(default_factory=set)
    lots: int = 0
    contracted: Decimal = Decimal("0.00")
    expected: Decimal = Decimal("0.00")

    @property
    def saved(self) -> Decimal:
        return self.expected - self.contracted

    @property
    def remaining(self) -> Decimal:
        return self.budgeted - self.contracted

    @property
    def contracted_percent(self) -> Decimal | None:
        return _percent(self.contracted, self.budgeted)

    @property
    def saved_percent(self) -> Decimal | None:
        return _percent(self.saved, self.expected)

    def as_dict(self) -> dict:
        return {
            "currency": self.currency,
            "lines": self.lines,
            "tenders": len(self.tenders),
            "lots_contracted": self.lots,
            "budgeted": self.budgeted.quantize(CENT),
            "contracted": self.contracted.quantize(CENT),
            "expected": self.expected.quantize(CENT),
            "saved": self.saved.quantize(CENT),
            "remaining": self.remaining.quantize(CENT),
            "contracted_percent": self.contracted_percent,
            "saved_percent": self.saved_percent,
        }


@dataclass
class Report:
    plan: ProcurementPlan
    rows: list[dict]  # category × quarter × currency
    by_quarter: list[dict]  # quarter × currency
    by_category: list[dict]  # category × currency
    totals: list[dict]  # per currency
    lines: dict[int, dict]  # each line's own figures, by its id


def _category(category: Category) -> dict:
    return {"id": category.pk, "code": category.code, "name": category.name}


def _lot_fact(plan: ProcurementPlan, lot_ids: set[int]) -> dict[int, tuple[str, Decimal, Decimal]]:
    """Each standing award among ``lot_ids`` of the plan's buyer: lot id -> (currency, awarded,
    start price)."""
    awards = (
        Award.objects.filter(lot_id__in=lot_ids, lot__tender__buyer_id=plan.buyer_id)
        .exclude(lot__status=LotStatus.CANCELLED)
        .exclude(lot__deal__status=DealStatus.CANCELLED)
        .exclude(lot__deal__order__status=OrderStatus.CANCELLED)
        .values_list("lot_id", "lot__tender__currency", "amount", "lot__start_price")
    )
    return {lot: (currency, amount, start) for lot, currency, amount, start in awards}


def plan_fact(*, plan: ProcurementPlan) -> Report:
    """The plan's report (who may read it: ``selectors.plan_get_for_members``)."""
    lines = list(PlanLine.objects.filter(plan=plan).select_related("category"))
    links = list(
        PlanLineTender.objects.filter(line__plan=plan, tender__buyer_id=plan.buyer_id).order_by(
            "pk"
        )
    )
    whole = {link.tender_id for link in links if link.lot_id is None}
    lots_of: dict[int, list[int]] = defaultdict(list)
    for lot_id, tender_id in Lot.objects.filter(tender_id__in=whole).values_list("pk", "tender_id"):
        lots_of[tender_id].append(lot_id)

    # Each lot to one line: the first link that covers it.
    line_of_lot: dict[int, int] = {}
    tenders_of_line: dict[int, set[int]] = defaultdict(set)
    for link in links:
        tenders_of_line[link.line_id].add(link.tender_id)
        for lot_id in [link.lot_id] if link.lot_id else lots_of[link.tender_id]:
            line_of_lot.setdefault(lot_id, link.line_id)
    facts = _lot_fact(plan, set(line_of_lot))

    by_line = {line.pk: line for line in lines}
    groups: dict[str, dict[tuple, Figures]] = {
        "rows": {},
        "quarter": {},
        "category": {},
        "total": {},
        "line": {},
    }

    def touch(line: PlanLine, currency: str) -> list[Figures]:
        keys = {
            "rows": (line.category.path, line.quarter, currency),
            "quarter": (line.quarter, currency),
            "category": (line.category.path, currency),
            "total": (currency,),
            "line": (line.pk, currency),
        }
        out = []
        for name, key in keys.items():
            figures = groups[name].get(key)
            if figures is None:
                figures = groups[name][key] = Figures(currency=currency)
            out.append(figures)
        return out

    for line in lines:
        for figures in touch(line, line.currency):
            figures.lines += 1
            figures.budgeted += line.budget
            figures.tenders |= tenders_of_line.get(line.pk, set())
    for lot_id, line_id in line_of_lot.items():
        if lot_id not in facts:
            continue
        currency, amount, start = facts[lot_id]
        for figures in touch(by_line[line_id], currency):
            figures.lots += 1
            figures.contracted += amount
            figures.expected += start

    categories = {line.category.path: line.category for line in lines}
    rows = [
        {"category": _category(categories[path]), "quarter": quarter, **figures.as_dict()}
        for (path, quarter, _currency), figures in sorted(groups["rows"].items())
    ]
    by_quarter = [
        {"quarter": quarter, **figures.as_dict()}
        for (quarter, _currency), figures in sorted(groups["quarter"].items())
    ]
    by_category = [
        {"category": _category(categories[path]), **figures.as_dict()}
        for (path, _currency), figures in sorted(groups["category"].items())
    ]
    totals = [figures.as_dict() for _key, figures in sorted(groups["total"].items())]
    line_figures: dict[int, dict] = {}
    for (line_id, currency), figures in groups["line"].items():
        line_figures.setdefault(line_id, {})[currency] = figures.as_dict()
    return Report(
        plan=plan,
        rows=rows,
        by_quarter=by_quarter,
        by_category=by_category,
        totals=totals,
        lines=line_figures,
    )


# --- The CSV -----------------------------------------------------------------------------------


def _cell(value) -> str:
    return "" if value is None else str(value)


def fact_csv(report: Report) -> bytes:
    """The report as CSV (UTF-8 with a byte-order mark; text is never a formula): the rows by
    category and quarter, then a total per currency."""
    header = [
        _("Category code"),
        _("Category"),
        _("Quarter"),
        _("Currency"),
        _("Lines"),
        _("Budgeted"),
        _("Contracted"),
        # xgettext:no-python-format
        _("Contracted, % of budget"),
        _("Expected value"),
        pgettext("savings", "Saved"),
        _("Saved, %"),
        _("Remaining budget"),
    ]

    def numbers(row: dict) -> list[str]:
        return [
            row["currency"],
            str(row["lines"]),
            _cell(row["budgeted"]),
            _cell(row["contracted"]),
            _cell(row["contracted_percent"]),
            _cell(row["expected"]),
            _cell(row["saved"]),
            _cell(row["saved_percent"]),
            _cell(row["remaining"]),
        ]

    body = [
        [row["category"]["code"], row["category"]["name"], f"Q{row['quarter']}", *numbers(row)]
        for row in report.rows
    ]
    body += [["", _("Total"), "", *numbers(total)] for total in report.totals]
    return spreadsheets.write_csv(header, body)
