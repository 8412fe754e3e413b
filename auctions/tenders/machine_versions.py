"""Machine versions of a tender's texts: the original's title and description and its lots'
sent to the configured provider (``marketplace.translation``: cached, bounded, never retried)
and written as versions labelled as a machine's. Run by ``version_tasks.tender_translate``
after the commit that asked; the provider is called outside any transaction, and a version a
person wrote is never replaced."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from marketplace.translation.models import LANGUAGE_CODES
from marketplace.translation.services import NoProvider, ProviderUnavailable, translate

from .. import outbox
from ..lock_objects import tender_lock
from ..models import Tender, TenderStatus
from .version_store import lot_version_write, tender_version_write
from .version_text import source_hash

logger = logging.getLogger(__name__)


def tender_machine_translate(*, tender_id: int, language: str) -> bool:
    """Write the machine versions of the tender in ``language``; False when nothing was written
    (no provider, the provider failed, the tender is gone or finished, the language is the
    original's, or the original changed while the provider worked: a new request follows the
    change). The readers see the original meanwhile."""
    tender = Tender.objects.filter(pk=tender_id).first()
    if (
        tender is None
        or language not in LANGUAGE_CODES
        or language == tender.original_language
        or tender.status in (TenderStatus.CANCELLED, TenderStatus.COMPLETE)
    ):
        return False
    lots = list(tender.lots.order_by("number"))
    texts = [tender.title, tender.description]
    for lot in lots:
        texts += [lot.title, lot.description]
    try:
        translated, provider = translate(texts, source=tender.original_language, target=language)
    except (NoProvider, ProviderUnavailable) as exc:
        logger.info("tender %s not translated into %s: %r", tender_id, language, exc)
        return False
    before = (
        source_hash(tender.title, tender.description),
        [source_hash(lot.title, lot.description) for lot in lots],
    )
    now = timezone.now()
    with transaction.atomic():
        tender = tender_lock(tender_id=tender_id)
        current = list(tender.lots.order_by("number"))
        after = (
            source_hash(tender.title, tender.description),
            [source_hash(lot.title, lot.description) for lot in current],
        )
        if after != before or language == tender.original_language:
            return False
        written = tender_version_write(
            tender,
            language=language,
            title=translated[0],
            description=translated[1],
            machine=True,
            provider=provider,
            now=now,
        )
        changed_lots = [
            lot.pk
            for index, lot in enumerate(current)
            if lot_version_write(
                lot,
                language=language,
                title=translated[2 + 2 * index],
                description=translated[3 + 2 * index],
                machine=True,
                provider=provider,
                now=now,
            )
        ]
        if not written and not changed_lots:
            return False
        outbox.tender_version_changed(
            tender=tender,
            language=language,
            machine=True,
            removed=False,
            lots=changed_lots,
            actor=None,
        )
    return True
