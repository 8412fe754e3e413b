"""A rate card's bands from a spreadsheet (XLSX, or CSV), all or nothing.

The first non-empty row names the columns, in any order (case and spaces do not matter; a
``_km`` suffix on the distances is allowed): ``distance_from``, ``distance_to``,
``weight_from``, ``weight_to``, ``price``, ``transit_days``. Each following row is one band;
empty rows are skipped; other columns are ignored. Numbers may be written as people write them
(``1 234,50``: ``marketplace/core/spreadsheets.parse_decimal``).

The report has a line per band row (its spreadsheet row number, the band read, and what is
wrong: a cell that is not a number, a negative value, *from* not below *to*, a band that
overlaps an earlier row, naming that row) and the problems of the file as a whole (unreadable,
a column missing, no rows, too many). A dry run only reports; an import writes only a file
without a single problem, replacing every band of the card in one transaction under the card's
row lock (``services.rate_card_replace_bands``), and otherwise writes nothing. A new card can be
made from a file too (``rate_card_create_from_file``: the card's terms typed, its bands read),
on the same terms. ``rate_card_template_xlsx`` writes the workbook to start from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from marketplace.core import spreadsheets
from marketplace.core.exceptions import ApplicationError
from marketplace.core.spreadsheets import Problem

from .bands import COLUMNS, Band, card_errors
from .models import RateCard
from .services import (
    MAX_BANDS,
    rate_card_create,
    rate_card_get_editable,
    rate_card_replace_bands,
)

MAX_FILE_BYTES = 2 * 2**20
# Digits the database keeps for each column: (decimal places, digits before the point).
_PRECISION = {
    "distance_from": (2, 7),
    "distance_to": (2, 7),
    "weight_from": (3, 9),
    "weight_to": (3, 9),
    "price": (4, 14),
}
_ALIASES = {"distance_from_km": "distance_from", "distance_to_km": "distance_to"}


@dataclass
class RowReport:
    row: int
    band: Band | None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "valid": not self.errors,
            "band": None if self.band is None else _band_dict(self.band),
            "problems": [
                {"column": column or None, "problem": text} for column, text in self.errors
            ],
        }


@dataclass
class ImportReport:
    rows: list[RowReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False

    @property
    def valid(self) -> bool:
        return bool(self.rows) and not self.problems and not any(r.errors for r in self.rows)

    @property
    def bands(self) -> list[Band]:
        return [r.band for r in self.rows if r.band is not None]

    def as_dict(self) -> dict:
        return {
            "valid": self.valid,
            "written": self.written,
            "rows": [r.as_dict() for r in self.rows],
            "problems": [p.as_dict() for p in self.problems],
        }


class RateImportError(ApplicationError):
    """The file is not imported; ``report`` says why, row by row."""

    code = "rate_import_invalid"

    def __init__(self, report: ImportReport) -> None:
        super().__init__(_("The file has problems: nothing was imported."))
        self.report = report


def _band_dict(band: Band) -> dict:
    return {
        "distance_from": str(band.distance_from),
        "distance_to": str(band.distance_to),
        "weight_from": str(band.weight_from),
        "weight_to": str(band.weight_to),
        "price": str(band.price),
        "transit_days": band.transit_days,
    }


def _header(cells: list) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = spreadsheets.normalize_header(cell).replace(" ", "_")
        name = _ALIASES.get(name, name)
        if name in COLUMNS and name not in found:
            found[name] = index
    return found


def _cell(values: list, index: int):
    return values[index] if index < len(values) else None


def _number(column: str, value) -> tuple[Decimal | int | None, str | None]:
    """A cell's number, or why it is not one."""
    text = spreadsheets.cell_text(value)
    if text == "":
        return None, _("Required.")
    try:
        number = spreadsheets.parse_decimal(value)
    except ValueError:
        return None, _("Not a number: “%(value)s”.") % {"value": text[:40]}
    if column == "transit_days":
        if number != number.to_integral_value():
            return None, _("Transit days must be a whole number.")
        return int(number), None
    places, whole = _PRECISION[column]
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        return None, _("At most %(n)d decimal places.") % {"n": places}
    if abs(number) >= Decimal(10) ** whole:
        return None, _("Too large.")
    return number, None


def read_number(column: str, value) -> tuple[Decimal | int | None, str | None]:
    """A band's cell (``column``: one of ``bands.COLUMNS``) as the import reads it: the number
    (an int for the transit days; None for an empty cell), or why it is not one. The pages'
    band rows read what is typed with it, so a row typed and a row imported obey one rule."""
    text = spreadsheets.cell_text(value)
    if text == "":
        return None, None
    return _number(column, value)


