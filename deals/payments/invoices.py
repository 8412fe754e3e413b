"""The platform's commission (services): each deal on a platform with a fee makes one invoice
to the side that pays it; the company pays by card (the provider's payment) or by bank
transfer (a platform admin marks it paid with the transfer's reference); each change is a row
of the company's ledger (owed, paid, refunded, cancelled).

Money stays ``Decimal`` in the deal's currency: the fee is the deal's total times the
platform's percentage, bounded by its minimum and maximum when those are in the same currency
(no exchange rate is assumed: a deal in another currency pays the percentage alone), rounded
half up to what the currency allows (``money.stripe_quantum``: whole units for JPY, thousandths
ending in 0 for KWD).

Every path that marks an invoice paid goes through ``invoice_paid``, under the invoice's row
lock, and the ledger allows one "paid" row per invoice: a webhook delivered twice, or a card
payment and an admin's mark racing, pay it once.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.events.services import event_emit, money

from ..models import Invoice, InvoiceStatus, LedgerEntry, LedgerKind, Order, Payer, PlatformFee
from .gateway import provider
from .money import stripe_quantum
from .providers import PaymentStart

PAYER_ROLES = ("company_admin", "procurement_officer", "bidder")


def fee_amount(*, fee: PlatformFee, total: Decimal, currency: str) -> Decimal:
    """The commission on a deal of ``total`` in ``currency``."""
    amount = total * fee.percent / Decimal(100)
    if fee.currency == currency:
        if fee.minimum is not None:
            amount = max(amount, fee.minimum)
        if fee.maximum is not None:
            amount = min(amount, fee.maximum)
    step = stripe_quantum(currency)  # a step, not only a precision: 0.010 for KWD
    return ((amount / step).to_integral_value(ROUND_HALF_UP) * step).quantize(step)


def _ledger(invoice: Invoice, kind: str, *, reference: str = "", actor=None) -> None:
    LedgerEntry.objects.create(
        company_id=invoice.company_id,
        invoice=invoice,
        kind=kind,
        amount=invoice.amount,
        currency=invoice.currency,
        reference=reference,
        actor=actor,
        at=timezone.now(),
    )


def _emit(event_type: str, invoice: Invoice, actor=None, **extra) -> None:
    event_emit(
        event_type,
        company=invoice.company_id,
        actor=actor,
        payload={
            "invoice": invoice.pk,
            "number": invoice.number,
            "company": invoice.company_id,
            "order": invoice.order_id,
            "amount": money(invoice.amount),
            "currency": invoice.currency,
            **extra,
        },
    )


def commission_for_order(*, order_id: int) -> Invoice | None:
    """The commission invoice of an order's deal, made once (None when its platform charges
    nothing). Called by the listener of ``order.created``."""
    with transaction.atomic():
        order = (
            Order.objects.select_for_update()
            .select_related("deal__lot__tender__platform")
            .filter(pk=order_id)
            .first()
        )
        if order is None:
            return None
        existing = Invoice.objects.filter(order=order, kind="commission").first()
        if existing is not None:
            return existing
        platform = order.deal.lot.tender.platform
        fee = PlatformFee.objects.filter(platform=platform).first()
        if fee is None or fee.percent <= 0:
            return None
        amount = fee_amount(fee=fee, total=order.total, currency=order.currency)
        if amount <= 0:
            return None
        payer = order.buyer_id if fee.payer == Payer.BUYER else order.supplier_id
        invoice = Invoice.objects.create(
            company_id=payer,
            platform=platform,
            order=order,
            kind="commission",
            number=f"pending-{order.pk}",
            amount=amount,
            currency=order.currency,
        )
        invoice.number = f"TF-{timezone.now().year}-{invoice.pk:06d}"
        invoice.save(update_fields=["number"])
        _ledger(invoice, LedgerKind.OWED, reference=order.number)
        _emit("invoice.issued", invoice)
    return invoice


def _payer_check(*, user, invoice: Invoice) -> None:
    from marketplace.companies.selectors import user_has_company_role

    if not user_has_company_role(user=user, company=invoice.company_id, roles=PAYER_ROLES):
        raise PermissionDeniedError(
            _("Only the paying company's staff may pay this invoice."), code="not_payer"
        )


def invoice_pay_start(*, user, invoice_id: int) -> PaymentStart:
    """Start paying an open invoice (or resume the payment already started): the card's client
    secret, or the bank details to transfer to."""
    from .selectors import invoice_get

    invoice = invoice_get(user=user, invoice_id=invoice_id)
    _payer_check(user=user, invoice=invoice)
    if invoice.status not in (InvoiceStatus.OPEN, InvoiceStatus.PROCESSING):
        raise ConflictError(
            _("This invoice is “%(status)s”: there is nothing to pay.")
            % {"status": invoice.get_status_display()},
            code="invoice_not_open",
        )
    chosen = provider()
    started = chosen.payment_start(
        invoice_id=invoice.pk,
        number=invoice.number,
        amount=invoice.amount,
        currency=invoice.currency,
        customer=invoice.company.legal_name,
        existing_reference=invoice.provider_ref if invoice.provider == chosen.name else "",
    )
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status in (InvoiceStatus.OPEN, InvoiceStatus.PROCESSING):
            locked.provider = chosen.name
            locked.provider_ref = started.reference
            locked.save(update_fields=["provider", "provider_ref", "updated_at"])
    return started


def invoice_paid(
    *,
    invoice_id: int,
    provider_name: str,
    reference: str,
    amount: Decimal | None = None,
    currency: str | None = None,
    actor=None,
) -> bool:
    """Mark the invoice paid (once): by the provider's confirmed payment ``reference`` (its
    amount and currency must be the invoice's), or by a platform admin's transfer reference.
    Returns whether this call paid it; a second call for a paid invoice changes nothing."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None or invoice.status in (InvoiceStatus.PAID, InvoiceStatus.REFUNDED):
            return False
        if invoice.status == InvoiceStatus.VOID:
            raise ConflictError(_("This invoice was cancelled."), code="invoice_void")
        if amount is not None and (amount != invoice.amount or currency != invoice.currency):
            raise ConflictError(
                _("The payment's amount is not the invoice's."), code="amount_mismatch"
            )
        invoice.status = InvoiceStatus.PAID
        invoice.provider = provider_name
        invoice.paid_at = timezone.now()
        if provider_name == "offline":
            invoice.paid_reference = reference
        else:
            invoice.provider_ref = reference
        invoice.save(
            update_fields=["status", "provider", "provider_ref", "paid_at", "paid_reference"]
        )
        _ledger(invoice, LedgerKind.PAID, reference=reference, actor=actor)
        _emit("invoice.paid", invoice, actor=actor, provider=provider_name)
    return True


