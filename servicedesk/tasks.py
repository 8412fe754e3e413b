"""The service desk's Celery tasks: e-mails sent after the commit that wrote them, and the
periodic breach sweep (``servicedesk.flag_breaches``, every minute in ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task

from . import breaches, mail
from .models import Case, CaseMessage


@shared_task(name="servicedesk.send_reply", autoretry_for=(OSError,), retry_backoff=True)
def send_reply(message_id: int) -> None:
    message = CaseMessage.objects.select_related("case__contact").filter(pk=message_id).first()
    if message is not None:
        mail.reply_send(message=message)


@shared_task(name="servicedesk.send_closing", autoretry_for=(OSError,), retry_backoff=True)
def send_closing(case_id: int) -> None:
    case = Case.objects.select_related("contact").filter(pk=case_id).first()
    if case is not None:
        mail.closing_send(case=case)


@shared_task(name="servicedesk.flag_breaches")
def flag_breaches() -> int:
    return breaches.breaches_flag()
