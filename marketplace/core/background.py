"""Sending a Celery task once the current transaction commits (``task_on_commit``).

With a broker the task goes to the queue, as ``task.delay`` sends it. Without one (the embedded
default) Celery runs a task eagerly, inside the request that sent it: a PDF rendered after an
award kept the buyer waiting for seconds. With ``TASKS_IN_BACKGROUND`` (``make run`` sets it),
such a task runs in one background thread of the process instead, in order, each with its own
database connection, closed when it is done. Tests leave it off: a task sent in a test has run
by the time the test looks."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None


def task_on_commit(task, *args) -> None:
    """Send ``task(*args)`` when the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: task_send(task, *args))


def task_send(task, *args) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.TASKS_IN_BACKGROUND:
        _background().submit(_run, task, args)
    else:
        task.delay(*args)


def _background() -> ThreadPoolExecutor:
    global _executor
    with _lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")
        return _executor


def _run(task, args) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:  # a background task has no one to answer: its failure is logged
        logger.exception("background task %s%r failed", task.name, args)
    finally:
        connections.close_all()
