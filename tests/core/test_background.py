"""Tasks sent after a commit (``marketplace.core.background``): to Celery as ``delay`` sends
them; under the embedded default with ``TASKS_IN_BACKGROUND``, in one background thread, so the
request that sent one does not wait for it; a failing one is logged, never raised into the
request."""

from __future__ import annotations

import threading

from celery import shared_task

from marketplace.core import background

seen: list[tuple[str, str]] = []


@shared_task(name="tests.core.test_background.note")
def note(word: str) -> None:
    if word == "boom":
        raise RuntimeError("boom")
    seen.append((word, threading.current_thread().name))


def _flush() -> None:
    background._background().submit(lambda: None).result(timeout=30)


def test_eager_tasks_run_in_the_request_unless_asked_to_run_in_the_background(settings, caplog):
    seen.clear()
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.TASKS_IN_BACKGROUND = False
    background.task_send(note, "here")
    assert seen == [("here", threading.current_thread().name)]
    settings.TASKS_IN_BACKGROUND = True
    background.task_send(note, "boom")  # raises in its thread, not here
    background.task_send(note, "there")
    _flush()
    assert seen[1][0] == "there" and seen[1][1].startswith("tasks")
    assert "background task tests.core.test_background.note('boom',) failed" in caplog.text


def test_with_a_broker_the_task_is_queued(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(note, "delay", lambda *args: sent.append(args))
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.TASKS_IN_BACKGROUND = True  # only for eager tasks: a broker's worker runs it
    background.task_send(note, "queued")
    assert sent == [("queued",)]
