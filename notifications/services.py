"""Telling people: notifications written in the reader's language, pushed live to their open
pages, and e-mailed at once or in a daily digest as each person prefers.

``notify`` runs inside a listener's transaction (``listeners.py``): rows are written with the
delivery, and the live push and the e-mails leave after the commit. Each notification is unique
per person and ``key``, so an event delivered twice tells nobody twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.core.times import iso_utc, zone

from . import kinds
from .mail import email_instant, language_of
from .models import Channel, Kind, Mode, Notification, Preference

logger = logging.getLogger(__name__)

Build = Callable[[], tuple[str, str]]  # (title, body), called in the reader's language


def user_group(user_id: int) -> str:
    return f"notifications.user.{user_id}"


def preferences_of(*, users: Iterable, kind: str) -> dict[tuple[int, str], str]:
    """(user id, channel) -> mode, for ``kind``, defaults filled in."""
    ids = [u.pk for u in users]
    modes = {
        (user_id, channel): kinds.default(kind, channel)
        for user_id in ids
        for channel in Channel.values
    }
    for user_id, channel, mode in Preference.objects.filter(user_id__in=ids, kind=kind).values_list(
        "user_id", "channel", "mode"
    ):
        modes[(user_id, channel)] = mode
    return modes


def notify(
    *, users: Iterable, kind: str, key: str, build: Build, url: str = "", event=None
) -> list[Notification]:
    """Tell each of ``users`` (active ones, once per ``key``) what ``build`` says in their own
    language. Returns the notifications made now."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if not people:
        return []
    already = set(
        Notification.objects.filter(user_id__in=people, key=key).values_list("user_id", flat=True)
    )
    modes = preferences_of(users=people.values(), kind=kind)
    rows = []
    for user_id, user in sorted(people.items()):
        if user_id in already:
            continue
        in_app = modes[(user_id, Channel.IN_APP)] != Mode.OFF
        email = modes[(user_id, Channel.EMAIL)] if user.email else Mode.OFF
        if not in_app and email == Mode.OFF:
            continue
        # In the person's language, and its time zone for any time the message names.
        with translation.override(language_of(user)), timezone.override(zone(user.time_zone)):
            title, body = build()
        rows.append(
            Notification(
                user=user,
                kind=kind,
                key=key,
                title=str(title)[:300],
                body=str(body),
                url=url,
                event=event,
                in_app=in_app,
                email_mode=email,
            )
        )
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    made = list(
        Notification.objects.filter(
            key=key,
            user_id__in=[r.user_id for r in rows],
            created_at__gte=timezone.now() - timedelta(minutes=5),
        )
    )
    live = [n.pk for n in made if n.in_app]
    instant = [n.pk for n in made if n.email_mode == Mode.INSTANT]
    transaction.on_commit(lambda: _after_commit(live, instant), robust=True)
    return made


def _after_commit(live: list[int], instant: list[int]) -> None:
    if live:
        push_new(notification_ids=live)
    for notification_id in instant:
        try:
            email_instant.delay(notification_id)
        except Exception:  # the broker is away: the digest's sweep sends it later
            logger.exception("could not enqueue the e-mail of notification %s", notification_id)


def _payload(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "url": n.url,
        "created_at": iso_utc(n.created_at),
        "read": n.read_at is not None,
    }


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()


def _send(group: str, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # a push must never fail the change; the page catches up on load
        logger.exception("notification push to %s failed", group)


def push_new(*, notification_ids: list[int]) -> None:
    """Each new notification to its person's open pages, with the unread count."""
    for n in Notification.objects.filter(pk__in=notification_ids).select_related("user"):
        _send(
            user_group(n.user_id),
            {
                "type": "notification.new",
                "notification": _payload(n),
                "unread": unread_count(user=n.user),
            },
        )


def _push_count(user) -> None:
    count = unread_count(user=user)
    transaction.on_commit(
        lambda: _send(user_group(user.pk), {"type": "notification.count", "unread": count}),
        robust=True,
    )


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read: those of ``ids`` (another person's ids are not
    found), or all of them. Returns how many changed."""
    with transaction.atomic():
        query = Notification.objects.filter(user=user, read_at__isnull=True)
        if ids is not None:
            ids = list(ids)
            found = set(
                Notification.objects.filter(user=user, pk__in=ids).values_list("pk", flat=True)
            )
            if set(ids) - found:
                raise NotFoundError(_("No such notification."), code="notification_not_found")
            query = query.filter(pk__in=ids)
        changed = query.update(read_at=timezone.now())
        _push_count(user)
    return changed


def preference_set(*, user, kind: str, channel: str, mode: str) -> Preference:
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Unknown kind of notification.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel: in_app or email.")]
    elif mode not in kinds.CHANNEL_MODES[channel]:
        errors["mode"] = [
            _("This channel may be set to: %(modes)s.")
            % {"modes": ", ".join(kinds.CHANNEL_MODES[channel])}
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, code="invalid_preference", fields=errors)
    preference, _created = Preference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"mode": mode}
    )
    return preference
