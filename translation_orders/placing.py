"""Placing a translation order: the documents chosen (a buyer's tender documents, a supplier's
certificate scans) checked against who orders, copied into the private storage and counted
(``wordcount``), the platform's rate for the pair required. Part of the app's writes
(``services.order_place``)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import TenderDocument
from marketplace.core.exceptions import ApplicationError, PermissionDeniedError
from marketplace.core.files import private_file_read
from marketplace.platforms.selectors import platforms_where_company_trades
from suppliers.models import Certificate

from . import files, outbox, selectors, wordcount
from .models import (
    Language,
    Side,
    SourceKind,
    StepAction,
    TranslationOrder,
    TranslationSourceDocument,
)

MAX_DOCUMENTS = 20
TEXT_MAX = 5000


def invalid(field: str, message: str, code: str = "invalid") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field: [message]})


def clean_text(value, *, field: str, required: bool = False, message: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        raise invalid(field, message, code=f"{field}_required")
    if len(text) > TEXT_MAX:
        raise invalid(field, _("At most %(n)s characters.") % {"n": TEXT_MAX})
    return text


def _languages(source: str, target: str) -> None:
    if source not in Language.values:
        raise invalid("source_language", _("Choose Ukrainian, Russian or English."))
    if target not in Language.values:
        raise invalid("target_language", _("Choose Ukrainian, Russian or English."))
    if source == target:
        raise invalid(
            "target_language",
            _("Choose a language other than the documents' own."),
            code="same_language",
        )


def _sources(
    *, side: str, company_id: int, tender_document_ids, certificate_ids, platform_id
) -> tuple[list, int, int | None]:
    """(the source rows, the order's platform, its tender) for the ids chosen."""
    if side == Side.BUYER:
        ids = sorted(set(tender_document_ids or ()))
        rows = list(selectors.tender_documents_orderable(company_id=company_id).filter(pk__in=ids))
        if not ids or len(rows) != len(ids):
            raise invalid(
                "documents", _("Choose documents of your company's tenders."), "documents_invalid"
            )
        tenders = {row.tender_id for row in rows}
        if len(tenders) > 1:
            raise invalid(
                "documents",
                _("Choose the documents of one tender per order."),
                "documents_of_several_tenders",
            )
        return rows, rows[0].tender.platform_id, rows[0].tender_id
    ids = sorted(set(certificate_ids or ()))
    certificates = list(selectors.certificates_orderable(company_id=company_id).filter(pk__in=ids))
    if not ids or len(certificates) != len(ids):
        raise invalid(
            "documents",
            _("Choose certificates of your company that have a scan."),
            "documents_invalid",
        )
    if not platforms_where_company_trades(company=company_id).filter(pk=platform_id).exists():
        raise invalid(
            "platform", _("Choose a platform your company trades on."), "platform_invalid"
        )
    return certificates, platform_id, None


def _copy(row, folder: str) -> tuple[dict, files.Stored]:
    """A source row's file copied into the order's folder, with its word count."""
    if isinstance(row, TenderDocument):
        content = private_file_read(row.storage_name, row.sha256)
        kind, title, name, content_type = (
            SourceKind.TENDER_DOCUMENT,
            row.title,
            row.original_name,
            row.content_type,
        )
    else:
        assert isinstance(row, Certificate)
        content = private_file_read(row.file_name)
        kind, title, name, content_type = (
            SourceKind.CERTIFICATE,
            row.name,
            row.original_file_name or row.name,
            row.content_type,
        )
    count = wordcount.count_words(content, content_type)
    stored = files.store(
        folder=folder, original_name=name, content_type=content_type, content=content
    )
    values = {
        "source_kind": kind,
        "source_id": row.pk,
        "title": title[:200],
        "words": count.words,
        "count_note": count.note,
    }
    return values, stored


def order_place(
    *,
    actor,
    company_id: int,
    side: str,
    source_language: str,
    target_language: str,
    tender_document_ids=(),
    certificate_ids=(),
    platform_id: int | None = None,
    instructions: str = "",
    now: datetime | None = None,
) -> TranslationOrder:
    """Order the chosen documents translated: a buyer's documents of one of its tenders (on
    the tender's platform), or a supplier's certificate scans (on a platform it trades on).
    The platform must have a rate for the pair. The documents are copied and counted now."""
    if side not in Side.values:
        raise invalid("side", _("Order as a buyer or as a supplier."))
    company = selectors.companies_ordering(user=actor).filter(pk=company_id).first()
    if company is None or side not in selectors.sides_for(user=actor, company=company):
        raise PermissionDeniedError(
            _(
                "Only a buyer's procurement officers and company admins, or a supplier's company "
                "admins and bidders, order translations for their company."
            ),
            code="not_orderer",
        )
    _languages(source_language, target_language)
    instructions = clean_text(instructions, field="instructions")
    rows, platform, tender_id = _sources(
        side=side,
        company_id=company_id,
        tender_document_ids=tender_document_ids,
        certificate_ids=certificate_ids,
        platform_id=platform_id,
    )
    if len(rows) > MAX_DOCUMENTS:
        raise invalid("documents", _("At most %(n)s documents per order.") % {"n": MAX_DOCUMENTS})
    if (
        selectors.rate_for(platform_id=platform, source=source_language, target=target_language)
        is None
    ):
        raise invalid(
            "target_language",
            _("The platform does not take translations from %(source)s into %(target)s yet.")
            % {
                "source": Language(source_language).label,
                "target": Language(target_language).label,
            },
            code="no_rate",
        )
    now = now or timezone.now()
    folder = f"translation-orders/{company_id}/{now:%Y%m%d%H%M%S%f}/source"
    copied = []
    try:
        for row in rows:
            copied.append(_copy(row, folder))
        with transaction.atomic():
            counts = [values["words"] for values, _stored in copied]
            order = TranslationOrder.objects.create(
                platform_id=platform,
                company_id=company_id,
                side=side,
                tender_id=tender_id,
                source_language=source_language,
                target_language=target_language,
                instructions=instructions,
                ordered_by=actor,
                counted_words=None if None in counts else sum(counts),
            )
            for values, stored in copied:
                TranslationSourceDocument.objects.create(
                    order=order,
                    original_name=stored.original_name,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    storage_name=stored.storage_name,
                    **values,
                )
            outbox.step_record(
                order=order, action=StepAction.PLACED, before="", actor=actor, now=now
            )
    except BaseException:
        files.delete_quietly([stored.storage_name for _values, stored in copied])
        raise
    return order
