"""Reading events: the change feed, scoped to what the reader may see."""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from marketplace.companies.selectors import user_company_ids

from .models import Event, EventAudience


def feed_horizon() -> int | None:
    """The transaction id below which every writer has finished (PostgreSQL), or None where
    writes are serialised (SQLite).

    Ids come from a sequence as transactions write, not as they commit: an event with a lower
    id may commit after one with a higher id. A feed that handed out the higher id first would
    move its reader's cursor past the lower one, which the reader would then never see. So the
    feed hands out only events written by transactions older than every transaction still
    running (``pg_snapshot_xmin``): whatever it has handed out, nothing can appear below it."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        return cursor.fetchone()[0]


def events_visible(*, user) -> QuerySet[Event]:
    """The events ``user`` may read: its companies' own, those whose audience names one of its
    companies, and public ones."""
    if not user or not user.is_authenticated:
        return Event.objects.none()
    companies = user_company_ids(user=user)
    shared = EventAudience.objects.filter(event=OuterRef("pk"), company_id__in=companies)
    return Event.objects.filter(Q(company_id__in=companies) | Q(public=True) | Exists(shared))


def event_feed(*, user, after: int = 0, limit: int = 100, types: list[str] | None = None) -> list:
    """The events ``user`` may read with an id above ``after``, oldest first, at most
    ``limit``, and only final ones (see ``feed_horizon``)."""
    query = events_visible(user=user).filter(pk__gt=after)
    if types:
        query = query.filter(type__in=types)
    horizon = feed_horizon()
    if horizon is not None:
        query = query.filter(txid__lt=horizon)
    return list(query.select_related(None).order_by("pk")[:limit])
