"""A tender's documents: uploaded to the private storage (type checked by extension and
content), removed from a draft."""

from __future__ import annotations

import hashlib
import os
import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError

from ..lock_objects import tender_lock
from ..models import Tender, TenderDocument, TenderStatus
from . import selectors
from ._common import require_draft, require_manager

# Tender documents: kind -> (content type, magic prefixes, extensions)
DOCUMENT_KINDS: dict[str, tuple[str, tuple[bytes, ...], tuple[str, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",), (".pdf",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",), (".png",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",), (".jpg", ".jpeg")),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
        (".xlsx",),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
        (".docx",),
    ),
}


def document_max_bytes() -> int:
    return getattr(settings, "TENDER_DOCUMENT_MAX_BYTES", 20 * 2**20)


def _document_error(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def _document_kind(file: UploadedFile) -> tuple[str, str, int]:
    """(kind, sanitised original name, size in bytes) of an acceptable document."""
    original_name = os.path.basename((file.name or "").replace("\\", "/")).strip()[:255]
    limit = document_max_bytes()
    size = file.size
    if not size:
        raise _document_error("file_empty", _("The file is empty."))
    if size > limit:
        raise _document_error(
            "file_too_large",
            _("Files may be at most %(limit)s MB.") % {"limit": limit // 2**20 or 1},
        )
    extension = os.path.splitext(original_name)[1].lower()
    kind = next((k for k, (_c, _m, exts) in DOCUMENT_KINDS.items() if extension in exts), None)
    if kind is None:
        raise _document_error(
            "file_type_not_allowed",
            _("Only PDF, PNG, JPEG, XLSX and DOCX files are accepted."),
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not any(head.startswith(magic) for magic in DOCUMENT_KINDS[kind][1]):
        raise _document_error(
            "file_content_mismatch",
            _("The file's content does not match its extension %(ext)s.") % {"ext": extension},
        )
    return kind, original_name, size


def tender_document_upload(
    *, actor, tender: Tender, file: UploadedFile, title: str = ""
) -> TenderDocument:
    """Store a document in the private storage for a draft or published tender."""
    if not selectors.user_may_manage_tender(user=actor, tender=tender):
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers and company admins may do this."),
            code="not_tender_manager",
        )
    if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
        raise ConflictError(_("This tender is finished."), code="tender_finished")
    kind, original_name, size = _document_kind(file)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    extension = DOCUMENT_KINDS[kind][2][0]
    storage = storages["private"]
    stored = storage.save(f"tenders/{tender.pk}/{uuid.uuid4().hex}{extension}", file)
    try:
        with transaction.atomic():
            document = TenderDocument.objects.create(
                tender=tender,
                title=(title or original_name)[:200],
                storage_name=stored,
                original_name=original_name,
                content_type=DOCUMENT_KINDS[kind][0],
                size=size,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
            )
    except BaseException:
        storage.delete(stored)
        raise
    return document


def tender_document_delete(*, actor, document: TenderDocument) -> None:
    """Remove a document of a draft tender (a published tender's documents stay)."""
    with transaction.atomic():
        tender = tender_lock(tender_id=document.tender_id)
        require_manager(actor=actor, tender=tender)
        require_draft(tender)
        name = document.storage_name
        document.delete()
        storage = storages["private"]
        transaction.on_commit(lambda: storage.delete(name))
