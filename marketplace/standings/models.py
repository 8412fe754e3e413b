"""A supplier's standing with a buyer (or on the whole marketplace): the one small fact the
platform core keeps about supplier ratings, so that the auction app's admission can read it
without knowing the ratings app.

The ratings app (``ratings/``) computes the scores and writes one row per pair here after each
recompute (``services.standing_write``); the admission of an application reads it
(``selectors.admission_standing``). The core never imports the ratings app."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Band(models.TextChoices):
    """The standing bands, worst first (the defaults are ERPNext's supplier scorecard's:
    below 30 blocked, 30-50 warning, 50-80 average, 80 and more excellent)."""

    BLOCKED = "blocked", pgettext_lazy("standing band", "Blocked")
    WARNING = "warning", pgettext_lazy("standing band", "Warning")
    AVERAGE = "average", pgettext_lazy("standing band", "Average")
    EXCELLENT = "excellent", pgettext_lazy("standing band", "Excellent")


class SupplierStanding(models.Model):
    """A supplier's current standing: with one buyer, or platform-wide (``buyer`` empty)."""

    buyer = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("buyer"),
        help_text=_("Empty: the supplier's platform-wide standing"),
    )
    supplier = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("supplier")
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    band = models.CharField(_("band"), max_length=16, choices=Band.choices)
    reason = models.TextField(_("what lowered it"), blank=True)
    period_label = models.CharField(_("period"), max_length=100)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("supplier standing")
        verbose_name_plural = _("supplier standings")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "supplier"],
                condition=Q(buyer__isnull=False),
                name="standings_one_per_pair",
            ),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(buyer__isnull=True),
                name="standings_one_platform_wide",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="standings_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_id} @ {self.buyer_id or 'platform'}: {self.score} {self.band}"

    @property
    def platform_wide(self) -> bool:
        return self.buyer_id is None
