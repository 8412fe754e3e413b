"""The protocol as a file: PDF (WeasyPrint, from ``auctions/protocol.html``), CSV or XLSX, all
three rendered from the same sections (``tables.protocol_tables``)."""

from __future__ import annotations

import csv
import io
from datetime import UTC

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.formats import number_format

from ..models import Lot
from .formatting import fmt_dt, money
from .record import Protocol
from .tables import Cell, protocol_tables

FILE_FORMATS = ("pdf", "csv", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _display(cell: Cell, currency: str) -> str:
    v = cell.value
    if v is None or v == "":
        return "" if cell.kind == "text" else "—"
    if cell.kind == "money":
        return money(v, currency)
    if cell.kind == "amount":
        return number_format(v, use_l10n=True, force_grouping=True)
    if cell.kind == "percent":
        return f"{number_format(v, decimal_pos=2, use_l10n=True)} %"
    if cell.kind == "datetime":
        return fmt_dt(v)
    return str(v)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(cell: Cell) -> str:
    """A cell as machine-readable text: decimals as they are, times in ISO 8601 UTC, text that
    a spreadsheet would take for a formula quoted."""
    v = cell.value
    if v is None:
        return ""
    if cell.kind == "datetime":
        return v.astimezone(UTC).isoformat()
    if cell.kind in ("money", "amount", "percent"):
        return str(v)
    text = str(v)
    if cell.kind == "text" and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def protocol_render_pdf(protocol: Protocol) -> bytes:
    from weasyprint import HTML  # heavy; loaded only when a PDF is made

    sections = protocol_tables(protocol)
    context = {
        "p": protocol,
        "lot": protocol.lot,
        "title": protocol.title,
        "language": protocol.language or settings.LANGUAGE_CODE,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "headings": s.headings,
                "pairs": s.pairs,
                "rows": [
                    [{"text": _display(c, protocol.currency), "kind": c.kind} for c in row]
                    for row in s.rows
                ],
            }
            for s in sections
        ],
        "final_hash": protocol.chain.final_hash,
        # A fixed creation date keeps the bytes a function of the content.
        "created": protocol.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    html = render_to_string("auctions/protocol.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def protocol_render_csv(protocol: Protocol) -> bytes:
    """One CSV with the sections one after another: a title line, a heading line, the rows, and
    an empty line between sections. UTF-8 with a byte order mark, so spreadsheets read Cyrillic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([protocol.title])
    writer.writerow([])
    for section in protocol_tables(protocol):
        writer.writerow([section.title])
        writer.writerow(section.headings)
        for row in section.rows:
            writer.writerow([_plain(c) for c in row])
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")


def protocol_render_xlsx(protocol: Protocol) -> bytes:
    """A workbook with one sheet per section; amounts are numbers shown with the currency."""
    # openpyxl is heavy; loaded only when a workbook is made
    from openpyxl import Workbook
    from openpyxl.styles import Font

    cur = protocol.currency
    formats = {
        "money": f'#,##0.00 "{cur}"',
        "amount": "#,##0.########",
        "percent": '0.00" %"',
        "datetime": "yyyy-mm-dd hh:mm:ss.000",
        "int": "0",
    }
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in protocol_tables(protocol):
        name = "".join(ch for ch in section.title if ch not in "[]:*?/\\")[:31] or section.key
        if name in used:
            name = section.key[:31]
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append(section.headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(section.rows, start=2):
            for c, item in enumerate(row, start=1):
                target = sheet.cell(row=r, column=c)
                value = item.value
                if value is None:
                    continue
                if item.kind == "datetime":
                    target.value = value.astimezone(UTC).replace(tzinfo=None)
                elif item.kind in ("money", "amount", "percent", "int"):
                    target.value = value
                else:
                    target.value = str(value)
                    target.data_type = "s"  # never a formula, whatever the text starts with
                if item.kind in formats:
                    target.number_format = formats[item.kind]
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 70)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RENDERERS = {"pdf": protocol_render_pdf, "csv": protocol_render_csv, "xlsx": protocol_render_xlsx}


def protocol_filename(lot: Lot, file_format: str) -> str:
    return f"protocol-tender-{lot.tender_id}-lot-{lot.number}.{file_format}"
