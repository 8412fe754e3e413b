"""The orders' Celery tasks: their documents, rendered after the commit of the move that needs
them (eager under ``make run``)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from .documents import document_generate
from .models import OrderDocument
from .payments.tasks import *  # noqa: F403 - registered for the workers

logger = logging.getLogger(__name__)


@shared_task(name="deals.order_documents_generate", bind=True, acks_late=True, max_retries=5)
def order_documents_generate(
    self, order_id: int, kinds: list[str], user_id: int | None, only_missing: bool = True
) -> list[int]:
    """Render the order's ``kinds``. The automatic ones (``only_missing``) skip a kind the order
    already has, so a task delivered twice makes each document once; a person's request for a
    new version passes ``only_missing=False``. Returns the new documents' ids."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    made = []
    for kind in kinds:
        if only_missing and OrderDocument.objects.filter(order_id=order_id, kind=kind).exists():
            continue
        try:
            made.append(document_generate(order_id=order_id, kind=kind, user=user).pk)
        except OSError as exc:  # the storage is unavailable: try again later
            logger.warning("document %s of order %s not stored yet: %s", kind, order_id, exc)
            raise self.retry(exc=exc, countdown=30 * (2**self.request.retries)) from exc
    return made


@shared_task(name="deals.securities_forfeit_overdue")
def securities_forfeit_overdue_task() -> int:
    """Celery beat: forfeit the bid security of winners past their signing deadline."""
    from .payments.security import securities_forfeit_overdue

    return securities_forfeit_overdue()
