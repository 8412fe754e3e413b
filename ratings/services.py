"""Writing ratings: recomputing scorecards and standings, the buyers' settings, the reviews.

**Recompute.** ``scorecard_recompute`` reads the facts of one (buyer or platform-wide,
supplier, period) and writes its row: the same facts give the same row, updated in place (left
untouched, ``computed_at`` included, when nothing changed). ``pair_recompute`` does the current
and previous month, quarter and year of a pair, with the buyer and platform-wide, then the
pair's **standing**: the score of the rolling last twelve months (a window that does not empty
on 1 January), banded with the buyer's bands (the defaults for the platform-wide standing),
written to ``marketplace.standings`` where the admission reads it. A band that changes (not
the first one) emits ``supplier.standing_changed``. Each runs in one transaction; events are
delivered after its commit.

Listeners (``listeners.py``) recompute a pair when its facts change; the nightly beat task
(``tasks.recompute_nightly``) and ``manage.py ratings_recompute`` recompute every pair with
facts in the current and previous periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.events.services import event_emit
from marketplace.standings.services import standing_write

from . import facts, scoring, selectors
from .models import REVIEW_CRITERIA, RatingSettings, Review, Scorecard

REVIEW_EDIT_DAYS = 14
STANDING_DAYS = 365  # the standing's rolling window
COMMENT_MAX = 5000


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _scorecard_values(facts_: scoring.Facts, weights: dict, bands: scoring.Bands) -> dict:
    criteria = scoring.criteria(facts_)
    scores = {code: c.score for code, c in criteria.items()}
    total = scoring.total(scores, weights)
    values: dict = {}
    counts: dict = {}
    for code, criterion in criteria.items():
        values[f"{code}_figure"] = criterion.figure
        values[f"{code}_score"] = criterion.score
        counts[code] = {"count": criterion.count, **criterion.detail}
    values["counts"] = counts
    values["weights"] = dict(weights)
    values["total"] = total
    values["band"] = scoring.band_for(total, bands) or ""
    values["lowered_by"] = [[code, str(p)] for code, p in scoring.shortfalls(scores, weights)]
    return values


def _same(row: Scorecard, values: dict) -> bool:
    for key, value in values.items():
        current = getattr(row, key)
        if isinstance(value, Decimal) and current is not None:
            if Decimal(current) != value:
                return False
        elif current != value:
            return False
    return True


def scorecard_recompute(
    *, buyer_id: int | None, supplier_id: int, kind: str, start: date, now: datetime | None = None
) -> Scorecard | None:
    """The scorecard of ``supplier_id`` with ``buyer_id`` (None: platform-wide) for the period
    ``kind`` starting ``start``, from its facts. None when there are no facts and no row."""
    now = now or timezone.now()
    start = scoring.period_start(kind, start)
    end = scoring.period_end(kind, start)
    facts_ = facts.facts_for(
        buyer_id=buyer_id, supplier_id=supplier_id, start=_aware(start), end=_aware(end)
    )
    weights, bands = selectors.settings_of(buyer_id=buyer_id)
    with transaction.atomic():
        row = (
            Scorecard.objects.select_for_update()
            .filter(buyer_id=buyer_id, supplier_id=supplier_id, period_kind=kind)
            .filter(period_start=start)
            .first()
        )
        if row is None and facts_.empty:
            return None
        values = _scorecard_values(facts_, weights, bands)
        if row is None:
            return Scorecard.objects.create(
                buyer_id=buyer_id,
                supplier_id=supplier_id,
                period_kind=kind,
                period_start=start,
                computed_at=now,
                **values,
            )
        if not _same(row, values):
            for key, value in values.items():
                setattr(row, key, value)
            row.computed_at = now
            row.save()
        return row


def lowered_text(lowered: list[tuple[str, Decimal]], limit: int = 3) -> str:
    """“On-time delivery −12.50, Quality −6.00”: what cost the most points."""
    return ", ".join(
        f"{scoring.CRITERION_LABELS[code]} −{points}" for code, points in lowered[:limit]
    )


@dataclass(frozen=True)
class StandingChange:
    buyer_id: int | None
    supplier_id: int
    before: str | None
    after: str | None


def standing_refresh(
    *, buyer_id: int | None, supplier_id: int, now: datetime | None = None
) -> StandingChange:
    """The pair's standing from the rolling last ``STANDING_DAYS`` days, written to the
    platform core; emits ``supplier.standing_changed`` when a band it had changes."""
    now = now or timezone.now()
    start = now - timedelta(days=STANDING_DAYS)
    facts_ = facts.facts_for(
        buyer_id=buyer_id,
        supplier_id=supplier_id,
        start=start,
        end=now + timedelta(microseconds=1),
    )
    weights, bands = selectors.settings_of(buyer_id=buyer_id)
    scores = {code: c.score for code, c in scoring.criteria(facts_).items()}
    score = scoring.total(scores, weights)
    band = scoring.band_for(score, bands) or ""
    label = _("12 months to %(day)s") % {"day": timezone.localdate(now).isoformat()}
    with transaction.atomic():
        before, row = standing_write(
            buyer_id=buyer_id,
            supplier_id=supplier_id,
            score=score,
            band=band,
            reason=lowered_text(scoring.shortfalls(scores, weights)),
            period_label=label,
            now=now,
        )
        after = row.band if row is not None else None
        if before is not None and after != before:
            event_emit(
                "supplier.standing_changed",
                payload={
                    "supplier": supplier_id,
                    "buyer": buyer_id,
                    "band_before": before,
                    "band_after": after,
                    "score": str(score) if score is not None else None,
                },
                company=supplier_id,
                audience=[buyer_id] if buyer_id else [],
                now=now,
            )
    return StandingChange(buyer_id, supplier_id, before, after)


def _periods(now: datetime) -> list[tuple[str, date]]:
    today = timezone.localdate(now)
    out = []
    for kind in scoring.PERIOD_KINDS:
        current = scoring.period_start(kind, today)
        out += [(kind, scoring.period_previous(kind, current)), (kind, current)]
    return out


def pair_recompute(
    *, buyer_id: int, supplier_id: int, now: datetime | None = None
) -> list[StandingChange]:
    """The current and previous periods' scorecards of the pair, with the buyer and
    platform-wide, and both standings. One transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        for scope in (buyer_id, None):
            for kind, start in _periods(now):
                scorecard_recompute(
                    buyer_id=scope, supplier_id=supplier_id, kind=kind, start=start, now=now
                )
        return [
            standing_refresh(buyer_id=scope, supplier_id=supplier_id, now=now)
            for scope in (buyer_id, None)
        ]


