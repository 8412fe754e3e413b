"""Fixed statements run on the event loop's own PostgreSQL connections, with no thread.

A socket's connect reads a few rows with statements fixed once per process (the token's user,
the lot with the viewer's role, a supplier's own bids: ``ws_tokens``,
``auctions.realtime.connect_reads``). Through ``db_async`` each read was a hop to a pool
thread and back: the executor's hand-over, Django's housekeeping around the call (stale
connections closed before and after), its cursor wrappers, and the thread's fight with the
event loop for the GIL. A crowd reconnecting at once pays that per socket on Daphne's one core.
Here the same statements run on asynchronous psycopg connections in the loop itself.

- PostgreSQL only, and only with ``LOOP_DB_CONNECTIONS`` > 0 (the default 4 per loop):
  ``available()`` says so, and callers fall back to their ``db_async`` path (the embedded
  SQLite, or the setting at 0).
- The connections are made with Django's own parameters for the database (the same adapters,
  ``prepare_threshold``, server options) and its time zone, in autocommit: a read, no
  transaction left open. Values come back typed as Django's connection types them; callers
  still pass them through ``sql_rows.convert``.
- At most ``LOOP_DB_CONNECTIONS`` statements of a loop run at once; the others wait for a
  connection. A connection whose statement failed or was cancelled half-way is closed, not
  reused; a statement that failed on a connection that had sat idle (the server restarted
  since) is run once more on a new one.

Why no ``psycopg_pool``: its pool keeps worker tasks in the loop that opened it, and the test
suite runs a loop per test (and ``async_to_sync`` one per call). These are a few idle
connections per loop, closed by ``close_all`` (tests) or with the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from marketplace.core import sql_rows

logger = logging.getLogger(__name__)

_holders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # loop -> _Connections


def size() -> int:
    return int(getattr(settings, "LOOP_DB_CONNECTIONS", 4))


def available() -> bool:
    """May this loop's statements run here (PostgreSQL, the setting above 0)?"""
    return size() > 0 and sql_rows.vendor() == "postgresql"


async def fetchone(statement: str, params: list) -> tuple | None:
    rows = await _holder().run(statement, params)
    return rows[0] if rows else None


def close_all() -> None:
    """Close every loop's connections now, from any thread (tests: a test's loop is gone at
    its end, and a database with connections open cannot be dropped)."""
    for holder in list(_holders.values()):
        holder.close_now()


def _holder() -> _Connections:
    loop = asyncio.get_running_loop()
    holder = _holders.get(loop)
    if holder is None:
        holder = _holders[loop] = _Connections(size())
    return holder


class _Connections:
    """One loop's connections: opened when needed, at most ``limit`` busy at once."""

    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(limit)
        self.idle: list[psycopg.AsyncConnection] = []
        self.open: set[psycopg.AsyncConnection] = set()

    async def run(self, statement: str, params: list) -> list[tuple]:
        async with self.slots:
            reused = bool(self.idle)
            conn = self.idle.pop() if reused else await self._connect()
            try:
                rows = await self._execute(conn, statement, params)
            except psycopg.OperationalError:
                await self._discard(conn)
                if not reused:
                    raise
                # The connection sat idle while the server went away (a restart): once more,
                # on a new one.
                conn = await self._connect()
                try:
                    rows = await self._execute(conn, statement, params)
                except BaseException:
                    await self._discard(conn)
                    raise
            except BaseException:
                await self._discard(conn)  # failed or cancelled half-way: its state is unknown
                raise
            self.idle.append(conn)
            return rows

    @staticmethod
    async def _execute(conn: psycopg.AsyncConnection, statement: str, params: list) -> list:
        cursor = await conn.execute(statement, params)
        return await cursor.fetchall()

    async def _connect(self) -> psycopg.AsyncConnection:
        # A wrapper of its own, not ``connections[...]``: in the loop that would make one per
        # task and keep it in the task's context (``sql_rows``).
        wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
        params = wrapper.get_connection_params()
        params.pop("cursor_factory", None)  # psycopg's async cursor binds on the server
        conn = await psycopg.AsyncConnection.connect(**params, autocommit=True)
        # Django's connections run in its time zone (UTC): the timestamps' loader relies on it.
        if conn.info.parameter_status("TimeZone") != wrapper.timezone_name:
            await conn.execute("SELECT set_config('TimeZone', %s, false)", [wrapper.timezone_name])
        self.open.add(conn)
        return conn

    async def _discard(self, conn: psycopg.AsyncConnection) -> None:
        self.open.discard(conn)
        with contextlib.suppress(Exception):
            await conn.close()

    def close_now(self) -> None:
        for conn in list(self.open):
            with contextlib.suppress(Exception):
                conn.pgconn.finish()
        self.open.clear()
        self.idle.clear()
