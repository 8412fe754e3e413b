"""After the award: the order a deal becomes, its lines, its history and its documents.

A deal (``auctions.Deal``, made by the award) becomes one order, numbered per buyer and year
(``PO-2027-00012``). The order moves through its states by the side whose move it is
(``deals/orders.py`` holds the table); every move is a row of its history with who, when and
why, and every document generated for it (contract, specification, invoice, delivery note) is
stored privately, numbered, and named on the history with its SHA-256.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.core.models import CurrencyField, ImmutableModel, MoneyAmountField


class OrderStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("order status", "Draft")
    SENT = "sent", pgettext_lazy("order status", "Sent to the supplier")
    ACCEPTED = "accepted", pgettext_lazy("order status", "Accepted by the supplier")
    IN_FULFILMENT = "in_fulfilment", pgettext_lazy("order status", "In fulfilment")
    DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
    RECEIVED = "received", pgettext_lazy("order status", "Accepted by the buyer")
    CLOSED = "closed", pgettext_lazy("order status", "Closed")
    DISPUTED = "disputed", pgettext_lazy("order status", "Disputed")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


class Side(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")


class DocumentKind(models.TextChoices):
    CONTRACT = "contract", pgettext_lazy("order document", "Contract")
    SPECIFICATION = "specification", pgettext_lazy("order document", "Specification")
    INVOICE = "invoice", pgettext_lazy("order document", "Invoice")
    DELIVERY_NOTE = "delivery_note", pgettext_lazy("order document", "Delivery note")


class Order(models.Model):
    deal = models.OneToOneField("auctions.Deal", on_delete=models.PROTECT, related_name="order")
    buyer = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=32)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.DRAFT
    )
    # Where a dispute returns to when it is resolved.
    disputed_from = models.CharField(max_length=16, choices=OrderStatus.choices, blank=True)
    total = MoneyAmountField(_("total"))
    currency = CurrencyField(_("currency"))
    title = models.CharField(_("title"), max_length=300)
    language = models.CharField(_("documents' language"), max_length=8, default="uk")
    # The contract the supplier accepted: which file (by its hash), who and when.
    contract_accepted_sha256 = models.CharField(max_length=64, blank=True)
    contract_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contract_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "number"], name="deals_order_unique_number"),
            models.UniqueConstraint(
                fields=["buyer", "year", "sequence"], name="deals_order_unique_sequence"
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "status", "-created_at"], name="deals_order_buyer"),
            models.Index(fields=["supplier", "status", "-created_at"], name="deals_order_supplier"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderCounter(models.Model):
    """The last order number a buyer used in a year: locked to take the next one."""

    buyer = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer", "year"], name="deals_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id}/{self.year}: {self.last}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    item = models.CharField(_("item"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=32)
    unit_price = models.DecimalField(_("unit price"), max_digits=22, decimal_places=4)
    amount = MoneyAmountField(_("amount"))
    currency = CurrencyField(_("currency"))
    incoterms = models.CharField(_("Incoterms"), max_length=8, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=300, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)

    class Meta:
        ordering = ["order", "position"]
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="deals_line_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} #{self.position}: {self.item}"


class OrderDocument(ImmutableModel):
    """A document generated for an order, stored privately. A newer one of the same kind
    supersedes it (``version``); none is ever changed."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    number = models.CharField(_("number"), max_length=40)
    language = models.CharField(max_length=8)
    storage_name = models.CharField(max_length=300, help_text="in private storage")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "version"], name="deals_document_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class OrderHistory(ImmutableModel):
    """One thing that happened to an order: a move between states (with the reason the move
    needs), a document generated (with its hash), the contract accepted (with the hash of the
    file accepted)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="history")
    action = models.CharField(max_length=24)
    status_before = models.CharField(max_length=16, blank=True)
    status_after = models.CharField(max_length=16, blank=True)
    side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    document = models.ForeignKey(
        OrderDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sha256 = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["order", "at", "pk"]
        verbose_name_plural = "order history"

    def __str__(self) -> str:
        return f"{self.order_id}: {self.action}"
