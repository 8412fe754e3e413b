"""Procurement plans: a buyer company's annual purchase plan, as Prozorro publishes plans.

A plan (one per buyer and year) has lines: a category of the classification, a quarter, what is
to be bought and its budget in a currency (a line's budget is never added to another currency's).
A tender of the same buyer is linked to the line it carries out: its category must be the
line's category or lie under it, and its currency must be the line's. A tender is linked whole
to one line, or lot by lot to several (a tender covering diesel for two quarters, one lot per
quarter), so that each lot counts toward one line only: ``planning.facts`` reads the awards of
the linked lots as the plan's fact.

The link lives here, not on the tender: the auction app knows nothing of plans.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, MoneyAmountField
from marketplace.platforms.models import AuctionFormat

YEAR_MIN, YEAR_MAX = 2000, 2100
QUARTERS = [(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ProcurementPlan(models.Model):
    """A buyer's purchase plan for one year. Only a draft is edited; a published plan is read
    by every signed-in person (its lines and budgets, as Prozorro publishes plans), while its
    links to tenders and its fact stay with the buyer's people."""

    buyer = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        related_name="procurement_plans",
        verbose_name=_("buyer"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    title = models.CharField(_("title"), max_length=300)
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    currency = CurrencyField(
        _("currency"), default="UAH", help_text=_("The currency a new line starts with")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("procurement plan")
        verbose_name_plural = _("procurement plans")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "year"], name="planning_plan_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="planning_plan_year_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "-year"], name="planning_plan_status")]

    def __str__(self) -> str:
        return f"{self.year}: {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


class PlanLine(models.Model):
    """What the buyer means to buy in a quarter: a category, a description and a budget."""

    plan = models.ForeignKey(
        ProcurementPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    category = models.ForeignKey(
        "categories.Category",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
    )
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=QUARTERS)
    description = models.CharField(_("description"), max_length=500)
    budget = MoneyAmountField(_("budget"), validators=[MinValueValidator(Decimal("0.01"))])
    currency = CurrencyField(_("currency"))
    auction_format = models.CharField(
        _("planned auction format"),
        max_length=16,
        choices=AuctionFormat.choices,
        blank=True,
        help_text=_("How the buyer means to buy it (optional)"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["plan_id", "quarter", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="planning_line_quarter"
            ),
            models.CheckConstraint(condition=Q(budget__gt=0), name="planning_line_budget"),
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter} {self.description}"


class PlanLineTender(models.Model):
    """A tender (or one of its lots, ``lot``) carrying out a plan line. A lot counts toward one
    line only: a tender linked whole has no other link, and a lot is linked once."""

    line = models.ForeignKey(
        PlanLine, on_delete=models.CASCADE, related_name="links", verbose_name=_("plan line")
    )
    # The links go with the tender or the lot (a draft's lot may be removed): CASCADE.
    tender = models.ForeignKey(
        "auctions.Tender", on_delete=models.CASCADE, related_name="+", verbose_name=_("tender")
    )
    lot = models.ForeignKey(
        "auctions.Lot",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("lot"),
        help_text=_("Empty: every lot of the tender"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan line's tender")
        verbose_name_plural = _("plan lines' tenders")
        ordering = ["line_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender"], condition=Q(lot__isnull=True), name="planning_link_whole_once"
            ),
            models.UniqueConstraint(
                fields=["lot"], condition=Q(lot__isnull=False), name="planning_link_lot_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line} ← tender {self.tender_id}" + (
            f" lot {self.lot_id}" if self.lot_id else ""
        )