def read_rate_file(*, data: bytes, filename: str) -> ImportReport:
    """Read and check a rate card's file; no database is touched."""
    report = ImportReport()
    try:
        table = spreadsheets.read_table(
            data=data, filename=filename, max_rows=MAX_BANDS, max_bytes=MAX_FILE_BYTES
        )
    except spreadsheets.FileProblem as exc:
        report.problems.append(Problem(None, None, exc.message))
        return report
    numbered = [(n, row) for n, row in enumerate(table, start=1) if not spreadsheets.is_blank(row)]
    if not numbered:
        report.problems.append(Problem(None, None, _("The file is empty.")))
        return report
    header_row, header_cells = numbered[0]
    columns = _header(header_cells)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        report.problems.append(
            Problem(
                header_row,
                None,
                _("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)},
            )
        )
        return report
    rows = numbered[1:]
    if not rows:
        report.problems.append(Problem(None, None, _("The file has no bands.")))
        return report
    if len(rows) > MAX_BANDS:
        report.problems.append(
            Problem(None, None, _("A card has at most %(max)d bands.") % {"max": MAX_BANDS})
        )
        return report
    for number, values in rows:
        line = RowReport(row=number, band=None)
        read: dict[str, Decimal | int] = {}
        for column in COLUMNS:
            value, problem = _number(column, _cell(values, columns[column]))
            if problem:
                line.errors.append((column, problem))
            elif value is not None:
                read[column] = value
        if not line.errors:
            line.band = Band(
                distance_from=Decimal(read["distance_from"]),
                distance_to=Decimal(read["distance_to"]),
                weight_from=Decimal(read["weight_from"]),
                weight_to=Decimal(read["weight_to"]),
                price=Decimal(read["price"]),
                transit_days=int(read["transit_days"]),
            )
        report.rows.append(line)
    # The bands' own rules and their overlaps, each overlap naming the earlier row.
    readable = [line for line in report.rows if line.band is not None]
    errors = card_errors(
        [line.band for line in readable if line.band is not None],
        label=lambda index: _("row %(n)d") % {"n": readable[index].row},
    )
    for index, problems in errors.items():
        readable[index].errors.extend(problems)
    return report


def rate_card_import(
    *, user, card_id: int, data: bytes, filename: str, dry_run: bool = True
) -> ImportReport:
    """Check the file against the card (dry run), or replace the card's bands with it when
    every row is valid. Raises RateImportError (nothing written) when it is not."""
    rate_card_get_editable(user=user, card_id=card_id)
    report = read_rate_file(data=data, filename=filename)
    if dry_run:
        return report
    if not report.valid:
        raise RateImportError(report)
    rate_card_replace_bands(user=user, card_id=card_id, bands=report.bands)
    report.written = True
    return report


def rate_card_create_from_file(
    *, user, carrier_id: int, data: bytes, filename: str, **values: Any
) -> tuple[RateCard, ImportReport]:
    """A new rate card of the carrier with the typed terms (``values``: the card's fields) and
    the file's bands, in one transaction (``services.rate_card_create``). Raises
    RateImportError (nothing written) when a row of the file is wrong, and the service's
    ApplicationError when a term is."""
    report = read_rate_file(data=data, filename=filename)
    if not report.valid:
        raise RateImportError(report)
    card = rate_card_create(user=user, carrier_id=carrier_id, bands=report.bands, **values)
    report.written = True
    return card, report


TEMPLATE_EXAMPLE: tuple[tuple[int, int, int, int, str, int], ...] = (
    # distance from, to (km); weight from, to (kg, or pallets or trucks); price per unit; days
    (0, 500, 0, 1000, "3.50", 1),
    (0, 500, 1000, 20000, "2.80", 2),
    (500, 1500, 0, 1000, "5.20", 2),
    (500, 1500, 1000, 20000, "4.10", 3),
)


def rate_card_template_xlsx(rows: Iterable[Iterable] = TEMPLATE_EXAMPLE) -> bytes:
    """The workbook ``read_rate_file`` reads: the header row (``bands.COLUMNS``) and a few
    example bands to overwrite."""
    return spreadsheets.write_xlsx(
        list(COLUMNS),
        (
            [Decimal(str(value)) if isinstance(value, str) else value for value in row]
            for row in rows
        ),
        title="Rate card",
    )
