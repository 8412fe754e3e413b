"""API token -> user for websockets, cached in the process, with revocation.

A bidder's program (or a crowd reconnecting after a deploy) opens many sockets with one token;
each used to cost a hop to a database thread and a query before the socket's own work began.
Here a token's user is kept for ``WS_TOKEN_CACHE_SECONDS`` (60) in the process. Revocation
reaches every process before that:

- a token deleted (``auth_token_revoke``, the admin) or a user saved (deactivated, its
  password changed...) drops the entries of this process at once, and, with Redis, leaves a mark
  there (``ws-auth:token:<key>``, ``ws-auth:user:<id>`` holding the time) that outlives every
  entry made before it (``TTL + 5`` seconds);
- a cached entry is used only after one Redis ``MGET`` of its two marks shows neither (a user's
  mark counts against entries read before its time). That read is on the event loop, no thread.

Without Redis (the embedded default, one process) the local drop is the whole of it; a user
changed by another process (a management command) is seen within the TTL.
"""

from __future__ import annotations

import asyncio
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
_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> async client
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


def _token_mark(key: str) -> str:
    return f"ws-auth:token:{key}"


def _user_mark(user_id: int) -> str:
    return f"ws-auth:user:{user_id}"


def _async_client():
    if not settings.REDIS_URL:
        return None
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        # A crowd's checks wait for one of the pool's connections (a plain pool raises).
        pool = redis.asyncio.BlockingConnectionPool.from_url(
            settings.REDIS_URL, max_connections=20, timeout=10, socket_timeout=5
        )
        client = _clients[loop] = redis.asyncio.Redis(connection_pool=pool)
    return client


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
    if entry is not None and entry.expires > time.monotonic() and await _unmarked(key, entry):
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
    read_at = time.time()
    values = await _read(key)
    if values is None:
        return None
    user_id = values[get_user_model()._meta.pk.attname]
    entry = _entries[key] = _Entry(user_id, values, read_at, time.monotonic() + ttl_seconds())
    while len(_entries) > MAX_ENTRIES:
        _entries.popitem(last=False)
    return entry


async def _unmarked(key: str, entry: _Entry) -> bool:
    client = _async_client()
    if client is None:
        return True
    try:
        token_mark, user_mark = await client.mget(_token_mark(key), _user_mark(entry.user_id))
    except redis.RedisError:
        return False  # cannot tell: read it again from the database
    if token_mark is not None:
        return False
    return user_mark is None or float(user_mark) < entry.read_at


# --- revocation ----------------------------------------------------------------------------------


def _mark(name: str, value: str) -> None:
    global _sync_client
    if not settings.REDIS_URL:
        return
    if _sync_client is None:
        _sync_client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    try:
        _sync_client.set(name, value, ex=int(ttl_seconds()) + 5)
    except redis.RedisError:
        logger.exception("ws tokens: could not mark %s revoked in Redis", name)


def forget_token(key: str) -> None:
    _entries.pop(key, None)
    _mark(_token_mark(key), "1")


def forget_user(user_id: int) -> None:
    for key in [k for k, e in _entries.items() if e.user_id == user_id]:
        _entries.pop(key, None)
    _mark(_user_mark(user_id), repr(time.time()))


def clear() -> None:
    """Forget every entry of this process (tests)."""
    _entries.clear()


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
