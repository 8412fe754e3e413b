"""A listener for the worker-kill test (``test_outbox_postgres``): it marks that it started,
then waits until the test releases it, and marks that it finished. A Celery worker loads it with
``--include``; it registers itself only where ``SLOW_LISTENER_DIR`` is set (that worker)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from marketplace.events.registry import listener

NAME = "tests.slow_listener"


def slow(event) -> None:
    folder = Path(os.environ.get("SLOW_LISTENER_DIR") or "/nonexistent")
    (folder / f"started-{event.pk}-{os.getpid()}").touch()
    deadline = time.monotonic() + 60
    while not (folder / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    (folder / f"done-{event.pk}-{os.getpid()}").touch()


if os.environ.get("SLOW_LISTENER_DIR"):
    listener("company.document_expiring", name=NAME)(slow)
