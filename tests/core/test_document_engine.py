"""The platform's document engine (marketplace.core.document_engine) on its own, without any
app's rows: a template file shipped with an app filled into a PDF (Cyrillic text, escaped
values, the same sandbox as a template a company writes), and the sandbox's refusals."""

from __future__ import annotations

import copy
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.test import override_settings
from pypdf import PdfReader

from marketplace.core import document_engine
from marketplace.core.exceptions import ApplicationError

CREATED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)

CONTRACT = (
    "<h1>Договір поставки № {{ order.number }}</h1>\n"
    "<p>Постачальник: {{ supplier.name }}; покупець: {{ buyer.name }}</p>\n"
    "<table>{% for line in order.lines %}"
    "<tr><td>{{ line.name }}</td><td class='amount'>{{ line.amount }}</td></tr>"
    "{% endfor %}</table>\n"
    "<p>Дата: {{ order.date|date:'Y-m-d' }}</p>\n"
)
CONTEXT = {
    "order": {
        "number": "ORD-2026-0007",
        "date": date(2026, 3, 14),
        "lines": [
            {"name": "Дизельне паливо Євро-5", "amount": Decimal("125000.00")},
            {"name": "Бензин А-95", "amount": "48 000,50"},
        ],
    },
    "supplier": {"name": "ТОВ «Нафтогаз-Схід»"},
    "buyer": {"name": "<b>ООО Покупатель</b>"},
}


@pytest.fixture
def template_dir(tmp_path):
    """A templates directory of the test's own (nothing is written into an app), found by the
    project's loaders next to the apps' directories (which hold the PDF's frame)."""
    root = tmp_path / "templates"
    (root / "orders").mkdir(parents=True)
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], root]
    with override_settings(TEMPLATES=templates):
        yield root


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_template_file_becomes_a_pdf_with_cyrillic_text_and_escaped_values(template_dir):
    (template_dir / "orders" / "contract.html").write_text(CONTRACT, encoding="utf-8")
    pdf = document_engine.pdf_from_template_file(
        "orders/contract.html",
        CONTEXT,
        title="ORD-2026-0007",
        language="uk",
        created=CREATED,
    )
    assert pdf.startswith(b"%PDF-")
    assert 2_000 < len(pdf) < 2_000_000
    text = pdf_text(pdf)
    assert "Договір поставки № ORD-2026-0007" in text
    assert "ТОВ «Нафтогаз-Схід»" in text
    assert "Дизельне паливо Євро-5" in text and "125000.00" in text
    assert "2026-03-14" in text
    assert "<b>ООО Покупатель</b>" in text  # printed as text: escaped, not bold markup
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata is not None and reader.metadata.title == "ORD-2026-0007"


def test_the_same_file_and_context_make_the_same_bytes(template_dir):
    (template_dir / "orders" / "contract.html").write_text(CONTRACT, encoding="utf-8")
    made = [
        document_engine.pdf_from_template_file(
            "orders/contract.html", CONTEXT, title="ORD-2026-0007", language="uk", created=CREATED
        )
        for _ in range(2)
    ]
    assert made[0] == made[1]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<p>{{ order.number }}</p>\n{% load static %}", "load"),
        ('{% include "core/document.html" %}', "include"),
        ("<p>{{ order.number|safe }}</p>", "safe"),
        ("{% autoescape off %}{{ buyer.name }}{% endautoescape %}", "autoescape"),
    ],
)
def test_a_template_file_goes_through_the_same_sandbox(template_dir, body, words):
    (template_dir / "orders" / "bad.html").write_text(body, encoding="utf-8")
    with pytest.raises(ApplicationError) as caught:
        document_engine.pdf_from_template_file(
            "orders/bad.html", CONTEXT, title="x", language="uk", created=CREATED
        )
    assert caught.value.code == "template_syntax"
    assert words in str(caught.value.message)


def test_only_plain_values_reach_a_template_file(template_dir):
    (template_dir / "orders" / "contract.html").write_text(CONTRACT, encoding="utf-8")
    with pytest.raises(TypeError, match=r"context\.order: not a plain value: object"):
        document_engine.pdf_from_template_file(
            "orders/contract.html",
            {"order": object()},
            title="x",
            language="uk",
            created=CREATED,
        )


def test_a_template_file_reads_no_server_file(template_dir, tmp_path):
    # Both would print their text if WeasyPrint were allowed to fetch file: URLs.
    (tmp_path / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
        '<text x="5" y="30" font-size="20">SECRET-SVG</text></svg>',
        encoding="utf-8",
    )
    (tmp_path / "secret.css").write_text('p::after { content: "SECRET-CSS"; }', encoding="utf-8")
    (template_dir / "orders" / "leak.html").write_text(
        f'<link rel="stylesheet" href="file://{tmp_path}/secret.css">'
        f'<p>visible</p><img src="file://{tmp_path}/secret.svg">',
        encoding="utf-8",
    )
    text = pdf_text(
        document_engine.pdf_from_template_file(
            "orders/leak.html", {}, title="x", language="uk", created=CREATED
        )
    )
    assert "visible" in text
    assert "SECRET" not in text


def test_a_missing_template_file_is_an_error_of_the_caller(template_dir):
    with pytest.raises(TemplateDoesNotExist):
        document_engine.pdf_from_template_file(
            "orders/none.html", {}, title="x", language="uk", created=CREATED
        )


def test_an_apps_template_file_is_found_without_extra_settings():
    """The frame shipped in marketplace/core/templates/ is found by the apps' loaders (and, as
    a page of its own, does not compile in the sandbox: it loads i18n)."""
    assert "<html" in document_engine._template_file_source(document_engine.FRAME_TEMPLATE)
    with pytest.raises(ApplicationError, match="load"):
        document_engine.pdf_from_template_file(
            document_engine.FRAME_TEMPLATE, {}, title="x", language="uk", created=CREATED
        )


def test_html_text_is_filled_escaped_and_unknown_placeholders_are_named():
    html = document_engine.html_render(
        body="<p>{{ buyer.name }}</p>", context={"buyer": {"name": "<script>x</script>"}}
    )
    assert html == "<p>&lt;script&gt;x&lt;/script&gt;</p>"
    assert document_engine.html_unknown_placeholders(
        body="{{ buyer.name }} {{ buyer.nmae }} {% if seller %}{{ seller }}{% endif %}",
        context={"buyer": {"name": "A"}},
    ) == ["buyer.nmae"]
