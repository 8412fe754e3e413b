"""Stock files: reading a CSV/XLSX of counts into checked rows, and writing the stock back.

Pure functions, no database, in the shape of ``pricelist_io``: the platform's spreadsheet
helpers (``marketplace.core.spreadsheets``) read the file and its cells; this module knows the
stock's columns and rules; ``stock.stock_import`` adds the checks that need the database (the
SKU is in the catalogue, the warehouse is the supplier's) and writes.

Columns (any order and case; Russian and Ukrainian names too): ``sku``, ``warehouse`` (its
name), ``quantity`` (in the product's unit, zero or more) and ``counted_on`` (the day of the
count: ``2026-05-31`` or ``31.05.2026``; empty: the day of the import). Rows are numbered as a
spreadsheet shows them: the header is row 1."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from marketplace.core.spreadsheets import (
    Problem,
    cell_text,
    is_blank,
    normalize_header,
    parse_decimal,
)

MAX_FILE_BYTES = 5 * 2**20
MAX_ROWS = 5000
QUANTITY_PLACES = 3
MAX_QUANTITY = Decimal("10") ** 11

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "article", "артикул", "код товара", "код товару"),
    "warehouse": ("warehouse", "store", "склад"),
    "quantity": (
        "quantity",
        "qty",
        "stock",
        "количество",
        "остаток",
        "кількість",
        "залишок",
    ),
    "counted_on": (
        "counted_on",
        "counted on",
        "date",
        "дата",
        "дата подсчета",
        "дата підрахунку",
    ),
}
REQUIRED_COLUMNS = ("sku", "warehouse", "quantity")
EXPORT_COLUMNS = ("sku", "warehouse", "quantity", "counted_on")
_ALIAS_TO_COLUMN = {alias: col for col, aliases in COLUMN_ALIASES.items() for alias in aliases}
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True)
class StockRow:
    row: int | None  # the file's row; None for a row given by the API
    sku: str
    warehouse: str
    quantity: Decimal
    counted_on: date


@dataclass
class ParsedStock:
    rows: list[StockRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def parse_date(value) -> date:
    """A date as people write it in a cell: a spreadsheet date, ``2026-05-31`` or
    ``31.05.2026``. Raises ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    dotted = _DOTTED_DATE.match(text)
    if dotted:
        day, month, year = (int(g) for g in dotted.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def check_quantity(value) -> Decimal:
    """A count: a number, zero or more, at most three decimal places. Raises ValueError with
    the message to show."""
    try:
        number = parse_decimal(value)
    except ValueError as exc:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": cell_text(value)}) from exc
    if number < 0:
        raise ValueError(_("The quantity cannot be negative."))
    if number >= MAX_QUANTITY:
        raise ValueError(_("The quantity is too large."))
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > QUANTITY_PLACES:
        raise ValueError(
            _("The quantity has more than %(places)d decimal places.") % {"places": QUANTITY_PLACES}
        )
    return number.quantize(Decimal(1).scaleb(-QUANTITY_PLACES))


def parse_table(table: list[list], *, today: date, max_rows: int = MAX_ROWS) -> ParsedStock:
    """Check every row's shape; collect every problem, never stop at the first. A product
    counted twice in one warehouse is refused in its second row."""
    result = ParsedStock()
    header_index = next((i for i, values in enumerate(table) if not is_blank(values)), None)
    if header_index is None:
        result.problems.append(Problem(None, None, _("The file has no header row and no data.")))
        return result
    header_row = header_index + 1
    positions: dict[str, int] = {}
    for position, raw in enumerate(table[header_index]):
        column = _ALIAS_TO_COLUMN.get(normalize_header(raw))
        if column is None:
            continue
        if column in positions:
            result.problems.append(
                Problem(
                    header_row,
                    column,
                    _("The column “%(column)s” appears twice.") % {"column": column},
                )
            )
            continue
        positions[column] = position
    for column in REQUIRED_COLUMNS:
        if column not in positions:
            result.problems.append(
                Problem(
                    header_row,
                    column,
                    _("The required column “%(column)s” is missing. Expected columns: %(cols)s.")
                    % {"column": column, "cols": ", ".join(EXPORT_COLUMNS)},
                )
            )
    if result.problems:
        return result
    data_rows = [
        (index + 1, values)
        for index, values in enumerate(table[header_index + 1 :], start=header_index + 1)
        if not is_blank(values)
    ]
    if not data_rows:
        result.problems.append(Problem(None, None, _("The file has a header but no rows.")))
        return result
    if len(data_rows) > max_rows:
        result.problems.append(
            Problem(
                None,
                None,
                _("The file has more than %(max)d rows; split it into smaller files.")
                % {"max": max_rows},
            )
        )
        return result
    seen: dict[tuple[str, str], int] = {}
    for row_number, values in data_rows:

        def raw(column: str, values=values):
            position = positions.get(column)
            return None if position is None or position >= len(values) else values[position]

        problems: list[Problem] = []
        sku = cell_text(raw("sku"))
        warehouse = cell_text(raw("warehouse"))
        if not sku:
            problems.append(Problem(row_number, "sku", _("The SKU is empty.")))
        if not warehouse:
            problems.append(Problem(row_number, "warehouse", _("The warehouse is empty.")))
        quantity = None
        if cell_text(raw("quantity")) == "":
            problems.append(Problem(row_number, "quantity", _("The quantity is empty.")))
        else:
            try:
                quantity = check_quantity(raw("quantity"))
            except ValueError as exc:
                problems.append(Problem(row_number, "quantity", str(exc)))
        counted_on = today
        if cell_text(raw("counted_on")):
            try:
                counted_on = parse_date(raw("counted_on"))
            except ValueError:
                problems.append(
                    Problem(
                        row_number,
                        "counted_on",
                        _("“%(value)s” is not a date (2026-05-31 or 31.05.2026).")
                        % {"value": cell_text(raw("counted_on"))},
                    )
                )
            else:
                if counted_on > today:
                    problems.append(
                        Problem(row_number, "counted_on", _("The count's date is in the future."))
                    )
        if sku and warehouse:
            key = (sku, warehouse.casefold())
            if key in seen:
                problems.append(
                    Problem(
                        row_number,
                        "sku",
                        _("SKU “%(sku)s” is already counted in this warehouse in row %(row)d.")
                        % {"sku": sku, "row": seen[key]},
                    )
                )
            else:
                seen[key] = row_number
        if problems or quantity is None:
            result.problems.extend(problems)
            continue
        result.rows.append(StockRow(row_number, sku, warehouse, quantity, counted_on))
    return result


def export_rows(levels) -> list[list]:
    """``levels``: StockLevel rows with their product and warehouse; one output row each."""
    return [
        [
            level.product.sku,
            level.warehouse.name,
            f"{level.quantity.normalize():f}",
            level.counted_on.isoformat(),
        ]
        for level in levels
    ]
