"""A tender in several languages: its texts in other languages than the original, set by the
buyer's people or asked of a machine, and the reader's view of them.

The original (the tender's and its lots' own columns, in ``Tender.original_language``) governs
and is never changed here. A version in another language is set by hand by the buyer's
procurement officers and company admins (``tender_version_set``: a person's version, which a
machine's never replaces; editing a machine's makes it a person's), or asked of the configured
machine translation provider (``tender_versions_request``: translated after the commit, in the
background, labelled as a machine's). Readers get ``tender_text_for``: their language's version
where one exists, else the original, with the flags a page shows. Each change emits
``tender.version_changed`` (the search indexes the versions' words). A document may be marked as
the translation of another (``document_translation_mark``); the pages list it beside the
original."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, ConflictError
from marketplace.translation.models import LANGUAGE_CHOICES, LANGUAGE_CODES
from marketplace.translation.providers import provider_name

from .. import outbox
from ..lock_objects import tender_lock
from ..models import Tender, TenderDocument, TenderStatus
from ..version_models import TenderDocumentLanguage
from ._common import current_time, require_manager
from .version_store import lot_version_write, tender_version_write, versions_drop
from .version_tasks import tender_translation_schedule
from .version_text import (  # noqa: F401 - the reader's view, served from here
    TenderText,
    Text,
    lot_text_for,
    reader_language,
    tender_text_for,
    with_versions,
)

NAMES = dict(LANGUAGE_CHOICES)
TITLE_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 20000


def author_language(user) -> str:
    """The language a tender's author writes in, as a new tender's original language: the
    author's own (their profile's), else the site's default."""
    language = getattr(user, "language", "")
    return language if language in LANGUAGE_CODES else "en"


def _language_error(language: str, tender: Tender) -> ApplicationError | None:
    if language not in LANGUAGE_CODES:
        message = _("Choose English, Russian or Ukrainian.")
        return ApplicationError(message, code="invalid_language", fields={"language": [message]})
    if language == tender.original_language:
        message = _("This is the tender's original language: edit the tender itself.")
        return ApplicationError(message, code="original_language", fields={"language": [message]})
    return None


def _require_open(tender: Tender) -> None:
    if tender.status not in (TenderStatus.DRAFT, TenderStatus.PUBLISHED):
        raise ConflictError(_("This tender is finished."), code="tender_finished")


