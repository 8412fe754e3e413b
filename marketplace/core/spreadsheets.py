"""Reading spreadsheets people upload (CSV or XLSX) into rows of cell values, and the cell
helpers every importer shares: numbers as people write them, header and cell text, blank rows,
and the ``(row, column, problem)`` report of what is wrong.

Pure functions, no database and no domain knowledge: each importer (the price lists, the lots of a
tender, the CRM's accounts and contacts) names its own columns and checks its own rows. Rows are
numbered as a spreadsheet shows them: the first row is row 1.

An importer that must never take a computed value (the CRM's) reads with ``refuse_formulas``: a
workbook's formula cell, or a CSV cell starting with ``=``, refuses the file naming the cell; no
formula is ever evaluated (nor its cached result read). ``write_csv`` and ``write_xlsx`` write
tables back with every cell as text, so an exported ``=...`` never becomes a formula either.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 2**20
MAX_ROWS = 5000

_NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (row, column; either may be unknown) and what."""

    row: int | None
    column: str | None
    problem: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "problem": self.problem}


class FileProblem(Exception):
    """The file as a whole cannot be read (wrong type, too large, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Cells -----------------------------------------------------------------------------------


def parse_decimal(value) -> Decimal:
    """Read a number as people write it: ``1234.50``, ``1 234,50``, ``1,234.50``, ``1.234,50``.
    A lone comma is the decimal separator (``12,5`` is twelve and a half). Raises ValueError."""
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | float):
        number = Decimal(str(value))
    else:
        text = str(value).strip().translate(_SPACES)
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif text.count(",") == 1:
            text = text.replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        if not _NUMBER_RE.match(text):
            raise ValueError(value)
        number = Decimal(text)
    try:
        if not number.is_finite():
            raise ValueError(value)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    return number


def normalize_header(value) -> str:
    """A header cell as the importers compare it: lower-cased, spaces collapsed, without a
    trailing ``*`` or ``:``."""
    text = " ".join(str(value or "").strip().lower().split())
    return text.rstrip("*:").strip()


def cell_text(value) -> str:
    """A cell's value as text (``""`` for an empty cell; ``12.0`` reads ``12``)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(values: Iterable) -> bool:
    """Is every cell of the row empty?"""
    return all(cell_text(v) == "" for v in values)


# --- Reading files ---------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """A spreadsheet's name of the 0-based column ``index``: 0 is ``A``, 26 is ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _formula_problem(cells: list[str]) -> FileProblem:
    shown = ", ".join(cells[:10]) + (" …" if len(cells) > 10 else "")
    return FileProblem(
        _(
            "The file has formulas (cell %(cells)s); formulas are not read. Replace them "
            "with their values (copy, then paste as values) and upload the file again."
        )
        % {"cells": shown}
    )


def _read_csv(data: bytes, *, refuse_formulas: bool = False) -> list[list]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes nearly anything
        raise FileProblem(_("The file is not a text CSV file."))
    if "\x00" in text:
        raise FileProblem(_("The file is not a text CSV file. Upload a CSV or XLSX file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # a cell past the csv module's size limit, a stray quote mark
        raise FileProblem(_("The CSV file cannot be read: %(why)s.") % {"why": exc}) from exc
    if refuse_formulas:
        cells = [
            f"{column_letter(c)}{r}"
            for r, values in enumerate(rows, start=1)
            for c, value in enumerate(values)
            if value.lstrip().startswith("=")
        ]
        if cells:
            raise _formula_problem(cells)
    return rows


# What a damaged workbook raises while it is opened or read: a broken archive, a truncated
# member, XML that does not parse, a part that is missing or not what it should be.
_BROKEN_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    OSError,
    ParseError,
)


def _read_xlsx(data: bytes, max_rows: int, *, refuse_formulas: bool = False) -> list[list]:
    # openpyxl is heavy: loaded only when a workbook is read.
    from openpyxl import load_workbook

    broken = FileProblem(_("The file is not a readable XLSX workbook."))
    try:
        # Without refuse_formulas a formula cell reads as the result Excel stored with it;
        # with it, formulas are read as formulas (never computed) and refuse the file.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=not refuse_formulas)
    except _BROKEN_XLSX as exc:
        raise broken from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_("The workbook has no sheets."))
        rows: list[list] = []
        formulas: list[str] = []
        # Read a little past the limit: enough to tell the file is too long.
        if refuse_formulas:
            for cells in sheet.iter_rows():
                values = []
                for cell in cells:
                    if getattr(cell, "data_type", None) == "f":
                        formulas.append(cell.coordinate)
                    values.append(cell.value)
                rows.append(values)
                if len(rows) > max_rows + 1 + 1000:
                    break
        else:
            for values in sheet.iter_rows(values_only=True):
                rows.append(list(values))
                if len(rows) > max_rows + 1 + 1000:
                    break
    except _BROKEN_XLSX as exc:
        raise broken from exc
    finally:
        workbook.close()
    if formulas:
        raise _formula_problem(formulas)
    return rows


