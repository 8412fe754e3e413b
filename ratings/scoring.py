"""Supplier scores as pure functions: facts in, figures out (no database, no clock).

Six criteria, each scored 0-100 (``docs/ratings.md`` has the same in words):

* ``price``: price competitiveness, the average gap (per cent) between the supplier's best offer
  and the winning price in the decided auctions it bid in (0 when it won);
  score = 100 − 5 × gap (a 20 % gap or more scores 0);
* ``win_rate``: lots won / decided lots it bid in, per cent; score = the rate;
* ``on_time``: deliveries accepted on time (0 days late) / deliveries accepted, per cent;
  score = the rate;
* ``quality``: the buyers' reviews (1-5, each review's criteria averaged) and the claims at
  delivery acceptance; score = the mean of (average review − 1) / 4 × 100 and the claim-free
  rate of the accepted deliveries, of those two that have data;
* ``responsiveness``: hours from an order (with its contract) being sent to the supplier's
  answer (accepted or declined); score = 100 up to 24 h, 0 from 240 h (ten days), linear
  between;
* ``reliability``: of the chances to let the buyer down (admitted to an auction that ran,
  orders sent to it and answered), the share it did not (it bid; it accepted), per cent;
  score = the share.

**No data, no judgement.** A criterion without facts in the period is left out, and the weights
of the others are renormalised to 100 % (total = Σ weight × score / Σ weight over the criteria
with data). No criterion with data (or only criteria weighted 0): no total, no band.

Scores and figures are Decimals rounded half up to two places.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CRITERIA: tuple[str, ...] = (
    "price",
    "win_rate",
    "on_time",
    "quality",
    "responsiveness",
    "reliability",
)
CRITERION_LABELS = {
    "price": gettext_lazy("Price competitiveness"),
    "win_rate": gettext_lazy("Win rate"),
    "on_time": gettext_lazy("On-time delivery"),
    "quality": gettext_lazy("Quality"),
    "responsiveness": gettext_lazy("Responsiveness"),
    "reliability": gettext_lazy("Reliability"),
}
# Per cent; they sum to 100. Deliveries and quality weigh most: they are what a buyer lives with.
DEFAULT_WEIGHTS: dict[str, int] = {
    "price": 20,
    "win_rate": 10,
    "on_time": 25,
    "quality": 25,
    "responsiveness": 10,
    "reliability": 10,
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PRICE_GAP_PENALTY = Decimal(5)  # score points per percentage point of average gap
RESPONSE_FULL_HOURS = Decimal(24)
RESPONSE_ZERO_HOURS = Decimal(240)
# A criterion "lowered" the score when it cost at least this many points of the total.
LOWERED_MIN_POINTS = Decimal(1)


@dataclass(frozen=True)
class Bands:
    """Thresholds of the standing bands: below ``blocked_below`` blocked, below
    ``warning_below`` warning, below ``excellent_from`` average, else excellent. The defaults
    are ERPNext's supplier scorecard's standings."""

    blocked_below: Decimal = Decimal(30)
    warning_below: Decimal = Decimal(50)
    excellent_from: Decimal = Decimal(80)


DEFAULT_BANDS = Bands()


@dataclass(frozen=True)
class Facts:
    """What happened between one buyer (or every buyer) and one supplier in one period."""

    price_gaps: tuple[Decimal, ...] = ()  # per decided lot it bid in: gap to the winner, per cent
    lots_entered: int = 0  # decided lots it bid in
    lots_won: int = 0
    deliveries: int = 0  # delivery acceptances
    deliveries_on_time: int = 0
    claims: int = 0  # acceptances with a claim (quantity or quality not OK)
    review_scores: tuple[Decimal, ...] = ()  # each review's mean, 1-5
    response_hours: tuple[Decimal, ...] = ()  # per answered order: hours from sent to answer
    admitted: int = 0  # admitted applications to auctions that ran
    never_bid: int = 0  # of which it made no offer
    orders_answered: int = 0  # orders sent to it and answered
    declined: int = 0  # of which it declined (refused to sign)

    @property
    def empty(self) -> bool:
        return self == Facts()


@dataclass(frozen=True)
class Criterion:
    code: str
    figure: Decimal | None  # the raw figure (a gap, a rate, hours, a review average)
    score: Decimal | None  # 0-100; None: no data
    count: int = 0  # the facts behind it
    detail: dict = field(default_factory=dict)


def q(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def clamp(value: Decimal) -> Decimal:
    return q(min(HUNDRED, max(Decimal(0), value)))


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _rate(part: int, whole: int) -> Decimal:
    return q(HUNDRED * part / whole)


def price_score(gap: Decimal) -> Decimal:
    return clamp(HUNDRED - PRICE_GAP_PENALTY * max(Decimal(0), gap))


def response_score(hours: Decimal) -> Decimal:
    if hours <= RESPONSE_FULL_HOURS:
        return HUNDRED
    span = RESPONSE_ZERO_HOURS - RESPONSE_FULL_HOURS
    return clamp(HUNDRED * (RESPONSE_ZERO_HOURS - hours) / span)


def review_score(average: Decimal) -> Decimal:
    return clamp((average - 1) / 4 * HUNDRED)


def criteria(facts: Facts) -> dict[str, Criterion]:
    """Each criterion's figure and score from ``facts`` (None where there are no facts)."""
    out: dict[str, Criterion] = {}
    if facts.price_gaps:
        gap = q(_mean([max(Decimal(0), g) for g in facts.price_gaps]))
        out["price"] = Criterion("price", gap, price_score(gap), len(facts.price_gaps))
    else:
        out["price"] = Criterion("price", None, None)
    if facts.lots_entered:
        rate = _rate(min(facts.lots_won, facts.lots_entered), facts.lots_entered)
        detail = {"won": facts.lots_won, "entered": facts.lots_entered}
        out["win_rate"] = Criterion("win_rate", rate, rate, facts.lots_entered, detail)
    else:
        out["win_rate"] = Criterion("win_rate", None, None)
    if facts.deliveries:
        on_time = min(facts.deliveries_on_time, facts.deliveries)
        rate = _rate(on_time, facts.deliveries)
        detail = {"on_time": on_time, "deliveries": facts.deliveries}
        out["on_time"] = Criterion("on_time", rate, rate, facts.deliveries, detail)
    else:
        out["on_time"] = Criterion("on_time", None, None)
    parts: list[Decimal] = []
    average = None
    if facts.review_scores:
        average = q(_mean(facts.review_scores))
        parts.append(review_score(average))
    if facts.deliveries:
        parts.append(
            _rate(facts.deliveries - min(facts.claims, facts.deliveries), facts.deliveries)
        )
    detail = {"reviews": len(facts.review_scores), "claims": facts.claims}
    out["quality"] = Criterion(
        "quality",
        average,
        clamp(_mean(parts)) if parts else None,
        len(facts.review_scores) + facts.deliveries,
        detail,
    )
    if facts.response_hours:
        hours = q(_mean(facts.response_hours))
        out["responsiveness"] = Criterion(
            "responsiveness", hours, response_score(hours), len(facts.response_hours)
        )
    else:
        out["responsiveness"] = Criterion("responsiveness", None, None)
    chances = facts.admitted + facts.orders_answered
    if chances:
        failures = min(chances, facts.never_bid + facts.declined)
        rate = _rate(chances - failures, chances)
        detail = {"never_bid": facts.never_bid, "declined": facts.declined, "chances": chances}
        out["reliability"] = Criterion("reliability", rate, rate, chances, detail)
    else:
        out["reliability"] = Criterion("reliability", None, None)
    return out