def _clean(value, *, field: str, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        message = _("This field is required.")
        raise ApplicationError(message, code="invalid", fields={field: [message]})
    if len(text) > limit:
        message = _("At most %(n)s characters.") % {"n": limit}
        raise ApplicationError(message, code="invalid", fields={field: [message]})
    return text


def tender_version_set(
    *,
    actor,
    tender: Tender,
    language: str,
    title: str,
    description: str = "",
    lots: dict[int, dict] | None = None,
    now: datetime | None = None,
) -> TenderText:
    """Set (or edit) the tender's text in ``language`` by hand, and the given lots' (``{lot id:
    {"title", "description"}}``; the others keep theirs). A person's version: never replaced by
    a machine's. A draft or published tender; the original is unchanged."""
    now = current_time(now)
    title = _clean(title, field="title", limit=TITLE_MAX_LENGTH, required=True)
    description = _clean(
        description, field="description", limit=DESCRIPTION_MAX_LENGTH, required=False
    )
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        _require_open(tender)
        error = _language_error(language, tender)
        if error is not None:
            raise error
        by_id = {lot.pk: lot for lot in tender.lots.all()}
        cleaned: dict[int, tuple[str, str]] = {}
        for lot_id, fields in (lots or {}).items():
            if int(lot_id) not in by_id:
                message = _("This lot belongs to another tender.")
                raise ApplicationError(message, code="invalid", fields={"lots": [message]})
            key = f"lots.{lot_id}"
            cleaned[int(lot_id)] = (
                _clean(fields.get("title"), field=f"{key}.title", limit=300, required=True),
                _clean(
                    fields.get("description"),
                    field=f"{key}.description",
                    limit=DESCRIPTION_MAX_LENGTH,
                    required=False,
                ),
            )
        tender_version_write(
            tender,
            language=language,
            title=title,
            description=description,
            machine=False,
            actor=actor,
            now=now,
        )
        for lot_id, (lot_title, lot_description) in cleaned.items():
            lot_version_write(
                by_id[lot_id],
                language=language,
                title=lot_title,
                description=lot_description,
                machine=False,
                actor=actor,
                now=now,
            )
        outbox.tender_version_changed(
            tender=tender,
            language=language,
            machine=False,
            removed=False,
            lots=list(cleaned),
            actor=actor,
        )
    return tender_text_for(with_versions(Tender.objects).get(pk=tender.pk), language)


def tender_version_delete(*, actor, tender: Tender, language: str) -> None:
    """Remove the tender's and its lots' versions in ``language`` (a person's or a machine's)."""
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        _require_open(tender)
        error = _language_error(language, tender)
        if error is not None and error.code == "invalid_language":
            raise error
        lots = versions_drop(tender, language)
        outbox.tender_version_changed(
            tender=tender, language=language, machine=False, removed=True, lots=lots, actor=actor
        )


def tender_versions_request(
    *, actor, tender: Tender, languages: list[str] | None = None
) -> list[str]:
    """Ask the machine for the tender's versions in ``languages`` (default: every language
    but the original's). Translated after the commit, in the background; a language whose
    version a person wrote keeps it. Refused when no provider is configured."""
    with transaction.atomic():
        tender = tender_lock(tender_id=tender.pk)
        require_manager(actor=actor, tender=tender)
        _require_open(tender)
        if not provider_name():
            raise ConflictError(
                _("No machine translation is configured on this platform."),
                code="no_translation_provider",
            )
        wanted = [code for code in LANGUAGE_CODES if code != tender.original_language]
        if languages is not None:
            for language in languages:
                error = _language_error(language, tender)
                if error is not None:
                    raise error
            wanted = [code for code in wanted if code in languages]
        tender_translation_schedule(tender.pk, wanted)
    return wanted


def tender_versions_auto(*, tender_id: int) -> list[str]:
    """A published tender's missing versions asked of the machine (when a provider is
    configured): the languages with no version yet."""
    tender = with_versions(Tender.objects).filter(pk=tender_id).first()
    if tender is None or not provider_name():
        return []
    have = set(tender_text_for(tender, tender.original_language).versions)
    wanted = [c for c in LANGUAGE_CODES if c != tender.original_language and c not in have]
    tender_translation_schedule(tender.pk, wanted)
    return wanted


def original_language_changed(*, tender: Tender, actor) -> None:
    """After a draft's original language changed (``drafting.tender_update``): a version in the
    new original language is dropped (the original is now in it). Inside the caller's
    transaction."""
    lots = versions_drop(tender, tender.original_language)
    outbox.tender_version_changed(
        tender=tender,
        language=tender.original_language,
        machine=False,
        removed=True,
        lots=lots,
        actor=actor,
    )


# --- Documents ---------------------------------------------------------------------------------


def document_translation_mark(
    *, actor, document: TenderDocument, translation_of: TenderDocument, language: str
) -> TenderDocumentLanguage:
    """Mark ``document`` as the translation of ``translation_of`` (of the same tender) into
    ``language``; the original governs."""
    with transaction.atomic():
        tender = tender_lock(tender_id=document.tender_id)
        require_manager(actor=actor, tender=tender)
        _require_open(tender)
        if language not in LANGUAGE_CODES:
            message = _("Choose English, Russian or Ukrainian.")
            raise ApplicationError(message, code="invalid_language", fields={"language": [message]})
        if translation_of.tender_id != tender.pk or translation_of.pk == document.pk:
            message = _("Choose another document of this tender.")
            raise ApplicationError(message, code="invalid", fields={"translation_of": [message]})
        if TenderDocumentLanguage.objects.filter(document=translation_of).exists():
            message = _("That document is itself a translation: choose its original.")
            raise ApplicationError(message, code="invalid", fields={"translation_of": [message]})
        if TenderDocumentLanguage.objects.filter(translation_of=document).exists():
            message = _("This document has translations of its own.")
            raise ConflictError(message, code="document_has_translations")
        taken = (
            TenderDocumentLanguage.objects.filter(translation_of=translation_of, language=language)
            .exclude(document=document)
            .exists()
        )
        if taken:
            message = _("That document already has a translation into this language.")
            raise ConflictError(message, code="translation_exists")
        mark, _created = TenderDocumentLanguage.objects.update_or_create(
            document=document,
            defaults={"translation_of": translation_of, "language": language, "marked_by": actor},
        )
    return mark


def document_translation_unmark(*, actor, document: TenderDocument) -> None:
    with transaction.atomic():
        tender = tender_lock(tender_id=document.tender_id)
        require_manager(actor=actor, tender=tender)
        TenderDocumentLanguage.objects.filter(document=document).delete()


def document_groups(documents) -> list[dict]:
    """The tender's documents as the pages list them: each original with its translations
    beside it (``{"document", "translations": [(language, document)]}``)."""
    documents = list(documents)
    marks = {
        m.document_id: m
        for m in TenderDocumentLanguage.objects.filter(document__in=[d.pk for d in documents])
    }
    groups: dict[int, dict] = {}
    for document in documents:
        if document.pk not in marks:
            groups[document.pk] = {"document": document, "translations": []}
    for document in documents:
        mark = marks.get(document.pk)
        if mark is not None:
            group = groups.get(mark.translation_of_id)
            if group is None:  # its original is not listed: shown on its own
                groups[document.pk] = {"document": document, "translations": []}
            else:
                group["translations"].append(
                    {
                        "language": mark.language,
                        "language_name": str(NAMES.get(mark.language, mark.language)),
                        "document": document,
                    }
                )
    return list(groups.values())
