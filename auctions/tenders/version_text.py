"""The reader's view of a tender's texts: in the reader's language where a version exists, else
the original, with what a page or the API must say about it (which language is the original,
whether a machine made the text, whether the original changed since). Reads only: the writes are
``versions``'."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from marketplace.translation.models import LANGUAGE_CHOICES, LANGUAGE_CODES

from ..models import Lot, Tender
from ..version_models import LotVersion, TenderVersion


def source_hash(title: str, description: str) -> str:
    """The hash of an original's texts, kept on each version made from it."""
    return hashlib.sha256(f"{title}\x00{description}".encode()).hexdigest()


@dataclass(frozen=True)
class Text:
    """A title and description as shown, and what the reader is told about them."""

    title: str
    description: str
    language: str  # the language of the text shown
    original_language: str
    is_original: bool = True
    machine: bool = False
    provider: str = ""
    # The original changed after this version was made (a draft edited since).
    stale: bool = False
    edited_by: int | None = None
    updated_at: object = None

    @property
    def translated(self) -> bool:
        return not self.is_original

    @property
    def original_language_name(self) -> str:
        return str(dict(LANGUAGE_CHOICES).get(self.original_language, self.original_language))

    @property
    def language_name(self) -> str:
        return str(dict(LANGUAGE_CHOICES).get(self.language, self.language))


@dataclass(frozen=True)
class TenderText(Text):
    requested: str = ""  # the reader's language
    lots: dict[int, Text] = field(default_factory=dict)
    versions: tuple[str, ...] = ()  # the languages with a version of the tender's text

    @property
    def no_version(self) -> bool:
        """The reader reads another language than the original and no version is in it."""
        return self.is_original and self.requested != self.original_language

    @property
    def any_machine(self) -> bool:
        return self.machine or any(t.machine for t in self.lots.values())


def reader_language(language: str | None) -> str:
    """A language of ours from a request's (``uk-UA`` → ``uk``); the site's default else."""
    code = (language or "").split("-")[0].lower()
    return code if code in LANGUAGE_CODES else "en"


def _rows(holder, model) -> dict[str, Any]:
    """The translation rows of a tender's or lot's versions, by language (none: {})."""
    try:
        version = holder.versions
    except model.DoesNotExist:
        return {}
    return {row.language_code: row for row in version.translations.all()}


def _text(original: Text, row) -> Text:
    if row is None:
        return original
    return Text(
        title=row.title,
        description=row.description,
        language=row.language_code,
        original_language=original.original_language,
        is_original=False,
        machine=row.machine,
        provider=row.provider,
        stale=bool(row.source_hash)
        and row.source_hash != source_hash(original.title, original.description),
        edited_by=row.edited_by_id,
        updated_at=row.updated_at,
    )


def with_versions(queryset):
    """``queryset`` of tenders with their versions and their lots' read in a few queries."""
    return queryset.prefetch_related(
        "versions__translations",
        Prefetch(
            "lots",
            queryset=Lot.objects.order_by("number").prefetch_related("versions__translations"),
        ),
    )


def lot_text_for(lot: Lot, language: str, *, original: bool = False) -> Text:
    tender = lot.tender
    base = Text(lot.title, lot.description, tender.original_language, tender.original_language)
    if original or language == tender.original_language:
        return base
    return _text(base, _rows(lot, LotVersion).get(language))


def tender_text_for(
    tender: Tender, language: str | None, *, original: bool = False, lots=None
) -> TenderText:
    """The tender's and its lots' texts for a reader of ``language`` (``original``: the
    original, as the switch on the pages asks). A version is shown where one exists in the
    reader's language, else the original; ``lots`` (default: the tender's) are the lots to
    give texts of."""
    language = reader_language(language)
    source = tender.original_language
    lots = list(tender.lots.all() if lots is None else lots)
    if not original and language != source:
        prefetch_related_objects([tender], "versions__translations")
        prefetch_related_objects(lots, "versions__translations")
    rows = _rows(tender, TenderVersion)
    base = Text(tender.title, tender.description, source, source)
    shown = base if original or language == source else _text(base, rows.get(language))
    lot_texts = {
        lot.pk: (
            Text(lot.title, lot.description, source, source)
            if original or language == source
            else _text(
                Text(lot.title, lot.description, source, source),
                _rows(lot, LotVersion).get(language),
            )
        )
        for lot in lots
    }
    return TenderText(
        title=shown.title,
        description=shown.description,
        language=shown.language,
        original_language=source,
        is_original=shown.is_original,
        machine=shown.machine,
        provider=shown.provider,
        stale=shown.stale,
        edited_by=shown.edited_by,
        updated_at=shown.updated_at,
        requested=language,
        lots=lot_texts,
        versions=tuple(sorted(rows)),
    )


def version_languages(tender: Tender) -> dict[str, Any]:
    """The tender's versions by language (their translation rows), for the author's page."""
    return _rows(tender, TenderVersion)


def lot_version_rows(lot: Lot) -> dict[str, Any]:
    return _rows(lot, LotVersion)
