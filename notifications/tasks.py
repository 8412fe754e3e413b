"""Celery tasks of the notifications: the daily digests and the reminders of auctions about to
start (beat); the instant e-mail's task is in ``mail``."""

from __future__ import annotations

from celery import shared_task

from . import mail, reminders
from .mail import email_instant  # noqa: F401 - the instant e-mail's task, registered here too


@shared_task(name="notifications.digests", ignore_result=True)
def digests() -> int:
    return mail.digests_send()


@shared_task(name="notifications.auction_reminders", ignore_result=True)
def auction_reminders() -> int:
    return reminders.auction_reminders_send()
