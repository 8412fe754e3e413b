"""Celery tasks for verification: the hourly expiry check (safe to run twice). The e-mails to
the company's admins are the notifications app's, made from the domain events."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from . import selectors, services

logger = logging.getLogger(__name__)


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
