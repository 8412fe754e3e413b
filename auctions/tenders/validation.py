"""The rules a draft tender and its lots must meet, as field errors; the auction rules a new lot
starts from (the platform's defaults); and a lot built from its fields and checked, not saved."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.platforms.models import Platform
from marketplace.translation.models import LANGUAGE_CODES

from .. import rules
from ..models import AuctionFormat, Lot, StepKind, Tender
from ._common import invalid, to_decimal

MAX_STEP_BANDS = 20
MAX_CRITERIA = 10
MAX_OPTIONS = 10

TENDER_FIELDS = (
    "title",
    "description",
    "original_language",
    "category",
    "currency",
    "questions_deadline",
    "applications_deadline",
    "auction_start",
    "participation",
    "reveal_identities",
    "public_live",
)
LOT_FIELDS = (
    "title",
    "description",
    "quantity",
    "unit",
    "start_price",
    "reserve_price",
    "delivery_place",
    "delivery_date",
    "incoterms",
    "delivery_latitude",
    "delivery_longitude",
    "unit_weight_kg",
    "auction_format",
    "step_kind",
    "step_value",
    "step_bands",
    "step_reference",
    "max_step_percent",
    "security_percent",
    "tie_rule",
    "duration_seconds",
    "soft_close_window_seconds",
    "soft_close_extension_seconds",
    "soft_close_max_rank",
    "soft_close_max_extensions",
    "stagger_seconds",
    "visibility",
    "min_participants",
    "allow_single_award",
    "rounds",
    "turn_seconds",
    "first_pause_seconds",
    "round_pause_seconds",
    "level_seconds",
    "floor_price",
    "weighted",
    "landed_cost",
)


# --- Tenders ---------------------------------------------------------------------------------


def tender_errors(tender: Tender, *, now: datetime) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        tender.full_clean(
            exclude=["platform", "buyer", "created_by", "category"], validate_constraints=False
        )
    except DjangoValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
    if tender.original_language not in LANGUAGE_CODES:
        errors["original_language"] = [_("Choose English, Russian or Ukrainian.")]
    for field in ("questions_deadline", "applications_deadline", "auction_start"):
        value = getattr(tender, field)
        if value is not None and value <= now and field not in errors:
            errors[field] = [_("Must be in the future.")]
    q, a, s = tender.questions_deadline, tender.applications_deadline, tender.auction_start
    if q and a and q > a:
        errors.setdefault("questions_deadline", []).append(
            _("The questions deadline must not be after the applications deadline.")
        )
    if a and s and a > s:
        errors.setdefault("applications_deadline", []).append(
            _("The applications deadline must not be after the auction start.")
        )
    return errors


# --- Lots ------------------------------------------------------------------------------------


def lot_defaults_from_platform(platform: Platform) -> dict:
    """The auction rules a new lot starts from: the platform's defaults (minutes -> seconds)."""
    return {
        "auction_format": platform.default_auction_format,
        "step_kind": StepKind.PERCENT,
        "step_value": platform.default_min_step_percent,
        "soft_close_window_seconds": platform.default_soft_close_window_minutes * 60,
        "soft_close_extension_seconds": platform.default_soft_close_extension_minutes * 60,
        "duration_seconds": platform.default_auction_duration_minutes * 60,
        "visibility": platform.default_visibility,
        "min_participants": platform.min_participants,
    }


def _band_errors(bands) -> list[str]:
    if bands in (None, []):
        return []
    if not isinstance(bands, list) or len(bands) > MAX_STEP_BANDS:
        return [_("Give a list of at most %(n)s bands.") % {"n": MAX_STEP_BANDS}]
    seen: set[Decimal] = set()
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"below", "step"}:
            return [_('Each band is {"below": "<price>", "step": "<step>"}.')]
        below, step = to_decimal(band["below"]), to_decimal(band["step"])
        if below is None or step is None or below <= 0 or step <= 0:
            return [_("A band's bound and step must be positive numbers.")]
        if below in seen:
            return [_("Two bands have the same bound.")]
        seen.add(below)
    return []


