"""Downloads: a file from the private storage, or bytes made for the request, for someone the
caller has already authorised."""

import hashlib

from django.core.files.storage import storages
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _

from .exceptions import ConflictError, NotFoundError


def private_file_response(
    *,
    name: str,
    filename: str,
    content_type: str,
    missing_code: str = "file_missing",
    missing_message: str | None = None,
) -> FileResponse:
    """The stored file ``name`` as a download that caches nowhere and is never sniffed."""
    storage = storages["private"]
    if not name or not storage.exists(name):
        raise NotFoundError(missing_message or _("The file is missing."), code=missing_code)
    response = FileResponse(
        storage.open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def download_response(
    content: bytes, *, filename: str, content_type: str, headers: dict[str, str] | None = None
) -> HttpResponse:
    """Bytes made for this request (an export, a rendered document) as a download that caches
    nowhere and is never sniffed, as ``private_file_response`` serves a stored file."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def private_file_read(name: str, sha256: str | None = None) -> bytes:
    """The bytes of ``name`` in the private storage, checked against the SHA-256 recorded when
    it was stored (when given): 404 ``file_missing`` if it is gone, 409 ``file_corrupted`` if it
    no longer matches."""
    storage = storages["private"]
    if not name or not storage.exists(name):
        raise NotFoundError(
            _("The file is missing; please tell the platform's support."), code="file_missing"
        )
    with storage.open(name, "rb") as fh:
        content = fh.read()
    if sha256 is not None and hashlib.sha256(content).hexdigest() != sha256:
        raise ConflictError(
            _(
                "The stored file does not match its recorded checksum; please tell the "
                "platform's support."
            ),
            code="file_corrupted",
        )
    return content
