"""Instants as the API writes them: ISO 8601 in UTC with a ``Z``, the same in the REST answers
and in the websocket frames.

DRF's ``DateTimeField`` writes ``2026-11-23T10:00:00.120000Z`` (the site's time zone is UTC);
Python's ``isoformat`` writes ``+00:00``, which the frames and the live views once carried, so
one instant read two ways depending on the channel. Every instant a view or a frame builds by
hand goes through ``iso_utc``."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone


def iso_utc(value: datetime | None) -> str | None:
    """``value`` in UTC as ISO 8601 ending in ``Z`` (microseconds kept, as DRF keeps them)."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[: -len("+00:00")] + "Z"


def now_iso() -> str:
    """The server's clock now, as ``iso_utc`` writes it (the frames' ``server_time``)."""
    return iso_utc(timezone.now()) or ""


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The time zone of that IANA name (a person's ``time_zone``); UTC for a name not known."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_text(value: datetime) -> str:
    """``value`` in the active time zone as a message to a person writes it, with the zone's
    abbreviation: ``2026-12-05 16:30 EET`` (``2026-12-05 14:30 UTC`` where none is active)."""
    local = timezone.localtime(value)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"
