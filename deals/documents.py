"""An order's documents (services): contract, specification, invoice and delivery note, each
rendered to PDF by the one document engine the CRM's templates use
(``marketplace.core.document_engine``: a sandboxed template over plain values, WeasyPrint with
no access to files or the network, Cyrillic fonts), from the templates this app ships
(``deals/templates/deals/documents/<kind>.html``), in the order's language.

A document is never changed: generating a kind again adds its next version, and the contract
the supplier accepts is named by the SHA-256 of the file it saw. Each one is stored privately,
numbered after the order (``PO-2027-00012-C``, ``...-C2`` for a second contract), and written
on the order's history with its hash.

Rendering takes a second or two, so the moves that need a document leave it to Celery after
their commit (``tasks.order_documents_generate``); a page shows the document once it exists.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from auctions.protocol.formatting import money
from marketplace.core.document_engine import pdf_from_template_file
from marketplace.core.exceptions import ConflictError
from marketplace.core.files import private_file_read

from . import outbox
from .models import DocumentKind, Order, OrderDocument, OrderHistory
from .selectors import order_document_get

SUFFIX = {
    DocumentKind.CONTRACT: "C",
    DocumentKind.SPECIFICATION: "S",
    DocumentKind.INVOICE: "INV",
    DocumentKind.DELIVERY_NOTE: "DN",
}
PAYMENT_DAYS = 10


def _party(company) -> dict:
    return {
        "name": company.legal_name,
        "tax_id": company.tax_id,
        "registration_number": company.registration_number,
        "address": ", ".join(p for p in (company.address, company.city) if p),
        "country": company.country,
        "email": company.email,
        "phone": company.phone,
    }


def _clauses(order: Order, kind: str) -> list[str]:
    line = order.lines.order_by("position").first()
    place = (line.delivery_place if line else "") or "—"
    when = line.delivery_date.isoformat() if line and line.delivery_date else "—"
    terms = (line.incoterms if line else "") or "—"
    if kind == DocumentKind.CONTRACT:
        return [
            _(
                "The supplier delivers the goods of the specification (annex 1) and the buyer "
                "accepts and pays for them, on the terms of this contract, concluded after an "
                "auction on the Tradefloor platform."
            ),
            _("The contract price is %(total)s, set by the auction, and is fixed.")
            % {"total": money(order.total, order.currency)},
            _("Delivery: %(terms)s, %(place)s, no later than %(date)s.")
            % {"terms": terms, "place": place, "date": when},
            ngettext(
                "The buyer pays within %(days)d banking day of the supplier's invoice, after "
                "accepting the delivery.",
                "The buyer pays within %(days)d banking days of the supplier's invoice, after "
                "accepting the delivery.",
                PAYMENT_DAYS,
            )
            % {"days": PAYMENT_DAYS},
            _(
                "The buyer checks the goods on delivery and records what is missing or "
                "defective; the supplier delivers what is missing, replaces what is defective, "
                "or refunds its price."
            ),
            _(
                "Disputes are first opened on the order on the platform; if not settled within "
                "30 days, they go to the court of the buyer's seat."
            ),
            _(
                "The supplier accepts this contract on the platform: its acceptance records "
                "who, when, and this file's SHA-256."
            ),
        ]
    return []


def _labels(kind: str) -> dict:
    return {
        "title": {
            DocumentKind.CONTRACT: _("Supply contract"),
            DocumentKind.SPECIFICATION: _("Specification (annex 1 to the contract)"),
            DocumentKind.INVOICE: _("Invoice"),
            DocumentKind.DELIVERY_NOTE: _("Delivery note"),
        }[DocumentKind(kind)],
        "number": _("No."),
        "date": _("Date"),
        "order": pgettext("order document", "Order"),
        "buyer": _("Buyer"),
        "supplier": _("Supplier"),
        "tax_id": _("Tax ID"),
        "address": _("Address"),
        "item": _("Item"),
        "quantity": _("Quantity"),
        "unit": _("Unit"),
        "unit_price": _("Unit price"),
        "amount": _("Amount"),
        "total": _("Total"),
        "delivery": _("Delivery"),
        "incoterms": _("Incoterms"),
        "place": _("Place"),
        "due": _("Delivery date"),
        "pay_by": ngettext(
            "Pay within %(days)d banking day.", "Pay within %(days)d banking days.", PAYMENT_DAYS
        )
        % {"days": PAYMENT_DAYS},
        "received_by": _("Received by (name, signature, date)"),
        "delivered_by": _("Delivered by (name, signature, date)"),
        "signed": _("Accepted electronically on the platform: the acceptance is on the order."),
    }


def document_context(*, order: Order, kind: str, number: str, at) -> dict:
    """The plain values a document template sees, in the active language."""
    lines = [
        {
            "position": line.position,
            "item": line.item,
            "description": line.description,
            "quantity": f"{line.quantity.normalize():f}",
            "unit": line.unit,
            "unit_price": money(line.unit_price, line.currency),
            "amount": money(line.amount, line.currency),
            "incoterms": line.incoterms,
            "delivery_place": line.delivery_place,
            "delivery_date": line.delivery_date.isoformat() if line.delivery_date else "",
        }
        for line in order.lines.order_by("position")
    ]
    return {
        "labels": _labels(kind),
        "clauses": _clauses(order, kind),
        "document": {"number": number, "date": at.date().isoformat(), "kind": kind},
        "order": {
            "number": order.number,
            "title": order.title,
            "total": money(order.total, order.currency),
            "currency": order.currency,
            "date": order.created_at.date().isoformat(),
        },
        "buyer": _party(order.buyer),
        "supplier": _party(order.supplier),
        "lines": lines,
    }


@dataclass(frozen=True)
class Rendered:
    content: bytes
    sha256: str


def _render(*, order: Order, kind: str, number: str, at) -> Rendered:
    with translation.override(order.language):
        context = document_context(order=order, kind=kind, number=number, at=at)
        content = pdf_from_template_file(
            f"deals/documents/{kind}.html",
            context,
            title=f"{context['labels']['title']} {number}",
            language=order.language,
            created=at,
        )
    return Rendered(content=content, sha256=hashlib.sha256(content).hexdigest())


def document_generate(*, order_id: int, kind: str, user=None) -> OrderDocument:
    """Render and store the order's next ``kind`` document, on its history, with its event.
    Rendering happens before the transaction (it is slow); the version is taken under the
    order's lock, and a render that lost a race to another of the same version is rendered
    again with the next number."""
    kind = DocumentKind(kind)
    order = Order.objects.select_related("buyer", "supplier").get(pk=order_id)
    at = timezone.now()
    for _attempt in range(3):
        version = OrderDocument.objects.filter(order=order, kind=kind).order_by("-version").first()
        next_version = (version.version + 1) if version else 1
        number = f"{order.number}-{SUFFIX[kind]}" + (str(next_version) if next_version > 1 else "")
        rendered = _render(order=order, kind=kind, number=number, at=at)
        name = f"orders/{order.buyer_id}/{order.number}/{number}-{rendered.sha256[:12]}.pdf"
        with transaction.atomic():
            locked = Order.objects.select_for_update().get(pk=order_id)
            taken = OrderDocument.objects.filter(order=locked, kind=kind).order_by("-version")
            latest = taken.first()
            if (latest.version if latest else 0) + 1 != next_version:
                continue
            stored = storages["private"].save(name, ContentFile(rendered.content))
            document = OrderDocument.objects.create(
                order=locked,
                kind=kind,
                version=next_version,
                number=number,
                language=order.language,
                storage_name=stored,
                size=len(rendered.content),
                sha256=rendered.sha256,
                created_by=user,
            )
            OrderHistory.objects.create(
                order=locked,
                action="document",
                status_before=locked.status,
                status_after=locked.status,
                actor=user,
                document=document,
                sha256=document.sha256,
                at=timezone.now(),
            )
            outbox.order_document_added(order=locked, document=document, actor=user)
            return document
    raise ConflictError(_("Please try again."), code="busy")


@dataclass(frozen=True)
class StoredDocument:
    content: bytes
    filename: str
    sha256: str


def document_file(*, user, order_id: int, document_id: int) -> StoredDocument:
    """A document's stored bytes, checked against the SHA-256 recorded when it was made."""
    document = order_document_get(user=user, order_id=order_id, document_id=document_id)
    content = private_file_read(document.storage_name, document.sha256)
    return StoredDocument(
        content=content, filename=f"{document.number}.pdf", sha256=document.sha256
    )
