"""Delivery cost: places with coordinates, carriers and their rate cards.

A **place** is a company's warehouse or delivery place (or, with no owner, a platform-wide one
such as a port or a public hub), with the coordinates a quote measures from. A **carrier**
belongs to a platform (its logistics partners, kept by the platform's admins) or to a company
(a supplier's own, kept by its company admins), never both. A carrier's **rate cards** price a
shipment per kg, per pallet or per truck by distance band and weight band (``RateBand``), with
a minimum charge and a fuel surcharge, valid between two dates.

A band covers its distance and weight *from* (inclusive) *to* (exclusive): 0-100 km and
100-200 km do not overlap, and 100 km is in the second. Two bands of a card may share a range
in one dimension, never in both (``logistics/bands.py`` checks it under the card's row lock).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import CurrencyField, MoneyAmountField

COORDINATE_PLACES = 6
LATITUDE_LIMIT = Decimal(90)
LONGITUDE_LIMIT = Decimal(180)


class PlaceKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    DELIVERY_PLACE = "delivery_place", _("Delivery place")


class RateBasis(models.TextChoices):
    PER_KG = "per_kg", _("Per kg")
    PER_PALLET = "per_pallet", _("Per pallet")
    PER_TRUCK = "per_truck", _("Per truck")


class Place(models.Model):
    owner = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="logistics_places",
        verbose_name=_("company"),
        help_text=_("Empty for a platform-wide place"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("name"), max_length=200)
    address = models.TextField(_("address"), blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    region = models.CharField(
        _("region"), max_length=100, blank=True, help_text=_("The gazetteer's admin1 code")
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=COORDINATE_PLACES)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=COORDINATE_PLACES)
    # The GeoNames id of the gazetteer's city the place was made from, if it was.
    gazetteer_id = models.PositiveIntegerField(_("gazetteer city"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-LATITUDE_LIMIT, latitude__lte=LATITUDE_LIMIT)
                & Q(longitude__gte=-LONGITUDE_LIMIT, longitude__lte=LONGITUDE_LIMIT),
                name="logistics_place_coordinates",
            )
        ]
        indexes = [models.Index(fields=["owner", "kind"], name="logistics_place_owner")]

    def __str__(self) -> str:
        return self.name


class Carrier(models.Model):
    platform = models.ForeignKey(
        "platforms.Platform",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="logistics_carriers",
        verbose_name=_("platform"),
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="logistics_carriers",
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(platform__isnull=False, company__isnull=True)
                | Q(platform__isnull=True, company__isnull=False),
                name="logistics_carrier_one_owner",
                violation_error_message=_(
                    "A carrier belongs to a platform or to a company, not both."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name


class RateCard(models.Model):
    carrier = models.ForeignKey(Carrier, on_delete=models.CASCADE, related_name="rate_cards")
    name = models.CharField(_("name"), max_length=200, blank=True)
    currency = CurrencyField(_("currency"))
    basis = models.CharField(_("basis"), max_length=16, choices=RateBasis.choices)
    # What one pallet or truck carries: a shipment's weight over it, rounded up, is the number
    # of units its bands and prices count (per kg: the weight itself).
    unit_capacity_kg = models.DecimalField(
        _("capacity of a pallet or truck, kg"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
    )
    minimum_charge = MoneyAmountField(_("minimum charge"), default=Decimal(0))
    fuel_surcharge_percent = models.DecimalField(
        # xgettext:no-python-format
        _("fuel surcharge, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        ordering = ["carrier_id", "-valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="logistics_card_validity",
            ),
            models.CheckConstraint(
                condition=Q(minimum_charge__gte=0)
                & Q(fuel_surcharge_percent__gte=0, fuel_surcharge_percent__lte=100),
                name="logistics_card_charges",
            ),
            models.CheckConstraint(
                condition=Q(basis=RateBasis.PER_KG) | Q(unit_capacity_kg__gt=0),
                name="logistics_card_unit_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.carrier} {self.valid_from}"


class RateBand(models.Model):
    card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="bands")
    distance_from_km = models.DecimalField(_("distance from, km"), max_digits=9, decimal_places=2)
    distance_to_km = models.DecimalField(_("distance to, km"), max_digits=9, decimal_places=2)
    # kg for a card per kg; pallets or trucks for the others.
    weight_from = models.DecimalField(_("weight (or units) from"), max_digits=12, decimal_places=3)
    weight_to = models.DecimalField(_("weight (or units) to"), max_digits=12, decimal_places=3)
    price = MoneyAmountField(_("price per unit"), decimal_places=4)
    transit_days = models.PositiveSmallIntegerField(_("transit days"))

    class Meta:
        verbose_name = _("rate band")
        verbose_name_plural = _("rate bands")
        ordering = ["card_id", "distance_from_km", "weight_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(distance_from_km__gte=0, distance_from_km__lt=F("distance_to_km"))
                & Q(weight_from__gte=0, weight_from__lt=F("weight_to"))
                & Q(price__gte=0),
                name="logistics_band_ranges",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.distance_from_km}-{self.distance_to_km} km, "
            f"{self.weight_from}-{self.weight_to}: {self.price}"
        )


# The shipments' models live in their own module; importing them here registers them in the app.
from .shipment_models import (  # noqa: E402, F401
    CarrierApiKey,
    ClaimPhoto,
    DeliveryAcceptance,
    EventSource,
    Shipment,
    ShipmentEvent,
    ShipmentLine,
    ShipmentStatus,
)