def _criteria_errors(criteria: list[dict] | None) -> list[str]:
    if not criteria:
        return [_("A weighted lot needs at least one criterion.")]
    if len(criteria) > MAX_CRITERIA:
        return [_("At most %(n)s criteria.") % {"n": MAX_CRITERIA}]
    codes: set[str] = set()
    maxima: list[list[Decimal]] = []
    for criterion in criteria:
        code = criterion.get("code") or ""
        options = criterion.get("options") or []
        if not code or code in codes:
            return [_("Each criterion needs its own code.")]
        codes.add(code)
        if not criterion.get("title"):
            return [_("Each criterion needs a title.")]
        if not options or len(options) > MAX_OPTIONS:
            return [_("Each criterion needs 1 to %(n)s options.") % {"n": MAX_OPTIONS}]
        values = []
        for option in options:
            value = to_decimal(option.get("value"))
            if value is None or value < 0 or not value.is_finite():
                return [_("An option's value must be a number of 0 or more.")]
            if not option.get("title"):
                return [_("Each option needs a title.")]
            values.append(value)
        if len(set(values)) != len(values):
            return [_("A criterion's options must have different values.")]
        maxima.append(values)
    if rules.features_max_sum(maxima) >= 1:
        return [_("The criteria's largest values must add up to less than 1.")]
    return []


