"""Who reads collusion signals, and the rows they are found in (issue 19).

A lot's signals are for its buyer's side: any member of the buyer company, the platform's
admins and operator staff (``tenders.selectors.tender_is_buyer_side``, as the buyer's live
console). Everyone else, a supplier that bid on the lot included, is told there is no such lot:
a supplier never learns that signals exist about it.

Across lots the scope is the reader's: staff every lot, a platform's admins the lots of their
platforms, a buyer company's people the lots of its own tenders (never another buyer's, even on
a platform they trade on). A reader with none of these is told there is nothing here (404).

The rows come in a few queries whatever the number of lots: the lots with their tender,
category and winner (one), their bids (one), the suppliers' names (one). Only finished lots
(closed or awarded) are analysed across lots; a lot's own signals read it in any state, but a
sealed lot's offers only once they are opened, as nobody, its buyer included, sees them before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.categories.models import request_language
from marketplace.companies.models import Company
from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError
from marketplace.platforms.models import AuctionFormat, Platform
from marketplace.platforms.selectors import administered_platform_ids

from ..models import Bid, Lot, LotStatus, Tender
from ..tenders.selectors import lot_get_visible, tender_is_buyer_side
from . import signals

DEFAULT_PERIOD_DAYS = 180
"""Across lots, without ``since``: the lots finished in the last 180 days (two quarters, long
enough for a rotation to go round several times)."""

LOT_CONTEXT_DAYS = 365
"""A lot's cross-lot signals read the same buyer's lots on the same platform finished within a
year of it, before or after (a pattern is the same whichever lot one starts from)."""

MAX_LOTS = 5000
"""An analysis reads at most the 5,000 lots that finished last (``truncated`` says when more
were in scope): the detectors run in the request."""

FINISHED = (LotStatus.CLOSED, LotStatus.AWARDED)


@dataclass
class Analysis:
    market: signals.Market
    flags: list[signals.Flag]
    since: datetime
    lots_analysed: int
    truncated: bool
    lot: Lot | None = None
    platform: int | None = None
    buyer: int | None = None


def _finished_at():
    return Coalesce("closed_at", "ends_at", "starts_at")


def signals_lot_get(*, user, lot_id: int) -> Lot:
    """The lot, for its buyer's side only; 404 ``lot_not_found`` for anyone else."""
    lot = lot_get_visible(user=user, lot_id=lot_id)
    if not tender_is_buyer_side(user=user, tender=lot.tender):
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    return lot


def signals_scope(*, user) -> Q:
    """The lots ``user`` may analyse (staff: all); NotFoundError for a reader with no scope."""
    admin_ids = administered_platform_ids(user=user)
    if admin_ids is None:
        return Q()
    buyer_ids = set(
        Company.objects.filter(pk__in=user_company_ids(user=user), is_buyer=True).values_list(
            "pk", flat=True
        )
    )
    if not admin_ids and not buyer_ids:
        raise NotFoundError(_("Not found."), code="not_found")
    return Q(tender__buyer_id__in=buyer_ids) | Q(tender__platform_id__in=admin_ids)


def _lot_rows(lots: QuerySet[Lot]) -> list[signals.LotRow]:
    """The lots as the detectors read them, in one query."""
    lang = request_language()
    rows = lots.values(
        "pk",
        "tender_id",
        "number",
        "title",
        "start_price",
        "step_kind",
        "step_value",
        "step_bands",
        "auction_format",
        "status",
        "weighted",
        "landed_cost",
        "original_ends_at",
        "ends_at",
        buyer=F("tender__buyer_id"),
        platform=F("tender__platform_id"),
        category=F("tender__category_id"),
        category_code=F("tender__category__code"),
        category_en=F("tender__category__name_en"),
        category_local=F(f"tender__category__name_{lang}"),
        tender_title=F("tender__title"),
        currency=F("tender__currency"),
        awarded=F("award__application__supplier_id"),
        ranked_first=F("best_application__supplier_id"),
    )
    out = []
    for r in rows:
        winner = r["awarded"]
        if winner is None and r["status"] == LotStatus.CLOSED:
            winner = r["ranked_first"]
        name = r["category_local"] or r["category_en"] or ""
        out.append(
            signals.LotRow(
                id=r["pk"],
                start_price=r["start_price"],
                buyer=r["buyer"],
                platform=r["platform"],
                category=r["category"],
                category_name=f"{r['category_code']} {name}".strip(),
                tender=r["tender_id"],
                tender_title=r["tender_title"],
                number=r["number"],
                title=r["title"],
                currency=r["currency"],
                step_kind=r["step_kind"],
                step_value=r["step_value"],
                step_bands=tuple(r["step_bands"] or ()),
                auction_format=r["auction_format"],
                ends_at=r["original_ends_at"] or r["ends_at"],
                by_price=not (r["weighted"] or r["landed_cost"]),
                winner=winner,
            )
        )
    return out


