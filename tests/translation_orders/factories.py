"""Building blocks for the translation order tests: the tender world of the auction tests (a
platform with its admin, a buyer with its officer, admin and a bidder-only member, suppliers),
the platform's rate for Ukrainian into English, two translators of the platform, a buyer's
tender with real documents (DOCX, PDF, XLSX) and a supplier's certificate with a PDF scan; small
real files made here; what the tables hold (to assert that a refusal wrote nothing)."""

from __future__ import annotations

import io
from decimal import Decimal

import docx
import openpyxl
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from auctions.tenders.documents import tender_document_upload
from deals.models import Invoice, LedgerEntry
from marketplace.events.models import Event
from suppliers.models import Certificate
from tests.auctions.factories import World
from tests.factories import UserFactory
from translation_orders import platform_settings, services
from translation_orders.models import (
    PlatformTranslator,
    TranslationDeliveredFile,
    TranslationOrder,
    TranslationOrderStep,
    TranslationRate,
    TranslationSourceDocument,
)


def api(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


# --- Small real files ----------------------------------------------------------------------------


def docx_bytes(*paragraphs: str, table: list[list[str]] | None = None, header: str = "") -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    if header:
        section = document.sections[0]
        section.header.is_linked_to_previous = False
        section.header.paragraphs[0].text = header
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf_bytes(*lines: str) -> bytes:
    """A one-page PDF with a text layer (Helvetica, ASCII lines), written by hand."""
    ops = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {ops} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- The world -----------------------------------------------------------------------------------


class Translations(World):
    """The tender world plus: the platform's rate uk→en (0.50 UAH a word, at least 100 UAH),
    translators ``translator`` and ``other_translator`` of the platform, ``tender`` (a draft of
    the buyer) with documents ``spec`` (DOCX, 12 words), ``terms`` (PDF, 6 words) and ``sheet``
    (XLSX, 4 words of text), and the supplier's certificate ``certificate`` with a PDF scan (5
    words) and ``scan`` (a PNG: no words to count)."""

    def __init__(self):
        super().__init__()
        self.rate = platform_settings.rate_set(
            actor=self.platform_admin,
            platform_id=self.platform.pk,
            source_language="uk",
            target_language="en",
            price_per_word=Decimal("0.50"),
            currency="UAH",
            minimum_fee=Decimal("100.00"),
        )
        self.translator = self.grant(UserFactory(full_name="Taras Translator"))
        self.other_translator = self.grant(UserFactory(full_name="Olha Other"))
        self.tender = self.draft(title="Diesel for the winter")
        self.spec = self.document(
            "spec.docx",
            docx_bytes(
                "Технічне завдання: дизельне паливо, п'ять тонн.",  # 6
                table=[["Self-service price", "16-й пункт"]],  # 4
                header="Tender specification",  # 2
            ),
        )
        self.terms = self.document("terms.pdf", pdf_bytes("Terms of delivery", "Pay in 30 days"))
        self.sheet = self.document(
            "prices.xlsx", xlsx_bytes({"Lots": [["Diesel fuel", 1200, "Winter grade"]]})
        )
        self.certificate = self.cert("ISO 9001", "iso.pdf", pdf_bytes("Quality management system"))
        self.scan = self.cert("Conformity", "scan.png", PNG, content_type="image/png")

    def grant(self, user):
        platform_settings.translator_grant(
            actor=self.platform_admin, platform_id=self.platform.pk, email=user.email
        )
        return user

    def document(self, name: str, content: bytes):
        return tender_document_upload(
            actor=self.officer, tender=self.tender, file=upload(name, content), title=name
        )

    def cert(self, title, name, content, *, content_type="application/pdf") -> Certificate:
        stored = storages["private"].save(f"certificates/{name}", ContentFile(content))
        return Certificate.objects.create(
            profile=self.supplier.supplier_profile,
            name=title,
            file_name=stored,
            original_file_name=name,
            content_type=content_type,
        )

    # --- driving the flow --------------------------------------------------------------------

    def order(self, *documents, actor=None, target="en", **kw) -> TranslationOrder:
        return services.order_place(
            actor=actor or self.officer,
            company_id=self.buyer.pk,
            side="buyer",
            source_language="uk",
            target_language=target,
            tender_document_ids=[d.pk for d in (documents or (self.spec, self.terms))],
            **kw,
        )

    def supplier_order(self, *certificates, actor=None) -> TranslationOrder:
        return services.order_place(
            actor=actor or self.supplier_admin,
            company_id=self.supplier.pk,
            side="supplier",
            source_language="uk",
            target_language="en",
            certificate_ids=[c.pk for c in (certificates or (self.certificate,))],
            platform_id=self.platform.pk,
        )

    def quoted(self, **kw) -> TranslationOrder:
        order = self.order(**kw)
        services.order_take(actor=self.translator, order_id=order.pk)
        return services.order_quote(actor=self.translator, order_id=order.pk)

    def in_progress(self, **kw) -> TranslationOrder:
        order = self.quoted(**kw)
        return services.order_quote_accept(actor=self.officer, order_id=order.pk)

    def delivered(self, **kw) -> TranslationOrder:
        order = self.in_progress(**kw)
        return services.order_deliver(
            actor=self.translator,
            order_id=order.pk,
            uploads=[upload("spec-en.docx", docx_bytes("Technical specification"))],
        )


def snapshot() -> dict:
    """What the translation tables, the invoices and the events hold."""
    return {
        "orders": sorted(TranslationOrder.objects.values_list()),
        "documents": sorted(TranslationSourceDocument.objects.values_list()),
        "files": sorted(TranslationDeliveredFile.objects.values_list()),
        "steps": TranslationOrderStep.objects.count(),
        "translators": sorted(PlatformTranslator.objects.values_list()),
        "rates": sorted(TranslationRate.objects.values_list()),
        "invoices": Invoice.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "events": Event.objects.count(),
    }
