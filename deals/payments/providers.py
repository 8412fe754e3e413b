"""Payment providers: one interface, two implementations.

``PaymentProvider`` is what the invoices' services (``deals/payments/invoices.py``) call; they
never name Stripe. Two providers implement it:

* ``OfflineProvider`` (``"offline"``): a bank transfer. Starting a payment gives the payer the
  platform's bank details and the invoice number to quote; a platform admin marks the invoice
  paid with the transfer's reference. The embedded default (``make run``) and whenever no
  Stripe key is set.
* ``StripeProvider`` (``"stripe"``, ``deals/payments/stripe_provider.py``): a card payment
  through a PaymentIntent the page confirms with Stripe.js; Stripe's webhook tells us it
  succeeded (``deals/payments/webhooks.py``), and we re-read the PaymentIntent from Stripe
  before believing it.

``gateway.provider()`` picks one by the settings: Stripe when ``STRIPE_SECRET_KEY`` is set.
This module holds only the interface and the shapes both providers answer with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True)
class PaymentStart:
    """What the payer needs to pay: for a card, the client secret Stripe.js confirms with and
    the publishable key; for a transfer, the bank details and the reference to quote."""

    provider: str
    reference: str  # the provider's id of this payment (a PaymentIntent id), or the invoice no.
    client_secret: str = ""
    publishable_key: str = ""
    instructions: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentState:
    """A payment as the provider has it now."""

    reference: str
    status: str  # "succeeded" | "processing" | "requires_action" | "failed" | "canceled"
    amount: Decimal
    currency: str
    invoice_id: int | None  # from the payment's metadata


class PaymentProvider(Protocol):
    name: str

    def payment_start(
        self,
        *,
        invoice_id: int,
        number: str,
        amount: Decimal,
        currency: str,
        customer: str,
        existing_reference: str = "",
    ) -> PaymentStart:
        """Start the payment of an invoice, or resume ``existing_reference`` (the payment this
        provider already started for it) while it can still be paid: one invoice, one payment.
        ``customer`` is the payer company's name, for the provider's records."""
        ...

    def payment_read(self, *, reference: str) -> PaymentState:
        """The payment as the provider has it now (never from a webhook's copy)."""
        ...


@dataclass(frozen=True)
class SetupState:
    """A card being saved for later off-session charges (a bid security), as the provider has
    it now."""

    reference: str
    status: str  # "succeeded" | "processing" | "requires_payment_method" | "canceled" | ...
    payment_method: str
    customer: str
    security_id: int | None  # from the metadata


class CardSaver(Protocol):
    """What a provider that can keep a card for a bid security does (Stripe; not the offline
    provider: there the security is a bank guarantee)."""

    def setup_start(
        self, *, security_id: int, customer_name: str, existing_reference: str = ""
    ) -> PaymentStart:
        """Save a card for off-session use: a customer and a SetupIntent (its id is the
        ``reference``, its client secret for Stripe.js); ``existing_reference`` resumes one."""
        ...

    def setup_read(self, *, reference: str) -> SetupState: ...

    def charge_off_session(
        self,
        *,
        security_id: int,
        amount: Decimal,
        currency: str,
        customer: str,
        payment_method: str,
    ) -> PaymentState:
        """Charge the saved card without its holder (a forfeited security), once per
        security (the idempotency key is derived from it)."""
        ...
