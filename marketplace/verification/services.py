"""Writes for company verification (KYB).

Lock order, everywhere: the company row first, then the submission, then the document
(``select_for_update``). A company's status changes only here, always together with the
submission's status and, for a decision, an immutable ``VerificationDecision`` in the same
transaction. Each change is also told to the other domains as a
domain event in the same transaction (``company.verification_submitted``, ``company.verified``,
``company.verification_changed``, ``company.access_changed``): the auction app closes the sockets
of a company that may no longer trade by listening, not by being called from here, and the notifications app e-mails the company's admins.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import date

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.companies.models import Company, MembershipRole, VerificationStatus
from marketplace.companies.selectors import user_has_company_role
from marketplace.core.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from marketplace.events.services import event_emit

from . import selectors
from .models import (
    DecisionKind,
    DocumentType,
    SignatoryBasis,
    SubmissionStatus,
    VerificationDecision,
    VerificationDocument,
    VerificationSubmission,
)

# --- Uploads ---------------------------------------------------------------------------------

# kind -> (content type, magic prefixes, accepted extensions, canonical extension)
FILE_KINDS: dict[str, tuple[str, tuple[bytes, ...], tuple[str, ...], str]] = {
    "pdf": ("application/pdf", (b"%PDF-",), (".pdf",), ".pdf"),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",), (".png",), ".png"),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",), (".jpg", ".jpeg"), ".jpg"),
}
KIND_LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG"}
REASON_MAX_LENGTH = 2000

# Company statuses from which a company may (re)submit its verification.
SUBMITTABLE_STATUSES = {
    VerificationStatus.UNVERIFIED,
    VerificationStatus.INFO_REQUESTED,
    VerificationStatus.REJECTED,
    VerificationStatus.REVERIFICATION_NEEDED,
}


def private_storage():
    """The storage for verification documents: never served under MEDIA_URL."""
    return storages["private"]


def sniff_file_kind(head: bytes) -> str | None:
    """``pdf``, ``png`` or ``jpeg`` judged by the file's first bytes; None for anything else."""
    for kind, (_ct, magics, _exts, _canonical) in FILE_KINDS.items():
        if any(head.startswith(magic) for magic in magics):
            return kind
    return None


def _kind_for_extension(extension: str) -> str | None:
    for kind, (_ct, _magics, exts, _canonical) in FILE_KINDS.items():
        if extension in exts:
            return kind
    return None


def _file_error(code: str, message: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [message]})


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".rstrip("0").rstrip(".")


