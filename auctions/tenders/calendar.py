"""The calendar of my auctions: the lots a person works on, by their auction start, and when
each is expected to end.

The lots are "My auctions"' two sets (``selectors.lot_workspace_filters``: the lots where one
of the person's companies is an admitted supplier, and the lots of its companies' tenders),
placed by ``Lot.starts_at``; drafts, cancelled lots and lots not scheduled yet are left out.

The end asks the lot's format (``formats.format_of(lot).schedule``), which is why this read
is a module of its own: the formats import ``participation``, which imports ``selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count

from marketplace.companies.selectors import user_company_ids
from marketplace.platforms.models import AuctionFormat

from ..formats import format_of
from ..models import Application, ApplicationStatus, Lot, LotStatus
from .selectors import lot_workspace_filters

# A calendar is no place for more; a person with more lots in a window sees the soonest.
CALENDAR_MAX_LOTS = 1000
# An end estimated at or before the start (a lot failed before it began) shows this long.
SHORTEST = timedelta(minutes=15)
# The longest a lot may last (``Lot.duration_seconds``'s bound); a clock format's estimate,
# which runs every level to the last, is cut here.
LONGEST = timedelta(days=7)


@dataclass(frozen=True)
class CalendarLot:
    """A lot in the calendar: ``buying`` (a lot of one of my companies' tenders) or one we bid
    in; its end, and whether that end is an estimate (the lot has not finished)."""

    lot: Lot
    buying: bool
    ends_at: datetime
    end_estimated: bool


def lot_expected_end(lot: Lot, *, bidders: int) -> tuple[datetime, bool]:
    """When ``lot``'s auction ends (it has a start): the time, and whether it is an estimate.

    Finished (closed, awarded, failed after the start): when it closed. Started: the later of
    its current deadline and the end it was scheduled with, since a rounds or clock lot's
    ``ends_at`` is its current turn's or level's deadline, and an English lot's soft close
    moves ``ends_at`` past the original end. Not started: the end its format's ``schedule``
    gives from the start (the rounds with ``bidders``' turns; the clocks run to their last
    level, at most ``LONGEST``). Anything unfinished is an estimate."""
    start = lot.starts_at
    if start is None:
        raise ValueError(f"lot {lot.pk} has no start")
    if lot.closed_at is not None:
        end, estimated = lot.closed_at, False
    elif lot.ends_at is not None or lot.original_ends_at is not None:
        end = max(t for t in (lot.ends_at, lot.original_ends_at) if t is not None)
        estimated = True
    else:
        try:
            end = format_of(lot).schedule(lot, bidders, start)[1]
        except OverflowError:  # a clock with more levels than a calendar can hold
            end = start + LONGEST
        estimated = True
    if end <= start:
        end = start + SHORTEST
    return min(end, start + LONGEST), estimated


def lot_calendar_for(*, user, start: datetime, end: datetime) -> list[CalendarLot]:
    """The lots ``user`` works on whose auction starts in [``start``, ``end``), the soonest
    first (at most ``CALENDAR_MAX_LOTS``). Two queries at most, however many lots: the lots,
    and the admitted counts of rounds lots not started yet (their length depends on it)."""
    companies = user_company_ids(user=user)
    if not companies:
        return []
    bidding, buying = lot_workspace_filters(company_ids=companies)
    lots = list(
        Lot.objects.select_related("tender", "tender__buyer")
        .exclude(status__in=[LotStatus.DRAFT, LotStatus.CANCELLED])
        .filter(bidding | buying, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "tender_id", "number")[:CALENDAR_MAX_LOTS]
    )
    waiting_rounds = [
        lot.pk
        for lot in lots
        if lot.auction_format == AuctionFormat.ROUNDS
        and lot.closed_at is None
        and lot.ends_at is None
        and lot.original_ends_at is None
    ]
    bidders: dict[int, int] = {}
    if waiting_rounds:
        bidders = dict(
            Application.objects.filter(lot_id__in=waiting_rounds, status=ApplicationStatus.ADMITTED)
            .order_by()
            .values("lot_id")
            .annotate(n=Count("pk"))
            .values_list("lot_id", "n")
        )
    entries = []
    for lot in lots:
        ends_at, estimated = lot_expected_end(lot, bidders=bidders.get(lot.pk, 0))
        entries.append(
            CalendarLot(
                lot=lot,
                buying=lot.tender.buyer_id in companies,
                ends_at=ends_at,
                end_estimated=estimated,
            )
        )
    return entries