def user_records_transfers(user) -> bool:
    """Who records the bank transfers that pay invoices, refunds them, and reconciles the
    platform's bank statements (``deals/banking``): the operator's staff, whom
    ``platforms.selectors.user_is_platform_admin`` takes as every platform's admins."""
    return bool(user and user.is_authenticated and user.is_staff)


def invoice_mark_paid(*, user, invoice_id: int, reference: str) -> Invoice:
    """A platform admin records a bank transfer that paid the invoice."""
    if not user_records_transfers(user):
        raise PermissionDeniedError(
            _("Only the platform's admins record transfers."), code="not_platform_admin"
        )
    reference = (reference or "").strip()
    if not reference:
        message = _("Give the transfer's reference (as on the bank statement).")
        raise ApplicationError(message, code="reference_required", fields={"reference": [message]})
    if not invoice_paid(
        invoice_id=invoice_id, provider_name="offline", reference=reference[:200], actor=user
    ):
        raise ConflictError(_("This invoice is already paid."), code="invoice_paid")
    return Invoice.objects.get(pk=invoice_id)


def invoice_payment_failed(*, invoice_id: int, reference: str) -> None:
    """The provider says the payment failed: the invoice is open again (the payer may retry
    with another card)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None or invoice.status != InvoiceStatus.PROCESSING:
            return
        if invoice.provider_ref == reference:
            invoice.status = InvoiceStatus.OPEN
            invoice.save(update_fields=["status", "updated_at"])


def invoice_processing(*, invoice_id: int, reference: str) -> None:
    """The provider has the payment under way (a card confirmed, funds not yet settled)."""
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
        if invoice is None or invoice.status != InvoiceStatus.OPEN:
            return
        invoice.status = InvoiceStatus.PROCESSING
        invoice.provider_ref = reference
        invoice.save(update_fields=["status", "provider_ref", "updated_at"])


def invoice_refund(*, user, invoice_id: int, reason: str, reference: str = "") -> Invoice:
    """A platform admin refunds a paid invoice in full: a card payment through the provider
    (once: the refund's key is the invoice's), a bank transfer by recording the reference of
    the transfer back. Refunded on the company's ledger."""
    if not user_records_transfers(user):
        raise PermissionDeniedError(
            _("Only the platform's admins refund invoices."), code="not_platform_admin"
        )
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the invoice is refunded.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None or invoice.status != InvoiceStatus.PAID:
        raise ConflictError(_("Only a paid invoice can be refunded."), code="invoice_not_paid")
    if invoice.provider == "stripe":
        chosen = provider()
        if not hasattr(chosen, "refund"):
            raise ConflictError(
                _("Card payments are not configured: refund it by bank transfer."),
                code="card_unavailable",
            )
        reference = chosen.refund(invoice_id=invoice.pk, reference=invoice.provider_ref)
    elif not (reference or "").strip():
        message = _("Give the reference of the transfer back (as on the bank statement).")
        raise ApplicationError(message, code="reference_required", fields={"reference": [message]})
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice_id)
        if invoice.status != InvoiceStatus.PAID:
            raise ConflictError(_("Only a paid invoice can be refunded."), code="invoice_not_paid")
        invoice.status = InvoiceStatus.REFUNDED
        invoice.save(update_fields=["status", "updated_at"])
        _ledger(
            invoice,
            LedgerKind.REFUNDED,
            reference=f"{reference.strip()[:150]}: {reason[:40]}",
            actor=user,
        )
    return invoice


def invoices_void_for_order(*, order_id: int) -> int:
    """The order was cancelled: its invoices not yet paid are cancelled (void on the ledger).
    A paid one stays: refunding it is a platform admin's decision. Returns how many."""
    voided = 0
    with transaction.atomic():
        rows = Invoice.objects.select_for_update().filter(
            order_id=order_id, status__in=[InvoiceStatus.OPEN, InvoiceStatus.PROCESSING]
        )
        for invoice in rows:
            invoice.status = InvoiceStatus.VOID
            invoice.save(update_fields=["status", "updated_at"])
            _ledger(invoice, LedgerKind.VOID, reference=_("The order was cancelled."))
            voided += 1
    return voided
