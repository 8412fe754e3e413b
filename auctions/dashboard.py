"""What a person's home page counts in the auctions (``frontend/dashboard_views.py``): the
procurement officer's tenders by stage, auctions today and this week, questions waiting,
applications to decide and savings this quarter; the supplier's open tenders in its categories,
its applications, its auctions today and its recent results. Reads only, each figure an
aggregate: a fixed handful of queries whatever the number of tenders, lots or applications.

A day is the person's (the time zone active for the request: ``timezone.localdate``); a week
runs from Monday to Sunday; a quarter is a calendar quarter. Money is never added across
currencies. A ``Figure`` carries the id of the only tender or lot it counts when there is
exactly one, so the page can link straight to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from marketplace.companies.models import Company
from marketplace.verification.selectors import company_can_trade
from suppliers.models import SupplierProfile
from suppliers.selectors import supplier_companies_of_member

from .models import (
    Application,
    ApplicationStatus,
    Award,
    DealStatus,
    Lot,
    LotStatus,
    Question,
    Tender,
    TenderStatus,
)
from .tenders.selectors import buyer_companies_managed, tender_list_seen_by_suppliers

CENT = Decimal("0.01")
RESULTS_DAYS = 30  # the supplier's "recent results"
NOT_HELD = (LotStatus.DRAFT, LotStatus.CANCELLED)
DECIDING = (LotStatus.PUBLISHED, LotStatus.APPLICATIONS_CLOSED)  # applications may be decided
FINISHED = (LotStatus.CLOSED, LotStatus.AWARDED, LotStatus.FAILED)


@dataclass(frozen=True)
class Figure:
    count: int
    one: int | None = None  # the only tender (or lot) counted, when there is exactly one


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included


@dataclass(frozen=True)
class Saving:
    """One buyer company's lots awarded in a period, in one currency."""

    company_id: int
    currency: str
    lots: int
    amount: Decimal  # the start prices less the awarded amounts


@dataclass(frozen=True)
class BuyerFigures:
    companies: list[Company]  # the buyer companies the person manages tenders of
    tenders: dict[str, Figure]  # by TenderStatus, every status; one: the tender
    auctions_today: Figure  # one: the lot
    auctions_week: Figure  # one: the lot
    week: Period
    questions: Figure  # waiting for an answer; one: the tender
    applications: Figure  # waiting for a decision; one: the tender
    savings: list[Saving]  # by company and currency
    quarter: Period


@dataclass(frozen=True)
class SupplierFigures:
    companies: list[Company]  # the supplier companies the person is a member of
    matching: int  # open tenders in the categories of one of its trading companies' profiles
    category_ids: list[int]  # those profiles' categories
    applications: dict[str, Figure]  # by ApplicationStatus, every status; one: the tender
    auctions_today: Figure  # admitted lots starting today; one: the lot
    won: Figure  # lots finished in the last RESULTS_DAYS days; one: the lot
    not_won: Figure
    awaiting: Figure  # closed, not awarded yet


def _figure(found: dict, count: str, distinct: str, one: str) -> Figure:
    return Figure(found[count] or 0, found[one] if found[distinct] == 1 else None)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period as aware datetimes in the active time zone, the end excluded."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(period.start, time.min, tzinfo=zone)
    return start, datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=zone)


def week_of(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    return Period(monday, monday + timedelta(days=6))


def quarter_of(day: date) -> Period:
    first = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first, 1)
    after = date(day.year + 1, 1, 1) if first == 10 else date(day.year, first + 3, 1)
    return Period(start, after - timedelta(days=1))


