"""Bank reconciliation's writes, each one transaction: a statement imported (once), an
incoming line confirmed as the payment of an open invoice (through ``invoice_paid``, the one
service every payment goes through: the ledger's "paid" row and the ``invoice.paid`` event come
from there), a line set aside as not ours.

Who: the people who record bank transfers (``invoices.user_records_transfers``: the operator's
staff, every platform's admins)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.core.money import format_money
from marketplace.platforms.models import Platform

from ..models import (
    BankLine,
    BankStatement,
    Invoice,
    InvoiceStatus,
    LineDirection,
    LineStatus,
)
from ..payments.invoices import invoice_paid, user_records_transfers
from .formats import statement_parse
from .parsed import MAX_STATEMENT_BYTES, StatementError, account_check, line_keys


@dataclass(frozen=True)
class ImportResult:
    statement: BankStatement
    created: bool  # False: this statement (or every line of it) was imported before
    lines_new: int


def require_reconciler(user) -> None:
    if not user_records_transfers(user):
        raise PermissionDeniedError(
            _("Only the platform's admins reconcile its bank statements."),
            code="not_platform_admin",
        )


def _refuse(message: str, code: str = "statement_invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def statement_import(*, actor, platform: Platform | int, file) -> ImportResult:
    """Store a statement of the platform's bank account and its lines, in one transaction. A
    file that cannot be read writes nothing (400 with what is wrong and where). The same file
    for the same account and period again, or a file whose every line is already stored (a
    statement downloaded twice), changes nothing: the answer names the statement it was."""
    require_reconciler(actor)
    platform_id = platform if isinstance(platform, int) else platform.pk
    found = Platform.objects.filter(pk=platform_id).first()
    if found is None:
        raise NotFoundError(_("No such platform."), code="platform_not_found")
    data = file.read(MAX_STATEMENT_BYTES + 1)
    filename = str(getattr(file, "name", "") or "")[-200:]
    try:
        parsed = statement_parse(data, default_currency=found.default_currency)
    except StatementError as exc:
        raise _refuse(exc.message) from None
    sha256 = hashlib.sha256(data).hexdigest()
    keys = line_keys(parsed.lines)
    with transaction.atomic():
        # One import at a time per platform: the second of two at once finds the first's rows.
        Platform.objects.select_for_update().filter(pk=platform_id).first()
        same = BankStatement.objects.filter(
            platform_id=platform_id,
            account=parsed.account,
            period_start=parsed.period_start,
            period_end=parsed.period_end,
            sha256=sha256,
        ).first()
        if same is not None:
            return ImportResult(statement=same, created=False, lines_new=0)
        known = set(
            BankLine.objects.filter(
                platform_id=platform_id, account=parsed.account, key__in=keys
            ).values_list("key", flat=True)
        )
        if keys and len(known) == len(keys):
            earlier = (
                BankLine.objects.filter(
                    platform_id=platform_id, account=parsed.account, key=keys[0]
                )
                .select_related("statement")
                .get()
                .statement
            )
            return ImportResult(statement=earlier, created=False, lines_new=0)
        statement = BankStatement.objects.create(
            platform_id=platform_id,
            format=parsed.format,
            account=parsed.account,
            currency=parsed.currency,
            period_start=parsed.period_start,
            period_end=parsed.period_end,
            sha256=sha256,
            filename=filename,
            lines_total=len(keys),
            lines_known=len(known),
            imported_by=actor,
            imported_at=timezone.now(),
        )
        rows = [
            BankLine(
                statement=statement,
                platform_id=platform_id,
                account=parsed.account,
                key=key,
                position=position,
                booked_on=line.booked_on,
                direction=LineDirection.CREDIT if line.credit else LineDirection.DEBIT,
                amount=line.amount,
                currency=line.currency,
                counterparty_name=line.counterparty_name,
                counterparty_account=line.counterparty_account,
                account_check=account_check(line.counterparty_account),
                counterparty_identifier=line.counterparty_identifier,
                purpose=line.purpose,
                reference=(line.reference or line.document_number)[:100],
                status=LineStatus.UNMATCHED if line.credit else LineStatus.OUTGOING,
            )
            for position, (key, line) in enumerate(zip(keys, parsed.lines, strict=True), start=1)
            if key not in known
        ]
        BankLine.objects.bulk_create(rows)
    return ImportResult(statement=statement, created=True, lines_new=len(rows))


def _locked_incoming_line(line_id: int) -> BankLine:
    """The line under its row lock, still waiting for a decision."""
    line = BankLine.objects.select_for_update().filter(pk=line_id).first()
    if line is None:
        raise NotFoundError(_("No such statement line."), code="line_not_found")
    if line.direction != LineDirection.CREDIT:
        raise ConflictError(
            _("This line is an outgoing payment: only incoming ones pay invoices."),
            code="line_outgoing",
        )
    if line.status == LineStatus.MATCHED:
        raise ConflictError(
            _("This line has already paid an invoice."), code="line_already_matched"
        )
    if line.status == LineStatus.IGNORED:
        raise ConflictError(_("This line was set aside as not ours."), code="line_ignored")
    return line


def line_payment_reference(line: BankLine) -> str:
    """What the invoice's payment is recorded with: the bank's reference for the line, else
    the statement's account, the date and the line's place in its statement."""
    if line.reference:
        return line.reference
    return f"{line.account} {line.booked_on.isoformat()} #{line.statement_id}.{line.position}"


def line_confirm(*, actor, line_id: int, invoice_id: int) -> BankLine:
    """A platform admin confirms that an incoming line paid an open invoice of its platform
    (a proposal, or another open invoice): the invoice is paid through ``invoice_paid`` with
    the line's reference, under the line's and then the invoice's row lock. A line pays one
    invoice once; an invoice is paid once; the amount must be the invoice's (no partial
    payments)."""
    require_reconciler(actor)
    with transaction.atomic():
        line = _locked_incoming_line(line_id)
        invoice = Invoice.objects.filter(pk=invoice_id, platform_id=line.platform_id).first()
        if invoice is None:
            message = _("No such invoice on this statement's platform.")
            raise ApplicationError(message, code="invoice_not_found", fields={"invoice": [message]})
        if invoice.status in (InvoiceStatus.PAID, InvoiceStatus.REFUNDED):
            raise ConflictError(_("This invoice is already paid."), code="invoice_paid")
        if invoice.status == InvoiceStatus.VOID:
            raise ConflictError(_("This invoice was cancelled."), code="invoice_void")
        if (line.amount, line.currency) != (invoice.amount, invoice.currency):
            raise ConflictError(
                _(
                    "The line's amount, %(line)s, is not the invoice's, %(invoice)s: an invoice "
                    "is paid in full, by one line."
                )
                % {
                    "line": format_money(line.amount, line.currency),
                    "invoice": format_money(invoice.amount, invoice.currency),
                },
                code="amount_mismatch",
            )
        paid = invoice_paid(
            invoice_id=invoice.pk,
            provider_name="offline",
            reference=line_payment_reference(line),
            amount=line.amount,
            currency=line.currency,
            actor=actor,
        )
        if not paid:  # paid in the meantime (a card, an admin's mark): under its lock now
            raise ConflictError(_("This invoice is already paid."), code="invoice_paid")
        line.status = LineStatus.MATCHED
        line.invoice = invoice
        line.decided_by = actor
        line.decided_at = timezone.now()
        line.save(update_fields=["status", "invoice", "decided_by", "decided_at"])
    return line


def line_ignore(*, actor, line_id: int, reason: str) -> BankLine:
    """A platform admin sets an incoming line aside as not the platform's business (a refund
    from a supplier, a transfer between own accounts), saying why. It pays nothing after."""
    require_reconciler(actor)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why this line is not ours.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    with transaction.atomic():
        line = _locked_incoming_line(line_id)
        line.status = LineStatus.IGNORED
        line.reason = reason[:1000]
        line.decided_by = actor
        line.decided_at = timezone.now()
        line.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    return line