def _validate_upload(file: UploadedFile) -> tuple[str, str, int]:
    """Check size, extension and content; returns (kind, sanitised original name, size)."""
    original_name = os.path.basename((file.name or "").replace("\\", "/")).strip()[:255]
    limit = settings.VERIFICATION_DOCUMENT_MAX_BYTES
    size = file.size
    if not size:
        raise _file_error("file_empty", _("The file is empty."))
    if size > limit:
        raise _file_error(
            "file_too_large",
            _("The file is %(size)s MB; files may be at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    extension = os.path.splitext(original_name)[1].lower()
    claimed = _kind_for_extension(extension)
    if claimed is None:
        raise _file_error(
            "file_type_not_allowed",
            _("Only PDF, PNG and JPEG files are accepted (.pdf, .png, .jpg, .jpeg)."),
        )
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    actual = sniff_file_kind(head)
    if actual is None:
        raise _file_error(
            "file_type_not_allowed",
            _("The file's content is not a PDF, PNG or JPEG document."),
        )
    if actual != claimed:
        raise _file_error(
            "file_content_mismatch",
            _("The file is named as a %(claimed)s file but its content is %(actual)s.")
            % {"claimed": KIND_LABELS[claimed], "actual": KIND_LABELS[actual]},
        )
    return actual, original_name, size


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _ensure_company_admin(*, user, company: Company) -> None:
    if not user_has_company_role(user=user, company=company, roles=[MembershipRole.COMPANY_ADMIN]):
        raise PermissionDeniedError(
            _("Only the company's admins may manage its verification."),
            code="not_company_admin",
        )


def document_upload(
    *,
    company: Company,
    uploaded_by,
    file: UploadedFile,
    document_type: str,
    expiry_date: date | None = None,
) -> VerificationDocument:
    """Store a verification document in the private storage and record it for ``company``.

    Accepted: PDF, PNG and JPEG, judged by the extension AND by the content's magic bytes, up to
    ``settings.VERIFICATION_DOCUMENT_MAX_BYTES``. The document joins the company's next
    submission."""
    _ensure_company_admin(user=uploaded_by, company=company)
    if document_type not in DocumentType.values:
        raise ApplicationError(
            _("Unknown document type."),
            code="invalid_document_type",
            fields={"document_type": [_("Unknown document type.")]},
        )
    if expiry_date is not None and expiry_date < selectors.today():
        message = _("This document has already expired; upload a current one.")
        raise ApplicationError(message, code="document_expired", fields={"expiry_date": [message]})
    kind, original_name, size = _validate_upload(file)
    sha256 = _sha256(file)
    content_type, _magics, _exts, extension = FILE_KINDS[kind]

    storage = private_storage()
    stored_name = storage.save(f"verification/{company.pk}/{uuid.uuid4().hex}{extension}", file)
    try:
        with transaction.atomic():
            document = VerificationDocument.objects.create(
                company=company,
                document_type=document_type,
                expiry_date=expiry_date,
                storage_name=stored_name,
                original_name=original_name,
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by=uploaded_by,
            )
    except BaseException:
        storage.delete(stored_name)
        raise
    return document


def document_delete(*, document: VerificationDocument, deleted_by) -> None:
    """Remove a document that was never part of a submission (submitted ones are evidence)."""
    _ensure_company_admin(user=deleted_by, company=document.company)
    with transaction.atomic():
        locked = VerificationDocument.objects.select_for_update().get(pk=document.pk)
        if locked.submissions.exists():
            raise ConflictError(
                _("This document was part of a submission and is kept as evidence."),
                code="document_submitted",
            )
        name = locked.storage_name
        locked.delete()
        transaction.on_commit(lambda: private_storage().delete(name))


# --- Submissions -----------------------------------------------------------------------------


def submission_create(
    *,
    company: Company,
    submitted_by,
    signatory_name: str,
    signatory_position: str,
    signatory_basis: str,
) -> VerificationSubmission:
    """Submit ``company`` for verification with all its documents that have not expired.

    The company's identifiers are copied into the submission as they are now; the company
    moves to ``pending``."""
    _ensure_company_admin(user=submitted_by, company=company)
    if signatory_basis not in SignatoryBasis.values:
        raise ApplicationError(
            _("Unknown basis of the signatory's authority."),
            code="invalid_signatory_basis",
            fields={"signatory_basis": [_("Unknown basis of the signatory's authority.")]},
        )
    for field, value in (
        ("signatory_name", signatory_name),
        ("signatory_position", signatory_position),
    ):
        if not (value or "").strip():
            message = _("This field is required.")
            raise ApplicationError(
                _("Name the person who signs for the company and their position."),
                code="signatory_required",
                fields={field: [message]},
            )

    with transaction.atomic():
        locked = Company.objects.select_for_update().get(pk=company.pk)
        if locked.verification_status == VerificationStatus.PENDING:
            raise ConflictError(
                _("Your company's verification is already under review."),
                code="submission_pending",
            )
        if locked.verification_status not in SUBMITTABLE_STATUSES:
            raise ConflictError(_("Your company is already verified."), code="already_verified")
        if not (locked.registration_number or locked.tax_id):
            raise ApplicationError(
                _(
                    "Add your company's registration number or tax identifier to its profile "
                    "before submitting it for verification."
                ),
                code="identifiers_missing",
            )
        documents = list(selectors.document_list_valid(company=locked))
        types = {document.document_type for document in documents}
        if DocumentType.REGISTRATION_CERTIFICATE not in types:
            raise ApplicationError(
                _(
                    "Upload your company's registration certificate (one that has not expired) "
                    "before submitting."
                ),
                code="registration_certificate_required",
            )
        if (
            signatory_basis == SignatoryBasis.POWER_OF_ATTORNEY
            and DocumentType.POWER_OF_ATTORNEY not in types
        ):
            raise ApplicationError(
                _(
                    "The signatory acts under a power of attorney: upload the power of attorney "
                    "before submitting."
                ),
                code="power_of_attorney_required",
            )
        submission = VerificationSubmission.objects.create(
            company=locked,
            country=locked.country,
            registration_number=locked.registration_number,
            tax_id=locked.tax_id,
            signatory_name=signatory_name.strip(),
            signatory_position=signatory_position.strip(),
            signatory_basis=signatory_basis,
            submitted_by=submitted_by,
        )
        submission.documents.set(documents)
        locked.verification_status = VerificationStatus.PENDING
        locked.save(update_fields=["verification_status"])
        event_emit(
            "company.verification_submitted",
            company=locked,
            actor=submitted_by,
            payload={"company": locked.pk, "submission": submission.pk},
        )
    company.verification_status = locked.verification_status
    return submission


# --- Decisions -------------------------------------------------------------------------------

_DECISION_OUTCOMES: dict[str, tuple[SubmissionStatus, VerificationStatus]] = {
    DecisionKind.APPROVED: (SubmissionStatus.APPROVED, VerificationStatus.VERIFIED),
    DecisionKind.REJECTED: (SubmissionStatus.REJECTED, VerificationStatus.REJECTED),
    DecisionKind.INFO_REQUESTED: (
        SubmissionStatus.INFO_REQUESTED,
        VerificationStatus.INFO_REQUESTED,
    ),
}


def _clean_reason(reason: str | None, *, required: bool) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        message = _("Give the company a reason: it is shown to them.")
        raise ApplicationError(message, code="reason_required", fields={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("The reason may be at most %(limit)d characters long.") % {
            "limit": REASON_MAX_LENGTH
        }
        raise ApplicationError(message, code="reason_too_long", fields={"reason": [message]})
    return reason


def _decision_events(decision: VerificationDecision, *, actor=None) -> None:
    """The decision told to the other domains, in its transaction."""
    company_id = decision.company_id
    if decision.status_after == VerificationStatus.VERIFIED:
        event_emit(
            "company.verified",
            company=company_id,
            actor=actor,
            payload={"company": company_id, "decision": decision.pk},
        )
    else:
        event_emit(
            "company.verification_changed",
            company=company_id,
            actor=actor,
            payload={
                "company": company_id,
                "decision": decision.pk,
                "status_before": decision.status_before,
                "status_after": decision.status_after,
                "reason": decision.reason,
            },
        )
    if decision.status_before != decision.status_after:
        event_emit(
            "company.access_changed",
            company=company_id,
            payload={"company": company_id, "reason": f"verification {decision.status_after}"},
        )


def _submission_decide(
    *, submission: VerificationSubmission, reviewer, kind: str, reason: str | None
) -> VerificationDecision:
    if not selectors.user_is_reviewer(user=reviewer):
        raise PermissionDeniedError(
            _("Only platform admins may decide on verifications."), code="not_reviewer"
        )
    reason = _clean_reason(reason, required=kind != DecisionKind.APPROVED)
    submission_status, company_status = _DECISION_OUTCOMES[kind]
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=submission.company_id)
        locked = VerificationSubmission.objects.select_for_update().get(pk=submission.pk)
        if locked.status != SubmissionStatus.PENDING:
            raise ConflictError(
                _("This submission has already been decided (%(status)s).")
                % {"status": locked.get_status_display()},
                code="submission_already_decided",
            )
        if kind == DecisionKind.APPROVED:
            expired = locked.documents.filter(expiry_date__lt=selectors.today()).first()
            if expired is not None:
                raise ApplicationError(
                    _(
                        "The document “%(name)s” has expired since it was submitted; request "
                        "more information instead of approving."
                    )
                    % {"name": expired.original_name},
                    code="document_expired",
                )
        now = timezone.now()
        locked.status = submission_status
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        status_before = company.verification_status
        company.verification_status = company_status
        update_fields = ["verification_status"]
        if kind == DecisionKind.APPROVED:
            company.verified_at = now
            update_fields.append("verified_at")
        company.save(update_fields=update_fields)
        decision = VerificationDecision.objects.create(
            company=company,
            submission=locked,
            kind=kind,
            reason=reason,
            status_before=status_before,
            status_after=company_status,
            decided_by=reviewer,
        )
        _decision_events(decision, actor=reviewer)
    submission.status = locked.status
    submission.decided_at = locked.decided_at
    return decision


def submission_approve(
    *, submission: VerificationSubmission, reviewer, reason: str = ""
) -> VerificationDecision:
    """Approve a pending submission: the company becomes verified."""
    return _submission_decide(
        submission=submission, reviewer=reviewer, kind=DecisionKind.APPROVED, reason=reason
    )


def submission_reject(
    *, submission: VerificationSubmission, reviewer, reason: str
) -> VerificationDecision:
    """Reject a pending submission with a reason the company sees."""
    return _submission_decide(
        submission=submission, reviewer=reviewer, kind=DecisionKind.REJECTED, reason=reason
    )


def submission_request_info(
    *, submission: VerificationSubmission, reviewer, reason: str
) -> VerificationDecision:
    """Ask the company for more information; it adds documents and submits again."""
    return _submission_decide(
        submission=submission, reviewer=reviewer, kind=DecisionKind.INFO_REQUESTED, reason=reason
    )


# --- Expiry ----------------------------------------------------------------------------------


def document_expiry_warning_send(*, document_id: int, on: date | None = None) -> bool:
    """Warn the company's admins once that ``document`` expires soon. True if a warning went out."""
    on = on or selectors.today()
    with transaction.atomic():
        document = VerificationDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.expiry_warning_sent_at is not None:
            return False
        still_due = (
            selectors.documents_expiring_unwarned(
                on=on, warning_days=settings.VERIFICATION_EXPIRY_WARNING_DAYS
            )
            .filter(pk=document_id)
            .exists()
        )
        if not still_due or document.expiry_date is None:  # due: it has an expiry date
            return False
        document.expiry_warning_sent_at = timezone.now()
        document.save(update_fields=["expiry_warning_sent_at"])
        event_emit(
            "company.document_expiring",
            company=document.company_id,
            payload={
                "company": document.company_id,
                "document": document.pk,
                "expiry_date": document.expiry_date.isoformat(),
            },
        )
    return True


def company_reverification_require(
    *, company_id: int, on: date | None = None
) -> VerificationDecision | None:
    """Move a verified company whose current document has expired to ``reverification_needed``,
    recorded as a system decision. Does nothing (returns None) when that no longer applies."""
    on = on or selectors.today()
    with transaction.atomic():
        company = Company.objects.select_for_update().filter(pk=company_id).first()
        if company is None or company.verification_status != VerificationStatus.VERIFIED:
            return None
        document = selectors.company_expired_document(company=company, on=on)
        if document is None:
            return None
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("The document “%(name)s” (%(type)s) expired on %(date)s.") % {
                "name": document.original_name,
                "type": document.get_document_type_display(),
                "date": document.expiry_date.isoformat(),
            }
        decision = VerificationDecision.objects.create(
            company=company,
            submission=selectors.submission_latest_approved(company=company),
            kind=DecisionKind.REVERIFICATION_NEEDED,
            reason=reason,
            status_before=company.verification_status,
            status_after=VerificationStatus.REVERIFICATION_NEEDED,
            document=document,
            decided_by=None,
        )
        company.verification_status = VerificationStatus.REVERIFICATION_NEEDED
        company.save(update_fields=["verification_status"])
        _decision_events(decision)
    return decision


# --- The trading gate ------------------------------------------------------------------------


def ensure_company_may_trade(company: Company) -> None:
    """Raise ``company_not_verified`` (403) unless ``company`` may trade now.

    Tender, bid and auction services call this before letting a company act."""
    blocked = selectors.company_trade_block_reason(company)
    if blocked is not None:
        _status, message = blocked
        raise ApplicationError(message, code="company_not_verified", status_code=403)
