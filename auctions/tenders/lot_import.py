"""Lots from a spreadsheet, one row per lot.

The file is read and its cells parsed with the platform's spreadsheet helpers
(``marketplace.core.spreadsheets``); each row is checked by the same lot rules as a lot made
through the API (``validation.lot_build``), and the lots are added all or nothing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError
from marketplace.core.spreadsheets import (
    FileProblem,
    Problem,
    cell_text,
    is_blank,
    normalize_header,
    parse_decimal,
    read_table,
)

from ..lock_objects import tender_lock
from ..models import Lot, Tender
from ._common import require_draft, require_manager
from .validation import lot_build

LOT_IMPORT_MAX_ROWS = 500
LOT_IMPORT_COLUMNS = (
    "title",
    "quantity",
    "unit",
    "start_price",
    "reserve_price",
    "delivery_place",
    "delivery_date",
    "description",
)
LOT_IMPORT_REQUIRED = ("title", "quantity", "unit", "start_price")
# Canonical column -> accepted header spellings (compared lower-cased, spaces collapsed).
LOT_IMPORT_ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "item",
        "name",
        "наименование",
        "название",
        "товар",
        "найменування",
        "назва",
    ),
    "quantity": ("quantity", "qty", "количество", "кол-во", "кількість"),
    "unit": ("unit", "uom", "ед. изм.", "ед.изм.", "единица", "од. вим.", "од.вим.", "одиниця"),
    "start_price": (
        "start_price",
        "start price",
        "начальная цена",
        "стартовая цена",
        "початкова ціна",
        "стартова ціна",
    ),
    "reserve_price": (
        "reserve_price",
        "reserve price",
        "reserve",
        "резервная цена",
        "резервна ціна",
    ),
    "delivery_place": ("delivery_place", "delivery place", "место поставки", "місце поставки"),
    "delivery_date": (
        "delivery_date",
        "delivery date",
        "срок поставки",
        "дата поставки",
        "термін поставки",
    ),
    "description": ("description", "описание", "опис"),
}
_LOT_IMPORT_ALIAS = {a: col for col, aliases in LOT_IMPORT_ALIASES.items() for a in aliases}
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


class LotImportError(ApplicationError):
    """The file has problems; ``report`` lists each one (row, column, problem). Nothing was
    written."""

    code = "import_invalid"

    def __init__(self, problems: list) -> None:
        super().__init__(
            _(
                "The file has %(count)d problem(s); no lot was added. "
                "Fix them and upload the file again."
            )
            % {"count": len(problems)}
        )
        self.report = problems


def _import_date(value):
    if isinstance(value, datetime):
        return value.date()
    if hasattr(value, "year") and hasattr(value, "day"):
        return value
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date only
        except ValueError:
            continue
    raise ValueError(value)


def _import_rows(table: list[list], problem) -> tuple[list[tuple[int, dict]], list]:
    """The data rows as ``(row number, lot fields)``; problems of shape go to ``problem``."""
    problems: list = []
    header_index = next((i for i, values in enumerate(table) if not is_blank(values)), None)
    if header_index is None:
        return [], [problem(None, None, _("The file has no header row and no data."))]
    header_row = header_index + 1
    positions: dict[str, int] = {}
    for position, raw in enumerate(table[header_index]):
        column = _LOT_IMPORT_ALIAS.get(normalize_header(raw))
        if column is None:
            continue
        if column in positions:
            problems.append(
                problem(header_row, column, _("The column “%(c)s” appears twice.") % {"c": column})
            )
        positions.setdefault(column, position)
    for column in LOT_IMPORT_REQUIRED:
        if column not in positions:
            problems.append(
                problem(
                    header_row,
                    column,
                    _("The required column “%(column)s” is missing. Expected columns: %(cols)s.")
                    % {"column": column, "cols": ", ".join(LOT_IMPORT_COLUMNS)},
                )
            )
    if problems:
        return [], problems
    data = [
        (index + 1, values)
        for index, values in enumerate(table[header_index + 1 :], start=header_index + 1)
        if not is_blank(values)
    ]
    if not data:
        return [], [problem(None, None, _("The file has a header but no rows."))]
    if len(data) > LOT_IMPORT_MAX_ROWS:
        message = _("The file has more than %(max)d rows; split it into smaller files.")
        return [], [problem(None, None, message % {"max": LOT_IMPORT_MAX_ROWS})]
    rows: list[tuple[int, dict]] = []
    for row_number, values in data:
        fields: dict = {}
        for column, position in positions.items():
            raw = values[position] if position < len(values) else None
            text = cell_text(raw)
            if text == "":
                continue
            if column in ("quantity", "start_price", "reserve_price"):
                try:
                    number = parse_decimal(raw if isinstance(raw, int | float) else text)
                except ValueError:
                    message = _("“%(value)s” is not a number.") % {"value": text}
                    problems.append(problem(row_number, column, message))
                    continue
                fields[column] = number
            elif column == "delivery_date":
                try:
                    fields[column] = _import_date(raw)
                except ValueError:
                    message = _("“%(value)s” is not a date (write it as 2026-12-31).")
                    problems.append(problem(row_number, column, message % {"value": text}))
            else:
                fields[column] = text
        rows.append((row_number, fields))
    return rows, problems


def lots_import_xlsx(*, actor, tender: Tender, file: UploadedFile) -> list[Lot]:
    """Add the lots of an XLSX file (one row per lot: title, quantity, unit, start price,
    reserve, delivery place and date) to a draft tender, all or nothing. Every row is checked
    by the lot rules of ``lot_create``; the auction rules come from the platform's defaults.

    Raises ``LotImportError`` whose ``report`` lists every problem as (row, column, problem),
    rows numbered as the spreadsheet shows them."""
    require_manager(actor=actor, tender=tender)
    require_draft(tender)
    name = (file.name or "").lower()
    file.seek(0)
    data = file.read()
    if not name.endswith(".xlsx"):
        message = _("Upload an Excel workbook (.xlsx); the template shows the columns.")
        raise LotImportError([Problem(None, None, message)])
    try:
        table = read_table(data=data, filename=name, max_rows=LOT_IMPORT_MAX_ROWS)
    except FileProblem as exc:
        raise LotImportError([Problem(None, None, exc.message)]) from exc
    rows, problems = _import_rows(table, Problem)
    checked: list[tuple[int, dict]] = []
    for row_number, fields in rows:
        if any(p.row == row_number for p in problems):
            continue
        for column in LOT_IMPORT_REQUIRED:
            if column not in fields:
                problems.append(Problem(row_number, column, _("This cell is empty.")))
        if any(p.row == row_number for p in problems):
            continue
        try:
            lot_build(tender=tender, number=1, fields=dict(fields), criteria=None)
        except ApplicationError as exc:
            for column, messages in exc.fields.items():
                for message in messages:
                    problems.append(Problem(row_number, column, message))
            continue
        checked.append((row_number, fields))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise LotImportError(problems)
    lots: list[Lot] = []
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        number = tender.lots.aggregate(n=Max("number"))["n"] or 0
        for _row, fields in checked:
            number += 1
            lot = lot_build(tender=tender, number=number, fields=dict(fields), criteria=None)
            lot.save()
            lots.append(lot)
    return lots


def lots_import_template_xlsx() -> bytes:
    """The workbook ``lots_import_xlsx`` reads: the header row and one example lot."""
    # openpyxl is heavy: loaded only when the template is asked for.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Lots"
    sheet.append(list(LOT_IMPORT_COLUMNS))
    example = timezone.localdate() + timedelta(days=60)
    sheet.append(
        [
            "Diesel fuel EN 590",
            Decimal("100"),
            "t",
            Decimal("100000.00"),
            Decimal("95000.00"),
            "Kyiv, 1 Khreshchatyk St",
            example,
            "",
        ]
    )
    sheet["G2"].number_format = "yyyy-mm-dd"
    for cell in ("D2", "E2"):
        sheet[cell].number_format = "0.00"
    for column, width in zip("ABCDEFGH", (40, 10, 8, 14, 14, 30, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
