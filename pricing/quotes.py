"""A quote: chosen products and quantities priced for one buyer (``selectors.price_for``),
row by row with why each price; and the commercial offer made of it: the CRM's document of
kind OFFER (``crm.documents.document_generate``) with the quote's rows as its ``prices``.

Template placeholders the offer adds (beside the CRM's own): ``prices.rows`` (each with
``sku``, ``name``, ``unit``, ``quantity``, ``price``, ``amount``, ``currency``,
``list_price``, ``promotion``, ``source``), ``prices.totals`` (``currency``, ``amount``) and
``prices.date``. The CRM never imports this app: it takes the values as extra context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from crm.documents import document_generate
from crm.models import Account, DocumentTemplate, GeneratedDocument, TemplateKind
from marketplace.companies.models import Company
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.money import format_money
from marketplace.core.spreadsheets import parse_decimal
from suppliers.models import Product

from .selectors import CENT, price_for, supplier_for_member

MAX_LINES = 200


@dataclass(frozen=True)
class QuoteRow:
    product: Product
    quantity: Decimal
    price: Decimal | None  # None: not priced for this buyer (or this quantity)
    currency: str
    source: str
    list_price: Decimal | None = None
    promotion: str = ""

    @property
    def amount(self) -> Decimal | None:
        if self.price is None:
            return None
        return (self.price * self.quantity).quantize(CENT)


@dataclass
class Quote:
    rows: list[QuoteRow] = field(default_factory=list)
    on_date: date | None = None

    @property
    def totals(self) -> list[tuple[str, Decimal]]:
        sums: dict[str, Decimal] = {}
        for row in self.rows:
            if row.amount is not None:
                sums[row.currency] = sums.get(row.currency, Decimal(0)) + row.amount
        return sorted(sums.items())

    @property
    def missing(self) -> list[QuoteRow]:
        return [r for r in self.rows if r.price is None]


def quotable_products(*, supplier: Company, for_buyer: bool):
    """The products a quote may name: for a buyer, the supplier's active ones (a withdrawn
    product is private to the supplier's members, as its public profile and the buyer's
    price lists keep it); for the supplier's own offer, all of them."""
    products = Product.objects.filter(supplier=supplier)
    return products.filter(is_active=True) if for_buyer else products


def parse_lines(
    *, supplier: Company, text: str, for_buyer: bool = False
) -> list[tuple[Product, Decimal]]:
    """Lines of "SKU quantity" (one a line) into the supplier's products and quantities (the
    active ones only ``for_buyer``); refuses naming every bad line."""
    wanted: list[tuple[int, str, str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.strip().rsplit(None, 1)
        if not parts:
            continue
        wanted.append((number, parts[0], parts[1] if len(parts) > 1 else ""))
    if not wanted:
        message = _("Write one product a line: its SKU, a space, the quantity.")
        raise ApplicationError(message, code="lines_required", fields={"lines": [message]})
    if len(wanted) > MAX_LINES:
        message = _("At most %(n)d lines.") % {"n": MAX_LINES}
        raise ApplicationError(message, code="too_many_lines", fields={"lines": [message]})
    products = {
        p.sku: p
        for p in quotable_products(supplier=supplier, for_buyer=for_buyer).filter(
            sku__in=[w[1] for w in wanted]
        )
    }
    out, problems = [], []
    for number, sku, qty in wanted:
        product = products.get(sku)
        try:
            quantity = parse_decimal(qty)
        except ValueError:
            quantity = Decimal(0)
        if product is None:
            problems.append(_("line %(n)d: no product “%(sku)s”") % {"n": number, "sku": sku})
        elif quantity <= 0:
            problems.append(_("line %(n)d: the quantity is not a number above 0") % {"n": number})
        else:
            out.append((product, quantity))
    if problems:
        message = "; ".join(problems) + "."
        raise ApplicationError(message, code="invalid_lines", fields={"lines": [message]})
    return out


def quote_build(
    *,
    supplier: Company,
    buyer_company: Company | None,
    lines: list[tuple[Product, Decimal]],
    on_date: date,
    account: Account | None = None,
) -> Quote:
    """The lines priced for the buyer (or the CRM account) on the day."""
    quote = Quote(on_date=on_date)
    for product, quantity in lines:
        resolved = price_for(
            supplier=supplier,
            buyer_company=buyer_company,
            product=product,
            quantity=quantity,
            on_date=on_date,
            account=account,
        )
        if resolved is None:
            quote.rows.append(
                QuoteRow(product, quantity, None, "", _("No price for this quantity."))
            )
            continue
        source = resolved.source
        quote.rows.append(
            QuoteRow(
                product,
                quantity,
                resolved.price,
                resolved.currency,
                source.explain(),
                source.list_price,
                source.promotion.name if source.promotion else "",
            )
        )
    return quote


def offer_context(quote: Quote) -> dict:
    """The quote as plain values for a document template (``prices``)."""
    rows = [
        {
            "sku": r.product.sku,
            "name": r.product.name,
            "unit": r.product.unit,
            "quantity": f"{r.quantity.normalize():f}",
            "price": format_money(r.price, r.currency) if r.price is not None else "—",
            "amount": format_money(r.amount, r.currency) if r.amount is not None else "—",
            "currency": r.currency,
            "list_price": format_money(r.list_price, r.currency) if r.list_price else "",
            "promotion": r.promotion,
            "source": r.source,
        }
        for r in quote.rows
    ]
    totals = [{"currency": c, "amount": format_money(a, c)} for c, a in quote.totals]
    return {
        "prices": {
            "rows": rows,
            "totals": totals,
            "date": quote.on_date.isoformat() if quote.on_date else "",
        }
    }


def offer_templates(*, supplier: Company):
    return DocumentTemplate.objects.filter(
        workspace=supplier, kind=TemplateKind.OFFER, is_active=True
    ).order_by("name", "pk")


def offer_generate(
    *,
    user,
    supplier_id: int,
    account_id: int,
    template_id: int,
    lines: list[tuple[Product, Decimal]],
    on_date: date,
    file_format: str = "pdf",
) -> tuple[GeneratedDocument, Quote]:
    """A commercial offer to one CRM account: the lines priced for it, generated by the CRM
    from an OFFER template of the supplier's (numbered, stored, on the account's timeline)."""
    supplier = supplier_for_member(user=user, company_id=supplier_id, edit=True)
    account = Account.objects.filter(workspace=supplier, pk=account_id).first()
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    if not offer_templates(supplier=supplier).filter(pk=template_id).exists():
        message = _("Choose a commercial offer template of yours.")
        raise ApplicationError(message, code="template_not_offer", fields={"template": [message]})
    quote = quote_build(
        supplier=supplier,
        buyer_company=account.company,
        lines=lines,
        on_date=on_date,
        account=account,
    )
    document = document_generate(
        user=user,
        workspace_id=supplier.pk,
        template_id=template_id,
        file_format=file_format,
        account_id=account.pk,
        extra_context=offer_context(quote),
    )
    return document, quote
