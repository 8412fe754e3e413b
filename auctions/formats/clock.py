"""What the clock formats (Japanese, Dutch) share: a price level each ``level_seconds``, the
level's step (the lot's step at the start price), and the bid checks' first question."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from ..bidding.outcomes import BidRejected
from ..models import Lot
from .base import step


def level_step(lot: Lot) -> Decimal:
    """How far the price moves from one level to the next."""
    return step(lot, lot.start_price)


def schedule_levels(lot: Lot, levels: int, now: datetime) -> tuple[datetime, datetime]:
    """The first level's end, and the end if the clock ran through all ``levels``."""
    level = timedelta(seconds=lot.level_seconds)
    return now + level, now + level * levels


def next_level_end(lot: Lot, ends_at: datetime, now: datetime) -> datetime:
    """The next level's end: a whole level's time, even after a late scheduler."""
    return max(ends_at, now) + timedelta(seconds=lot.level_seconds)


def current_level(lot: Lot) -> int:
    """The level the clock stands at; refused before the clock starts."""
    if lot.current_round < 1:
        raise BidRejected(_("The clock has not started yet."), code="not_started")
    return lot.current_round
