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


# Who acts for each side of an order (and of a bid security): its company's roles.
BUYER_ROLES = ("company_admin", "procurement_officer")
SUPPLIER_ROLES = ("company_admin", "bidder")


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


# --- Payments: the platform's commission, invoices, the ledger -------------------------------


class Payer(models.TextChoices):
    BUYER = "buyer", _("The buyer")
    SUPPLIER = "supplier", _("The supplier")


class PlatformFee(models.Model):
    """What a platform charges for a deal made on it: a percentage of the deal's total,
    bounded by a minimum and a maximum (amounts in ``currency``; a deal in another currency
    pays the percentage alone, unbounded: no exchange rate is assumed), paid by one side."""

    platform = models.OneToOneField(
        "platforms.Platform", on_delete=models.CASCADE, related_name="fee"
    )
    percent = models.DecimalField(_("percent of the deal"), max_digits=6, decimal_places=3)
    minimum = MoneyAmountField(_("minimum"), null=True, blank=True)
    maximum = MoneyAmountField(_("maximum"), null=True, blank=True)
    currency = CurrencyField(_("currency of the minimum and maximum"), default="UAH")
    payer = models.CharField(_("who pays"), max_length=8, choices=Payer.choices)

    def __str__(self) -> str:
        return f"{self.platform_id}: {self.percent}% by {self.payer}"


class InvoiceStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("invoice status", "Open")
    PROCESSING = "processing", pgettext_lazy("invoice status", "Payment in progress")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    REFUNDED = "refunded", pgettext_lazy("invoice status", "Refunded")
    VOID = "void", pgettext_lazy("invoice status", "Void")


