"""Notification e-mail: one at once (a Celery task, enqueued after the commit that made the
notification), or the daily digest of the rest; each notification is e-mailed at most once
(its row is locked and stamped)."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.platforms.branding import sender_for, site_url_for

from .models import Mode, Notification


def language_of(user) -> str:
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def absolute_url(path: str, *, site: str | None = None) -> str:
    base = (site or settings.SITE_URL).rstrip("/")
    return f"{base}{path}" if path.startswith("/") else path


def _mail(user, subject: str, body: str, *, platform_id: int | None = None) -> int:
    """From the platform's brand sender when the mail is about one platform's matters
    (``marketplace.platforms.branding.sender_for``), else the site's own."""
    return send_mail(subject, body, sender_for(platform_id), [user.email])


def email_instant_send(*, notification_id: int) -> bool:
    """E-mail one notification, once (the row is locked and stamped). True if it was sent."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "event")
            .filter(pk=notification_id, email_mode=Mode.INSTANT, emailed_at__isnull=True)
            .first()
        )
        if n is None or not n.user.is_active or not n.user.email:
            return False
        platform_id = n.event.platform_id if n.event else None
        site = site_url_for(platform_id) if platform_id else None
        with translation.override(language_of(n.user)):
            body = n.body
            if n.url:
                body = f"{body}\n\n{absolute_url(n.url, site=site)}"
            footer = _("Change what you are told and how: %(url)s") % {
                "url": absolute_url("/notifications/settings/", site=site)
            }
            _mail(n.user, n.title, f"{body}\n\n--\n{footer}", platform_id=platform_id)
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
    return True


def digests_send(*, now: datetime | None = None) -> int:
    """One e-mail per person with the notifications they take as a daily digest (and any
    instant one whose e-mail never left). Returns how many e-mails were sent."""
    now = now or timezone.now()
    stale = now - timedelta(minutes=30)
    waiting = Notification.objects.filter(emailed_at__isnull=True).filter(
        email_mode=Mode.DIGEST
    ) | Notification.objects.filter(
        emailed_at__isnull=True, email_mode=Mode.INSTANT, created_at__lt=stale
    )
    sent = 0
    for user_id in sorted(set(waiting.values_list("user_id", flat=True))):
        with transaction.atomic():
            rows = list(
                waiting.filter(user_id=user_id)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("user", "event")
                .order_by("created_at", "id")
            )
            if not rows:
                continue
            user = rows[0].user
            if user.is_active and user.email:
                with translation.override(language_of(user)):
                    subject = _("Tradefloor: %(count)d things since yesterday") % {
                        "count": len(rows)
                    }
                    lines = [
                        f"- {n.title}" + (f"\n  {absolute_url(n.url)}" if n.url else "")
                        for n in rows
                    ]
                    footer = _("Change what you are told and how: %(url)s") % {
                        "url": absolute_url("/notifications/settings/")
                    }
                    # One platform's matters only: from its sender; a mix: the site's own.
                    platforms = {n.event.platform_id if n.event else None for n in rows}
                    one = platforms.pop() if len(platforms) == 1 else None
                    sent += _mail(
                        user, subject, "\n".join(lines) + f"\n\n--\n{footer}", platform_id=one
                    )
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
    return sent


@shared_task(name="notifications.email_instant", acks_late=True, ignore_result=True)
def email_instant(notification_id: int) -> None:
    email_instant_send(notification_id=notification_id)
