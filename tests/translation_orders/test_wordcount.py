"""Counting the words of each format from small real files (translation_orders.wordcount)."""

from __future__ import annotations

import io
import zipfile

import pytest
from weasyprint import HTML

from translation_orders import wordcount as w

from .factories import PNG, docx_bytes, pdf_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("Hello, world!", 2),
        ("self-service don't п'ять 16-й", 4),  # joined by a hyphen or an apostrophe: one word
        ("Дизельне паливо — 5 т.", 4),  # a number is a word; a dash is not
        ("snake_case  ...  !!!", 2),  # an underscore separates
        ("Обʼєм 1 200,5 л", 5),
    ],
)
def test_the_rule(text, words):
    assert w.words_in(text) == words


def test_docx_counts_the_body_tables_and_headers():
    content = docx_bytes(
        "Технічне завдання: дизельне паливо, п'ять тонн.",
        table=[["Self-service price", "16-й пункт"]],
        header="Tender specification",
    )
    assert w.count_words(content, w.DOCX) == w.Count(12)


def test_xlsx_counts_text_cells_of_every_sheet_not_numbers():
    content = xlsx_bytes({"A": [["Name of goods", 12, 3.5, "Diesel fuel"]], "B": [["one two"]]})
    assert w.count_words(content, w.XLSX) == w.Count(7)


def test_pdf_counts_its_text_layer():
    assert w.count_words(pdf_bytes("Terms of delivery", "Pay in 30 days"), w.PDF) == w.Count(7)


def test_pdf_made_by_a_renderer_in_cyrillic():
    content = HTML(
        string="<p>Технічне завдання на постачання палива</p><p>Page two</p>"
    ).write_pdf()
    assert w.count_words(content, w.PDF) == w.Count(7)


def test_plain_text_in_utf8_or_windows_1251():
    assert w.count_words("Привіт, світе".encode(), w.TEXT) == w.Count(2)
    assert w.count_words("Привет, мир, снова".encode("cp1251"), w.TEXT) == w.Count(3)


def test_what_has_no_text_to_count():
    assert w.count_words(PNG, "image/png") == w.Count(None, "image")
    assert w.count_words(b"%PDF-1.4 broken", w.PDF).words is None
    assert w.count_words(b"PK\x03\x04 broken", w.DOCX) == w.Count(None, "unreadable")
    assert w.count_words(b"not a zip", w.XLSX) == w.Count(None, "unreadable")
    empty_pdf = pdf_bytes()
    assert w.count_words(empty_pdf, w.PDF) == w.Count(None, "no_text_layer")
    assert "translator" in w.note_text("no_text_layer")


def test_a_package_that_unpacks_too_large_is_not_read(monkeypatch):
    monkeypatch.setattr(w, "MAX_UNPACKED", 1000)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "a" * 5000)
    assert w.count_words(out.getvalue(), w.DOCX) == w.Count(None, "unreadable")
    assert w.count_words(docx_bytes("two words"), w.DOCX) == w.Count(None, "unreadable")
