"""The platform's services other than a deal's commission (a human translation ordered on the
platform, ``translation_orders``), billed through the same invoices and the same per-company
ledger as the commission (``invoices``): an invoice of its own ``kind`` with no order, owed on
the company's ledger when issued, then paid, refunded or cancelled as any other invoice is.

The caller makes it once: it holds the row lock of what is billed and keeps the invoice it got
(the translation order keeps its invoice in a one-to-one field).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ..models import Invoice, LedgerKind
from .invoices import _emit, _ledger
from .money import stripe_quantum

SERVICE_KINDS = ("translation",)


def service_fee_invoice_issue(
    *, company_id: int, platform_id: int, kind: str, amount: Decimal, currency: str, reference: str
) -> Invoice:
    """Invoice ``company_id`` ``amount`` in ``currency`` for the platform's service ``kind``
    (``reference``: what it is for, on the ledger); ``invoice.issued`` tells the company."""
    if kind not in SERVICE_KINDS:
        raise ValueError(f"not a platform service: {kind!r}")
    if amount <= 0 or amount != amount.quantize(stripe_quantum(currency)):
        raise ValueError(f"not an amount to bill in {currency}: {amount}")
    with transaction.atomic():
        invoice = Invoice.objects.create(
            company_id=company_id,
            platform_id=platform_id,
            order=None,
            kind=kind,
            number=f"pending-{uuid.uuid4().hex[:20]}",
            amount=amount,
            currency=currency,
        )
        invoice.number = f"TF-{timezone.now().year}-{invoice.pk:06d}"
        invoice.save(update_fields=["number"])
        _ledger(invoice, LedgerKind.OWED, reference=reference[:200])
        _emit("invoice.issued", invoice)
    return invoice
