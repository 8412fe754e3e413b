"""``marketplace.core.loop_db``: the event loop's own PostgreSQL connections for the live
room's connect reads. They come back after the server drops them, a statement cancelled
half-way leaves no connection in an unknown state to the next one, and at most
``LOOP_DB_CONNECTIONS`` run at once."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from marketplace.core import loop_db

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _terminate(pid: int) -> bool:
    """Drop a session, as a server restart drops them all."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            return cursor.fetchone()[0]
    finally:
        connection.close()  # this thread's


def test_a_connection_the_server_dropped_is_replaced_and_the_statement_answered():
    async def read():
        return await loop_db.fetchone("SELECT pg_backend_pid()", [])

    async def scenario():
        first = await read()
        assert await asyncio.to_thread(_terminate, first[0])
        second = await read()  # the idle connection is dead: once more on a new one
        third = await read()
        return first, second, third

    first, second, third = async_to_sync(scenario)()
    assert second != first and third == second  # a new connection, kept for the next


def test_a_statement_cancelled_half_way_does_not_leave_its_connection_for_the_next():
    async def scenario():
        before = await loop_db.fetchone("SELECT pg_backend_pid()", [])
        slow = asyncio.ensure_future(loop_db.fetchone("SELECT pg_sleep(5)", []))
        await asyncio.sleep(0.3)
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        after = await loop_db.fetchone("SELECT pg_backend_pid(), 1", [])
        return before, after

    before, after = async_to_sync(scenario)()
    assert after[1] == 1 and after[0] != before[0]


def test_at_most_the_setting_s_connections_run_at_once(settings):
    settings.LOOP_DB_CONNECTIONS = 2

    async def scenario():
        pids = await asyncio.gather(
            *(loop_db.fetchone("SELECT pg_backend_pid(), pg_sleep(0.2)", []) for _ in range(6))
        )
        return {pid for pid, _slept in pids}

    assert len(async_to_sync(scenario)()) == 2


def test_it_is_for_postgresql_and_off_at_zero(settings):
    assert loop_db.available()
    settings.LOOP_DB_CONNECTIONS = 0
    assert not loop_db.available()
