"""The servers and processes of a benchmark run, all throwaway and all stopped by ``close()``.

PostgreSQL and Redis are started with infra/testenv.py's classes (PostgreSQL as the `postgres`
user when run as root) unless server URLs are given, in which case a fresh database is created
on that server (from a template database when one is named, which skips the migrations) and
dropped at the end. Daphne and the relay are started in their own sessions so a Ctrl-C in the
terminal reaches only the orchestrator, which then stops them.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from infra.testenv import Postgres, Redis, find_postgres_bin, free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ORIGIN = "http://127.0.0.1"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def raise_fd_limit(want: int = 65536) -> int:
    """Raise this process's soft limit of open files (children inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def wait_port(port: int, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (a Daphne's bid workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def cmdline(pid: int) -> bytes:
    """The process's command line as /proc has it (NUL-separated)."""
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes and their children (a Daphne's
    bid workers), from /proc; a process that is gone counts 0."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in {p for parent in pids for p in (parent, *children(parent))}:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def settle(pids: list[int], *, quiet: float = 0.05, every: float = 0.5, most: float = 60) -> None:
    """Wait until these processes and their children (a Daphne's bid workers, each a Django of
    its own starting up) use less than ``quiet`` of a core over ``every`` seconds, at most
    ``most`` seconds: a worker's start-up takes a second or two of CPU, which would otherwise be
    taken from the first scenario's bids (and counted in its CPU per bid)."""
    deadline = time.monotonic() + most
    before = cpu_seconds(pids)
    while time.monotonic() < deadline:
        time.sleep(every)
        now = cpu_seconds(pids)
        if now - before < quiet * every:
            return
        before = now


def with_db(url: str, name: str) -> str:
    """The server's URL with another database: a PostgreSQL database's name, a Redis one's
    number."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class BenchRedis(Redis):
    """testenv's Redis with room for more clients than its 4,000 (counted in the idle scenario)."""

    def start(self) -> str:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
                "--maxclients",
                "16000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, self.proc, timeout=20)
        log(f"Redis on 127.0.0.1:{self.port}")
        return f"redis://127.0.0.1:{self.port}/0"


