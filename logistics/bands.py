"""The rules of a rate card's bands and of its price, as pure functions (no ORM): the rate
cards' services, the XLSX import and the quote all use these, so each rule is written once.

A band covers its distance and its weight (kg, or pallets or trucks) *from* (inclusive) *to*
(exclusive). Two bands overlap when their ranges meet in both dimensions; adjacent ranges
(one's *to* is the other's *from*) do not meet. The price of a shipment is
``max(minimum charge, units × price per unit) × (1 + fuel surcharge % / 100)``, rounded half up
to the cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
COLUMNS = ("distance_from", "distance_to", "weight_from", "weight_to", "price", "transit_days")
MAX_TRANSIT_DAYS = 365


@dataclass(frozen=True)
class Band:
    distance_from: Decimal
    distance_to: Decimal
    weight_from: Decimal
    weight_to: Decimal
    price: Decimal
    transit_days: int

    def covers(self, *, distance: Decimal, units: Decimal) -> bool:
        return (
            self.distance_from <= distance < self.distance_to
            and self.weight_from <= units < self.weight_to
        )

    def overlaps(self, other: Band) -> bool:
        return (
            self.distance_from < other.distance_to
            and other.distance_from < self.distance_to
            and self.weight_from < other.weight_to
            and other.weight_from < self.weight_to
        )


def band_errors(band: Band) -> list[tuple[str, str]]:
    """What is wrong with one band on its own: ``[(column, problem)]``."""
    errors: list[tuple[str, str]] = []
    for column in ("distance", "weight"):
        low, high = getattr(band, f"{column}_from"), getattr(band, f"{column}_to")
        if low < 0:
            errors.append((f"{column}_from", _("Must not be negative.")))
        if low >= high:
            errors.append(
                (f"{column}_to", _("Must be greater than “from” (%(low)s).") % {"low": low})
            )
    if band.price < 0:
        errors.append(("price", _("The price must not be negative.")))
    if not 0 <= band.transit_days <= MAX_TRANSIT_DAYS:
        errors.append(
            (
                "transit_days",
                _("Transit days must be from 0 to %(max)d.") % {"max": MAX_TRANSIT_DAYS},
            )
        )
    return errors


def overlapping(bands: Sequence[Band | None]) -> dict[int, list[int]]:
    """For each band (by index), the indexes of the earlier bands it overlaps. ``None`` entries
    (rows that could not be read) are skipped."""
    found: dict[int, list[int]] = {}
    for index, band in enumerate(bands):
        if band is None:
            continue
        earlier = [
            other
            for other, prior in enumerate(bands[:index])
            if prior is not None and band.overlaps(prior)
        ]
        if earlier:
            found[index] = earlier
    return found


def card_errors(bands: Sequence[Band], *, label=None) -> dict[int, list[tuple[str, str]]]:
    """Every band's problems, its own and its overlaps with the bands before it, by index.
    ``label(index)`` names a band in the overlap message (default: ``band N``, from 1)."""
    name = label or (lambda index: _("band %(n)d") % {"n": index + 1})
    errors: dict[int, list[tuple[str, str]]] = {}
    for index, band in enumerate(bands):
        own = band_errors(band)
        if own:
            errors[index] = own
    clean: list[Band | None] = [None if i in errors else b for i, b in enumerate(bands)]
    for index, earlier in overlapping(clean).items():
        names = ", ".join(name(other) for other in earlier)
        errors.setdefault(index, []).append(
            ("", _("Overlaps %(bands)s in both distance and weight.") % {"bands": names})
        )
    return errors


def units_of(*, weight_kg: Decimal, basis: str, unit_capacity_kg: Decimal | None) -> Decimal:
    """What a card counts for a shipment of ``weight_kg``: the kilograms (per kg), or the
    pallets or trucks it fills (the weight over one's capacity, rounded up)."""
    if basis == "per_kg":
        return weight_kg
    if not unit_capacity_kg or unit_capacity_kg <= 0:
        raise ValueError("a card per pallet or per truck needs its unit capacity")
    return max((weight_kg / unit_capacity_kg).to_integral_value(ROUND_CEILING), Decimal(1))


def band_for(bands: Sequence[Band], *, distance: Decimal, units: Decimal) -> Band | None:
    """The band that covers ``distance`` and ``units`` (a valid card has at most one)."""
    return next((b for b in bands if b.covers(distance=distance, units=units)), None)


@dataclass(frozen=True)
class Price:
    units: Decimal
    base: Decimal  # units × price per unit
    charged: Decimal  # the base, or the minimum charge when that is more
    cost: Decimal  # with the fuel surcharge, to the cent
    minimum_applied: bool


def price_of(
    *, band: Band, units: Decimal, minimum_charge: Decimal, fuel_surcharge_percent: Decimal
) -> Price:
    base = units * band.price
    charged = max(minimum_charge, base)
    cost = (charged * (1 + fuel_surcharge_percent / Decimal(100))).quantize(CENT, ROUND_HALF_UP)
    return Price(
        units=units,
        base=base.quantize(CENT, ROUND_HALF_UP),
        charged=charged.quantize(CENT, ROUND_HALF_UP),
        cost=cost,
        minimum_applied=minimum_charge > base,
    )
