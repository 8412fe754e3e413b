"""The files of translation orders, all in the private storage (``storages["private"]``, never
under ``MEDIA_URL``; served only by the order's download views to whom may read them):

* the documents to translate, copied from the tender document or certificate scan when the
  order is placed (``translation-orders/<order>/source/``), so the translator works on what was
  ordered even if the original is later replaced;
* the translated files a translator delivers (``translation-orders/<order>/delivered/``),
  checked first: at most ``TRANSLATION_FILE_MAX_BYTES`` (20 MB by default) each, at most
  ``MAX_FILES`` per delivery, a PDF, DOCX, XLSX or plain-text file whose content matches its
  extension (a DOCX or XLSX must be the Office package it claims; a text file UTF-8).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError

from . import wordcount

MAX_FILES = 20
# extension -> (content type, magic prefix, a member an Office package must hold)
DELIVERY_KINDS: dict[str, tuple[str, bytes, str]] = {
    ".pdf": (wordcount.PDF, b"%PDF-", ""),
    ".docx": (wordcount.DOCX, b"PK\x03\x04", "word/document.xml"),
    ".xlsx": (wordcount.XLSX, b"PK\x03\x04", "xl/workbook.xml"),
    ".txt": (wordcount.TEXT, b"", ""),
}
EXTENSIONS = {content_type: ext for ext, (content_type, _m, _p) in DELIVERY_KINDS.items()}
EXTENSIONS.update({"image/png": ".png", "image/jpeg": ".jpg"})


def file_max_bytes() -> int:
    return int(getattr(settings, "TRANSLATION_FILE_MAX_BYTES", 20 * 2**20))


@dataclass(frozen=True)
class Stored:
    storage_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def _refuse(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"files": [message]})


def _package_holds(content: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return member in archive.namelist()
    except zipfile.BadZipFile:
        return False


def delivery_check(upload: UploadedFile) -> tuple[str, str, bytes]:
    """(sanitised name, content type, content) of an acceptable translated file, else the
    refusal (400) naming what is wrong."""
    name = os.path.basename((upload.name or "").replace("\\", "/")).strip()[:255]
    limit = file_max_bytes()
    if not upload.size:
        raise _refuse("file_empty", _("The file %(name)s is empty.") % {"name": name})
    if upload.size > limit:
        raise _refuse(
            "file_too_large",
            _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": limit // 2**20},
        )
    extension = os.path.splitext(name)[1].lower()
    kind = DELIVERY_KINDS.get(extension)
    if kind is None:
        raise _refuse(
            "file_type_not_allowed",
            _("Deliver PDF, DOCX, XLSX or plain-text (.txt) files; %(name)s is not one.")
            % {"name": name},
        )
    content_type, magic, member = kind
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    matches = content.startswith(magic) and (not member or _package_holds(content, member))
    if extension == ".txt":
        try:
            content.decode("utf-8-sig")
        except UnicodeDecodeError:
            matches = False
    if not matches:
        raise _refuse(
            "file_content_mismatch",
            _("The content of %(name)s does not match its extension %(ext)s.")
            % {"name": name, "ext": extension},
        )
    return name, content_type, content


def store(*, folder: str, original_name: str, content_type: str, content: bytes) -> Stored:
    """Save ``content`` in the private storage under ``folder`` (a random name)."""
    extension = EXTENSIONS.get(content_type, "")
    name = storages["private"].save(f"{folder}/{uuid.uuid4().hex}{extension}", ContentFile(content))
    return Stored(
        storage_name=name,
        original_name=original_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def delete_quietly(names: list[str]) -> None:
    """Remove stored files (a write that failed after saving them)."""
    storage = storages["private"]
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)
