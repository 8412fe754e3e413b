"""Reading invoices and the ledger: a company's people read its own; platform admins (staff)
read every company's. To anyone else an invoice does not exist (404)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from marketplace.companies.selectors import user_company_ids
from marketplace.core.exceptions import NotFoundError

from ..models import BidSecurity, Invoice, LedgerEntry, LedgerKind


def invoices_visible(*, user) -> QuerySet[Invoice]:
    if user.is_authenticated and user.is_staff:
        return Invoice.objects.all()
    return Invoice.objects.filter(company_id__in=user_company_ids(user=user))


def invoice_list(*, user, status: str = "", order_id: int | None = None) -> QuerySet[Invoice]:
    invoices = invoices_visible(user=user).select_related("company", "order")
    if status:
        invoices = invoices.filter(status=status)
    if order_id is not None:
        invoices = invoices.filter(order_id=order_id)
    return invoices.order_by("-created_at", "-pk")


def invoice_get(*, user, invoice_id: int) -> Invoice:
    invoice = (
        invoices_visible(user=user)
        .select_related("company", "order", "platform")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise NotFoundError(_("No such invoice."), code="invoice_not_found")
    return invoice


SIGN = {LedgerKind.OWED: 1, LedgerKind.PAID: -1, LedgerKind.REFUNDED: 1, LedgerKind.VOID: -1}


def ledger_of(*, company_id: int) -> dict:
    """A company's ledger: its entries and, per currency, what it was billed, paid, was
    refunded, and owes now."""
    entries = LedgerEntry.objects.filter(company_id=company_id).select_related("invoice")
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in entries.values("currency", "kind").annotate(total=Sum("amount")):
        sums[row["currency"]][row["kind"]] += row["total"]
    balances = {
        currency: {
            "owed": kinds[LedgerKind.OWED] - kinds[LedgerKind.VOID],
            "paid": kinds[LedgerKind.PAID],
            "refunded": kinds[LedgerKind.REFUNDED],
            "balance": sum(
                (SIGN[LedgerKind(kind)] * amount for kind, amount in kinds.items()), Decimal(0)
            ),
        }
        for currency, kinds in sorted(sums.items())
    }
    return {"entries": entries.order_by("at", "pk"), "balances": balances}


def securities_visible(*, user) -> QuerySet[BidSecurity]:
    """The bid securities a person may read: its company's as supplier, and those given to its
    company as buyer. Never another supplier's to a supplier."""
    companies = user_company_ids(user=user)
    return BidSecurity.objects.filter(Q(supplier_id__in=companies) | Q(buyer_id__in=companies))


def security_list(*, user, application_id: int | None = None, lot_id: int | None = None):
    rows = securities_visible(user=user).select_related("supplier", "lot")
    if application_id is not None:
        rows = rows.filter(application_id=application_id)
    if lot_id is not None:
        rows = rows.filter(lot_id=lot_id)
    return rows.order_by("-created_at", "-pk")


def security_get(*, user, security_id: int) -> BidSecurity:
    security = securities_visible(user=user).filter(pk=security_id).first()
    if security is None:
        raise NotFoundError(_("No such bid security."), code="security_not_found")
    return security
