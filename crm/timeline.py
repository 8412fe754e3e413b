"""Writing an account's timeline: one function every part of the CRM writes through."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Account, TimelineEntry, TimelineKind


def timeline_add(
    *,
    account: Account,
    kind: str,
    type: str,
    title: str,
    body: str = "",
    url: str = "",
    payload: dict | None = None,
    at: datetime | None = None,
    actor=None,
    contact=None,
    event=None,
    activity=None,
    document=None,
) -> TimelineEntry | None:
    """Add an entry to ``account``'s timeline. With ``event`` the entry is written once per
    account and event: a redelivered event adds nothing (returns None)."""
    entry = TimelineEntry(
        workspace_id=account.workspace_id,
        account=account,
        contact=contact,
        kind=kind,
        type=type,
        title=title[:300],
        body=body,
        url=url,
        payload=payload or {},
        event=event,
        activity=activity,
        document=document,
        actor=actor,
        at=at or timezone.now(),
    )
    if event is None:
        entry.save(force_insert=True)
        return entry
    if TimelineEntry.objects.filter(account=account, event=event).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: a concurrent redelivery may race this one
            entry.save(force_insert=True)
    except IntegrityError:
        return None
    return entry


__all__ = ["TimelineKind", "timeline_add"]
