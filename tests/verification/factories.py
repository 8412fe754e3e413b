"""Factories and file helpers for the verification tests."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.companies.models import VerificationStatus
from marketplace.verification import services
from marketplace.verification.models import DocumentType, SignatoryBasis
from tests.factories import CompanyFactory

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"


def upload(name: str = "certificate.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def unverified_company(**kwargs):
    kwargs.setdefault("verification_status", VerificationStatus.UNVERIFIED)
    kwargs.setdefault("verified_at", None)
    return CompanyFactory(**kwargs)


def add_document(
    company,
    by,
    *,
    document_type: str = DocumentType.REGISTRATION_CERTIFICATE,
    expiry_date: date | None = None,
    name: str = "certificate.pdf",
    content: bytes = PDF_BYTES,
):
    return services.document_upload(
        company=company,
        uploaded_by=by,
        file=upload(name, content),
        document_type=document_type,
        expiry_date=expiry_date,
    )


def submit(company, by, *, basis: str = SignatoryBasis.CHARTER, with_document: bool = True):
    if with_document:
        add_document(company, by)
    return services.submission_create(
        company=company,
        submitted_by=by,
        signatory_name="Olena Kovalenko",
        signatory_position="Director",
        signatory_basis=basis,
    )