def _weighted(
    scores: Mapping[str, Decimal | None], weights: Mapping[str, int | Decimal]
) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (code, Decimal(weights.get(code, 0)), score)
        for code in CRITERIA
        if (score := scores.get(code)) is not None
    ]


def total(
    scores: Mapping[str, Decimal | None], weights: Mapping[str, int | Decimal]
) -> Decimal | None:
    """The weighted score 0-100 of the criteria with data, their weights renormalised; None
    when no criterion with data has a weight."""
    rows = _weighted(scores, weights)
    weight_sum = sum((w for _c, w, _s in rows), Decimal(0))
    if weight_sum <= 0:
        return None
    return clamp(sum((w * s for _c, w, s in rows), Decimal(0)) / weight_sum)


def shortfalls(
    scores: Mapping[str, Decimal | None], weights: Mapping[str, int | Decimal]
) -> list[tuple[str, Decimal]]:
    """What lowered the total: (criterion, points of the total it cost) for each criterion with
    data that cost at least ``LOWERED_MIN_POINTS``, the costliest first. The points sum (up to
    rounding) to 100 − total."""
    rows = _weighted(scores, weights)
    weight_sum = sum((w for _c, w, _s in rows), Decimal(0))
    if weight_sum <= 0:
        return []
    lost = [(code, q(w * (HUNDRED - s) / weight_sum)) for code, w, s in rows]
    lost = [(code, points) for code, points in lost if points >= LOWERED_MIN_POINTS]
    return sorted(lost, key=lambda row: (-row[1], CRITERIA.index(row[0])))


