"""The stored buyer's copy of a lot's protocol (the PDF kept in the private storage with its
sha256, ``LotProtocol``) and the document a viewer downloads."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ConflictError, NotFoundError

from ..models import Lot, LotProtocol
from .record import FINISHED, protocol_build
from .render import CONTENT_TYPES, FILE_FORMATS, RENDERERS, protocol_filename, protocol_render_pdf

logger = logging.getLogger(__name__)


def _storage():
    return storages["private"]


def protocol_language(lot: Lot) -> str:
    """The stored copy is written in the language of the buyer's officer who created the
    tender (the platform's default if unknown)."""
    language = getattr(lot.tender.created_by, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def protocol_store(*, lot_id: int) -> LotProtocol | None:
    """Write the buyer's PDF of a finished lot as its chain stands now, once per chain head.

    Idempotent: a copy already stored for the lot's current entry is returned as it is. Returns
    None for a lot that is not finished (nothing to record yet)."""
    lot = Lot.objects.select_related("tender__created_by").filter(pk=lot_id).first()
    if lot is None or lot.status not in FINISHED:
        return None
    existing = LotProtocol.objects.filter(lot=lot, event_seq=lot.event_seq).first()
    if existing is not None:
        return existing
    language = protocol_language(lot)
    with translation.override(language):
        protocol = protocol_build(lot_id=lot.pk)
        content = protocol_render_pdf(protocol)
    lot = protocol.lot  # the snapshot the document describes
    existing = LotProtocol.objects.filter(lot=lot, event_seq=lot.event_seq).first()
    if existing is not None:
        return existing
    digest = hashlib.sha256(content).hexdigest()
    storage = _storage()
    name = storage.save(
        f"protocols/lot-{lot.pk}/protocol-{lot.event_seq:06d}-{digest[:16]}.pdf",
        ContentFile(content),
    )
    try:
        with transaction.atomic():
            return LotProtocol.objects.create(
                lot=lot,
                event_seq=lot.event_seq,
                last_hash=lot.last_hash,
                lot_status=lot.status,
                chain_ok=protocol.chain.ok,
                language=language,
                storage_name=name,
                size=len(content),
                sha256=digest,
            )
    except IntegrityError:
        # A parallel run stored this entry's copy first: keep that one, drop ours.
        storage.delete(name)
        return LotProtocol.objects.get(lot=lot, event_seq=lot.event_seq)


def protocol_stored_open(stored: LotProtocol) -> bytes:
    """The stored copy's bytes, checked against the sha256 recorded when it was written."""
    storage = _storage()
    if not storage.exists(stored.storage_name):
        logger.error("stored protocol %s of lot %s is missing", stored.pk, stored.lot_id)
        raise NotFoundError(
            _("The stored protocol file is missing; please tell the platform's support."),
            code="file_missing",
        )
    with storage.open(stored.storage_name, "rb") as fh:
        content = fh.read()
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        logger.error(
            "stored protocol %s of lot %s does not match its sha256", stored.pk, stored.lot_id
        )
        raise ConflictError(
            _(
                "The stored protocol file does not match its recorded checksum; please tell the "
                "platform's support."
            ),
            code="file_corrupted",
        )
    return content


@dataclass(frozen=True)
class ProtocolFile:
    content: bytes
    content_type: str
    filename: str
    final_hash: str
    sha256: str


def protocol_file(*, lot: Lot, supplier_id: int | None, file_format: str) -> ProtocolFile:
    """The document a viewer downloads. The buyer's PDF is the stored copy for the lot's current
    chain head (written now if the close/award task has not yet done it); everything else is
    rendered on the spot in the active language."""
    if file_format not in FILE_FORMATS:
        raise ValueError(file_format)
    if supplier_id is None and file_format == "pdf":
        stored = protocol_store(lot_id=lot.pk)
        if stored is None:  # the lot changed meanwhile; the caller checked it was finished
            raise ConflictError(
                _("The protocol is produced when the auction has closed."),
                code="protocol_not_ready",
            )
        content = protocol_stored_open(stored)
        final_hash = stored.last_hash
    else:
        protocol = protocol_build(lot_id=lot.pk, supplier_id=supplier_id)
        content = RENDERERS[file_format](protocol)
        final_hash = protocol.chain.final_hash
    return ProtocolFile(
        content=content,
        content_type=CONTENT_TYPES[file_format],
        filename=protocol_filename(lot, file_format),
        final_hash=final_hash,
        sha256=hashlib.sha256(content).hexdigest(),
    )
