"""The pricing app's rows: promotions, and which price list (or kind of customer) a supplier
gives to which CRM account or segment.

A supplier's kinds of customer (``suppliers.models.CustomerKind``) and its price lists with
their quantity tiers (``PriceList``, ``PriceListItem.min_quantity``: the volume discounts) live
in the catalogue; this app decides which of them a buyer gets (``selectors.price_for``).

Precedence, per buyer company and day: the supplier's assignment to the CRM account of that
company, then its assignments to CRM segments holding the account (lowest ``priority`` first),
then the supplier's default kind of customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, MoneyAmountField


class PromotionKind(models.TextChoices):
    PERCENT = "percent", _("Percentage off")
    FIXED_PRICE = "fixed_price", _("Fixed price")


class Promotion(models.Model):
    """A price cut for chosen products in a period: a percentage off the list's price, or a
    fixed price (in ``currency``: it applies to lists in that currency), on one price list or
    on every list of a kind of customer. A buyer gets the best valid one, only if it is lower
    than its tier's price."""

    supplier = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="promotions",
        verbose_name=_("supplier"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=PromotionKind.choices)
    percent = models.DecimalField(
        _("percentage off"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    price = MoneyAmountField(_("fixed price"), null=True, blank=True)
    currency = CurrencyField(_("currency"), blank=True)
    price_list = models.ForeignKey(
        "suppliers.PriceList",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
        verbose_name=_("price list"),
    )
    customer_kind = models.ForeignKey(
        "suppliers.CustomerKind",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="promotions",
        verbose_name=_("kind of customer"),
    )
    products = models.ManyToManyField(
        "suppliers.Product", related_name="promotions", verbose_name=_("products")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-valid_from", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="promotion_valid_range",
                violation_error_message=_("A promotion cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=(Q(price_list__isnull=True) ^ Q(customer_kind__isnull=True)),
                name="promotion_one_scope",
                violation_error_message=_("A promotion is on a price list or on a kind."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=PromotionKind.PERCENT,
                        percent__gt=0,
                        percent__lt=100,
                        price__isnull=True,
                    )
                    | Q(kind=PromotionKind.FIXED_PRICE, price__gt=0, percent__isnull=True)
                ),
                name="promotion_amount",
                violation_error_message=_("A percentage between 0 and 100, or a price above 0."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceAssignment(models.Model):
    """A supplier gives one CRM account, or every account of one CRM segment, a price list or
    a kind of customer (its lists valid on the day). One assignment per account and per
    segment; among segments the lowest ``priority`` wins."""

    supplier = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="price_assignments",
        verbose_name=_("supplier"),
    )
    account = models.ForeignKey(
        "crm.Account",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_assignments",
        verbose_name=_("account"),
    )
    segment = models.ForeignKey(
        "marketing.Segment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="price_assignments",
        verbose_name=_("segment"),
    )
    customer_kind = models.ForeignKey(
        "suppliers.CustomerKind",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("kind of customer"),
    )
    price_list = models.ForeignKey(
        "suppliers.PriceList",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("price list"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Among segments, the lowest number wins.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("price assignment")
        verbose_name_plural = _("price assignments")
        ordering = ["priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(account__isnull=True) ^ Q(segment__isnull=True)),
                name="price_assignment_one_target",
                violation_error_message=_("Assign to an account or to a segment."),
            ),
            models.CheckConstraint(
                condition=(Q(price_list__isnull=True) ^ Q(customer_kind__isnull=True)),
                name="price_assignment_one_price",
                violation_error_message=_("Assign a price list or a kind of customer."),
            ),
            models.UniqueConstraint(
                fields=["supplier", "account"],
                condition=Q(account__isnull=False),
                name="price_assignment_one_per_account",
                violation_error_message=_("This account already has its prices."),
            ),
            models.UniqueConstraint(
                fields=["supplier", "segment"],
                condition=Q(segment__isnull=False),
                name="price_assignment_one_per_segment",
                violation_error_message=_("This segment already has its prices."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account or self.segment} → {self.price_list or self.customer_kind}"
