"""The bell in the top bar of every page: the signed-in person's unread count."""

from __future__ import annotations

from .services import unread_count


def bell(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notifications_unread": unread_count(user=user)}
