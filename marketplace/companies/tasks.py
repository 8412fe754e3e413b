"""Celery tasks for companies: thin interfaces that load rows and call the services."""

from __future__ import annotations

import logging

from celery import shared_task

from .models import Invitation
from .services import invitation_send_email, invitations_expire

logger = logging.getLogger(__name__)


@shared_task(name="marketplace.companies.tasks.send_invitation_email", bind=True, max_retries=5)
def send_invitation_email(self, invitation_id: int, accept_url_base: str = "") -> None:
    invitation = (
        Invitation.objects.select_related("company", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_open:
        return
    try:
        invitation_send_email(invitation=invitation, accept_url_base=accept_url_base)
    except OSError as exc:  # SMTP trouble: try again later
        raise self.retry(exc=exc, countdown=60) from exc


@shared_task(name="marketplace.companies.tasks.expire_invitations")
def expire_invitations() -> int:
    count = invitations_expire()
    if count:
        logger.info("Closed %d expired invitations", count)
    return count
