"""Waiting on a condition instead of sleeping a fixed time: a test that sleeps and then asserts
passes on a quiet machine and fails on a loaded one. ``wait_until`` (threads, plain tests) and
``async_wait_until`` (async tests: the event loop keeps running meanwhile) check the condition
often and return as soon as it holds, so a generous deadline costs nothing when it does; when it
never holds they fail with what was awaited.

Deadlines here only bound a hang: they are not a measure of speed (``make bench`` measures that).
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable

DEFAULT_TIMEOUT = 60.0  # seconds; far above anything a loaded machine needs


def wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.05,
    what: str = "the condition",
):
    """Call ``predicate`` every ``interval`` seconds until it returns something true, and return
    that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


async def async_wait_until(
    predicate: Callable[[], object],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.02,
    what: str = "the condition",
):
    """``wait_until`` for async tests: ``predicate`` may be a plain function or return an
    awaitable (e.g. a ``sync_to_async`` query); the loop runs between the checks."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if inspect.isawaitable(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        await asyncio.sleep(interval)
