"""The CRM's reminder task: Celery beat runs it every minute (``CELERY_BEAT_SCHEDULE``,
``crm-activity-reminders``; under ``make run`` the scheduler's ``EmbeddedBeat`` does)."""

from __future__ import annotations

from celery import shared_task

from .activities import activity_reminders_send

__all__ = ["activity_reminders"]


@shared_task(name="crm.activity_reminders", ignore_result=True)
def activity_reminders() -> int:
    """Emit ``crm.activity_reminder`` for each activity whose reminder time has come."""
    return activity_reminders_send()
