"""Analytics of a workspace (reads only): win rate and sales cycle, a supplier's auctions
(entered, won, lost, the gap to the winner as far as it may know it) and a buyer's savings
against the start prices. Each answers a ``Table``: rows of plain values with typed columns,
which the API returns as JSON, CSV or XLSX. Amounts are never added across currencies: a
currency is part of every row that holds money.

The pipeline's forecast and plan versus fact are in ``crm.forecast``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from auctions.models import Application, ApplicationStatus, Award, DealStatus
from marketplace.categories.models import request_language

from .access import workspace_require
from .models import Opportunity, OpportunityStatus

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    # text | int | money | percent | days | date | month
    kind: str = "text"


@dataclass
class Table:
    name: str  # the exported file's name
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)


def money(value) -> Decimal:
    """A sum as money: two decimals, half up (PostgreSQL sums exactly; SQLite may hand back a
    float's digits, which this rounds away)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def user_name(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""


def in_period(qs: QuerySet, lookup: str, date_from: date | None, date_to: date | None):
    """``qs`` narrowed to rows whose ``lookup`` (a date) lies in the period, ends included."""
    if date_from is not None:
        qs = qs.filter(**{f"{lookup}__gte": date_from})
    if date_to is not None:
        qs = qs.filter(**{f"{lookup}__lte": date_to})
    return qs


# --- Win rate and cycle ----------------------------------------------------------------------

WIN_RATE_GROUPS = ("owner", "pipeline", "total")


def _days(seconds: float) -> Decimal:
    return (Decimal(seconds) / 86400).quantize(TENTH, rounding=ROUND_HALF_UP)


def win_rate(
    *,
    user,
    workspace_id: int,
    group: str = "owner",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Table:
    """Opportunities closed in the period (by the day they were closed), per owner, pipeline
    or in total: won, lost, the win rate (won / (won + lost)), and the average cycle from
    creation to close, in days, over all closed and over the won ones."""
    workspace_require(user=user, workspace_id=workspace_id)
    if group not in WIN_RATE_GROUPS:
        raise ValueError(group)
    qs = Opportunity.objects.filter(
        workspace_id=workspace_id,
        status__in=(OpportunityStatus.WON, OpportunityStatus.LOST),
        closed_at__isnull=False,
    )
    qs = in_period(qs, "closed_at__date", date_from, date_to)
    key_fields = {
        "owner": ("owner_id", "owner__full_name", "owner__email"),
        "pipeline": ("pipeline_id", "pipeline__name", "pipeline__name"),
        "total": (),
    }[group]
    groups: dict[tuple, dict] = {}
    for closed in qs.values(*key_fields, "status", "created_at", "closed_at").order_by():
        key = tuple(closed[f] for f in key_fields)
        slot = groups.setdefault(key, {"won": 0, "lost": 0, "cycle": [], "cycle_won": []})
        seconds = (closed["closed_at"] - closed["created_at"]).total_seconds()
        slot["cycle"].append(max(seconds, 0))
        if closed["status"] == OpportunityStatus.WON:
            slot["won"] += 1
            slot["cycle_won"].append(max(seconds, 0))
        else:
            slot["lost"] += 1
    rows = []
    for key, slot in groups.items():
        row: dict = {}
        if group == "owner":
            row["owner"] = key[0]
            row["owner_name"] = user_name(key[1], key[2]) if key[0] else _("No owner")
        elif group == "pipeline":
            row["pipeline"] = key[0]
            row["pipeline_name"] = key[1]
        closed = slot["won"] + slot["lost"]
        row.update(
            won=slot["won"],
            lost=slot["lost"],
            closed=closed,
            win_rate=percent(slot["won"], closed),
            avg_cycle_days=_days(sum(slot["cycle"]) / len(slot["cycle"])),
            avg_cycle_days_won=(
                _days(sum(slot["cycle_won"]) / len(slot["cycle_won"]))
                if slot["cycle_won"]
                else None
            ),
        )
        rows.append(row)
    label = {"owner": "owner_name", "pipeline": "pipeline_name"}.get(group)
    rows.sort(key=lambda r: (str(r.get(label, "")).casefold(), r.get(group) or 0))
    columns = {
        "owner": [Column("owner", _("Owner id"), "int"), Column("owner_name", _("Owner"))],
        "pipeline": [
            Column("pipeline", _("Pipeline id"), "int"),
            Column("pipeline_name", _("Pipeline")),
        ],
        "total": [],
    }[group]
    return Table(
        name=f"win-rate-by-{group}",
        title=_("Win rate and sales cycle"),
        columns=[
            *columns,
            Column("won", _("Won"), "int"),
            Column("lost", pgettext("crm status", "Lost"), "int"),
            Column("closed", pgettext("crm count", "Closed"), "int"),
            Column("win_rate", _("Win rate, %"), "percent"),
            Column("avg_cycle_days", _("Average cycle, days"), "days"),
            Column("avg_cycle_days_won", _("Average cycle of the won, days"), "days"),
        ],
        rows=rows,
    )


# --- A supplier's auctions -------------------------------------------------------------------

AUCTION_GROUPS = ("category", "month", "total")


def _category_name(row: dict, prefix: str) -> str:
    language = request_language()
    return row.get(f"{prefix}name_{language}") or row.get(f"{prefix}name_en") or ""


def _gap(outcome: dict) -> Decimal | None:
    value = (outcome or {}).get("gap")
    if value in (None, ""):
        return None
    try:
        gap = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return gap if gap.is_finite() and gap >= 0 else None


def _auction_order(group: str, key: tuple) -> tuple:
    if group == "category":
        return (str(key[2]).casefold(), key[1] or "", key[-1])
    return tuple(str(k) for k in key)


def supplier_auctions(
    *,
    user,
    workspace_id: int,
    group: str = "category",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Table:
    """The workspace's company as a supplier: the lots it applied to (by the tender's auction
    day in the period), per category, month or in total, and per currency: entered (applied,
    not withdrawn), admitted, won (awarded to it), lost (awarded to another), the win rate,
    and the average gap to the winning price over the lost ones whose gap it was allowed to
    know (the auction-linked opportunities' ``auction_outcome``)."""
    workspace_require(user=user, workspace_id=workspace_id)
    if group not in AUCTION_GROUPS:
        raise ValueError(group)
    applications = (
        Application.objects.filter(supplier_id=workspace_id)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .annotate(awarded_to=F("lot__award__application_id"))
    )
    applications = in_period(applications, "lot__tender__auction_start__date", date_from, date_to)
    cat = "lot__tender__category__"
    fields = (
        "pk",
        "lot_id",
        "status",
        "awarded_to",
        "lot__tender__currency",
        "lot__tender__auction_start",
        f"{cat}id",
        f"{cat}code",
        f"{cat}name_en",
        f"{cat}name_uk",
        f"{cat}name_ru",
    )
    gaps: dict[int, Decimal] = {}
    outcomes = (
        Opportunity.objects.filter(
            workspace_id=workspace_id, lot__isnull=False, status=OpportunityStatus.LOST
        )
        .order_by("pk")
        .values_list("lot_id", "auction_outcome")
    )
    for lot_id, outcome in outcomes:
        gap = _gap(outcome)
        if gap is not None and lot_id not in gaps:
            gaps[lot_id] = gap
    groups: dict[tuple, dict] = {}
    for row in applications.values(*fields).order_by():
        if group == "category":
            key: tuple = (row[f"{cat}id"], row[f"{cat}code"], _category_name(row, cat))
        elif group == "month":
            key = (row["lot__tender__auction_start"].strftime("%Y-%m"),)
        else:
            key = ()
        slot = groups.setdefault(
            (*key, row["lot__tender__currency"]),
            {"entered": 0, "admitted": 0, "won": 0, "lost": 0, "gaps": []},
        )
        slot["entered"] += 1
        if row["status"] == ApplicationStatus.ADMITTED:
            slot["admitted"] += 1
        if row["awarded_to"] is not None:
            if row["awarded_to"] == row["pk"]:
                slot["won"] += 1
            else:
                slot["lost"] += 1
                if row["lot_id"] in gaps:
                    slot["gaps"].append(gaps[row["lot_id"]])
    rows = []
    for key, slot in sorted(groups.items(), key=lambda item: _auction_order(group, item[0])):
        row = {}
        if group == "category":
            row.update(category=key[0], category_code=key[1], category_name=key[2])
        elif group == "month":
            row["month"] = key[0]
        row.update(
            currency=key[-1],
            entered=slot["entered"],
            admitted=slot["admitted"],
            won=slot["won"],
            lost=slot["lost"],
            win_rate=percent(slot["won"], slot["won"] + slot["lost"]),
            gaps_known=len(slot["gaps"]),
            avg_gap=money(sum(slot["gaps"]) / len(slot["gaps"])) if slot["gaps"] else None,
        )
        rows.append(row)
    key_columns = {
        "category": [
            Column("category", _("Category id"), "int"),
            Column("category_code", _("Category code")),
            Column("category_name", _("Category")),
        ],
        "month": [Column("month", _("Month of the auction"), "month")],
        "total": [],
    }[group]
    return Table(
        name=f"auctions-by-{group}",
        title=_("Auctions entered and their results"),
        columns=[
            *key_columns,
            Column("currency", _("Currency")),
            Column("entered", _("Entered"), "int"),
            Column("admitted", _("Admitted"), "int"),
            Column("won", _("Won"), "int"),
            Column("lost", pgettext("crm status", "Lost"), "int"),
            Column("win_rate", _("Win rate, %"), "percent"),
            Column("gaps_known", _("Lost with a known gap"), "int"),
            Column("avg_gap", _("Average gap to the winner"), "money"),
        ],
        rows=rows,
    )


# --- A buyer's savings -----------------------------------------------------------------------

SAVINGS_GROUPS = ("category", "supplier")


def buyer_savings(
    *,
    user,
    workspace_id: int,
    group: str = "category",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Table:
    """The workspace's company as a buyer: its lots awarded in the period (by the award's
    day; a cancelled deal left out), per category or per supplier, and per currency: the
    start prices, the awarded amounts, the saving (start − awarded) and its share of the
    start prices."""
    workspace_require(user=user, workspace_id=workspace_id)
    if group not in SAVINGS_GROUPS:
        raise ValueError(group)
    awards = Award.objects.filter(lot__tender__buyer_id=workspace_id).exclude(
        Q(lot__deal__status=DealStatus.CANCELLED)
    )
    awards = in_period(awards, "awarded_at__date", date_from, date_to)
    if group == "category":
        cat = "lot__tender__category__"
        keys: tuple = (f"{cat}id", f"{cat}code", f"{cat}name_en", f"{cat}name_uk", f"{cat}name_ru")
    else:
        keys = ("application__supplier_id", "application__supplier__legal_name")
    totals = (
        awards.values(*keys, "lot__tender__currency")
        .annotate(lots=Count("pk"), start=Sum("lot__start_price"), awarded=Sum("amount"))
        .order_by()
    )
    rows = []
    for total in totals:
        start, awarded = money(total["start"]), money(total["awarded"])
        row: dict = {}
        if group == "category":
            row.update(
                category=total[keys[0]],
                category_code=total[keys[1]],
                category_name=_category_name(total, "lot__tender__category__"),
            )
        else:
            row.update(supplier=total[keys[0]], supplier_name=total[keys[1]])
        row.update(
            currency=total["lot__tender__currency"],
            lots=total["lots"],
            start_total=start,
            awarded_total=awarded,
            saving=start - awarded,
            saving_percent=percent(start - awarded, start),
        )
        rows.append(row)
    label = "category_code" if group == "category" else "supplier_name"
    rows.sort(key=lambda r: (str(r[label]).casefold(), r["currency"]))
    key_columns = {
        "category": [
            Column("category", _("Category id"), "int"),
            Column("category_code", _("Category code")),
            Column("category_name", _("Category")),
        ],
        "supplier": [
            Column("supplier", _("Supplier id"), "int"),
            Column("supplier_name", _("Supplier")),
        ],
    }[group]
    return Table(
        name=f"savings-by-{group}",
        title=_("Savings against start prices"),
        columns=[
            *key_columns,
            Column("currency", _("Currency")),
            Column("lots", _("Lots awarded"), "int"),
            Column("start_total", _("Start prices"), "money"),
            Column("awarded_total", _("Awarded"), "money"),
            Column("saving", _("Saving"), "money"),
            Column("saving_percent", _("Saving, %"), "percent"),
        ],
        rows=rows,
    )


def plain_cell(value):
    """A cell as JSON carries it: money and percentages as strings, dates in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
