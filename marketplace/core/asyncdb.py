"""Database work from async code (consumers, the hub) in the loop's thread pool.

Channels' ``database_sync_to_async`` is thread-sensitive: every call in the process shares one
thread. The engine's services broadcast after commit through ``async_to_sync``, which waits in
that thread for the event loop; one such wait that can never finish (a loop shutting down)
would block every later database call of every socket. Here each call gets a pool thread (and
its own database connection) instead, and old connections are closed around it as Channels
does.
"""

from __future__ import annotations

import functools

from channels.db import DatabaseSyncToAsync


def db_async(fn):
    """Decorator: run ``fn`` in the loop's thread pool, closing stale connections around it."""
    wrapped = DatabaseSyncToAsync(fn, thread_sensitive=False)

    @functools.wraps(fn)
    async def call(*args, **kwargs):
        return await wrapped(*args, **kwargs)

    return call
