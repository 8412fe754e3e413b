"""Celery tasks for verification: the hourly expiry check and the e-mails.

Each task loads its rows and calls a service; every one is safe to run twice."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from marketplace.companies.models import Membership, MembershipRole

from . import selectors, services
from .models import VerificationDecision, VerificationDocument

logger = logging.getLogger(__name__)


def _company_admins(company_id: int):
    memberships = (
        Membership.objects.filter(
            company_id=company_id, role=MembershipRole.COMPANY_ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    return [membership.user for membership in memberships]


def _send_to_company_admins(company_id: int, template: str, context: dict) -> int:
    sent = 0
    for user in _company_admins(company_id):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"verification/email/{template}_subject.txt", context)
            body = render_to_string(f"verification/email/{template}_body.txt", context)
        sent += send_mail(
            " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email]
        )
    return sent


@shared_task(acks_late=True)
def send_decision_notification(decision_id: int) -> int:
    """E-mail the company admins about a decision on their company's verification."""
    decision = (
        VerificationDecision.objects.select_related("company", "document")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        return 0
    return _send_to_company_admins(
        decision.company_id, "decision", {"decision": decision, "company": decision.company}
    )


@shared_task(acks_late=True)
def send_expiry_warning(document_id: int) -> int:
    """E-mail the company admins that a verification document expires soon."""
    document = VerificationDocument.objects.select_related("company").filter(pk=document_id).first()
    if document is None:
        return 0
    return _send_to_company_admins(
        document.company_id, "expiry_warning", {"document": document, "company": document.company}
    )


@shared_task
def check_document_expiry() -> dict[str, int]:
    """Warn about documents expiring within VERIFICATION_EXPIRY_WARNING_DAYS (once each) and
    move verified companies whose current document has expired to reverification_needed."""
    on = selectors.today()
    warned = 0
    due = selectors.documents_expiring_unwarned(
        on=on, warning_days=settings.VERIFICATION_EXPIRY_WARNING_DAYS
    )
    for document_id in list(due.values_list("pk", flat=True).distinct()):
        warned += services.document_expiry_warning_send(document_id=document_id, on=on)
    moved = 0
    expired = selectors.documents_expired(on=on)
    for company_id in sorted(set(expired.values_list("company_id", flat=True))):
        moved += services.company_reverification_require(company_id=company_id, on=on) is not None
    if warned or moved:
        logger.info("verification expiry: %d warnings, %d companies to re-verify", warned, moved)
    return {"warned": warned, "reverification_needed": moved}
