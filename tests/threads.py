"""Races for the PostgreSQL tests: calls released at the same moment, each in its own thread and
database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def together(calls: list[Callable[[], object]]) -> list[object]:
    """Run each call in its own thread, released at the same moment; their results (or the
    exception each raised)."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = call()
        except Exception as exc:  # reported by the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
        assert not thread.is_alive(), "a thread hung"
    return results
