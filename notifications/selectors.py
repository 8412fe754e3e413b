"""Reading notifications: a person's own, as the app lists them."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notification_list(*, user, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's notifications listed in the app, newest first."""
    query = Notification.objects.filter(user=user, in_app=True).order_by("-created_at", "-id")
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return query
