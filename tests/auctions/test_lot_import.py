"""Lots from an XLSX file (``tenders.lot_import.lots_import_xlsx``): all or nothing, with a report
of every problem by row and column, the lot rules of ``lot_create``, and the template."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from auctions.models import Lot
from auctions.tenders import drafting, lot_import, validation
from marketplace.core.exceptions import ConflictError, PermissionDeniedError
from tests.auctions.factories import World, snapshot

pytestmark = pytest.mark.django_db

HEADER = [
    "title",
    "quantity",
    "unit",
    "start_price",
    "reserve_price",
    "delivery_place",
    "delivery_date",
]


def xlsx(rows: list[list], *, header: list | None = None, name: str = "lots.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def world():
    return World()


def later(days: int = 30) -> date:
    return timezone.localdate() + timedelta(days=days)


def test_adds_one_lot_per_row_after_the_existing_ones(world):
    tender = world.draft(lots=1)
    file = xlsx(
        [
            ["Diesel", 100, "t", 100000, 95000, "Kyiv", later()],
            ["Petrol A-95", "2 500,5", "l", "1 234,50", None, "Lviv", later().isoformat()],
            ["Kerosene", 10, "t", 5000, "", "", later().strftime("%d.%m.%Y")],
        ]
    )
    lots = lot_import.lots_import_xlsx(actor=world.officer, tender=tender, file=file)
    assert [lot.number for lot in lots] == [2, 3, 4]
    diesel, petrol, kerosene = (Lot.objects.get(pk=lot.pk) for lot in lots)
    assert (diesel.title, diesel.quantity, diesel.unit) == ("Diesel", Decimal("100"), "t")
    assert diesel.start_price == Decimal("100000") and diesel.reserve_price == Decimal("95000")
    assert (diesel.delivery_place, diesel.delivery_date) == ("Kyiv", later())
    assert petrol.quantity == Decimal("2500.5") and petrol.start_price == Decimal("1234.50")
    assert petrol.reserve_price is None and petrol.delivery_date == later()
    assert kerosene.delivery_date == later()
    # The auction rules come from the platform's defaults, as for a lot made in the API.
    defaults = validation.lot_defaults_from_platform(tender.platform)
    assert diesel.duration_seconds == defaults["duration_seconds"]
    assert diesel.step_value == defaults["step_value"]


def test_headers_in_russian_or_ukrainian_and_in_any_order(world):
    tender = world.draft(lots=0)
    file = xlsx(
        [[5000, "Бензин", "т", 10]],
        header=["Начальная цена", "Наименование", "Ед. изм.", "Кількість"],
    )
    (lot,) = lot_import.lots_import_xlsx(actor=world.officer, tender=tender, file=file)
    assert (lot.title, lot.unit, lot.quantity, lot.start_price) == (
        "Бензин",
        "т",
        Decimal("10"),
        Decimal("5000"),
    )


def test_all_or_nothing_with_a_report_of_every_problem(world):
    tender = world.draft(lots=1)
    before = snapshot()
    file = xlsx(
        [
            ["Good lot", 1, "t", 1000, None, "", None],
            ["", 1, "t", 1000, None, "", None],  # no title
            ["Reserve too high", 1, "t", 1000, 2000, "", None],
            ["Not a number", "lots", "t", "cheap", None, "", None],
            ["Old delivery", 1, "t", 1000, None, "", date(2001, 1, 1)],
            ["Bad date", 1, "t", 1000, None, "", "soon"],
        ]
    )
    with pytest.raises(lot_import.LotImportError) as caught:
        lot_import.lots_import_xlsx(actor=world.officer, tender=tender, file=file)
    report = {(p.row, p.column) for p in caught.value.report}
    assert report == {
        (3, "title"),
        (4, "reserve_price"),
        (5, "quantity"),
        (5, "start_price"),
        (6, "delivery_date"),
        (7, "delivery_date"),
    }
    assert "6 problem(s)" in caught.value.message
    messages = {(p.row, p.column): p.problem for p in caught.value.report}
    assert messages[(4, "reserve_price")] == "The reserve price must not exceed the start price."
    assert messages[(5, "quantity")] == "“lots” is not a number."
    assert snapshot() == before


def test_missing_columns_and_unreadable_files(world):
    tender = world.draft(lots=0)
    before = snapshot()
    with pytest.raises(lot_import.LotImportError) as caught:
        lot_import.lots_import_xlsx(
            actor=world.officer, tender=tender, file=xlsx([["x", 1]], header=["title", "qty"])
        )
    assert {(p.row, p.column) for p in caught.value.report} == {(1, "unit"), (1, "start_price")}
    for file in (
        SimpleUploadedFile("lots.xlsx", b"not a zip"),
        SimpleUploadedFile("lots.csv", b"title,quantity\n"),
        xlsx([]),
    ):
        with pytest.raises(lot_import.LotImportError) as caught:
            lot_import.lots_import_xlsx(actor=world.officer, tender=tender, file=file)
        assert caught.value.report[0].row is None
    assert snapshot() == before


def test_only_managers_of_a_draft_import(world):
    tender = world.draft(lots=1)
    file = xlsx([["Diesel", 1, "t", 1000, None, "", None]])
    with pytest.raises(PermissionDeniedError):
        lot_import.lots_import_xlsx(actor=world.buyer_bidder, tender=tender, file=file)
    with pytest.raises(PermissionDeniedError):
        lot_import.lots_import_xlsx(actor=world.supplier_admin, tender=tender, file=file)
    drafting.tender_publish(actor=world.officer, tender=tender)
    tender.refresh_from_db()
    with pytest.raises(ConflictError):
        lot_import.lots_import_xlsx(actor=world.officer, tender=tender, file=file)
    assert tender.lots.count() == 1


def test_the_template_imports_as_it_is(world):
    data = lot_import.lots_import_template_xlsx()
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == list(lot_import.LOT_IMPORT_COLUMNS)
    tender = world.draft(lots=0)
    file = SimpleUploadedFile("template.xlsx", data)
    (lot,) = lot_import.lots_import_xlsx(actor=world.officer, tender=tender, file=file)
    assert lot.title == "Diesel fuel EN 590" and lot.reserve_price == Decimal("95000.00")