class Invoice(models.Model):
    """A bill the platform makes out to a company: the commission of a deal. Paid by card
    (through the payment provider) or by bank transfer (marked paid by a platform admin with
    the transfer's reference). Each change of what is owed, paid or refunded is a row of the
    company's ledger."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    platform = models.ForeignKey("platforms.Platform", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    kind = models.CharField(max_length=16, default="commission")
    number = models.CharField(_("number"), max_length=32, unique=True)
    amount = MoneyAmountField(_("amount"))
    currency = CurrencyField(_("currency"))
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    provider = models.CharField(max_length=16, blank=True, help_text="stripe | offline")
    provider_ref = models.CharField(
        max_length=100, blank=True, help_text="the provider's payment (a PaymentIntent id)"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_reference = models.CharField(_("payment reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=models.Q(order__isnull=False),
                name="deals_invoice_one_per_order_kind",
            )
        ]
        indexes = [models.Index(fields=["company", "status"], name="deals_invoice_company")]

    def __str__(self) -> str:
        return self.number


class LedgerKind(models.TextChoices):
    OWED = "owed", _("Owed")
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    VOID = "void", _("Cancelled")


class LedgerEntry(ImmutableModel):
    """One movement of a company's account with the platform: an invoice owed, paid, refunded
    or cancelled. The balance is the sum of owed less paid plus refunded less cancelled, per
    currency."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="ledger")
    kind = models.CharField(max_length=8, choices=LedgerKind.choices)
    amount = MoneyAmountField()
    currency = CurrencyField()
    reference = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["company", "at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            # An invoice is owed, paid, refunded or cancelled at most once each.
            models.UniqueConstraint(fields=["invoice", "kind"], name="deals_ledger_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.kind} {self.amount} {self.currency}"


class ProviderEvent(models.Model):
    """A webhook event a payment provider sent, kept by its id so that a duplicate or a replay
    changes nothing twice."""

    provider = models.CharField(max_length=16)
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=100)
    # The id of the event's object (a PaymentIntent, a SetupIntent), from the signed event: the
    # processing re-reads that object from the provider, so it can be queued again from the row.
    object_id = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="deals_provider_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


# --- Bid security ------------------------------------------------------------------------------


class SecurityMethod(models.TextChoices):
    CARD = "card", _("A card saved for the security")
    GUARANTEE = "guarantee", _("A bank guarantee")


class SecurityState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("bid security", "Being provided")
    PROVIDED = "provided", pgettext_lazy("bid security", "Provided")
    REJECTED = "rejected", pgettext_lazy("bid security", "Rejected by the buyer")
    RELEASED = "released", pgettext_lazy("bid security", "Released")
    FORFEITED = "forfeited", pgettext_lazy("bid security", "Forfeited")


class BidSecurity(models.Model):
    """A supplier's security for one application to a lot that requires it: the lot's
    percentage of its start price, in the tender's currency.

    By card, the card is **saved** for the platform (a Stripe SetupIntent for off-session use),
    not held: a card authorisation lapses after about 7 days, and an auction's way from
    application to contract is often longer. Nothing is charged unless the security is
    forfeited (the winner refuses to sign, or does not within the deadline): then the saved
    card is charged off-session for the amount. By bank guarantee, the supplier uploads the
    bank's guarantee and the buyer accepts or rejects it; a forfeited guarantee is claimed
    from the bank by the buyer, outside the platform."""

    application = models.ForeignKey(
        "auctions.Application", on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey("auctions.Lot", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    buyer = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=12, choices=SecurityMethod.choices)
    amount = MoneyAmountField(_("amount"))
    currency = CurrencyField(_("currency"))
    state = models.CharField(
        _("state"), max_length=12, choices=SecurityState.choices, default=SecurityState.PENDING
    )
    # Card: the provider's SetupIntent, then the saved card and its customer.
    provider = models.CharField(max_length=16, blank=True)
    setup_ref = models.CharField(max_length=100, blank=True)
    customer_ref = models.CharField(max_length=100, blank=True)
    payment_method_ref = models.CharField(max_length=100, blank=True)
    charge_ref = models.CharField(max_length=100, blank=True, help_text="a forfeited card's charge")
    # Guarantee: the bank's document, stored privately.
    document_name = models.CharField(max_length=300, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_filename = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live security per application: a rejected one may be followed by another.
            models.UniqueConstraint(
                fields=["application"],
                condition=~models.Q(state="rejected"),
                name="deals_security_one_live_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"security of application {self.application_id}: {self.state}"


# --- Bank reconciliation: the platform's bank statements and their lines -----------------------


class StatementFormat(models.TextChoices):
    CAMT053 = "camt053", "ISO 20022 camt.053"
    MT940 = "mt940", "SWIFT MT940"
    ONEC = "1c", "1CClientBankExchange"


class BankStatement(ImmutableModel):
    """A statement of the platform's bank account, uploaded by a platform admin: the account,
    its currency and period, the file's SHA-256. The same file for the same account and period
    is stored once (``deals/banking/services.py``); the statement itself never changes, its
    lines are worked."""

    platform = models.ForeignKey("platforms.Platform", on_delete=models.PROTECT, related_name="+")
    format = models.CharField(_("format"), max_length=8, choices=StatementFormat.choices)
    account = models.CharField(_("account"), max_length=64, help_text="an IBAN, or the bank's own")
    currency = CurrencyField(_("currency"))
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    lines_total = models.PositiveIntegerField(default=0, help_text="the file's lines")
    lines_known = models.PositiveIntegerField(
        default=0, help_text="of them, already imported with an earlier statement"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "account", "period_start", "period_end", "sha256"],
                name="deals_statement_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.period_start}–{self.period_end}"


class LineDirection(models.TextChoices):
    CREDIT = "credit", pgettext_lazy("bank line", "Incoming")
    DEBIT = "debit", pgettext_lazy("bank line", "Outgoing")


class LineStatus(models.TextChoices):
    UNMATCHED = "unmatched", pgettext_lazy("bank line", "Not matched yet")
    MATCHED = "matched", pgettext_lazy("bank line", "Paid an invoice")
    IGNORED = "ignored", pgettext_lazy("bank line", "Not ours")
    OUTGOING = "outgoing", pgettext_lazy("bank line", "Outgoing")


class AccountCheck(models.TextChoices):
    NONE = "", pgettext_lazy("account check", "No account")
    IBAN = "iban", pgettext_lazy("account check", "Valid IBAN")
    INVALID_IBAN = "invalid_iban", pgettext_lazy("account check", "Invalid IBAN")
    DOMESTIC = "domestic", pgettext_lazy("account check", "Domestic account number")


class BankLine(models.Model):
    """One booked line of a statement. An incoming line pays at most one invoice, confirmed by
    a platform admin (``status`` matched, ``invoice``), or is set aside as not ours with a
    reason; until then it waits. ``key`` is the bank's reference for the line, or a hash of the
    line when it has none: the same line in a later statement of the account is not taken
    twice."""

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    platform = models.ForeignKey("platforms.Platform", on_delete=models.PROTECT, related_name="+")
    account = models.CharField(max_length=64)
    key = models.CharField(max_length=100)
    position = models.PositiveIntegerField()
    booked_on = models.DateField(_("date"))
    direction = models.CharField(_("direction"), max_length=8, choices=LineDirection.choices)
    amount = MoneyAmountField(_("amount"))
    currency = CurrencyField(_("currency"))
    counterparty_name = models.CharField(_("counterparty"), max_length=300, blank=True)
    counterparty_account = models.CharField(_("counterparty's account"), max_length=64, blank=True)
    account_check = models.CharField(
        max_length=16, choices=AccountCheck.choices, blank=True, default=AccountCheck.NONE
    )
    counterparty_identifier = models.CharField(
        _("counterparty's identifier"), max_length=40, blank=True
    )
    purpose = models.TextField(_("payment purpose"), blank=True)
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LineStatus.choices)
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="bank_lines"
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "account", "key"], name="deals_bank_line_once"
            ),
            # A line pays one invoice; an invoice is paid by one line.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=models.Q(invoice__isnull=False),
                name="deals_bank_line_one_per_invoice",
            ),
        ]
        indexes = [models.Index(fields=["platform", "status"], name="deals_bank_line_status")]

    def __str__(self) -> str:
        return f"{self.statement_id} #{self.position}: {self.direction} {self.amount}"