def recompute_all(*, now: datetime | None = None) -> int:
    """Every pair with facts since the start of the previous year (the oldest period the
    nightly run recomputes) or in the standing's window: the nightly run. Returns the pairs."""
    now = now or timezone.now()
    earliest = min(
        _aware(scoring.period_previous("year", date(now.year, 1, 1))),
        now - timedelta(days=STANDING_DAYS),
    )
    pairs = facts.pairs_with_facts(start=earliest, end=now + timedelta(microseconds=1))
    for buyer_id, supplier_id in sorted(pairs):
        pair_recompute(buyer_id=buyer_id, supplier_id=supplier_id, now=now)
    return len(pairs)


def buyer_recompute(*, buyer_id: int, now: datetime | None = None) -> int:
    """The buyer's pairs again (after its weights or bands changed)."""
    now = now or timezone.now()
    earliest = _aware(scoring.period_previous("year", date(now.year, 1, 1)))
    pairs = {
        pair
        for pair in facts.pairs_with_facts(start=earliest, end=now + timedelta(microseconds=1))
        if pair[0] == buyer_id
    }
    for _buyer, supplier_id in sorted(pairs):
        pair_recompute(buyer_id=buyer_id, supplier_id=supplier_id, now=now)
    return len(pairs)


# --- The buyer's settings ----------------------------------------------------------------------


def _settings_row(buyer_id: int) -> RatingSettings:
    row, _created = RatingSettings.objects.select_for_update().get_or_create(buyer_id=buyer_id)
    return row


def _recompute_later(buyer_id: int) -> None:
    from .tasks import recompute_buyer

    transaction.on_commit(lambda: recompute_buyer.delay(buyer_id), robust=True)


