"""The two stacks the scripted auction runs on, both throwaway and both stopped by ``close()``.

- ``Embedded``: what ``make run`` serves, on a fresh SQLite file: one Daphne (the in-memory
  channel layer, bids placed in a thread: ``AUCTION_BID_WORKERS=0``), the scheduler beside it,
  Celery eager (tasks run in the process that sends them, in a background thread).
- ``Cluster``: production's shape on one machine (``infra/Procfile``'s processes, started with
  the same ``infra/bin`` scripts): PostgreSQL and Redis (infra/testenv.py's servers, or the
  servers of the URLs given), 3 Daphne processes, 2 of them with a bid-worker process each
  (``AUCTION_BID_WORKERS`` is per Daphne process: ``1,1,0`` makes the issue's 2 bid workers;
  the third Daphne places its bids in a thread, as the embedded default does), 2 schedulers
  (they share the due lots with ``SELECT ... FOR UPDATE SKIP LOCKED``), a Celery worker and
  Celery beat on the Redis broker, and HAProxy in front of the Daphnes (``haproxy.py``).

Every process runs in its own session (a Ctrl-C in the terminal reaches only the orchestrator,
which stops them: SIGTERM to each process group, SIGKILL after 10 s) and logs to a file in the
stack's directory (``log_tail`` shows the end of one when something fails).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from infra.bench.stack import Stack, log, wait_port
from infra.testenv import free_port

from . import haproxy

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ASGI = "marketplace.asgi:application"
BIN = Path(PYTHON).parent
# What must not leak from the caller's environment into a stack's processes.
FOREIGN = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "ELASTICSEARCH_URL",
    "AUCTION_BID_WORKERS",
    "SQLITE_PATH",
    "DJANGO_ENV",
    "PORT",
)


def _clean_environ() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN}
    # The infra/bin scripts call `daphne`, `celery` and `python`: this Python's.
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONUNBUFFERED"] = "1"
    env["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    return env


class Processes(Stack):
    """A bench ``Stack`` whose processes are launched, then awaited (``start``: both), and
    stopped all at once (SIGTERM to every process group first, then each awaited)."""

    name = "stack"

    def launch(self) -> None:
        raise NotImplementedError

    def ready(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self.launch()
        self.ready()

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        super().close()

    def log_text(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""


class Embedded(Processes):
    """``make run``'s stack (SQLite, the in-memory layer, eager Celery) on a fresh database."""

    name = "embedded"

    def __init__(self) -> None:
        super().__init__()
        self.port = 0
        self.migration: subprocess.Popen | None = None
        self.daphne: subprocess.Popen | None = None

    def env(self, **extra: str) -> dict:
        env = _clean_environ()
        env.update(
            SQLITE_PATH=str(self.root / "db.sqlite3"),
            MEDIA_ROOT=str(self.root / "media"),
            PRIVATE_MEDIA_ROOT=str(self.root / "private"),
            STATIC_ROOT=str(self.root / "static"),
            TASKS_IN_BACKGROUND="1",  # as `make run` serves
            AUCTION_BID_WORKERS="0",
        )
        env.update(extra)
        return env

    def migrate_start(self) -> subprocess.Popen:
        """The migrations as a process of their own (started once: a caller may start them
        early, e.g. a test while its PostgreSQL template is being migrated)."""
        if self.migration is None:
            self.migration = self.spawn(
                [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], "migrate"
            )
        return self.migration

    def launch(self) -> None:
        """Daphne and the scheduler as `make run` starts them."""
        self.port = free_port()
        scheduler = [PYTHON, "manage.py", "run_scheduler", "--interval", "0.5"]
        self.spawn(scheduler, "scheduler")
        self.daphne = self.spawn(
            [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), ASGI], "daphne"
        )

    def ready(self) -> None:
        wait_port(self.port, self.daphne, timeout=180)
        log(f"embedded: Daphne on 127.0.0.1:{self.port} (SQLite, in-memory layer) + scheduler")

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def bidder_bases(self, count: int) -> list[str]:
        return [f"ws://127.0.0.1:{self.port}"] * count


