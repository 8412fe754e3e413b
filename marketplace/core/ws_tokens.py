"""API token -> user for websockets, cached in the process, with revocation.

A bidder's program (or a crowd reconnecting after a deploy) opens many sockets with one token;
each used to cost a hop to a database thread and a query before the socket's own work began.
Here a token's user is kept for ``WS_TOKEN_CACHE_SECONDS`` (60) in the process. Revocation
reaches every process before that:

- a token deleted (``auth_token_revoke``, the admin) or a user saved (deactivated, its
  password changed...) drops the entries of this process at once and, with Redis, is
  published on ``ws-auth:revoked``; every process's event loop listens there (``_Listener``)
  and drops its entries as the message arrives (a millisecond or so later);
- each drop is remembered with the time it was seen for ``TTL + 5`` seconds, and an entry
  read before it is never used: a read that raced the revocation (started before the commit,
  stored after the drop) is not cached past it;
- with Redis an entry is used only while this loop's subscription is up and has been since
  before the entry was read: a process that could have missed a message (Redis down, the
  subscription being made again) reads from the database instead. A subscription whose
  connection dies without a word (a network partition, no reset) is not noticed until Redis
  speaks again: then, as before any revocation reached Redis at all, the TTL bounds an entry.

Each use used to ask Redis for two revocation marks (``MGET``): after the connect's reads left
the database threads, that round trip was a fifth of the token middleware's time and the
largest single piece of a connect's own work (``make bench``, docs/benchmarks.md).

Without Redis (the embedded default, one process) the local drop is the whole of it; a user
changed by another process (a management command) is seen within the TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass

import redis
import redis.asyncio
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from marketplace.core import loop_db
from marketplace.core.asyncdb import db_async
from marketplace.core.sql_rows import columns, convert, quote_name, table, vendor

logger = logging.getLogger(__name__)

MAX_ENTRIES = 20_000
CHANNEL = "ws-auth:revoked"
SUBSCRIBE_WAIT_SECONDS = 1.0  # a loop's first use waits this long for its subscription
_listeners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> _Listener
_sync_client = None


def ttl_seconds() -> float:
    return float(getattr(settings, "WS_TOKEN_CACHE_SECONDS", 60))


@dataclass(frozen=True)
class _Entry:
    user_id: int
    values: dict  # the user row's columns
    read_at: float  # wall clock, taken before the read
    expires: float  # monotonic

    def user(self):
        """A fresh instance each time: sockets never share one object (nor what a query
        caches on it)."""
        model = get_user_model()
        user = model(**self.values)
        user._state.adding = False
        user._state.db = "default"
        return user


_entries: OrderedDict[str, _Entry] = OrderedDict()
_pending: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> key -> read


# Revocations seen (here, or published by another process), with when: kept for TTL + 5 s.
_revoked_tokens: OrderedDict[str, float] = OrderedDict()
_revoked_users: OrderedDict[int, float] = OrderedDict()


async def _read(key: str) -> dict | None:
    """The token's active user's columns (by attname), or None. Fixed SQL (``sql_rows``):
    after a restart every token of a reconnecting crowd is read, and compiling the ORM's
    ``select_related`` query was a good part of each socket's connect. On PostgreSQL it runs
    on the event loop's own connection (``loop_db``), else in a database thread."""
    names, statement = _token_statement(vendor())  # no ``connection`` in the loop: sql_rows
    if loop_db.available():
        row = await loop_db.fetchone(statement, [key])
    else:
        row = await _read_in_thread(statement, key)
    if row is None:
        return None
    values = dict(zip(names, convert(get_user_model(), names, row), strict=True))
    return values if values["is_active"] else None


@db_async
def _read_in_thread(statement: str, key: str) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(statement, [key])
        return cursor.fetchone()


@functools.cache
def _token_statement(vendor: str) -> tuple[tuple[str, ...], str]:
    from rest_framework.authtoken.models import Token

    model = get_user_model()
    names = tuple(f.attname for f in model._meta.concrete_fields)
    return names, (
        f"SELECT {columns(model, 'u', names)} FROM {table(Token)} t "  # noqa: S608 (only names)
        f"JOIN {table(model)} u ON u.{quote_name(model._meta.pk.column)} = t.user_id "
        "WHERE t.key = %s"
    )


async def user_for_token(key: str):
    """The active user whose API token ``key`` is, or an anonymous user. Sockets asking for
    one key together (a program's reconnecting sockets) wait for one read."""
    entry = _entries.get(key)
    if entry is not None and entry.expires > time.monotonic() and await _usable(key, entry):
        return entry.user()
    _entries.pop(key, None)
    pending = _pending.setdefault(asyncio.get_running_loop(), {})
    future = pending.get(key)
    if future is not None:
        entry = await asyncio.shield(future)
    else:
        future = pending[key] = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda f: f.cancelled() or f.exception())  # seen, if unawaited
        try:
            entry = await _load(key)
            future.set_result(entry)
        except BaseException as exc:
            future.set_exception(exc)
            raise
        finally:
            pending.pop(key, None)
    return entry.user() if entry is not None else AnonymousUser()


