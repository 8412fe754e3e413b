"""Supplier profiles (the directory buyers search) and the supplier's private catalogue."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, MoneyAmountField

from .regions import validate_region_code

QUANTITY_MAX_DIGITS = 14
QUANTITY_DECIMAL_PLACES = 3


class SupplierProfile(models.Model):
    """What a supplier company tells buyers about itself. One per supplier company; created
    on the first edit."""

    company = models.OneToOneField(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="supplier_profile",
        verbose_name=_("company"),
    )
    description = models.TextField(_("description"), blank=True)
    categories = models.ManyToManyField(
        "categories.Category",
        blank=True,
        related_name="supplier_profiles",
        verbose_name=_("categories supplied"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")
        ordering = ["company__legal_name", "pk"]

    def __str__(self) -> str:
        return str(self.company)


class SupplierRegion(models.Model):
    """A region the supplier delivers to: an ISO 3166-1 country or ISO 3166-2 subdivision."""

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(
        _("region code"), max_length=10, validators=[validate_region_code], db_index=True
    )

    class Meta:
        verbose_name = _("region served")
        verbose_name_plural = _("regions served")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="supplier_region_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Certificate(models.Model):
    """A quality or conformity certificate. The optional scan lives in the private storage
    (``storages["private"]``) under ``file_name`` and is served only through the API."""

    profile = models.ForeignKey(
        SupplierProfile,
        on_delete=models.CASCADE,
        related_name="certificates",
        verbose_name=_("supplier profile"),
    )
    name = models.CharField(_("name"), max_length=200)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file_name = models.CharField(_("stored file"), max_length=300, blank=True, editable=False)
    original_file_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="certificate_valid_range",
                violation_error_message=_("A certificate cannot expire before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product in a supplier's catalogue. The SKU is the supplier's own code, unique within
    its catalogue; imports match products by it."""

    supplier = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="products",
        verbose_name=_("supplier"),
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        "categories.Category",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    unit = models.CharField(
        _("unit of measure"), max_length=32, help_text=_("For example: pcs, kg, m, l, pack")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "sku"],
                name="product_unique_sku_per_supplier",
                violation_error_message=_("A product with this SKU already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PriceListKind(models.TextChoices):
    """The kinds of customer every supplier starts with (seeded as its ``CustomerKind`` rows);
    a supplier may name more."""

    WHOLESALE = "wholesale", _("Wholesale")
    SMALL_WHOLESALE = "small_wholesale", _("Small wholesale")
    RETAIL = "retail", _("Retail")


KIND_CODE_MAX = 50


class CustomerKind(models.Model):
    """A kind of customer a supplier prices for (wholesale, retail, "dealers"...). A price
    list names its kind by ``code`` (``PriceList.kind``); the supplier's default kind is what a
    buyer with no assignment gets (``pricing`` resolves it). Kept beside the price lists, so the
    catalogue checks a list's kind without depending on the pricing app."""

    supplier = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="customer_kinds",
        verbose_name=_("supplier"),
    )
    code = models.SlugField(_("code"), max_length=KIND_CODE_MAX)
    name = models.CharField(_("name"), max_length=100)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("What a customer with no price list of its own gets."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("kind of customer")
        verbose_name_plural = _("kinds of customer")
        ordering = ["position", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "code"],
                name="customer_kind_unique_code",
                violation_error_message=_("This supplier already has a kind with this code."),
            ),
            models.UniqueConstraint(
                fields=["supplier"],
                condition=Q(is_default=True),
                name="customer_kind_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceList(models.Model):
    """A supplier's prices in one currency for a period. Several rows per product give volume
    discount tiers: the price applies from ``min_quantity`` on."""

    supplier = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="price_lists",
        verbose_name=_("supplier"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind of customer"),
        max_length=KIND_CODE_MAX,
        help_text=_("The code of one of the supplier's kinds of customer (CustomerKind)."),
    )
    currency = CurrencyField(_("currency"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-valid_from", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="price_list_valid_range",
                violation_error_message=_("A price list cannot end before it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_kind_display(self) -> str:
        """The kind's name: the supplier's own, else a default kind's label, else its code."""
        name = (
            CustomerKind.objects.filter(supplier_id=self.supplier_id, code=self.kind)
            .values_list("name", flat=True)
            .first()
        )
        if name:
            return name
        if self.kind in PriceListKind.values:
            return str(PriceListKind(self.kind).label)
        return self.kind


class PriceListItem(models.Model):
    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="items", verbose_name=_("price list")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="price_items", verbose_name=_("product")
    )
    price = MoneyAmountField(_("price"))
    min_quantity = models.DecimalField(
        _("minimum quantity"),
        max_digits=QUANTITY_MAX_DIGITS,
        decimal_places=QUANTITY_DECIMAL_PLACES,
        default=Decimal("1"),
        help_text=_("The price applies from this quantity on (volume discount tiers)."),
    )

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        ordering = ["product__sku", "min_quantity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "product", "min_quantity"],
                name="price_item_unique_tier",
                violation_error_message=_("This product already has a price for this quantity."),
            ),
            models.CheckConstraint(
                condition=Q(price__gt=0),
                name="price_item_price_positive",
                violation_error_message=_("The price must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(min_quantity__gt=0),
                name="price_item_min_quantity_positive",
                violation_error_message=_("The minimum quantity must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ≥ {self.min_quantity}: {self.price}"


# --- Stock --------------------------------------------------------------------------------------


class Warehouse(models.Model):
    """A place a supplier keeps goods; its stock is counted per product."""

    supplier = models.ForeignKey(
        "companies.Company",
        on_delete=models.CASCADE,
        related_name="warehouses",
        verbose_name=_("supplier"),
    )
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "name"],
                name="warehouse_unique_name",
                violation_error_message=_("A warehouse with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class StockLevel(models.Model):
    """How much of a product a warehouse holds (in the product's unit), and the day it was
    counted: one row per product and warehouse, replaced by each new count."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="stock", verbose_name=_("warehouse")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="stock", verbose_name=_("product")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES
    )
    counted_on = models.DateField(_("counted on"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["product__sku", "warehouse__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product"],
                name="stock_level_unique",
                violation_error_message=_("This product already has a stock row here."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="stock_level_quantity_not_negative",
                violation_error_message=_("A stock quantity cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse}: {self.quantity}"