def _money(value) -> Decimal:
    """A sum as money (SQLite may hand back a float's digits; PostgreSQL sums exactly)."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- The procurement officer -------------------------------------------------------------------


def dashboard_buyer(*, user, today: date | None = None) -> BuyerFigures | None:
    """The figures of the buyer companies whose tenders ``user`` manages (a procurement officer
    or company admin: ``buyer_companies_managed``), together; None when it manages none."""
    companies = list(buyer_companies_managed(user=user))
    if not companies:
        return None
    today = today or timezone.localdate()
    ids = [company.pk for company in companies]

    tenders = {status: Figure(0) for status in TenderStatus.values}
    rows = (
        Tender.objects.filter(buyer_id__in=ids)
        .values("status")
        .annotate(n=Count("pk"), one=Min("pk"))
        .order_by()
    )
    for row in rows:
        tenders[row["status"]] = Figure(row["n"], row["one"] if row["n"] == 1 else None)

    week = week_of(today)
    day_start, day_end = _bounds(Period(today, today))
    week_start, week_end = _bounds(week)
    in_day = Q(starts_at__gte=day_start, starts_at__lt=day_end)
    in_week = Q(starts_at__gte=week_start, starts_at__lt=week_end)
    lots = (
        Lot.objects.filter(tender__buyer_id__in=ids)
        .exclude(status__in=NOT_HELD)
        .exclude(tender__status__in=[TenderStatus.DRAFT, TenderStatus.CANCELLED])
        .aggregate(
            day=Count("pk", filter=in_day),
            day_one=Min("pk", filter=in_day),
            week=Count("pk", filter=in_week),
            week_one=Min("pk", filter=in_week),
        )
    )

    questions = Question.objects.filter(
        tender__buyer_id__in=ids, tender__status=TenderStatus.PUBLISHED, answer=""
    ).aggregate(n=Count("pk"), tenders=Count("tender_id", distinct=True), one=Min("tender_id"))
    applications = Application.objects.filter(
        lot__tender__buyer_id__in=ids, lot__status__in=DECIDING, status=ApplicationStatus.SUBMITTED
    ).aggregate(
        n=Count("pk"), tenders=Count("lot__tender_id", distinct=True), one=Min("lot__tender_id")
    )

    quarter = quarter_of(today)
    return BuyerFigures(
        companies=companies,
        tenders=tenders,
        auctions_today=_figure(lots, "day", "day", "day_one"),
        auctions_week=_figure(lots, "week", "week", "week_one"),
        week=week,
        questions=_figure(questions, "n", "tenders", "one"),
        applications=_figure(applications, "n", "tenders", "one"),
        savings=savings_by_currency(company_ids=ids, period=quarter),
        quarter=quarter,
    )


def savings_by_currency(*, company_ids: list[int], period: Period) -> list[Saving]:
    """The buyers' lots awarded in ``period`` (by the award's time in the active zone; a
    cancelled deal left out, as ``crm.analytics.buyer_savings`` leaves it), per company and
    currency: the start prices less the awarded amounts."""
    start, end = _bounds(period)
    rows = (
        Award.objects.filter(
            lot__tender__buyer_id__in=company_ids, awarded_at__gte=start, awarded_at__lt=end
        )
        .exclude(lot__deal__status=DealStatus.CANCELLED)
        .values("lot__tender__buyer_id", "lot__tender__currency")
        .annotate(lots=Count("pk"), start=Sum("lot__start_price"), awarded=Sum("amount"))
        .order_by("lot__tender__buyer_id", "lot__tender__currency")
    )
    return [
        Saving(
            company_id=row["lot__tender__buyer_id"],
            currency=row["lot__tender__currency"],
            lots=row["lots"],
            amount=_money(row["start"]) - _money(row["awarded"]),
        )
        for row in rows
    ]


# --- The supplier ------------------------------------------------------------------------------


def _category_q(paths: list[str]) -> Q:
    """A tender whose category is one of ``paths`` or lies under one (``matching.category_covers``
    in SQL)."""
    q = Q()
    for path in paths:
        q |= Q(category__path=path) | Q(category__path__startswith=f"{path}/")
    return q


def dashboard_supplier(
    *, user, today: date | None = None, now: datetime | None = None
) -> SupplierFigures | None:
    """The figures of the supplier companies ``user`` is a member of (any role), together; None
    when it is a member of none."""
    companies = list(supplier_companies_of_member(user=user))
    if not companies:
        return None
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    ids = [company.pk for company in companies]

    # Open tenders it may take part in (the trading companies only: verified, no expired
    # document) whose category its profile covers, its own tenders aside.
    trading = [company.pk for company in companies if company_can_trade(company, fresh=True)]
    paths: dict[int, list[str]] = {}
    category_ids: set[int] = set()
    profiles = SupplierProfile.objects.filter(company_id__in=trading, categories__isnull=False)
    for company_id, category_id, path in profiles.values_list(
        "company_id", "categories__pk", "categories__path"
    ):
        paths.setdefault(company_id, []).append(path)
        category_ids.add(category_id)
    matching = 0
    if paths:
        scope = Q()
        for company_id, own in paths.items():
            seen = tender_list_seen_by_suppliers(supplier_ids={company_id}).values("pk")
            scope |= Q(pk__in=seen) & _category_q(own) & ~Q(buyer_id=company_id)
        matching = Tender.objects.filter(
            scope, status=TenderStatus.PUBLISHED, applications_deadline__gt=now
        ).count()

    applications = {status: Figure(0) for status in ApplicationStatus.values}
    rows = (
        Application.objects.filter(supplier_id__in=ids)
        .values("status")
        .annotate(
            n=Count("pk"),
            tenders=Count("lot__tender_id", distinct=True),
            one=Min("lot__tender_id"),
        )
        .order_by()
    )
    for row in rows:
        applications[row["status"]] = _figure(row, "n", "tenders", "one")

    admitted = Application.objects.filter(supplier_id__in=ids, status=ApplicationStatus.ADMITTED)
    day_start, day_end = _bounds(Period(today, today))
    day = (
        admitted.filter(lot__starts_at__gte=day_start, lot__starts_at__lt=day_end)
        .exclude(lot__status__in=NOT_HELD)
        .aggregate(n=Count("lot_id", distinct=True), one=Min("lot_id"))
    )

    since = now - timedelta(days=RESULTS_DAYS)
    won = Q(award__application__supplier_id__in=ids)
    not_won = Q(status=LotStatus.FAILED) | (Q(status=LotStatus.AWARDED) & ~won)
    awaiting = Q(status=LotStatus.CLOSED)
    results = (
        Lot.objects.filter(pk__in=admitted.values("lot_id"), status__in=FINISHED)
        .filter(Q(closed_at__gte=since) | Q(award__awarded_at__gte=since))
        .aggregate(
            won=Count("pk", filter=won),
            won_one=Min("pk", filter=won),
            not_won=Count("pk", filter=not_won),
            not_won_one=Min("pk", filter=not_won),
            awaiting=Count("pk", filter=awaiting),
            awaiting_one=Min("pk", filter=awaiting),
        )
    )
    return SupplierFigures(
        companies=companies,
        matching=matching,
        category_ids=sorted(category_ids),
        applications=applications,
        auctions_today=_figure(day, "n", "n", "one"),
        won=_figure(results, "won", "won", "won_one"),
        not_won=_figure(results, "not_won", "not_won", "not_won_one"),
        awaiting=_figure(results, "awaiting", "awaiting", "awaiting_one"),
    )