def lot_errors(lot: Lot, criteria: list[dict] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        lot.full_clean(exclude=["tender", "best_application", "number"], validate_constraints=False)
    except DjangoValidationError as exc:
        errors = {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if isinstance(lot.start_price, Decimal) and isinstance(lot.reserve_price, Decimal):
        if lot.reserve_price <= 0:
            add("reserve_price", _("The reserve price must be greater than zero."))
        elif lot.reserve_price > lot.start_price:
            add("reserve_price", _("The reserve price must not exceed the start price."))
    if (
        lot.step_kind == StepKind.PERCENT
        and isinstance(lot.step_value, Decimal)
        and lot.step_value >= 50
    ):
        # xgettext:no-python-format
        add("step_value", _("A step of 50% of the start price or more is not a step."))
    if (
        lot.step_kind == StepKind.AMOUNT
        and isinstance(lot.step_value, Decimal)
        and isinstance(lot.start_price, Decimal)
        and lot.step_value >= lot.start_price
    ):
        add("step_value", _("The step must be smaller than the start price."))
    for message in _band_errors(lot.step_bands):
        add("step_bands", message)
    window, extension = lot.soft_close_window_seconds, lot.soft_close_extension_seconds
    duration = lot.duration_seconds
    if isinstance(window, int) and isinstance(extension, int) and (window == 0) != (extension == 0):
        add(
            "soft_close_extension_seconds",
            _("The soft close needs both a window and an extension; set both to 0 to turn it off."),
        )
    if isinstance(window, int) and isinstance(duration, int) and window and window >= duration:
        add(
            "soft_close_window_seconds",
            _("The soft close window must be shorter than the auction."),
        )
    if window == 0 and (lot.soft_close_max_rank or lot.soft_close_max_extensions):
        add("soft_close_max_rank", _("These limits need a soft close window."))
    for field, message in _clock_errors(lot):
        add(field, message)
    rounds_format = lot.auction_format == AuctionFormat.ROUNDS
    if rounds_format and isinstance(lot.turn_seconds, int) and lot.turn_seconds < 10:
        add("turn_seconds", _("A turn lasts at least 10 seconds."))
    if lot.weighted:
        for message in _criteria_errors(criteria):
            add("criteria", message)
    elif criteria:
        add("criteria", _("Only a weighted lot has criteria; set weighted to true."))
    for field, message in _delivery_errors(lot):
        add(field, message)
    if lot.delivery_date and lot.delivery_date < timezone.localdate():
        add("delivery_date", _("The delivery date is in the past."))
    return errors


CLOCK_FORMATS = (AuctionFormat.JAPANESE, AuctionFormat.DUTCH)


def dutch_serial_errors(lots: list[Lot]) -> dict[str, list[str]]:
    """A Dutch lot runs alone (serial lots only): it does not start with the lot before it,
    and its whole clock ends before the next lot starts (``stagger_seconds``: the time from a
    lot's start to the next one's)."""
    from ..formats import dutch

    errors: dict[str, list[str]] = {}
    ordered = sorted(lots, key=lambda lot: lot.number)
    for i, lot in enumerate(ordered):
        if lot.auction_format != AuctionFormat.DUTCH:
            continue
        clock = dutch.levels(lot) * lot.level_seconds
        if i > 0 and not ordered[i - 1].stagger_seconds:
            errors.setdefault(f"lots.{i - 1}.stagger_seconds", []).append(
                _("Lot %(number)s is Dutch: it must not start with the lot before it.")
                % {"number": lot.number}
            )
        if i < len(ordered) - 1 and lot.stagger_seconds < clock:
            errors.setdefault(f"lots.{i}.stagger_seconds", []).append(
                _(
                    "Lot %(number)s is Dutch and runs alone: the next lot may start %(seconds)s "
                    "seconds after it at the earliest (its whole clock)."
                )
                % {"number": lot.number, "seconds": clock}
            )
    return errors


def _clock_errors(lot: Lot) -> list[tuple[str, str]]:
    """The Japanese and Dutch formats: a clock of prices, by price alone."""
    if lot.auction_format not in CLOCK_FORMATS:
        if lot.floor_price is not None:
            return [("floor_price", _("Only the Japanese and Dutch formats have a floor price."))]
        return []
    errors = []
    if lot.weighted or lot.landed_cost:
        errors.append(
            (
                "auction_format",
                _(
                    "The Japanese and Dutch formats rank by price alone: not with weighted "
                    "criteria or landed cost."
                ),
            )
        )
    floor, start = lot.floor_price, lot.start_price
    if isinstance(floor, Decimal) and floor <= 0:
        errors.append(("floor_price", _("The floor price must be greater than zero.")))
    elif isinstance(floor, Decimal) and isinstance(start, Decimal) and floor >= start:
        errors.append(("floor_price", _("The floor price must be below the start price.")))
    return errors


def _delivery_errors(lot: Lot) -> list[tuple[str, str]]:
    """The delivery place's coordinates, and what ranking by landed cost needs."""
    errors = []
    lat, lon = lot.delivery_latitude, lot.delivery_longitude
    if (lat is None) != (lon is None):
        errors.append(("delivery_latitude", _("Give both coordinates of the delivery place.")))
    if isinstance(lat, Decimal) and not -90 <= lat <= 90:
        errors.append(("delivery_latitude", _("A latitude is between -90 and 90.")))
    if isinstance(lon, Decimal) and not -180 <= lon <= 180:
        errors.append(("delivery_longitude", _("A longitude is between -180 and 180.")))
    if not lot.landed_cost:
        return errors
    if lot.weighted:
        errors.append(
            (
                "landed_cost",
                _("A lot is ranked by landed cost or by weighted criteria, not by both."),
            )
        )
    if not rules.delivery_added(lot.incoterms):
        errors.append(
            (
                "incoterms",
                _(
                    "Ranking by landed cost adds each supplier's delivery cost to its price, "
                    "which only the E and F terms leave out: choose EXW, FCA, FAS or FOB (under "
                    "the C and D terms the prices already include the carriage)."
                ),
            )
        )
    if lat is None or lon is None:
        errors.append(
            (
                "delivery_latitude",
                _("Ranking by landed cost needs the delivery place's coordinates."),
            )
        )
    if lot.unit_weight_kg is None:
        errors.append(
            (
                "unit_weight_kg",
                _("Ranking by landed cost needs the weight of one unit to quote the delivery."),
            )
        )
    return errors


def normalise_bands(fields: dict) -> None:
    """Store step bands as JSON strings (Decimals are not JSON)."""
    bands = fields.get("step_bands")
    if isinstance(bands, list) and all(isinstance(b, dict) for b in bands):
        fields["step_bands"] = [{k: str(v) for k, v in b.items()} for b in bands]


def lot_build(*, tender: Tender, number: int, fields: dict, criteria: list[dict] | None) -> Lot:
    unknown = set(fields) - set(LOT_FIELDS)
    if unknown:
        raise TypeError(f"unknown lot fields: {sorted(unknown)}")
    normalise_bands(fields)
    values = {**lot_defaults_from_platform(tender.platform), **fields}
    lot = Lot(tender=tender, number=number, **values)
    errors = lot_errors(lot, criteria)
    if errors:
        raise invalid("invalid_lot", errors)
    return lot