class Cluster(Processes):
    """Production's processes on one machine behind HAProxy."""

    name = "cluster"

    def __init__(
        self,
        *,
        database_server: str | None = None,
        redis_url: str | None = None,
        template: str | None = None,
        port: int | None = None,
        daphne_ports: list[int] | None = None,
        stats_port: int | None = None,
        bid_workers: tuple[int, ...] = (1, 1, 0),
        celery_concurrency: int = 1,
    ) -> None:
        super().__init__(
            database_server=database_server,
            redis_url=redis_url,
            template=template,
            db_name=f"tradefloor_cluster_{os.getpid()}",
        )
        self.bid_workers = bid_workers
        self.port = port or free_port()
        self.daphne_ports = daphne_ports or [free_port() for _ in bid_workers]
        if len(self.daphne_ports) != len(bid_workers):
            raise ValueError("one port per Daphne process")
        self.stats_port = stats_port
        self.celery_concurrency = celery_concurrency
        self.daphnes: list[subprocess.Popen] = []
        self.schedulers: list[subprocess.Popen] = []

    def env(self, **extra: str) -> dict:
        env = _clean_environ()
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url or "",
            DJANGO_DEBUG="0",
            MEDIA_ROOT=str(self.root / "media"),
            PRIVATE_MEDIA_ROOT=str(self.root / "private"),
            STATIC_ROOT=str(self.root / "static"),
            AUCTION_BID_WORKERS="0",
        )
        env.update(extra)
        return env

    def migrate_start(self) -> subprocess.Popen | None:
        """The migrations as a process of their own (none when the database is a copy of a
        migrated template)."""
        if self.template:
            return None
        return self.spawn([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], "migrate")

    def launch(self) -> None:
        for i, (port, workers) in enumerate(zip(self.daphne_ports, self.bid_workers, strict=True)):
            env = self.env(PORT=str(port), WEB_BIND="127.0.0.1", AUCTION_BID_WORKERS=str(workers))
            self.daphnes.append(self.spawn([str(ROOT / "infra/bin/web")], f"daphne{i + 1}", env))
        for i in range(2):
            self.schedulers.append(
                self.spawn([str(ROOT / "infra/bin/scheduler")], f"scheduler{i + 1}")
            )
        worker_env = self.env(CELERY_CONCURRENCY=str(self.celery_concurrency))
        self.spawn([str(ROOT / "infra/bin/worker")], "celery-worker", worker_env)
        beat_env = self.env(CELERY_BEAT_FILE=str(self.root / "celerybeat-schedule"))
        self.spawn([str(ROOT / "infra/bin/beat")], "celery-beat", beat_env)

    def ready(self) -> None:
        for port, proc in zip(self.daphne_ports, self.daphnes, strict=True):
            wait_port(port, proc, timeout=180)
        config = self.root / "haproxy.cfg"
        config.write_text(
            haproxy.config(port=self.port, daphnes=self.daphne_ports, stats_port=self.stats_port)
        )
        haproxy.validate(config)
        balancer = self.spawn(haproxy.command(config), "haproxy")
        wait_port(self.port, balancer, timeout=30)
        self.wait_backends_up()
        log(
            f"cluster: HAProxy on 127.0.0.1:{self.port} over Daphne "
            + ", ".join(
                f"daphne{i + 1}:{p} ({w} bid worker{'s' if w != 1 else ''})"
                for i, (p, w) in enumerate(zip(self.daphne_ports, self.bid_workers, strict=True))
            )
            + "; 2 schedulers, Celery worker and beat"
        )

    def wait_backends_up(self, timeout: float = 30) -> None:
        """HAProxy's first health checks: until they pass, a server counts as down."""
        import urllib.request

        deadline = time.monotonic() + timeout
        seen: set[str] = set()
        while time.monotonic() < deadline and len(seen) < len(self.daphne_ports):
            with contextlib.suppress(OSError):
                request = urllib.request.Request(f"{self.http}/favicon.ico")
                with urllib.request.urlopen(request, timeout=10) as response:
                    seen.add(response.headers.get(haproxy.BACKEND_HEADER, ""))
            time.sleep(0.1)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def bidder_bases(self, count: int) -> list[str]:
        return [f"ws://127.0.0.1:{self.port}"] * count

    def exited(self) -> list[str]:
        """The names of the processes that have exited (none in a healthy cluster)."""
        return [p.name for p in self.procs if p.poll() is not None and p.name != "migrate"]  # type: ignore[attr-defined]


def wait_all(procs: list[subprocess.Popen | None], stacks: list[Stack], timeout: float = 600):
    """Wait for the migrations; a failure raises with its log's end."""
    for proc, stack in zip(procs, stacks, strict=True):
        if proc is None:
            continue
        code = proc.wait(timeout)
        if code:
            raise RuntimeError(f"{stack.name}: migrate failed:\n{stack.log_tail('migrate', 40)}")  # type: ignore[attr-defined]
        stack.stop(proc)
