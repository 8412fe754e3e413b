"""Reads about company verification. Every scope check for the verification API starts here."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.companies.models import Company, MembershipRole, VerificationStatus
from marketplace.companies.selectors import user_has_company_role, user_is_company_member
from marketplace.core.exceptions import NotFoundError, PermissionDeniedError

from .models import (
    SubmissionStatus,
    VerificationDecision,
    VerificationDocument,
    VerificationSubmission,
)

logger = logging.getLogger(__name__)


def today() -> date:
    return timezone.now().date()


def user_is_reviewer(*, user) -> bool:
    """Platform admins (operator staff) work the verification queue."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


# --- Scoping ---------------------------------------------------------------------------------


def company_get_for_viewer(*, user, company_id: int) -> Company:
    """The company, if ``user`` is one of its members or a platform admin; 404 otherwise."""
    company = Company.objects.filter(pk=company_id).first()
    if company is None or not (
        user_is_reviewer(user=user) or user_is_company_member(user=user, company=company)
    ):
        raise NotFoundError(_("Company not found."))
    return company


def company_get_for_admin(*, user, company_id: int) -> Company:
    """The company, if ``user`` is one of its company admins.

    Anyone who may not even see the company gets 404; a member or platform admin without the
    company admin role gets 403."""
    company = company_get_for_viewer(user=user, company_id=company_id)
    if not user_has_company_role(user=user, company=company, roles=[MembershipRole.COMPANY_ADMIN]):
        raise PermissionDeniedError(
            _("Only the company's admins may manage its verification."),
            code="not_company_admin",
        )
    return company


def document_get_for_download(*, user, document_id: int) -> VerificationDocument:
    """A document its company's members and platform admins may download; 404 for everyone else."""
    document = VerificationDocument.objects.select_related("company").filter(pk=document_id).first()
    if document is None or not (
        user_is_reviewer(user=user)
        or user_is_company_member(user=user, company=document.company_id)
    ):
        raise NotFoundError(_("Document not found."))
    return document


# --- Company side ----------------------------------------------------------------------------


def document_list(*, company: Company) -> QuerySet[VerificationDocument]:
    """The company's documents, oldest first; ``is_submitted``: part of any submission."""
    submitted = VerificationSubmission.documents.through.objects.filter(
        verificationdocument_id=OuterRef("pk")
    )
    return (
        VerificationDocument.objects.filter(company=company)
        .annotate(is_submitted=Exists(submitted))
        .order_by("uploaded_at", "pk")
    )


def document_list_valid(
    *, company: Company, on: date | None = None
) -> QuerySet[VerificationDocument]:
    """The company's documents that have not expired (``on`` defaults to today)."""
    on = on or today()
    return document_list(company=company).exclude(expiry_date__lt=on)


def submission_list(*, company: Company) -> QuerySet[VerificationSubmission]:
    """A company's submissions, newest first, with their documents and decisions."""
    return (
        VerificationSubmission.objects.filter(company=company)
        .prefetch_related(
            "documents",
            Prefetch(
                "decisions", queryset=VerificationDecision.objects.order_by("created_at", "pk")
            ),
        )
        .order_by("-submitted_at", "-pk")
    )


def decision_latest(*, company: Company) -> VerificationDecision | None:
    return (
        VerificationDecision.objects.filter(company=company).order_by("-created_at", "-pk").first()
    )


def submission_latest_approved(*, company: Company) -> VerificationSubmission | None:
    return (
        VerificationSubmission.objects.filter(company=company, status=SubmissionStatus.APPROVED)
        .order_by("-decided_at", "-pk")
        .first()
    )


def _latest_approved_submission_id(company_ref) -> Subquery:
    return Subquery(
        VerificationSubmission.objects.filter(company=company_ref, status=SubmissionStatus.APPROVED)
        .order_by("-decided_at", "-pk")
        .values("pk")[:1]
    )


def documents_of_verified_companies() -> QuerySet[VerificationDocument]:
    """Documents that a verified company's verification currently rests on: those of its
    latest approved submission."""
    return VerificationDocument.objects.filter(
        company__verification_status=VerificationStatus.VERIFIED,
        submissions__pk=_latest_approved_submission_id(OuterRef("company")),
    )


def documents_expiring_unwarned(*, on: date, warning_days: int) -> QuerySet[VerificationDocument]:
    """Current documents of verified companies that expire within ``warning_days`` of ``on``
    (and have not expired yet) and whose admins were not warned yet."""
    return documents_of_verified_companies().filter(
        expiry_date__gte=on,
        expiry_date__lte=on + timedelta(days=warning_days),
        expiry_warning_sent_at__isnull=True,
    )


def documents_expired(*, on: date) -> QuerySet[VerificationDocument]:
    """Current documents of verified companies that have expired (the expiry date is past)."""
    return documents_of_verified_companies().filter(expiry_date__lt=on)


def documents_expiring_count(*, on: date, days: int) -> int:
    """How many current documents of verified companies expire within ``days`` of ``on`` (and
    have not expired yet), their admins warned or not: the platform admin's home page."""
    return (
        documents_of_verified_companies()
        .filter(expiry_date__gte=on, expiry_date__lte=on + timedelta(days=days))
        .count()
    )


