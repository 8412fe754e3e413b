"""The payment provider in use, and the offline one (a bank transfer): ``provider()`` gives
Stripe when ``STRIPE_SECRET_KEY`` is set, else ``OfflineProvider`` (the embedded default under
``make run``). The interface is in ``providers``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from .providers import PaymentProvider, PaymentStart, PaymentState
from .stripe_provider import StripeProvider


class OfflineProvider:
    """A bank transfer: the platform's bank details from ``PAYMENTS_BANK_DETAILS``."""

    name = "offline"

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
        return PaymentStart(
            provider=self.name,
            reference=number,
            instructions={
                **settings.PAYMENTS_BANK_DETAILS,
                "reference": number,
                "amount": f"{amount:.2f}",
                "currency": currency,
            },
        )

    def payment_read(self, *, reference: str) -> PaymentState:
        raise NotImplementedError("a bank transfer is confirmed by a platform admin")


def provider() -> PaymentProvider:
    """The provider payments go through: Stripe when a secret key is set, else offline."""
    if settings.STRIPE_SECRET_KEY:
        return StripeProvider()
    return OfflineProvider()
