"""Writes for document templates and the documents made from them.

* A template (offer, contract, invoice, letter, specification, delivery note) belongs to one
  workspace and has versions; a version is never changed, only added, and each document records
  the version it was made from. A version's text is HTML with placeholders (a Django template,
  compiled in the sandbox of ``marketplace.core.document_engine``: one that does not compile is
  refused with its line), and optionally a DOCX with the same placeholders (checked to be a real
  DOCX, kept in the private storage). ``version_render`` makes a file of a version through that
  engine.
* A document is a version filled from an account (and a contact, an opportunity, a deal),
  rendered to PDF or DOCX, stored in the private storage with its SHA-256, numbered per
  workspace, kind and year without gaps (``OFFER-2026-0001``), and put on the account's
  timeline, all in one transaction.

Lock order: the template row (adding a version), or the numbering lock of (workspace, kind)
(making a document); nothing else is locked here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.models import Deal
from marketplace.companies.models import Company
from marketplace.core.document_engine import (
    CONTENT_TYPES,
    DOCX_MAX_BYTES,
    FILE_FORMATS,
    document_render,
    docx_check,
    html_compile,
    html_unknown_placeholders,
)
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from marketplace.core.files import private_file_read
from marketplace.users.models import LANGUAGE_CHOICES

from .access import workspace_require
from .document_selectors import (
    deal_counterparty_id,
    deal_find,
    document_context,
    document_get,
    example_context,
    template_find,
    template_latest_version,
    version_get,
)
from .models import (
    Account,
    Contact,
    CustomField,
    DocumentTemplate,
    DocumentTemplateVersion,
    GeneratedDocument,
    Opportunity,
    TemplateKind,
    TimelineKind,
)
from .timeline import timeline_add

NUMBER_PREFIXES = {
    TemplateKind.OFFER: "OFFER",
    TemplateKind.CONTRACT: "CONTRACT",
    TemplateKind.INVOICE: "INVOICE",
    TemplateKind.LETTER: "LETTER",
    TemplateKind.SPECIFICATION: "SPEC",
    TemplateKind.DELIVERY_NOTE: "DELIVERY",
}
TEMPLATE_LANGUAGES = tuple(code for code, _name in LANGUAGE_CHOICES)


def _storage():
    return storages["private"]


# --- Templates and their versions --------------------------------------------------------------


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        message = _("Give the template a name.")
        raise ApplicationError(message, code="name_required", fields={"name": [message]})
    return name[:200]


def _check_language(language: str) -> str:
    if language not in TEMPLATE_LANGUAGES:
        message = _("The language must be one of: %(languages)s.") % {
            "languages": ", ".join(TEMPLATE_LANGUAGES)
        }
        raise ApplicationError(message, code="invalid_language", fields={"language": [message]})
    return language


def _read_docx(docx: UploadedFile, *, workspace_id: int) -> bytes:
    """The uploaded DOCX's bytes, checked to be a real, macro-free DOCX that compiles."""
    name = (docx.name or "").lower()
    if not name.endswith(".docx"):
        message = _("Upload a Word document saved as .docx.")
        raise ApplicationError(message, code="docx_invalid", fields={"docx": [message]})
    if docx.size and docx.size > DOCX_MAX_BYTES:
        message = _("The DOCX file is larger than %(mb)d MB.") % {"mb": DOCX_MAX_BYTES // 2**20}
        raise ApplicationError(message, code="docx_invalid", fields={"docx": [message]})
    docx.seek(0)
    data = docx.read(DOCX_MAX_BYTES + 1)
    docx_check(data, context=_example_context(workspace_id=workspace_id))
    return data


def _check_text(body: str, docx: bytes | None, keeps_docx: bool) -> str:
    body = body or ""
    if not body.strip() and docx is None and not keeps_docx:
        message = _("Give the template's text (HTML), or upload a DOCX, or both.")
        raise ApplicationError(message, code="template_empty", fields={"body": [message]})
    if body.strip():
        html_compile(body)
    return body


def _docx_save(*, workspace_id: int, data: bytes | None) -> str:
    """Store an uploaded DOCX (before the transaction that refers to it; the caller deletes it
    if that fails). Content-addressed; the storage never overwrites a file of the same name."""
    if data is None:
        return ""
    digest = hashlib.sha256(data).hexdigest()
    return _storage().save(f"crm/templates/{workspace_id}/{digest[:32]}.docx", ContentFile(data))


def _version_write(
    *, template: DocumentTemplate, user, body: str, docx_name: str
) -> DocumentTemplateVersion:
    """Add the next version of ``template`` (locked by the caller, or new)."""
    last = template.versions.order_by("-version").values_list("version", flat=True).first()
    return DocumentTemplateVersion.objects.create(
        template=template,
        version=(last or 0) + 1,
        body=body,
        docx_name=docx_name,
        created_by=user,
    )


def template_create(
    *,
    user,
    workspace_id: int,
    name: str,
    kind: str,
    language: str = "uk",
    body: str = "",
    docx: UploadedFile | None = None,
) -> DocumentTemplate:
    """A new template with its first version."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    name = _check_name(name)
    if kind not in TemplateKind.values:
        message = _("Unknown kind of document.")
        raise ApplicationError(message, code="invalid_kind", fields={"kind": [message]})
    language = _check_language(language)
    data = _read_docx(docx, workspace_id=workspace_id) if docx is not None else None
    body = _check_text(body, data, keeps_docx=False)
    written = _docx_save(workspace_id=workspace_id, data=data)
    try:
        with transaction.atomic():
            template = DocumentTemplate.objects.create(
                workspace_id=workspace_id, name=name, kind=kind, language=language
            )
            _version_write(template=template, user=user, body=body, docx_name=written)
    except Exception:
        if written:
            _storage().delete(written)
        raise
    return template


def template_update(
    *,
    user,
    workspace_id: int,
    template_id: int,
    name: str | None = None,
    language: str | None = None,
    is_active: bool | None = None,
) -> DocumentTemplate:
    """Rename, change the language of, archive (``is_active=False``) or restore a template.
    Its kind never changes (the documents' numbers follow it); its text changes only by a new
    version."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    template = template_find(workspace_id=workspace_id, template_id=template_id)
    fields = []
    if name is not None:
        template.name = _check_name(name)
        fields.append("name")
    if language is not None:
        template.language = _check_language(language)
        fields.append("language")
    if is_active is not None:
        template.is_active = is_active
        fields.append("is_active")
    if fields:
        template.save(update_fields=fields)
    return template


def template_version_add(
    *,
    user,
    workspace_id: int,
    template_id: int,
    body: str = "",
    docx: UploadedFile | None = None,
    keep_docx: bool = True,
) -> DocumentTemplateVersion:
    """The template's next version. Without a new DOCX it keeps the last version's DOCX (the
    file is shared: neither is ever changed) unless ``keep_docx`` is false."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    template_find(workspace_id=workspace_id, template_id=template_id)
    data = _read_docx(docx, workspace_id=workspace_id) if docx is not None else None
    written = ""
    try:
        with transaction.atomic():
            template = DocumentTemplate.objects.select_for_update().get(pk=template_id)
            previous = template_latest_version(template=template)
            kept = previous.docx_name if (previous and keep_docx and data is None) else ""
            body = _check_text(body, data, keeps_docx=bool(kept))
            written = _docx_save(workspace_id=workspace_id, data=data)
            return _version_write(
                template=template, user=user, body=body, docx_name=written or kept
            )
    except Exception:
        if written:
            _storage().delete(written)
        raise


def template_docx_read(name: str) -> bytes | None:
    """A template version's DOCX from the private storage (None when it has none)."""
    if not name:
        return None
    storage = _storage()
    if not storage.exists(name):
        raise NotFoundError(
            _("The DOCX of this template version is missing; please tell the platform's support."),
            code="file_missing",
        )
    with storage.open(name, "rb") as fh:
        return fh.read()


def version_render(
    *,
    version: DocumentTemplateVersion,
    context: dict,
    file_format: str,
    title: str,
    created: datetime,
) -> bytes:
    """A document from a template version and a context of plain values, through the engine
    (``marketplace.core.document_engine.document_render``). The PDF comes from the version's
    HTML, the DOCX from its DOCX."""
    return document_render(
        body=version.body,
        docx=template_docx_read(version.docx_name) if file_format == "docx" else None,
        context=context,
        file_format=file_format,
        title=title,
        language=version.template.language,
        created=created,
    )


def version_unknown_placeholders(*, version: DocumentTemplateVersion) -> list[str]:
    """The placeholders of the version's HTML that no source fills (a typo, most often):
    told to the author, not refused."""
    if not version.body.strip():
        return []
    return html_unknown_placeholders(
        body=version.body, context=_example_context(workspace_id=version.template.workspace_id)
    )


def _example_context(*, workspace_id: int) -> dict:
    context = example_context()
    for field in CustomField.objects.filter(workspace_id=workspace_id):
        context[field.entity]["custom"][field.key] = field.label
    return context


def version_preview(
    *, user, workspace_id: int, template_id: int, version_id: int, file_format: str
) -> bytes:
    """The version filled with every placeholder's example: not stored, not numbered."""
    version = version_get(
        user=user, workspace_id=workspace_id, template_id=template_id, version_id=version_id
    )
    if file_format not in FILE_FORMATS:
        raise ValueError(file_format)
    return version_render(
        version=version,
        context=_example_context(workspace_id=workspace_id),
        file_format=file_format,
        title=_("Preview: %(name)s") % {"name": version.template.name},
        created=timezone.now(),
    )


# --- Documents ---------------------------------------------------------------------------------


def _number_lock(*, workspace_id: int, kind: str) -> None:
    """Serialise the numbering of one workspace's documents of one kind until the transaction
    ends. On PostgreSQL a transaction-level advisory lock on (workspace, kind); on SQLite every
    writing transaction already holds the database's write lock from its start (the settings'
    ``transaction_mode: IMMEDIATE``)."""
    if connection.vendor != "postgresql":
        return
    seed = f"crm.document_number:{workspace_id}:{kind}".encode()
    key = int.from_bytes(hashlib.blake2b(seed, digest_size=8).digest(), "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _next_number(*, workspace_id: int, kind: str, year: int) -> str:
    """The next number of the kind in the year (``OFFER-2026-0001``), under ``_number_lock``."""
    prefix = f"{NUMBER_PREFIXES[TemplateKind(kind)]}-{year}-"
    last = (
        GeneratedDocument.objects.filter(workspace_id=workspace_id, number__startswith=prefix)
        .annotate(length=Length("number"))
        .order_by("-length", "-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


@dataclass(frozen=True)
class _Sources:
    account: Account
    contact: Contact | None
    opportunity: Opportunity | None
    deal: Deal | None


def _mismatch(field: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="sources_mismatch", fields={field: [message]})


def _sources(
    *,
    workspace_id: int,
    account_id: int | None,
    contact_id: int | None,
    opportunity_id: int | None,
    deal_id: int | None,
) -> _Sources:
    """The rows a document is filled from, each the workspace's (else 404), all about one
    account (else 400). The account may be left out when another source names it."""
    opportunity = contact = deal = None
    if opportunity_id:
        opportunity = (
            Opportunity.objects.select_related("stage", "pipeline", "owner")
            .filter(workspace_id=workspace_id, pk=opportunity_id)
            .first()
        )
        if opportunity is None:
            raise NotFoundError(_("No such opportunity."), code="opportunity_not_found")
    if contact_id:
        contact = Contact.objects.filter(workspace_id=workspace_id, pk=contact_id).first()
        if contact is None:
            raise NotFoundError(_("No such contact."), code="contact_not_found")
    if deal_id:
        deal = deal_find(workspace_id=workspace_id, deal_id=deal_id)
    if account_id is None:
        if opportunity is not None:
            account_id = opportunity.account_id
        elif contact is not None:
            account_id = contact.account_id
        elif deal is not None:
            counterparty = deal_counterparty_id(deal=deal, workspace_id=workspace_id)
            account_id = (
                Account.objects.filter(workspace_id=workspace_id, company_id=counterparty)
                .values_list("pk", flat=True)
                .first()
            )
            if account_id is None:
                message = _(
                    "%(company)s is not an account of your CRM yet: add it, then make the document."
                ) % {"company": (deal.supplier if deal.buyer_id == workspace_id else deal.buyer)}
                raise ApplicationError(
                    message, code="deal_account_missing", fields={"deal": [message]}
                )
        else:
            message = _("Choose the account the document is for.")
            raise ApplicationError(message, code="account_required", fields={"account": [message]})
    account = (
        Account.objects.select_related("owner").filter(workspace_id=workspace_id, pk=account_id)
    ).first()
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    if opportunity is not None and opportunity.account_id != account.pk:
        raise _mismatch("opportunity", _("The opportunity is not with this account."))
    if contact is not None and contact.account_id != account.pk:
        raise _mismatch("contact", _("The contact is not a person at this account."))
    if deal is not None and account.company_id != deal_counterparty_id(
        deal=deal, workspace_id=workspace_id
    ):
        raise _mismatch("deal", _("The deal is not with this account's company."))
    return _Sources(account=account, contact=contact, opportunity=opportunity, deal=deal)


def document_generate(
    *,
    user,
    workspace_id: int,
    template_id: int,
    file_format: str = "pdf",
    version: int | None = None,
    account_id: int | None = None,
    contact_id: int | None = None,
    opportunity_id: int | None = None,
    deal_id: int | None = None,
    extra_context: dict | None = None,
) -> GeneratedDocument:
    """Make a document from the template's latest version (or ``version``), filled from the
    account and the other sources given: rendered, stored privately with its SHA-256,
    numbered, and put on the account's timeline, in one transaction (a failure leaves no row,
    no file and no number used). ``extra_context``: more plain values another app fills the
    template with (the pricing app's ``prices`` of a commercial offer); never replaces a
    source's own key."""
    workspace_require(user=user, workspace_id=workspace_id, edit=True)
    if file_format not in FILE_FORMATS:
        message = _("The format must be pdf or docx.")
        raise ApplicationError(message, code="invalid_format", fields={"file_format": [message]})
    template = template_find(workspace_id=workspace_id, template_id=template_id)
    if not template.is_active:
        raise ConflictError(
            _("This template is archived: restore it, or choose another one."),
            code="template_archived",
        )
    versions = template.versions.select_related("template")
    chosen = (
        versions.filter(version=version).first()
        if version
        else versions.order_by("-version").first()
    )
    if chosen is None:
        raise NotFoundError(_("No such template version."), code="version_not_found")
    sources = _sources(
        workspace_id=workspace_id,
        account_id=account_id,
        contact_id=contact_id,
        opportunity_id=opportunity_id,
        deal_id=deal_id,
    )
    workspace = Company.objects.get(pk=workspace_id)
    storage = _storage()
    written = ""
    try:
        with transaction.atomic():
            _number_lock(workspace_id=workspace_id, kind=template.kind)
            now = timezone.now()
            number = _next_number(workspace_id=workspace_id, kind=template.kind, year=now.year)
            context = document_context(
                workspace=workspace,
                account=sources.account,
                contact=sources.contact,
                opportunity=sources.opportunity,
                deal=sources.deal,
                number=number,
                kind=template.kind,
                template_name=template.name,
                author=user,
                language=template.language,
                today=timezone.localdate(now),
            )
            for key, value in (extra_context or {}).items():
                context.setdefault(key, value)
            content = version_render(
                version=chosen, context=context, file_format=file_format, title=number, created=now
            )
            digest = hashlib.sha256(content).hexdigest()
            written = storage.save(
                f"crm/documents/{workspace_id}/{number}-{digest[:16]}.{file_format}",
                ContentFile(content),
            )
            document = GeneratedDocument.objects.create(
                workspace_id=workspace_id,
                template_version=chosen,
                account=sources.account,
                contact=sources.contact,
                opportunity=sources.opportunity,
                number=number,
                file_format=file_format,
                storage_name=written,
                sha256=digest,
                created_by=user,
            )
            timeline_add(
                account=sources.account,
                kind=TimelineKind.DOCUMENT,
                type="document.generated",
                title=f"{TemplateKind(template.kind).label} {number}",
                body=f"{template.name} (v{chosen.version})",
                url=reverse(
                    "api:crm-document-file",
                    kwargs={"workspace_id": workspace_id, "document_id": document.pk},
                ),
                payload={
                    "number": number,
                    "kind": template.kind,
                    "file_format": file_format,
                    "sha256": digest,
                    "template": template.pk,
                    "version": chosen.version,
                    "opportunity": sources.opportunity.pk if sources.opportunity else None,
                    "deal": getattr(sources.deal, "pk", None),
                },
                at=now,
                actor=user,
                contact=sources.contact,
                document=document,
            )
    except Exception:
        if written:
            storage.delete(written)
        raise
    return document


@dataclass(frozen=True)
class StoredFile:
    content: bytes
    content_type: str
    filename: str
    sha256: str


def document_file(*, user, workspace_id: int, document_id: int) -> StoredFile:
    """A generated document's stored bytes, checked against the SHA-256 recorded when it was
    made (409 ``file_corrupted`` if they differ)."""
    document = document_get(user=user, workspace_id=workspace_id, document_id=document_id)
    content = private_file_read(document.storage_name, document.sha256)
    return StoredFile(
        content=content,
        content_type=CONTENT_TYPES[document.file_format],
        filename=f"{document.number}.{document.file_format}",
        sha256=document.sha256,
    )


def version_docx_file(*, user, workspace_id: int, template_id: int, version_id: int) -> StoredFile:
    """A template version's DOCX, to edit it and upload it as the next version."""
    version = version_get(
        user=user, workspace_id=workspace_id, template_id=template_id, version_id=version_id
    )
    if not version.docx_name:
        raise NotFoundError(_("This template version has no DOCX."), code="file_missing")
    content = private_file_read(version.docx_name, None)
    return StoredFile(
        content=content,
        content_type=CONTENT_TYPES["docx"],
        filename=f"template-{version.template_id}-v{version.version}.docx",
        sha256=hashlib.sha256(content).hexdigest(),
    )
