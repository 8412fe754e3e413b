"""``manage.py run_scheduler``: the auction scheduler's loop (see auctions/scheduler.py and
docs/scheduler.md).

Every ``--interval`` seconds it runs one ``scheduler.tick()``. SIGTERM and SIGINT end the loop
after the current pass. A database error is logged, the connection closed and the pass retried
after a growing pause (up to ``MAX_RETRY_PAUSE`` seconds); a lot whose action fails is logged and
left alone for ``LOT_BACKOFF_SECONDS`` before it is tried again, so one bad lot never holds up the
others. Several instances may run at once: each lot is claimed with SKIP LOCKED. Without a
Celery broker (the embedded default) it also runs Celery beat's schedule in-process
(``marketplace.celery.EmbeddedBeat``): in production Celery beat does that.
"""

from __future__ import annotations

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connections

from auctions import scheduler
from marketplace.celery import EmbeddedBeat

logger = logging.getLogger("auctions.scheduler")

MAX_RETRY_PAUSE = 10.0
LOT_BACKOFF_SECONDS = 15.0
HEARTBEAT_EVERY_SECONDS = 5.0


class Command(BaseCommand):
    help = "Run the auction scheduler: start, close and suspend lots on the server's clock."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=0.25, help="seconds between passes (default 0.25)"
        )
        parser.add_argument("--once", action="store_true", help="run one pass and exit")
        parser.add_argument(
            "--batch",
            type=int,
            default=scheduler.DEFAULT_BATCH,
            help=f"at most this many lots per pass (default {scheduler.DEFAULT_BATCH})",
        )

    def handle(self, *args, interval: float, once: bool, batch: int, **options):
        if interval <= 0 or batch <= 0:
            raise CommandError("--interval and --batch must be positive")
        if once:
            result = scheduler.tick(batch=batch)
            self.stdout.write(", ".join(f"{k}: {len(v)}" for k, v in result.items()))
            return
        stop = threading.Event()

        def request_stop(signum, _frame):
            logger.info(
                "scheduler: %s received, stopping after this pass", signal.strsignal(signum)
            )
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        logger.info("scheduler: running every %s s, at most %s lots a pass", interval, batch)
        self.loop(stop=stop, interval=interval, batch=batch)
        connections.close_all()
        logger.info("scheduler: stopped")

    def loop(self, *, stop: threading.Event, interval: float, batch: int) -> None:
        backoff: dict[int, float] = {}  # lot id -> monotonic time it may be tried again
        failures = 0
        last_heartbeat = 0.0
        # No broker and no Celery beat on the embedded default (make run): the periodic tasks
        # (due event deliveries, reminders, digests, expiry checks) run from this loop.
        beat = None if settings.CELERY_BROKER_URL else EmbeddedBeat()
        while not stop.is_set():
            began = time.monotonic()
            pause = interval
            try:
                close_old_connections()  # drop a connection past its age or broken
                backoff = {pk: t for pk, t in backoff.items() if t > began}
                result = scheduler.tick(batch=batch, exclude=list(backoff))
                failures = 0
                for pk in result["errors"]:
                    backoff[pk] = began + LOT_BACKOFF_SECONDS
                if began - last_heartbeat >= HEARTBEAT_EVERY_SECONDS:
                    scheduler.heartbeat_record()
                    last_heartbeat = began
                if beat is not None:
                    beat.run_due()
            except DatabaseError:
                failures += 1
                pause = min(MAX_RETRY_PAUSE, interval * 2**failures)
                logger.exception("scheduler: database error; retrying in %.1f s", pause)
                self._close_connections()
            except Exception:  # never die: log, wait, go on
                failures += 1
                pause = min(MAX_RETRY_PAUSE, interval * 2**failures)
                logger.exception("scheduler: pass failed; retrying in %.1f s", pause)
                self._close_connections()
            stop.wait(max(0.0, pause - (time.monotonic() - began)))

    @staticmethod
    def _close_connections() -> None:
        try:
            connections.close_all()
        except Exception:
            logger.warning("scheduler: closing the database connection failed", exc_info=True)
