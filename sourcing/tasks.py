"""Sourcing's Celery tasks: thin interfaces that call the services."""

from __future__ import annotations

from celery import shared_task

from .emails import prospect_email_send


@shared_task(name="sourcing.tasks.send_prospect_email", bind=True, max_retries=5)
def send_prospect_email(self, invitation_id: int) -> None:
    try:
        prospect_email_send(invitation_id=invitation_id)
    except OSError as exc:  # SMTP trouble: try again later
        raise self.retry(exc=exc, countdown=60) from exc
