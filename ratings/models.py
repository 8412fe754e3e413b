"""Supplier ratings: each buyer's weights and bands, the scorecards by period (history kept: a
past period's row stays), and the buyers' reviews of orders.

The scores themselves are ``scoring``'s pure functions over the facts ``facts`` reads from the
auctions, the orders and the deliveries; ``services`` writes the rows. The standing the
admission reads lives in the platform core (``marketplace.standings``)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.standings.models import Band

from . import scoring


def _weight(label, code: str):
    return models.PositiveSmallIntegerField(
        label, default=scoring.DEFAULT_WEIGHTS[code], validators=[MaxValueValidator(100)]
    )


def _threshold(label, default: Decimal):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=default,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )


class RatingSettings(models.Model):
    """A buyer's weights (per cent, summing to 100) and standing bands. A buyer without a row
    uses the defaults (``scoring.DEFAULT_WEIGHTS``, ``scoring.DEFAULT_BANDS``)."""

    buyer = models.OneToOneField(
        "companies.Company", on_delete=models.CASCADE, related_name="rating_settings"
    )
    weight_price = _weight(_("price competitiveness, %"), "price")
    weight_win_rate = _weight(_("win rate, %"), "win_rate")
    weight_on_time = _weight(_("on-time delivery, %"), "on_time")
    weight_quality = _weight(_("quality, %"), "quality")
    weight_responsiveness = _weight(_("responsiveness, %"), "responsiveness")
    weight_reliability = _weight(_("reliability, %"), "reliability")
    blocked_below = _threshold(_("blocked below"), scoring.DEFAULT_BANDS.blocked_below)
    warning_below = _threshold(_("warning below"), scoring.DEFAULT_BANDS.warning_below)
    excellent_from = _threshold(_("excellent from"), scoring.DEFAULT_BANDS.excellent_from)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rating settings")
        verbose_name_plural = _("rating settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    blocked_below__lt=models.F("warning_below"),
                    warning_below__lt=models.F("excellent_from"),
                ),
                name="ratings_bands_increase",
            )
        ]

    def __str__(self) -> str:
        return f"rating settings of {self.buyer_id}"

    @property
    def weights(self) -> dict[str, int]:
        return {code: getattr(self, f"weight_{code}") for code in scoring.CRITERIA}

    @property
    def bands(self) -> scoring.Bands:
        return scoring.Bands(self.blocked_below, self.warning_below, self.excellent_from)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


def _figure(label):
    return models.DecimalField(label, max_digits=12, decimal_places=2, null=True, blank=True)


def _score(label):
    return models.DecimalField(label, max_digits=5, decimal_places=2, null=True, blank=True)


class Scorecard(models.Model):
    """A supplier's scorecard with one buyer (or platform-wide: ``buyer`` empty) for one period.
    Recomputing the same facts updates the same row; a past period's row stays as history."""

    buyer = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    period_kind = models.CharField(_("period"), max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField(_("period start"))
    # The raw figures (None: no data in the period).
    price_figure = _figure(_("average gap to the winning price, %"))
    win_rate_figure = _figure(_("win rate, %"))
    on_time_figure = _figure(_("on-time deliveries, %"))
    quality_figure = _figure(_("average review, 1-5"))
    responsiveness_figure = _figure(_("average hours to answer an order"))
    reliability_figure = _figure(_("kept commitments, %"))
    # Each criterion's score, 0-100.
    price_score = _score(_("price score"))
    win_rate_score = _score(_("win rate score"))
    on_time_score = _score(_("on-time score"))
    quality_score = _score(_("quality score"))
    responsiveness_score = _score(_("responsiveness score"))
    reliability_score = _score(_("reliability score"))
    # The counts behind the figures ({"lots_entered": 3, "claims": 1, ...}) and the weights used.
    counts = models.JSONField(default=dict, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    total = _score(_("score"))
    band = models.CharField(_("band"), max_length=16, choices=Band.choices, blank=True)
    lowered_by = models.JSONField(
        default=list,
        blank=True,
        help_text='[["on_time", "12.50"], ...]: points lost, costliest first',
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        ordering = ["supplier_id", "buyer_id", "period_kind", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "supplier", "period_kind", "period_start"],
                condition=Q(buyer__isnull=False),
                name="ratings_scorecard_unique",
            ),
            models.UniqueConstraint(
                fields=["supplier", "period_kind", "period_start"],
                condition=Q(buyer__isnull=True),
                name="ratings_scorecard_platform_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "period_kind", "period_start"], name="ratings_sc_buyer"),
        ]

    def __str__(self) -> str:
        scope = self.buyer_id or "platform"
        return f"{self.supplier_id} @ {scope} {self.period_kind} {self.period_start}: {self.total}"

    @property
    def period_label(self) -> str:
        return scoring.period_label(self.period_kind, self.period_start)

    def scores(self) -> dict[str, Decimal | None]:
        return {code: getattr(self, f"{code}_score") for code in scoring.CRITERIA}

    def figures(self) -> dict[str, Decimal | None]:
        return {code: getattr(self, f"{code}_figure") for code in scoring.CRITERIA}


def _mark(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


REVIEW_CRITERIA: tuple[str, ...] = ("quality", "delivery", "communication", "documents")


class Review(models.Model):
    """The buyer's review of an order, once at least one of its deliveries was accepted: 1-5
    per criterion and a comment. One per order; the buyer's side may edit it for 14 days
    (``services.REVIEW_EDIT_DAYS``); the supplier reads it."""

    order = models.OneToOneField("deals.Order", on_delete=models.CASCADE, related_name="review")
    # Denormalised from the order, for the facts' reads by pair and period.
    buyer = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    quality = _mark(_("quality of the goods"))
    delivery = _mark(_("delivery"))
    communication = _mark(_("communication"))
    documents = _mark(_("documents"))
    comment = models.TextField(_("comment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5)
                & Q(delivery__gte=1, delivery__lte=5)
                & Q(communication__gte=1, communication__lte=5)
                & Q(documents__gte=1, documents__lte=5),
                name="ratings_review_marks",
            )
        ]
        indexes = [models.Index(fields=["buyer", "supplier", "submitted_at"], name="ratings_rv")]

    def __str__(self) -> str:
        return f"review of order {self.order_id}"

    @property
    def average(self) -> Decimal:
        marks = [Decimal(getattr(self, name)) for name in REVIEW_CRITERIA]
        return scoring.q(sum(marks, Decimal(0)) / len(marks))
