"""The shared spreadsheet reader as the CRM's import uses it (``marketplace.core.spreadsheets``):
CSV in UTF-8 or cp1251 with ``;`` or ``,``, formulas refused by cell name (and read as before by
the importers that do not ask), a damaged workbook told apart, and the writers that keep every
cell text; and the value checks the import and the API share (``crm.account_checks``)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from crm import account_checks as checks
from crm.models import Lifecycle, Segment
from marketplace.core import spreadsheets
from tests.crm.accounts_factories import xlsx_bytes


def test_csv_is_read_in_utf8_or_cp1251_with_semicolons_or_commas():
    text = "Назва;Місто\nТОВ «Ромашка»;Київ\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1251"):
        rows = spreadsheets.read_table(data=text.encode(encoding), filename="a.csv")
        assert rows == [["Назва", "Місто"], ["ТОВ «Ромашка»", "Київ"]]
    rows = spreadsheets.read_table(data=b'name,city\n"Acme, Ltd",Kyiv\n', filename="a.csv")
    assert rows == [["name", "city"], ["Acme, Ltd", "Kyiv"]]


def test_a_csv_cell_past_the_csv_modules_limit_is_a_file_problem():
    data = b'name\n"' + b"x" * 200_000 + b'"\n'
    with pytest.raises(spreadsheets.FileProblem):
        spreadsheets.read_table(data=data, filename="a.csv")


def test_formulas_are_refused_only_when_asked_and_read_as_before_otherwise():
    workbook = Workbook()
    workbook.active.append(["price", "total"])
    workbook.active.append([2, "=A2*3"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    with pytest.raises(spreadsheets.FileProblem) as caught:
        spreadsheets.read_table(data=data, filename="p.xlsx", refuse_formulas=True)
    assert "(cell B2)" in caught.value.message
    # The price lists and lots read a formula's stored result, as they always did (openpyxl
    # wrote none here, so it reads empty): no refusal.
    assert spreadsheets.read_table(data=data, filename="p.xlsx")[1] == [2, None]


def test_many_formula_cells_are_named_ten_at_most():
    rows = [["name"]] + [[f"=A{i}"] for i in range(1, 20)]
    with pytest.raises(spreadsheets.FileProblem) as caught:
        spreadsheets.read_table(data=xlsx_bytes(rows), filename="a.xlsx", refuse_formulas=True)
    assert "A2, A3" in caught.value.message and "A11 …" in caught.value.message
    assert "A12" not in caught.value.message


def test_the_writers_keep_every_cell_text():
    header = ["name", "phone", "note"]
    rows = [["=1+1", "+380441234567", "-x"], ["@SUM(A1)", "-5", "ok"]]
    data = spreadsheets.write_xlsx(header, rows, title="A/B")
    assert spreadsheets.read_table(data=data, filename="a.xlsx", refuse_formulas=True) == [
        header,
        *rows,
    ]
    text = spreadsheets.write_csv(header, rows).decode("utf-8-sig").splitlines()
    assert text[1] == "'=1+1,+380441234567,'-x"
    assert text[2] == "'@SUM(A1),-5,ok"


def test_column_letters():
    assert [spreadsheets.column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
    ]


# --- the value checks ------------------------------------------------------------------------


def test_choices_are_read_by_code_or_label():
    assert checks.choice_clean(Segment, "Customer and supplier") == "both"
    assert checks.choice_clean(Segment, " SUPPLIER ") == "supplier"
    assert checks.choice_clean(Lifecycle, "Dormant") == "dormant"
    with pytest.raises(ValueError, match="not one of"):
        checks.choice_clean(Lifecycle, "asleep")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("так", True), ("Да", True), ("yes", True), ("1", True), ("ні", False), ("нет", False)],
)
def test_yes_and_no_in_three_languages(text, expected):
    assert checks.boolean_clean(text) is expected


def test_countries_phones_and_lists():
    assert checks.country_clean("ukr") == "UA" and checks.country_clean("Poland") == "PL"
    assert checks.phone_clean("+7 (495) 123-45-67") == "+74951234567"
    assert checks.phones_clean("044 123 45 67; 050 123 45 67", region="UA") == [
        "+380441234567",
        "+380501234567",
    ]
    assert checks.emails_clean("A@x.ua, a@x.ua;b@x.ua") == ["a@x.ua", "b@x.ua"]
    assert checks.website_clean("acme.ua") == "https://acme.ua"
    assert checks.date_clean("2024-03-01") == checks.date_clean("01/03/2024")
