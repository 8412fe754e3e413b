"""Helpers of the documents' tests: DOCX files made with python-docx, the text read back out
of PDFs and DOCX files, the API's paths, and what is on disk in the storages."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from pypdf import PdfReader

from crm.models import DocumentTemplate, DocumentTemplateVersion, GeneratedDocument, TimelineEntry
from tests.crm.analytics_factories import client

OFFER_BODY = (
    "<h1>Комерційна пропозиція № {{ document.number }} від {{ document.date }}</h1>\n"
    "<p>Для: {{ account.name }} ({{ account.custom.contract_no }})</p>\n"
    "<p>Шановний {{ contact.full_name }}!</p>\n"
    "<p>Сума: {{ opportunity.amount }} {{ opportunity.currency }}</p>\n"
    "<p>{{ workspace.name }}, {{ author.full_name }}</p>\n"
)


def docx_bytes(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_upload(*paragraphs: str, name: str = "offer.docx", data: bytes | None = None):
    content = data if data is not None else docx_bytes(*paragraphs)
    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def docx_text(data: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(data)).paragraphs]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def base(ws) -> str:
    return f"/api/crm/{ws.id}"


def templates_url(ws) -> str:
    return f"{base(ws)}/document-templates/"


def template_url(ws, template_id: int) -> str:
    return f"{base(ws)}/document-templates/{template_id}/"


def versions_url(ws, template_id: int) -> str:
    return f"{template_url(ws, template_id)}versions/"


def documents_url(ws) -> str:
    return f"{base(ws)}/documents/"


def private_files() -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts() -> dict[str, int]:
    return {
        "templates": DocumentTemplate.objects.count(),
        "versions": DocumentTemplateVersion.objects.count(),
        "documents": GeneratedDocument.objects.count(),
        "timeline": TimelineEntry.objects.count(),
        "files": len(private_files()),
    }


def make_template(ws, *, body: str = OFFER_BODY, kind: str = "offer", docx=None, **extra) -> dict:
    """A template made through the API by the workspace's manager; its JSON."""
    data = {"name": "Стандартна пропозиція", "kind": kind, "language": "uk", "body": body}
    data.update(extra)
    if docx is not None:
        data["docx"] = docx
        response = client(ws.manager).post(templates_url(ws), data, format="multipart")
    else:
        response = client(ws.manager).post(templates_url(ws), data, format="json")
    assert response.status_code == 201, response.json()
    return response.json()
