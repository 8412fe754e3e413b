"""Reading spreadsheets people upload (CSV or XLSX) into rows of cell values, and the cell
helpers every importer shares: numbers as people write them, header and cell text, blank rows,
and the ``(row, column, problem)`` report of what is wrong.

Pure functions, no database and no domain knowledge: each importer (the price lists, the lots of a
tender) names its own columns and checks its own rows. Rows are numbered as a spreadsheet shows
them: the first row is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

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


def _read_csv(data: bytes) -> list[list]:
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
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _read_xlsx(data: bytes, max_rows: int) -> list[list]:
    # openpyxl is heavy: loaded only when a workbook is read.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileProblem(_("The file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_("The workbook has no sheets."))
        rows: list[list] = []
        # Read a little past the limit: enough to tell the file is too long.
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > max_rows + 1 + 1000:
                break
        return rows
    finally:
        workbook.close()


def read_table(
    *, data: bytes, filename: str, max_rows: int = MAX_ROWS, max_bytes: int = MAX_FILE_BYTES
) -> list[list]:
    """The file's rows as lists of cell values (the first sheet of a workbook). Raises
    FileProblem for an unusable file."""
    if len(data) > max_bytes:
        raise FileProblem(_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20})
    if not data:
        raise FileProblem(_("The file is empty."))
    name = (filename or "").lower()
    is_zip = data[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx") or (is_zip and not name.endswith(".csv")):
        if not is_zip:
            raise FileProblem(_("The file is named .xlsx but is not an Excel workbook."))
        return _read_xlsx(data, max_rows)
    if name.endswith(".csv") or name.endswith(".txt"):
        if is_zip:
            raise FileProblem(_("The file is named .csv but is not a text CSV file."))
        return _read_csv(data)
    if name.endswith(".xls"):
        raise FileProblem(
            _("Old Excel .xls files are not supported: save the sheet as .xlsx or CSV.")
        )
    raise FileProblem(_("Unsupported file type: upload a CSV (.csv) or Excel (.xlsx) file."))
