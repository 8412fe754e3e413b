"""Writing a tender's and its lots' versions in another language (django-parler rows), for
``versions`` (by hand) and ``machine_versions`` (a provider's). Called inside the caller's
transaction, under the tender's row lock; private to ``auctions.tenders``."""

from __future__ import annotations

from datetime import datetime

from ..models import Lot, Tender
from ..version_models import LotVersion, TenderVersion
from .version_text import source_hash


def _write(
    holder_model,
    *,
    key: dict,
    language: str,
    title: str,
    description: str,
    original: tuple[str, str],
    machine: bool,
    provider: str,
    actor,
    now: datetime,
) -> bool:
    """Set the version in ``language``; a machine's never replaces a person's (False)."""
    version, _created = holder_model.objects.get_or_create(**key)
    if machine:
        existing = version.translations.filter(language_code=language).first()
        if existing is not None and not existing.machine:
            return False
    version.set_current_language(language)
    version.title = title
    version.description = description
    version.machine = machine
    version.provider = provider
    version.source_hash = source_hash(*original)
    version.edited_by = actor
    version.updated_at = now
    version.save()
    return True


def tender_version_write(
    tender: Tender,
    *,
    language: str,
    title: str,
    description: str,
    machine: bool,
    provider: str = "",
    actor=None,
    now: datetime,
) -> bool:
    return _write(
        TenderVersion,
        key={"tender": tender},
        language=language,
        title=title,
        description=description,
        original=(tender.title, tender.description),
        machine=machine,
        provider=provider,
        actor=actor,
        now=now,
    )


def lot_version_write(
    lot: Lot,
    *,
    language: str,
    title: str,
    description: str,
    machine: bool,
    provider: str = "",
    actor=None,
    now: datetime,
) -> bool:
    return _write(
        LotVersion,
        key={"lot": lot},
        language=language,
        title=title,
        description=description,
        original=(lot.title, lot.description),
        machine=machine,
        provider=provider,
        actor=actor,
        now=now,
    )


def versions_drop(tender: Tender, language: str) -> list[int]:
    """Remove the tender's and its lots' versions in ``language``; the lots whose was removed."""
    TenderVersion._parler_meta.root_model.objects.filter(
        master__tender=tender, language_code=language
    ).delete()
    lot_rows = LotVersion._parler_meta.root_model.objects.filter(
        master__lot__tender=tender, language_code=language
    )
    lots = sorted(set(lot_rows.values_list("master_id", flat=True)))
    lot_rows.delete()
    return lots