def redis_clients(url: str) -> int | None:
    """How many clients the Redis server at ``url`` has connected now."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=5) as s:
            s.sendall(b"INFO clients\r\n")
            data = b""
            while b"connected_clients:" not in data or not data.endswith(b"\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return None
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("connected_clients:"):
            return int(line.split(":", 1)[1])
    return None


class Stack:
    """PostgreSQL + Redis + a migrated, seeded database + Daphne/relay processes."""

    def __init__(
        self,
        *,
        database_server: str | None = None,
        redis_url: str | None = None,
        template: str | None = None,
        db_name: str | None = None,
    ):
        self.root = Path(tempfile.mkdtemp(prefix="tradefloor-bench-"))
        os.chmod(self.root, 0o755)
        self.database_server = database_server
        self.redis_url = redis_url
        self.template = template
        self.db_name = db_name or f"tradefloor_bench_{os.getpid()}"
        self.database_url = ""
        self.pg: Postgres | None = None
        self.redis: BenchRedis | None = None
        self.procs: list[subprocess.Popen] = []
        self.created_db = False

    # --- servers -------------------------------------------------------------------------------

    def start_services(self) -> None:
        if not self.database_server:
            bindir = find_postgres_bin()
            if bindir is None:
                raise RuntimeError("PostgreSQL (initdb, pg_ctl) not found")
            self.pg = Postgres(bindir, self.root)
            self.database_server = self.pg.start()
        if not self.redis_url:
            binary = shutil.which("redis-server")
            if binary is None:
                raise RuntimeError("redis-server not found")
            self.redis = BenchRedis(binary, self.root)
            self.redis_url = self.redis.start()
        self._create_database()
        self.database_url = with_db(self.database_server, self.db_name)

    def _admin(self, sql: str, database: str = "postgres") -> None:
        """``sql`` on its own connection to ``database`` of the server, in autocommit."""
        import psycopg

        with psycopg.connect(with_db(self.database_server, database), autocommit=True) as c:
            c.execute(sql)

    def _create_database(self) -> None:
        template = f' TEMPLATE "{self.template}"' if self.template else ""
        self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}"')
        self._admin(f'CREATE DATABASE "{self.db_name}"{template}')
        self.created_db = True

    @property
    def pg_conn(self) -> dict:
        parts = urlsplit(self.database_url)
        return {
            "host": parts.hostname,
            "port": str(parts.port or 5432),
            "user": parts.username or "postgres",
            "dbname": self.db_name,
        }

    def env(self, **extra: str) -> dict:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="marketplace.settings",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url or "",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_DEBUG=env.get("BENCH_DJANGO_DEBUG", "0"),
            PYTHONUNBUFFERED="1",
            # As infra/compose.yaml runs production: bid batches in two worker processes per
            # Daphne (a lot's bids always in the same one).
            AUCTION_BID_WORKERS=env.get("AUCTION_BID_WORKERS", "2"),
        )
        env.pop("CELERY_BROKER_URL", None)
        env.update(extra)
        return env

    def migrate(self) -> None:
        started = time.monotonic()
        self.run_python(["manage.py", "migrate", "--noinput"])
        log(f"migrated in {time.monotonic() - started:.1f} s")

    def seed(self, config: dict) -> dict:
        out = self.run_python(["-m", "infra.bench.seed", json.dumps(config)])
        data = json.loads(out.strip().splitlines()[-1])
        log(f"seeded in {data['seconds']} s")
        # Statistics, as a running database's autovacuum would have them a minute after such a
        # load: the scenarios start at once, and plans made on the empty tables' (a status index
        # scanning every seeded application instead of a lot's) are not what production runs.
        self._admin("ANALYZE", self.db_name)
        return data

    def run_python(self, args: list[str], timeout: float = 600) -> str:
        proc = subprocess.run(
            [PYTHON, *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:3])} failed:\n{proc.stderr[-3000:]}")
        return proc.stdout

    # --- processes -----------------------------------------------------------------------------

    def spawn(self, args: list[str], name: str, env: dict | None = None) -> subprocess.Popen:
        logfile = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env or self.env(),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        proc.logfile = logfile  # type: ignore[attr-defined]
        proc.name = name  # type: ignore[attr-defined]
        self.procs.append(proc)
        return proc

    def start_daphne(
        self,
        port: int | None = None,
        application: str = "marketplace.asgi:application",
        name: str = "daphne",
    ) -> tuple[subprocess.Popen, int]:
        """Daphne as infra/bin/web runs it in production (a listen backlog for connection
        storms, websocket handshakes given 30 s), on ``port`` or a free one; ``application``:
        another ASGI application on the same server (the idle scenario's bare Daphne)."""
        port = port or free_port()
        daphne = str(Path(PYTHON).parent / "daphne")
        proc = self.spawn(
            [
                daphne,
                "-e",
                f"tcp:port={port}:interface=127.0.0.1:backlog=4096",
                "--websocket_connect_timeout",
                "30",
                application,
            ],
            name,
        )
        wait_port(port, proc)
        return proc, port

    def kill(self, proc: subprocess.Popen) -> None:
        """``kill -9`` of one process (not its children: a Daphne's bid workers see their pipe
        close and end by themselves), then forget it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        self.stop(proc)

    def start_relay(self, port: int | None = None) -> tuple[subprocess.Popen, int]:
        port = port or free_port()
        proc = self.spawn([PYTHON, "-m", "infra.bench.relay", str(port)], "relay")
        wait_port(port, proc)
        return proc, port

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        proc.logfile.close()  # type: ignore[attr-defined]
        if proc in self.procs:
            self.procs.remove(proc)

    @property
    def server_pids(self) -> list[int]:
        """The running Daphne processes (their bid workers are their children)."""
        return [p.pid for p in self.procs if p.name == "daphne" and p.poll() is None]  # type: ignore[attr-defined]

    def log_tail(self, name: str, lines: int = 30) -> str:
        """The last lines of a process's log, access-log lines left out."""
        path = self.root / f"{name}.log"
        if not path.exists():
            return ""
        text = path.read_text(errors="replace").splitlines()
        return "\n".join([t for t in text if not t.startswith("127.0.0.1:")][-lines:])

    def close(self) -> None:
        for proc in list(reversed(self.procs)):
            with contextlib.suppress(Exception):
                self.stop(proc)
        if self.created_db and not self.pg:
            with contextlib.suppress(Exception):
                self._admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        if self.redis:
            self.redis.stop()
        if self.pg:
            self.pg.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
