"""After the award: an order's shipments, their tracking, and the buyer's acceptance of each.

A **shipment** carries some or all of an order's lines (``ShipmentLine``: a partial delivery is
allowed) with a carrier and its tracking number, planned pickup and arrival dates, and a status
that moves by **status events** (``ShipmentEvent``, immutable): entered by the supplier in the
pages or pushed by the carrier through the API with the carrier's API key (``CarrierApiKey``,
stored as a SHA-256 only). Anyone holding a shipment's ``tracking_token`` (unguessable, in the
public tracking page's address) sees its status and dates, never prices or people.

The buyer **accepts** a delivered shipment once (``DeliveryAcceptance``): on time or how many
days late, quantity and quality OK, or a claim with a reason and photos (``ClaimPhoto``, private
files). Acceptances are the facts the supplier ratings count for on-time delivery and quality.

Imported by ``logistics/models.py`` so that Django finds these models in the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.models import ImmutableModel


class ShipmentStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("shipment status", "Planned")
    PICKED_UP = "picked_up", pgettext_lazy("shipment status", "Picked up")
    IN_TRANSIT = "in_transit", pgettext_lazy("shipment status", "In transit")
    AT_CUSTOMS = "at_customs", pgettext_lazy("shipment status", "At customs")
    DELIVERED = "delivered", pgettext_lazy("shipment status", "Delivered")
    EXCEPTION = "exception", pgettext_lazy("shipment status", "Exception")


class EventSource(models.TextChoices):
    SUPPLIER = "supplier", pgettext_lazy("shipment event source", "Supplier")
    CARRIER = "carrier", pgettext_lazy("shipment event source", "Carrier")


class Shipment(models.Model):
    order = models.ForeignKey(
        "deals.Order", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order")
    )
    number = models.PositiveSmallIntegerField(_("number"), help_text=_("1, 2, … within the order"))
    carrier = models.ForeignKey(
        "logistics.Carrier",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shipments",
        verbose_name=_("carrier"),
    )
    # The carrier's name as the supplier typed it when it is not one of the kept carriers.
    carrier_name = models.CharField(_("carrier's name"), max_length=200, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    planned_pickup = models.DateField(_("planned pickup"), null=True, blank=True)
    planned_arrival = models.DateField(_("planned arrival"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ShipmentStatus.choices, default=ShipmentStatus.PLANNED
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # secrets.token_urlsafe(32): the public tracking page's address; never derived from the id.
    tracking_token = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="logistics_shipment_number"),
        ]
        indexes = [models.Index(fields=["carrier", "tracking_number"], name="logistics_ship_track")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.number}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "deals.OrderLine", on_delete=models.PROTECT, related_name="shipment_lines"
    )
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=3)

    class Meta:
        ordering = ["shipment_id", "order_line_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "order_line"], name="logistics_shipment_line_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="logistics_shipment_line_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.order_line_id} × {self.quantity}"


class ShipmentEvent(ImmutableModel):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=ShipmentStatus.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A note is for the order's two sides unless marked public: the public tracking page shows
    # only the notes whose ``internal`` is false (a carrier's note may name the person who
    # signed for the goods).
    internal = models.BooleanField(_("note for the order's two sides only"), default=True)
    source = models.CharField(_("source"), max_length=16, choices=EventSource.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A carrier's own id of the event: a pushed event sent twice is recorded once.
    external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ["shipment_id", "occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "external_id"],
                condition=~Q(external_id=""),
                name="logistics_shipment_event_external",
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.status} {self.occurred_at:%Y-%m-%d}"


class CarrierApiKey(models.Model):
    """A key a carrier pushes its shipments' status events with (``Authorization: Carrier
    <key>``). Only its SHA-256 is kept; the key is shown once, when made. Revoked, not deleted."""

    carrier = models.ForeignKey(
        "logistics.Carrier", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(
        max_length=12, help_text="the key's first characters, to tell keys apart"
    )
    key_sha256 = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("carrier's API key")
        verbose_name_plural = _("carriers' API keys")
        ordering = ["carrier_id", "-created_at"]

    def __str__(self) -> str:
        return f"{self.carrier_id} {self.prefix}…"


class DeliveryAcceptance(models.Model):
    """The buyer's acceptance of one delivered shipment: the fact the ratings count."""

    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="acceptance")
    # Denormalised from the order, for the ratings' reads by buyer, supplier and period.
    buyer = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"))
    # The day the goods came (the delivered event's, or the buyer's when they came on another
    # day) and the day they were promised for: ``days_late`` is the one less the other.
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    promised_on = models.DateField(_("promised for"), null=True, blank=True)
    # Days after the promised date (the order line's delivery date, else the planned arrival)
    # that the goods arrived; 0: on time.
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    quantity_ok = models.BooleanField(_("quantity as ordered"))
    quality_ok = models.BooleanField(_("quality as ordered"))
    claim_reason = models.TextField(_("claim"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery acceptance")
        verbose_name_plural = _("delivery acceptances")
        ordering = ["-accepted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(quantity_ok=True) & Q(quality_ok=True)) | ~Q(claim_reason=""),
                name="logistics_acceptance_claim_reason",
                violation_error_message=_("A claim needs its reason."),
            )
        ]
        indexes = [
            models.Index(fields=["supplier", "accepted_at"], name="logistics_accept_supplier"),
            models.Index(fields=["buyer", "supplier", "accepted_at"], name="logistics_accept_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} accepted {self.accepted_at:%Y-%m-%d}"

    @property
    def has_claim(self) -> bool:
        return not (self.quantity_ok and self.quality_ok)


class ClaimPhoto(ImmutableModel):
    acceptance = models.ForeignKey(
        DeliveryAcceptance, on_delete=models.CASCADE, related_name="photos"
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=300, help_text="in private storage")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim photo")
        verbose_name_plural = _("claim photos")
        ordering = ["acceptance_id", "pk"]

    def __str__(self) -> str:
        return self.filename