async def _load(key: str) -> _Entry | None:
    if settings.REDIS_URL:
        await _listener().since_when()  # listening before the read: its entry can be used
    read_at = time.time()
    values = await _read(key)
    if values is None:
        return None
    user_id = values[get_user_model()._meta.pk.attname]
    entry = _entries[key] = _Entry(user_id, values, read_at, time.monotonic() + ttl_seconds())
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)
    return entry


async def _usable(key: str, entry: _Entry) -> bool:
    """No revocation seen since the entry was read and, with Redis, none could have been
    missed: this loop has listened since before the read."""
    if _revoked_tokens.get(key, 0.0) >= entry.read_at:
        return False
    if _revoked_users.get(entry.user_id, 0.0) >= entry.read_at:
        return False
    if not settings.REDIS_URL:
        return True
    since = await _listener().since_when()
    return since is not None and since <= entry.read_at


class _Listener:
    """One event loop's subscription to the revocations other processes publish."""

    def __init__(self) -> None:
        self.since: float | None = None  # wall clock of the current subscription's start
        self.subscribed = asyncio.Event()
        self.waited = False
        self.task: asyncio.Task | None = None

    async def since_when(self) -> float | None:
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._listen_forever())
        if self.since is None and not self.waited:  # the loop's first use: let it subscribe
            self.waited = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.subscribed.wait(), SUBSCRIBE_WAIT_SECONDS)
        return self.since

    async def _listen_forever(self) -> None:
        delay = 0.1
        while True:
            # Its own client: no socket timeout (a quiet channel is not a dead one); a dead
            # connection is found by the health check.
            client = redis.asyncio.Redis.from_url(settings.REDIS_URL, health_check_interval=15)
            pubsub = client.pubsub()
            try:
                await pubsub.subscribe(CHANNEL)
                async for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        self.since = time.time()
                        self.subscribed.set()
                        delay = 0.1
                    elif message["type"] == "message":
                        _apply(message["data"])
            except (redis.RedisError, OSError):
                logger.warning("ws tokens: revocations not heard from Redis", exc_info=True)
            finally:
                self.since = None  # whatever is read from now on waits for the next one
                self.subscribed.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                    await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def _listener() -> _Listener:
    loop = asyncio.get_running_loop()
    listener = _listeners.get(loop)
    if listener is None:
        listener = _listeners[loop] = _Listener()
    return listener


def _apply(data: bytes | str) -> None:
    """A published revocation: ``t <key>`` or ``u <user id>``."""
    text = data.decode() if isinstance(data, bytes) else data
    kind, _, subject = text.partition(" ")
    if kind == "t":
        _forget_token_here(subject)
    elif kind == "u" and subject.isdigit():
        _forget_user_here(int(subject))


def _seen(revoked: OrderedDict, subject) -> None:
    now = time.time()
    revoked[subject] = now
    revoked.move_to_end(subject)
    cutoff = now - ttl_seconds() - 5
    while revoked and next(iter(revoked.values())) < cutoff:
        revoked.popitem(last=False)


def _forget_token_here(key: str) -> None:
    _entries.pop(key, None)
    _seen(_revoked_tokens, key)


def _forget_user_here(user_id: int) -> None:
    for key in [k for k, e in _entries.items() if e.user_id == user_id]:
        _entries.pop(key, None)
    _seen(_revoked_users, user_id)


# --- revocation ----------------------------------------------------------------------------------


def _publish(message: str) -> None:
    global _sync_client
    if not settings.REDIS_URL:
        return
    if _sync_client is None:
        _sync_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    try:
        _sync_client.publish(CHANNEL, message)
    except redis.RedisError:
        logger.exception("ws tokens: could not publish the revocation %r", message)


def forget_token(key: str) -> None:
    _forget_token_here(key)
    _publish(f"t {key}")


def forget_user(user_id: int) -> None:
    _forget_user_here(user_id)
    _publish(f"u {user_id}")


def clear() -> None:
    """Forget every entry and revocation of this process (tests)."""
    _entries.clear()
    _revoked_tokens.clear()
    _revoked_users.clear()


def _token_deleted(sender, instance, **kwargs) -> None:
    key = instance.key
    forget_token(key)  # now too: a read racing the commit must not be cached past it
    transaction.on_commit(lambda: forget_token(key))


def _user_saved(sender, instance, created, **kwargs) -> None:
    if created:
        return
    user_id = instance.pk
    forget_user(user_id)
    transaction.on_commit(lambda: forget_user(user_id))


def connect_signals() -> None:
    from rest_framework.authtoken.models import Token

    post_delete.connect(_token_deleted, sender=Token, dispatch_uid="ws_tokens_token_deleted")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="ws_tokens_user_saved")