def market_of(lots: QuerySet[Lot]) -> signals.Market:
    """The rows of ``lots`` (each lot at most once) in three queries: lots, bids, names."""
    rows = _lot_rows(lots)
    # A sealed lot's offers stay hidden from everyone until they are opened (it closes then).
    hidden = Q(lot__auction_format=AuctionFormat.SEALED) & ~Q(lot__status__in=FINISHED)
    bids = (
        [
            signals.BidRow(
                id=pk, lot=lot, supplier=supplier, amount=amount, placed_at=placed_at, kind=kind
            )
            for pk, lot, supplier, amount, placed_at, kind in Bid.objects.filter(
                lot_id__in=lots.values("pk"), withdrawal__isnull=True
            )
            .exclude(hidden)
            .values_list("pk", "lot_id", "application__supplier_id", "amount", "placed_at", "kind")
            .order_by()
        ]
        if rows
        else []
    )
    suppliers = {b.supplier for b in bids}
    names = dict(
        Company.objects.filter(pk__in=suppliers).values_list("pk", "legal_name")
        if suppliers
        else ()
    )
    return signals.Market(rows, bids, names)


def lot_signals(*, user, lot_id: int) -> Analysis:
    """The flags that involve one lot: its own (identical bids) and the cross-lot ones found
    among the same buyer's lots on the same platform that finished within
    ``LOT_CONTEXT_DAYS`` of it."""
    lot = signals_lot_get(user=user, lot_id=lot_id)
    end = lot.closed_at or lot.ends_at or timezone.now()
    since = end - timedelta(days=LOT_CONTEXT_DAYS)
    context = Q(
        tender__buyer_id=lot.tender.buyer_id,
        tender__platform_id=lot.tender.platform_id,
        status__in=FINISHED,
        finished_at__gte=since,
        finished_at__lte=end + timedelta(days=LOT_CONTEXT_DAYS),
    )
    lots = (
        Lot.objects.annotate(finished_at=_finished_at())
        .filter(Q(pk=lot.pk) | context)
        .annotate(
            own=Case(When(pk=lot.pk, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("own", "-finished_at", "-pk")
    )
    chosen = Lot.objects.filter(pk__in=lots.values("pk")[:MAX_LOTS])
    market = market_of(chosen)
    return Analysis(
        market=market,
        flags=signals.detect(market, lot=lot.pk),
        since=since,
        lots_analysed=len(market.lots),
        truncated=len(market.lots) == MAX_LOTS and lots.count() > MAX_LOTS,
        lot=lot,
    )


def signals_across(
    *, user, platform: int | None = None, buyer: int | None = None, since: datetime | None = None
) -> Analysis:
    """The flags across the finished lots in the reader's scope (``signals_scope``), of one
    platform and one buyer when given, finished since ``since`` (default: the last
    ``DEFAULT_PERIOD_DAYS``). A platform or buyer outside the scope gives no lots."""
    scope = signals_scope(user=user)
    since = since or timezone.now() - timedelta(days=DEFAULT_PERIOD_DAYS)
    lots = (
        Lot.objects.annotate(finished_at=_finished_at())
        .filter(scope, status__in=FINISHED, finished_at__gte=since)
        .order_by("-finished_at", "-pk")
    )
    if platform is not None:
        lots = lots.filter(tender__platform_id=platform)
    if buyer is not None:
        lots = lots.filter(tender__buyer_id=buyer)
    chosen = Lot.objects.filter(pk__in=lots.values("pk")[:MAX_LOTS])
    market = market_of(chosen)
    return Analysis(
        market=market,
        flags=signals.detect(market),
        since=since,
        lots_analysed=len(market.lots),
        truncated=len(market.lots) == MAX_LOTS and lots.count() > MAX_LOTS,
        platform=platform,
        buyer=buyer,
    )


def signals_filter_choices(*, user) -> tuple[QuerySet[Platform], QuerySet[Company]]:
    """What a reader may narrow an analysis to: the platforms it administers (staff: all) or
    where its buyer companies have tenders, and its buyer companies."""
    admin_ids = administered_platform_ids(user=user)
    buyers = Company.objects.filter(pk__in=user_company_ids(user=user), is_buyer=True)
    platforms = Platform.objects.order_by("name", "pk")
    if admin_ids is not None:
        traded = Tender.objects.filter(buyer__in=buyers).values("platform_id")
        platforms = platforms.filter(Q(pk__in=admin_ids) | Q(pk__in=traded))
    return platforms, buyers.order_by("legal_name", "pk")