def band_for(score: Decimal | None, bands: Bands = DEFAULT_BANDS) -> str | None:
    if score is None:
        return None
    if score < bands.blocked_below:
        return "blocked"
    if score < bands.warning_below:
        return "warning"
    if score < bands.excellent_from:
        return "average"
    return "excellent"


def weights_errors(weights: Mapping[str, object]) -> dict[str, list[str]]:
    """Why ``weights`` cannot be used (by field), or nothing: one whole number 0-100 for each
    criterion, summing to 100."""
    errors: dict[str, list[str]] = {}
    unknown = sorted(set(weights) - set(CRITERIA))
    for code in unknown:
        errors[code] = [_("Not a rating criterion.")]
    values: dict[str, int] = {}
    for code in CRITERIA:
        value = weights.get(code)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            errors[code] = [_("A whole number of per cent, 0 to 100, is required.")]
            continue
        if value != int(value) or not 0 <= value <= 100:
            errors[code] = [_("A whole number of per cent, 0 to 100, is required.")]
            continue
        values[code] = int(value)
    if not errors and sum(values.values()) != 100:
        errors["weights"] = [
            _("The weights must sum to 100 %% (they sum to %(sum)s %%).")
            % {"sum": sum(values.values())}
        ]
    return errors


def bands_errors(bands: Bands) -> dict[str, list[str]]:
    """Why ``bands`` cannot be used: thresholds within 0-100, strictly increasing."""
    errors: dict[str, list[str]] = {}
    for name in ("blocked_below", "warning_below", "excellent_from"):
        value = getattr(bands, name)
        if not Decimal(0) <= value <= HUNDRED:
            errors[name] = [_("A threshold is between 0 and 100.")]
    if not errors and not bands.blocked_below < bands.warning_below < bands.excellent_from:
        errors["bands"] = [
            _(
                "The thresholds must increase: blocked below < warning below < excellent from "
                "(%(blocked)s, %(warning)s, %(excellent)s)."
            )
            % {
                "blocked": bands.blocked_below,
                "warning": bands.warning_below,
                "excellent": bands.excellent_from,
            }
        ]
    return errors


# --- Periods ---------------------------------------------------------------------------------

PERIOD_KINDS: tuple[str, ...] = ("month", "quarter", "year")


def period_start(kind: str, day: date) -> date:
    if kind == "month":
        return day.replace(day=1)
    if kind == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if kind == "year":
        return date(day.year, 1, 1)
    raise ValueError(f"unknown period kind {kind!r}")


def period_end(kind: str, start: date) -> date:
    """The first day after the period that starts on ``start``."""
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_previous(kind: str, start: date) -> date:
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = start.year * 12 + start.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def period_label(kind: str, start: date) -> str:
    if kind == "month":
        return f"{start:%Y-%m}"
    if kind == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return str(start.year)
