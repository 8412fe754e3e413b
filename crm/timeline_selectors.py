"""Reading a timeline: an account's or a contact's entries, newest first, a page at a time.

Pages are keyed by the last entry's (at, id), not by an offset: the next page starts right
after it in the index ``crm_timeline_account`` (account, -at, -id), so the thousandth page of
an account with two million entries reads as few rows as the first. The cursor is opaque to
clients (URL-safe base64 of the last entry's time and id).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.ids import is_id

from .access import workspace_require
from .models import Account, Contact, TimelineEntry, TimelineKind

PAGE_DEFAULT = 50
PAGE_MAX = 200


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next: str | None  # the cursor of the next (older) page, None on the last one


def cursor_make(entry: TimelineEntry) -> str:
    raw = f"{entry.at.isoformat()}|{entry.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_read(cursor: str) -> tuple[datetime, int]:
    """The (at, id) a cursor names; 400 for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at_text, id_text = raw.split("|")
        at, pk = datetime.fromisoformat(at_text), int(id_text)
        if at.tzinfo is None or not is_id(pk):
            raise ValueError("a naive time or an impossible id")
        at = at.astimezone(UTC)  # (a time at the edge of the calendar overflows here)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError) as exc:
        raise _bad_cursor() from exc
    return at, pk


def _bad_cursor() -> ApplicationError:
    message = _("This page cursor is not valid: use the one the previous page gave.")
    return ApplicationError(message, code="invalid_cursor", fields={"cursor": [message]})


def kinds_check(kinds: list[str]) -> list[str]:
    unknown = sorted(set(kinds) - set(TimelineKind.values))
    if unknown:
        message = _("Unknown kind of entry: %(kinds)s (known: %(known)s).") % {
            "kinds": ", ".join(unknown),
            "known": ", ".join(TimelineKind.values),
        }
        raise ApplicationError(message, code="invalid_parameter", fields={"kind": [message]})
    return kinds


def timeline_after(
    qs: QuerySet[TimelineEntry], *, kinds: list[str], cursor: str | None
) -> QuerySet[TimelineEntry]:
    """``qs`` of the given kinds, after the cursor's entry, newest first."""
    if kinds:
        qs = qs.filter(kind__in=kinds_check(kinds))
    if cursor:
        at, pk = cursor_read(cursor)
        # The first condition alone bounds the index range; the second drops the entries at
        # the very same time already shown.
        qs = qs.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, pk__lt=pk))
    return qs.order_by("-at", "-pk")


def _page(qs: QuerySet[TimelineEntry], *, kinds: list[str], cursor: str | None, limit: int):
    limit = max(1, min(limit, PAGE_MAX))
    qs = timeline_after(qs, kinds=kinds, cursor=cursor)
    rows = list(qs.select_related("actor")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return TimelinePage(entries=rows, next=cursor_make(rows[-1]) if more and rows else None)


def timeline_for_account(
    *,
    user,
    workspace_id: int,
    account_id: int,
    kinds: list[str] | None = None,
    cursor: str | None = None,
    limit: int = PAGE_DEFAULT,
) -> TimelinePage:
    """A page of an account's timeline (its entries, its contacts' included), newest first."""
    workspace_require(user=user, workspace_id=workspace_id)
    account = Account.objects.filter(workspace_id=workspace_id, pk=account_id).first()
    if account is None:
        raise NotFoundError(_("No such account."), code="account_not_found")
    qs = TimelineEntry.objects.filter(account=account)
    return _page(qs, kinds=kinds or [], cursor=cursor, limit=limit)


def timeline_for_contact(
    *,
    user,
    workspace_id: int,
    contact_id: int,
    kinds: list[str] | None = None,
    cursor: str | None = None,
    limit: int = PAGE_DEFAULT,
) -> TimelinePage:
    """A page of the entries about one contact, newest first."""
    workspace_require(user=user, workspace_id=workspace_id)
    contact = Contact.objects.filter(workspace_id=workspace_id, pk=contact_id).first()
    if contact is None:
        raise NotFoundError(_("No such contact."), code="contact_not_found")
    qs = TimelineEntry.objects.filter(account_id=contact.account_id, contact=contact)
    return _page(qs, kinds=kinds or [], cursor=cursor, limit=limit)
