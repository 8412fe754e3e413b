"""The auction formats, one module each, chosen through one table (``FORMATS``).

Each format decides and never writes (``base.Format`` says what it provides): the bid path and
the lifecycle ask the lot's format and carry out what it decided."""

from __future__ import annotations

from marketplace.platforms.models import AuctionFormat

from ..models import Lot
from . import dutch, english, japanese, rounds, sealed
from .base import Format

FORMATS: dict[str, Format] = {
    AuctionFormat.ENGLISH: english.FORMAT,
    AuctionFormat.ROUNDS: rounds.FORMAT,
    AuctionFormat.SEALED: sealed.FORMAT,
    AuctionFormat.JAPANESE: japanese.FORMAT,
    AuctionFormat.DUTCH: dutch.FORMAT,
}


def format_of(lot: Lot) -> Format:
    return FORMATS[lot.auction_format]
