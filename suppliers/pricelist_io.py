"""Price list files: reading CSV/XLSX into checked rows, and writing them back.

Pure functions, no database. The file is read, and its cells parsed, by the platform's
spreadsheet helpers (``marketplace.core.spreadsheets``); this module knows the price list's
columns and rules. The service (``services.price_list_import``) adds the checks that
need the database (category codes, products already in the catalogue) and writes.

The header row names the columns, in any order and case; Russian and Ukrainian names are
understood too (see ``COLUMN_ALIASES``). Rows are numbered as a spreadsheet shows them: the
header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
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
PRICE_PLACES = 2
QUANTITY_PLACES = 3
MAX_PRICE = Decimal("10") ** 16
MAX_QUANTITY = Decimal("10") ** 11
SKU_MAX = 64
NAME_MAX = 300
UNIT_MAX = 32

# Canonical column -> accepted header spellings (compared lower-cased, spaces collapsed).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "article", "артикул", "код товара", "код товару"),
    "name": ("name", "product", "название", "наименование", "товар", "назва", "найменування"),
    "unit": (
        "unit",
        "uom",
        "unit of measure",
        "ед",
        "ед.",
        "ед. изм.",
        "ед.изм.",
        "единица",
        "единица измерения",
        "од",
        "од.",
        "од. вим.",
        "од.вим.",
        "одиниця",
        "одиниця виміру",
    ),
    "category_code": (
        "category_code",
        "category",
        "category code",
        "код категории",
        "категория",
        "код категорії",
        "категорія",
    ),
    "price": ("price", "цена", "ціна"),
    "min_quantity": (
        "min_quantity",
        "min quantity",
        "min_qty",
        "min qty",
        "мин. количество",
        "минимальное количество",
        "от",
        "мін. кількість",
        "мінімальна кількість",
        "від",
    ),
    "description": ("description", "описание", "опис"),
}
REQUIRED_COLUMNS = ("sku", "name", "price")
EXPORT_COLUMNS = ("sku", "name", "unit", "category_code", "price", "min_quantity", "description")

_ALIAS_TO_COLUMN = {alias: col for col, aliases in COLUMN_ALIASES.items() for alias in aliases}


@dataclass
class ImportRow:
    row: int
    sku: str
    price: Decimal
    min_quantity: Decimal
    name: str = ""
    unit: str = ""
    category_code: str = ""
    description: str = ""


@dataclass
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)


# --- Numbers ----------------------------------------------------------------------------------


def _places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_quantity(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


# --- Checking rows ----------------------------------------------------------------------------


def parse_table(table: list[list], *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """Check the shape of every row. Collects every problem; never stops at the first."""
    result = ParsedFile()
    # The header is the first non-blank row.
    header_index = next((i for i, values in enumerate(table) if not is_blank(values)), None)
    if header_index is None:
        result.problems.append(Problem(None, None, _("The file has no header row and no data.")))
        return result
    header_row = header_index + 1
    positions: dict[str, int] = {}
    for position, raw in enumerate(table[header_index]):
        title = normalize_header(raw)
        if not title:
            continue
        column = _ALIAS_TO_COLUMN.get(title)
        if column is None:
            continue  # extra columns are ignored
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
    result.columns = set(positions)
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
    if any(p.row == header_row for p in result.problems):
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

    seen_tiers: dict[tuple[str, Decimal], int] = {}
    seen_values: dict[tuple[str, str], tuple[str, int]] = {}
    for row_number, values in data_rows:

        def cell(column: str, values=values) -> str:
            position = positions.get(column)
            if position is None or position >= len(values):
                return ""
            return cell_text(values[position])

        def raw(column: str, values=values):
            position = positions.get(column)
            if position is None or position >= len(values):
                return None
            return values[position]

        problems: list[Problem] = []

        def report(column: str, message: str, row_number=row_number, problems=problems) -> None:
            problems.append(Problem(row_number, column, message))

        sku = cell("sku")
        if not sku:
            report("sku", _("The SKU is empty."))
        elif len(sku) > SKU_MAX:
            report("sku", _("The SKU is longer than %(max)d characters.") % {"max": SKU_MAX})
        name = cell("name")
        if len(name) > NAME_MAX:
            report("name", _("The name is longer than %(max)d characters.") % {"max": NAME_MAX})
        unit = cell("unit")
        if len(unit) > UNIT_MAX:
            report("unit", _("The unit is longer than %(max)d characters.") % {"max": UNIT_MAX})

        price = _parse_amount(
            raw("price"), cell("price"), "price", report, places=PRICE_PLACES, limit=MAX_PRICE
        )
        quantity_text = cell("min_quantity")
        if quantity_text == "":
            min_quantity: Decimal | None = Decimal("1")
        else:
            min_quantity = _parse_amount(
                raw("min_quantity"),
                quantity_text,
                "min_quantity",
                report,
                places=QUANTITY_PLACES,
                limit=MAX_QUANTITY,
            )

        if sku and min_quantity is not None:
            key = (sku, min_quantity)
            if key in seen_tiers:
                report(
                    "min_quantity",
                    _("SKU “%(sku)s” already has a price for quantity %(qty)s in row %(row)d.")
                    % {"sku": sku, "qty": format_quantity(min_quantity), "row": seen_tiers[key]},
                )
            else:
                seen_tiers[key] = row_number
        if sku:
            for column, value in (
                ("name", name),
                ("unit", unit),
                ("category_code", cell("category_code")),
                ("description", cell("description")),
            ):
                if not value:
                    continue
                earlier = seen_values.get((sku, column))
                if earlier is None:
                    seen_values[(sku, column)] = (value, row_number)
                elif earlier[0] != value:
                    report(
                        column,
                        _("SKU “%(sku)s” has “%(value)s” here but “%(other)s” in row %(row)d.")
                        % {"sku": sku, "value": value, "other": earlier[0], "row": earlier[1]},
                    )

        if problems or price is None or min_quantity is None:  # None: reported as a problem
            result.problems.extend(problems)
            continue
        result.rows.append(
            ImportRow(
                row=row_number,
                sku=sku,
                price=price,
                min_quantity=min_quantity,
                name=name,
                unit=unit,
                category_code=cell("category_code"),
                description=cell("description"),
            )
        )
    return result


def _parse_amount(raw_value, text, column, report, *, places, limit) -> Decimal | None:
    label = _("price") if column == "price" else _("minimum quantity")
    if text == "":
        report(column, _("The %(label)s is empty.") % {"label": label})
        return None
    try:
        number = parse_decimal(raw_value if isinstance(raw_value, int | float) else text)
    except ValueError:
        report(column, _("“%(value)s” is not a number.") % {"value": text})
        return None
    if number <= 0:
        report(column, _("The %(label)s must be greater than zero.") % {"label": label})
        return None
    if number >= limit:
        report(column, _("The %(label)s is too large.") % {"label": label})
        return None
    if _places(number) > places:
        report(
            column,
            _("The %(label)s has more than %(places)d decimal places.")
            % {"label": label, "places": places},
        )
        return None
    return number.quantize(Decimal(1).scaleb(-places))


# --- Writing files ----------------------------------------------------------------------------


def export_rows(items) -> list[list[str]]:
    """``items``: PriceListItem rows with their products; one output row each."""
    rows = []
    for item in items:
        product = item.product
        rows.append(
            [
                product.sku,
                product.name,
                product.unit,
                product.category.code if product.category_id else "",
                f"{item.price:.2f}",
                format_quantity(item.min_quantity),
                product.description,
            ]
        )
    return rows


def write_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    # A byte-order mark so Excel opens UTF-8 (Cyrillic names) correctly.
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[list[str]], *, title: str = "Price list") -> bytes:
    # openpyxl is heavy: loaded only when a workbook is written.
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (title or "Price list")[:31].translate(
        str.maketrans("", "", "[]:*?/\\")
    ) or "Prices"
    sheet.append(list(EXPORT_COLUMNS))
    price_col = EXPORT_COLUMNS.index("price")
    qty_col = EXPORT_COLUMNS.index("min_quantity")
    for values in rows:
        out: list[str | Decimal] = list(values)
        out[price_col] = Decimal(values[price_col])
        out[qty_col] = Decimal(values[qty_col])
        sheet.append(out)
    for row in sheet.iter_rows(min_row=2, min_col=price_col + 1, max_col=price_col + 1):
        for c in row:
            c.number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
