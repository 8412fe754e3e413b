"""Reading the platform's bank statements, their lines and what each incoming line may pay.
Only the people who reconcile (``invoices.user_records_transfers``) see any statement; to
anyone else there are none (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.core.exceptions import NotFoundError

from ..models import BankLine, BankStatement, Invoice, InvoiceStatus, LineStatus
from ..payments.invoices import user_records_transfers
from .matching import OpenInvoice, Proposal, identifier_forms, proposals

OPEN = (InvoiceStatus.OPEN, InvoiceStatus.PROCESSING)


def statements_visible(*, user) -> QuerySet[BankStatement]:
    if not user_records_transfers(user):
        return BankStatement.objects.none()
    return BankStatement.objects.all()


def statement_list(*, user, platform_id: int | None = None) -> QuerySet[BankStatement]:
    rows = statements_visible(user=user).select_related("platform", "imported_by")
    if platform_id is not None:
        rows = rows.filter(platform_id=platform_id)
    return rows.annotate(
        lines_stored=Count("lines"),
        lines_waiting=Count("lines", filter=Q(lines__status=LineStatus.UNMATCHED)),
    ).order_by("-imported_at", "-pk")


def statement_get(*, user, statement_id: int) -> BankStatement:
    statement = (
        statements_visible(user=user).select_related("platform").filter(pk=statement_id).first()
    )
    if statement is None:
        raise NotFoundError(_("No such bank statement."), code="statement_not_found")
    return statement


def line_get(*, user, line_id: int) -> BankLine:
    if not user_records_transfers(user):
        raise NotFoundError(_("No such statement line."), code="line_not_found")
    line = BankLine.objects.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError(_("No such statement line."), code="line_not_found")
    return line


@dataclass(frozen=True)
class ProposedInvoice:
    proposal: Proposal
    invoice: Invoice


def open_invoices(*, platform_id: int, currency: str | None = None) -> list[Invoice]:
    rows = Invoice.objects.filter(platform_id=platform_id, status__in=OPEN).select_related(
        "company"
    )
    if currency:
        rows = rows.filter(currency=currency)
    return list(rows.order_by("created_at", "pk"))


def statement_lines(*, statement: BankStatement) -> list[dict]:
    """The statement's lines, each with its invoice (once matched) and, while it waits, the
    open invoices it may pay, strongest first."""
    lines = list(statement.lines.select_related("invoice", "decided_by").order_by("position", "pk"))
    candidates = open_invoices(platform_id=statement.platform_id)
    by_id = {invoice.pk: invoice for invoice in candidates}
    shapes = [
        OpenInvoice(
            id=invoice.pk,
            number=invoice.number,
            amount=invoice.amount,
            currency=invoice.currency,
            identifiers=frozenset(
                identifier_forms(invoice.company.registration_number)
                | identifier_forms(invoice.company.tax_id)
            ),
        )
        for invoice in candidates
    ]
    out = []
    for line in lines:
        found: list[ProposedInvoice] = []
        if line.status == LineStatus.UNMATCHED:
            found = [
                ProposedInvoice(proposal=p, invoice=by_id[p.invoice_id])
                for p in proposals(
                    purpose=line.purpose,
                    amount=line.amount,
                    currency=line.currency,
                    payer_identifier=line.counterparty_identifier,
                    invoices=shapes,
                )
            ]
        out.append({"line": line, "proposals": found})
    return out
