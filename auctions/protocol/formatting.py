"""Money and times as the protocol writes them: in the record's descriptions and in the rendered
cells alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.utils.formats import number_format


def money(amount: Decimal | None, currency: str) -> str:
    """``amount`` with grouping and two decimals in the active language, then the currency."""
    if amount is None:
        return "—"
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


def fmt_dt(value: datetime | None) -> str:
    """A time in UTC with milliseconds; "—" for none."""
    if value is None:
        return "—"
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d} UTC"
