"""Uploading, listing, downloading and deleting verification documents through the API."""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from marketplace.verification.models import VerificationDocument

from .factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, add_document, submit, upload

pytestmark = pytest.mark.django_db


def upload_url(company):
    return reverse("api:verification-document-upload", kwargs={"company_id": company.pk})


def download_url(document):
    return reverse("api:verification-document-download", kwargs={"document_id": document.pk})


def stored_files() -> list[Path]:
    root = Path(django_settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Registration Certificate.PDF", PDF_BYTES, "application/pdf"),
        ("scan.png", PNG_BYTES, "image/png"),
        ("scan.jpeg", JPEG_BYTES, "image/jpeg"),
        ("scan.jpg", JPEG_BYTES, "image/jpeg"),
    ],
)
def test_company_admin_uploads_an_allowed_file(
    client_for, company, company_admin, name, content, content_type
):
    expiry = timezone.now().date() + timedelta(days=365)
    response = client_for(company_admin).post(
        upload_url(company),
        {
            "file": upload(name, content),
            "document_type": "registration_certificate",
            "expiry_date": expiry.isoformat(),
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["original_name"] == name
    assert body["content_type"] == content_type
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["size"] == len(content)
    assert body["expiry_date"] == expiry.isoformat()
    assert body["submitted"] is False
    assert body["download_url"].endswith(download_url(VerificationDocument(pk=body["id"])))
    document = VerificationDocument.objects.get(pk=body["id"])
    assert document.company == company
    assert document.uploaded_by == company_admin
    # The file sits in the private storage under a generated name, not the uploaded one, and
    # nothing landed in the public media directory.
    files = stored_files()
    assert len(files) == 1
    assert files[0].read_bytes() == content
    assert name not in str(files[0])
    media = Path(django_settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("malware.exe", PDF_BYTES, "file_type_not_allowed"),
        ("notes.txt", b"plain text", "file_type_not_allowed"),
        ("no-extension", PDF_BYTES, "file_type_not_allowed"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>", "file_type_not_allowed"),
        ("disguised.pdf", PNG_BYTES, "file_content_mismatch"),
        ("disguised.png", JPEG_BYTES, "file_content_mismatch"),
        ("disguised.jpg", PDF_BYTES, "file_content_mismatch"),
    ],
)
def test_upload_refuses_files_by_extension_and_content(
    client_for, company, company_admin, name, content, code
):
    response = client_for(company_admin).post(
        upload_url(company),
        {"file": upload(name, content), "document_type": "charter"},
        format="multipart",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["fields"]["file"] == [error["message"]]
    assert "PDF" in error["message"] or "content" in error["message"]
    assert not VerificationDocument.objects.exists()
    assert stored_files() == []


def test_upload_refuses_a_file_over_the_size_limit(client_for, company, company_admin, settings):
    settings.VERIFICATION_DOCUMENT_MAX_BYTES = 2 * 2**20
    content = PDF_BYTES + b"0" * (2 * 2**20)

    response = client_for(company_admin).post(
        upload_url(company),
        {"file": upload("big.pdf", content), "document_type": "charter"},
        format="multipart",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "file_too_large"
    assert "at most 2 MB" in error["message"]
    assert not VerificationDocument.objects.exists()
    assert stored_files() == []


def test_upload_accepts_a_file_exactly_at_the_limit(client_for, company, company_admin, settings):
    settings.VERIFICATION_DOCUMENT_MAX_BYTES = 1000
    content = PDF_BYTES + b"0" * (1000 - len(PDF_BYTES))

    response = client_for(company_admin).post(
        upload_url(company),
        {"file": upload("limit.pdf", content), "document_type": "charter"},
        format="multipart",
    )

    assert response.status_code == 201


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"document_type": "charter"}, "file"),
        ({"document_type": "passport", "file": "FILE"}, "document_type"),
        ({"document_type": "charter", "file": "FILE", "expiry_date": "31/12/2030"}, "expiry_date"),
        ({"document_type": "charter", "file": b""}, "file"),
    ],
)
def test_upload_with_bad_fields_names_the_field(client_for, company, company_admin, data, field):
    data = dict(data)
    if data.get("file") == "FILE":
        data["file"] = upload()
    elif data.get("file") == b"":
        data["file"] = upload("empty.pdf", b"")

    response = client_for(company_admin).post(upload_url(company), data, format="multipart")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert not VerificationDocument.objects.exists()
    assert stored_files() == []


def test_upload_refuses_an_already_expired_document(client_for, company, company_admin):
    yesterday = timezone.now().date() - timedelta(days=1)

    response = client_for(company_admin).post(
        upload_url(company),
        {"file": upload(), "document_type": "charter", "expiry_date": yesterday.isoformat()},
        format="multipart",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "document_expired"
    assert not VerificationDocument.objects.exists()
    assert stored_files() == []


def test_upload_needs_multipart(client_for, company, company_admin):
    response = client_for(company_admin).post(
        upload_url(company), {"document_type": "charter"}, format="json"
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_download_serves_the_file_as_an_attachment(client_for, company, company_admin):
    document = add_document(company, company_admin, name="Статут.pdf")

    response = client_for(company_admin).get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''%D0%A1%D1%82%D0%B0%D1%82%D1%83%D1%82.pdf"
        in response["Content-Disposition"]
    )
    assert response["Cache-Control"] == "private, no-store"


def test_download_of_a_missing_file_is_404(client_for, company, company_admin):
    document = add_document(company, company_admin)
    Path(django_settings.PRIVATE_MEDIA_ROOT, document.storage_name).unlink()

    response = client_for(company_admin).get(download_url(document))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "file_missing"


def test_documents_are_listed_for_the_company(
    client_for, company, company_admin, other_company, other_admin
):
    mine = add_document(company, company_admin)
    add_document(other_company, other_admin)

    response = client_for(company_admin).get(
        reverse("api:verification-document-list", kwargs={"company_id": company.pk})
    )

    assert response.status_code == 200
    assert [d["id"] for d in response.json()["results"]] == [mine.pk]


def test_an_unsubmitted_document_may_be_deleted(
    client_for, company, company_admin, django_capture_on_commit_callbacks
):
    document = add_document(company, company_admin)
    url = reverse(
        "api:verification-document-delete",
        kwargs={"company_id": company.pk, "document_id": document.pk},
    )
    assert len(stored_files()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(company_admin).delete(url)

    assert response.status_code == 204
    assert not VerificationDocument.objects.exists()
    assert stored_files() == []


def test_a_submitted_document_is_kept(client_for, company, company_admin):
    submit(company, company_admin)
    document = VerificationDocument.objects.get()
    url = reverse(
        "api:verification-document-delete",
        kwargs={"company_id": company.pk, "document_id": document.pk},
    )

    response = client_for(company_admin).delete(url)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "document_submitted"
    assert VerificationDocument.objects.filter(pk=document.pk).exists()
    assert len(stored_files()) == 1
