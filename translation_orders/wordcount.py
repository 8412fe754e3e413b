"""Counting the words of a document to translate: the text of a PDF (its text layer, pypdf), a
DOCX (python-docx: the body with its tables, headers, footers, footnotes and text boxes), an
XLSX (openpyxl: the cells holding text, every sheet) or a plain-text file (UTF-8, or
Windows-1251).

The rule (one for every format, ``words_in``): a word is a run of Unicode letters and digits
(``[^\\W_]+``, so Cyrillic and Latin alike, and numbers); runs joined by a hyphen or an
apostrophe inside count once ("self-service", "п'ять", "don't", "16-й"). Punctuation and
symbols count nothing. In a spreadsheet only the cells holding text count: numbers and dates
are not translated. An image (a scanned certificate) has no text to count: its count is left
empty and the translator sets the order's count, saying why.

A count is a pure function of the file's bytes; nothing here touches the database. The three
readers are imported when a file of their kind is counted: they were some 0.15 s of the 1.7 s
every server process spent importing (``python -X importtime``), and a websocket server
restarting under a crowd never counts a word.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

WORD = re.compile(r"[^\W_]+(?:['’ʼ\-‐][^\W_]+)*")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
IMAGES = ("image/png", "image/jpeg")

# A document's parts may unpack to at most this much (a "zip bomb" is refused, not read).
MAX_UNPACKED = 200 * 2**20
MAX_PDF_PAGES = 3000


@dataclass(frozen=True)
class Count:
    words: int | None  # None: no text could be read (an image, a damaged file)
    note: str = ""  # why there is no count, for the translator (not translated: a code)


def words_in(text: str) -> int:
    """The words of ``text`` by the module's rule."""
    return sum(1 for _match in WORD.finditer(text or ""))


def _unpacked_size_ok(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= MAX_UNPACKED
    except zipfile.BadZipFile:
        return False


def pdf_words(content: bytes) -> Count:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            return Count(None, "encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            return Count(None, "too_many_pages")
        total = sum(words_in(page.extract_text() or "") for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return Count(None, "unreadable")
    return Count(total) if total else Count(None, "no_text_layer")


def docx_words(content: bytes) -> Count:
    import docx
    from docx.oxml.ns import qn

    if not _unpacked_size_ok(content):
        return Count(None, "unreadable")
    try:
        document = docx.Document(io.BytesIO(content))
    except (ValueError, KeyError, zipfile.BadZipFile, OSError):
        return Count(None, "unreadable")
    parts = [document.element]
    for section in document.sections:
        for story in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not story.is_linked_to_previous:
                parts.append(story._element)
    for rel in document.part.rels.values():  # footnotes, endnotes, comments
        if "footnotes" in rel.reltype or "endnotes" in rel.reltype:
            parts.append(rel.target_part.element)
    total = 0
    for part in parts:
        for paragraph in part.iter(qn("w:p")):
            total += words_in("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))
    return Count(total)


def xlsx_words(content: bytes) -> Count:
    import openpyxl

    if not _unpacked_size_ok(content):
        return Count(None, "unreadable")
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (ValueError, KeyError, zipfile.BadZipFile, OSError):
        return Count(None, "unreadable")
    total = 0
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                total += sum(words_in(value) for value in row if isinstance(value, str))
    finally:
        book.close()
    return Count(total)


def text_words(content: bytes) -> Count:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return Count(words_in(content.decode(encoding)))
        except UnicodeDecodeError:
            continue
    return Count(None, "unreadable")


COUNTERS = {PDF: pdf_words, DOCX: docx_words, XLSX: xlsx_words, TEXT: text_words}


def count_words(content: bytes, content_type: str) -> Count:
    """The words of a document of ``content_type``; an image or an unknown type: no count."""
    counter = COUNTERS.get(content_type)
    if counter is None:
        return Count(None, "image" if content_type in IMAGES else "unknown_type")
    return counter(content)


def note_text(note: str) -> str:
    """What a count's ``note`` means, for people."""
    return str(NOTES.get(note, note))


NOTES = {
    "encrypted": _("The PDF is encrypted: its text cannot be read."),
    "too_many_pages": _("The PDF has too many pages to count automatically."),
    "unreadable": _("The file could not be read."),
    "no_text_layer": _("The PDF has no text layer (a scan?): the translator counts its words."),
    "image": _("An image: the translator counts its words."),
    "unknown_type": _("A file of another type: the translator counts its words."),
}