def weights_set(*, user, buyer_id: int, weights: dict) -> RatingSettings:
    """Set the buyer's weights: a whole per cent 0-100 per criterion, summing to 100 (400
    otherwise, each field named). Its scorecards are recomputed after the commit."""
    selectors.buyer_company_for_settings(user=user, buyer_id=buyer_id, write=True)
    errors = scoring.weights_errors(weights)
    if errors:
        message = next(iter(errors.values()))[0]
        if "weights" in errors:
            message = errors["weights"][0]
        raise ApplicationError(message, code="invalid_weights", fields=errors)
    with transaction.atomic():
        row = _settings_row(buyer_id)
        for code in scoring.CRITERIA:
            setattr(row, f"weight_{code}", int(weights[code]))
        row.updated_by = user
        row.save()
        _recompute_later(buyer_id)
    return row


def bands_set(*, user, buyer_id: int, bands: scoring.Bands) -> RatingSettings:
    """Set the buyer's band thresholds (0-100, strictly increasing)."""
    selectors.buyer_company_for_settings(user=user, buyer_id=buyer_id, write=True)
    errors = scoring.bands_errors(bands)
    if errors:
        message = errors.get("bands", next(iter(errors.values())))[0]
        raise ApplicationError(message, code="invalid_bands", fields=errors)
    with transaction.atomic():
        row = _settings_row(buyer_id)
        row.blocked_below = bands.blocked_below
        row.warning_below = bands.warning_below
        row.excellent_from = bands.excellent_from
        row.updated_by = user
        row.save()
        _recompute_later(buyer_id)
    return row


# --- Reviews -----------------------------------------------------------------------------------


def _marks_clean(marks: dict) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for name in REVIEW_CRITERIA:
        value = marks.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = [_("A mark from 1 to 5 is required.")]
        else:
            clean[name] = value
    if errors:
        raise ApplicationError(
            _("Give each criterion a mark from 1 to 5."), code="invalid_review", fields=errors
        )
    return clean


def review_editable_until(review: Review) -> datetime:
    return review.submitted_at + timedelta(days=REVIEW_EDIT_DAYS)


def review_save(
    *, user, order_id: int, marks: dict, comment: str = "", now: datetime | None = None
) -> Review:
    """The buyer's review of an order: made once at least one of its deliveries was accepted,
    edited by the buyer's side for ``REVIEW_EDIT_DAYS`` days after it was submitted. Emits
    ``review.submitted`` (the pair's scorecards are recomputed by its listener)."""
    now = now or timezone.now()
    order = selectors.order_for_review(user=user, order_id=order_id)  # 404 to strangers
    if not selectors.may_review(user=user, order=order):
        raise PermissionDeniedError(
            _("Only the buyer's company admins and procurement officers may review an order."),
            code="not_buyer_staff",
        )
    clean = _marks_clean(marks)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        message = _("At most %(n)s characters.") % {"n": COMMENT_MAX}
        raise ApplicationError(message, code="invalid_review", fields={"comment": [message]})
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(order_id=order.pk).first()
        if review is None:
            if not selectors.review_open(order=order):
                raise ConflictError(
                    _("An order can be reviewed once one of its deliveries was accepted."),
                    code="review_not_open",
                )
            review = Review(
                order=order,
                buyer_id=order.buyer_id,
                supplier_id=order.supplier_id,
                submitted_at=now,
            )
            edited = False
        else:
            if now > review_editable_until(review):
                raise ConflictError(
                    _(
                        "A review can be changed for %(days)s days after it was submitted "
                        "(until %(until)s)."
                    )
                    % {
                        "days": REVIEW_EDIT_DAYS,
                        "until": review_editable_until(review).strftime("%Y-%m-%d %H:%M UTC"),
                    },
                    code="review_locked",
                )
            edited = True
        for name, value in clean.items():
            setattr(review, name, value)
        review.comment = comment
        review.author = user
        review.updated_at = now
        review.save()
        event_emit(
            "review.submitted",
            payload={
                "review": review.pk,
                "order": order.pk,
                "buyer": order.buyer_id,
                "supplier": order.supplier_id,
                "average": str(review.average),
                "edited": edited,
            },
            company=order.buyer_id,
            audience=[order.supplier_id],
            actor=user,
            now=now,
        )
    return review