def company_expired_document(*, company: Company, on: date | None = None):
    """The first expired document the company's current verification rests on, or None."""
    on = on or today()
    return documents_expired(on=on).filter(company=company).order_by("expiry_date", "pk").first()


# --- Review queue ----------------------------------------------------------------------------


def review_submission_list() -> QuerySet[VerificationSubmission]:
    """Every submission for platform admins, oldest first (filters are applied by the caller)."""
    return VerificationSubmission.objects.select_related("company", "submitted_by").order_by(
        "submitted_at", "pk"
    )


def review_queue_count() -> int:
    """The submissions waiting for a reviewer (pending): what the review queue lists first."""
    return VerificationSubmission.objects.filter(status=SubmissionStatus.PENDING).count()


def review_submission_get(*, submission_id: int) -> VerificationSubmission:
    submission = (
        VerificationSubmission.objects.select_related("company", "submitted_by")
        .prefetch_related(
            "documents",
            Prefetch(
                "decisions",
                queryset=VerificationDecision.objects.select_related("decided_by").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        raise NotFoundError(_("Submission not found."))
    return submission


# --- The trading gate ------------------------------------------------------------------------


# (company id, verified_at, day) -> has an expired document. The documents a verification
# rests on change only when a new submission is approved, which sets a new verified_at, and an
# expiry is a date: so the answer for one key never changes, and a small memo is exact. It is
# kept in the process and in the shared cache (Redis in production): a restarted Daphne, whose
# reconnecting suppliers each ask for their own company, finds the answers there instead of
# running the documents query once per company.
_EXPIRED_MEMO: dict[tuple, bool] = {}
_EXPIRED_MEMO_SIZE = 10_000
_EXPIRED_SHARED_SECONDS = 2 * 24 * 3600  # the key's day, and the next


def _has_expired_document(company_id: int, verified_at: datetime | None, on: date) -> bool:
    key = (company_id, verified_at, on)
    found = _EXPIRED_MEMO.get(key)
    if found is None:
        verified = verified_at.isoformat() if verified_at else "-"
        shared = f"verification:expired:{company_id}:{verified}:{on.isoformat()}"
        found = _shared_get(shared)
        if found is None:
            company = Company(pk=company_id, verified_at=verified_at)
            found = company_expired_document(company=company, on=on) is not None
            _shared_set(shared, found)
        if len(_EXPIRED_MEMO) >= _EXPIRED_MEMO_SIZE:
            _EXPIRED_MEMO.clear()
        _EXPIRED_MEMO[key] = found
    return found


def _shared_get(key: str) -> bool | None:
    try:
        return cache.get(key)
    except Exception:  # the cache is only a shortcut: the database answers without it
        logger.warning("verification memo: the shared cache is unavailable", exc_info=True)
        return None


def _shared_set(key: str, value: bool) -> None:
    try:
        cache.set(key, value, timeout=_EXPIRED_SHARED_SECONDS)
    except Exception:
        logger.warning("verification memo: the shared cache is unavailable", exc_info=True)


def company_trade_block_reason(
    company: Company, *, fresh: bool = False, expired_document: bool | None = None
) -> tuple[str, str] | None:
    """Why ``company`` may not trade, as ``(verification_status, message)``; None if it may.

    Reads the status from the database (the instance passed in may be stale; ``fresh`` says
    the caller just read it, e.g. under a lock) and treats a verified company whose current
    document has expired as not verified, even before the hourly expiry task has moved it to
    ``reverification_needed``. ``expired_document``: that fact as the caller read it with
    the status (whether ``company_expired_document`` finds one today), else it is looked up."""
    status: str | None
    verified_at: datetime | None
    if fresh:
        status, verified_at = company.verification_status, company.verified_at
    else:
        status, verified_at = (
            Company.objects.filter(pk=company.pk)
            .values_list("verification_status", "verified_at")
            .first()
        ) or (None, None)
    status = status or VerificationStatus.UNVERIFIED
    if status == VerificationStatus.VERIFIED:
        if expired_document is None:  # (memoised: no instance made for the lookup's key)
            expired_document = _has_expired_document(company.pk, verified_at, today())
        if not expired_document:
            return None
        return (
            VerificationStatus.REVERIFICATION_NEEDED,
            _(
                "A document your company's verification rests on has expired. Upload a "
                "current document and submit your verification again to keep trading."
            ),
        )
    messages: dict[str, str] = {
        VerificationStatus.PENDING: _(
            "Your company's verification is being reviewed by a platform admin. You can trade "
            "once it is approved."
        ),
        VerificationStatus.INFO_REQUESTED: _(
            "A platform admin asked for more information about your company. Add the "
            "requested documents and submit your verification again."
        ),
        VerificationStatus.REJECTED: _(
            "Your company's verification was rejected. Read the reason, correct your details "
            "and documents, and submit your verification again."
        ),
        VerificationStatus.REVERIFICATION_NEEDED: _(
            "Your company needs to be verified again because a document has expired. Upload "
            "a current document and submit your verification again."
        ),
    }
    default = _(
        "Your company is not verified yet. A company admin must submit the company's "
        "registration documents for verification before it can trade."
    )
    return (status, messages.get(status, default))


def company_can_trade(company: Company, *, fresh: bool = False) -> bool:
    """May ``company`` take part in tenders and auctions? Only a verified company may."""
    return company_trade_block_reason(company, fresh=fresh) is None