def file_kind(*, data: bytes, filename: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """``"csv"`` or ``"xlsx"``: what the file is, told from its name and its first bytes
    without reading it through (a workbook's archive is opened, not its sheets). Raises
    FileProblem for a file too large, empty, of another type, or not the type it is named."""
    if len(data) > max_bytes:
        raise FileProblem(_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20})
    if not data:
        raise FileProblem(_("The file is empty."))
    name = (filename or "").lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx") or (is_zip and not name.endswith(".csv")):
        if not is_zip:
            raise FileProblem(_("The file is named .xlsx but is not an Excel workbook."))
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise FileProblem(_("The file is not a readable XLSX workbook."))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise FileProblem(_("The file is not a readable XLSX workbook.")) from exc
        return "xlsx"
    if name.endswith(".csv") or name.endswith(".txt"):
        if is_zip:
            raise FileProblem(_("The file is named .csv but is not a text CSV file."))
        return "csv"
    if name.endswith(".xls"):
        raise FileProblem(
            _("Old Excel .xls files are not supported: save the sheet as .xlsx or CSV.")
        )
    raise FileProblem(_("Unsupported file type: upload a CSV (.csv) or Excel (.xlsx) file."))


def read_table(
    *,
    data: bytes,
    filename: str,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_FILE_BYTES,
    refuse_formulas: bool = False,
) -> list[list]:
    """The file's rows as lists of cell values (the first sheet of a workbook). Raises
    FileProblem for an unusable file (and, with ``refuse_formulas``, for one with formulas)."""
    if file_kind(data=data, filename=filename, max_bytes=max_bytes) == "xlsx":
        return _read_xlsx(data, max_rows, refuse_formulas=refuse_formulas)
    return _read_csv(data, refuse_formulas=refuse_formulas)


# --- Writing files ---------------------------------------------------------------------------

# What a spreadsheet program takes for the start of a formula when it opens a CSV file.
_FORMULA_START = ("=", "@", "\t", "\r")
_SIGNED_NUMBER_RE = re.compile(r"^[+-][\d\s().-]*$")


def _csv_safe(value) -> str:
    """A cell's text that a spreadsheet program opening the CSV shows, never computes: a
    leading apostrophe before ``=``, ``@`` or a sign that does not start a number or phone."""
    text = cell_text(value) if not isinstance(value, str) else value
    if text.startswith(_FORMULA_START) or (
        text[:1] in ("+", "-") and not _SIGNED_NUMBER_RE.match(text)
    ):
        return "'" + text
    return text


def write_csv(header: list[str], rows: Iterable[list]) -> bytes:
    """A CSV file (comma-separated, UTF-8 with a byte-order mark so Excel reads Cyrillic)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([_csv_safe(h) for h in header])
    for values in rows:
        writer.writerow([_csv_safe(v) for v in values])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(header: list[str], rows: Iterable[list], *, title: str = "Sheet") -> bytes:
    """A workbook of one sheet; every text cell is stored as text (a value starting with ``=``
    stays text, never a formula)."""
    # openpyxl is heavy: loaded only when a workbook is written.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(
        (title or "Sheet")[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "Sheet"
    )

    def cells(values) -> list:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and cell.data_type == "f":
                cell.data_type = "s"
            out.append(cell)
        return out

    sheet.append(cells(header))
    for values in rows:
        sheet.append(cells(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
