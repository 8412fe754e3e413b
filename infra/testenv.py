#!/usr/bin/env python3
"""Run a command with throwaway PostgreSQL, Redis and localstripe servers, as ``make test`` does.

For each service: a URL already in the environment (``DATABASE_URL``, ``REDIS_URL``,
``STRIPE_API_BASE``) is used as it is; otherwise the server binaries are looked up (on PATH, and
PostgreSQL also under ``/usr/lib/postgresql/*/bin``; localstripe, the fake Stripe API of the dev
extras, in this Python) and a private server is started in a temporary directory on a free
loopback port, then stopped and deleted when the command ends. A service that cannot be found is
left out and the tests that need it skip with a reason, unless ``REQUIRE_SERVICES=1``, which makes
a missing service an error.

Usage: python infra/testenv.py [--no-postgres] [--no-redis] [--no-stripe] -- COMMAND [ARGS...]
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path


def log(message: str) -> None:
    print(f"[testenv] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_postgres_bin() -> Path | None:
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
    )
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def as_service_user() -> tuple[list[str], str | None]:
    """PostgreSQL refuses to run as root: run it as the 'postgres' (or 'nobody') user."""
    if os.geteuid() != 0:
        return [], None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], name
    raise SystemExit("running as root and no 'postgres' user to run PostgreSQL as")


class Postgres:
    """A private server. ``durable=False`` (the tests') turns off what only protects the data
    from a crash of the machine (fsync, synchronous commit, full-page writes): a throwaway
    database needs none of it, and a transactional test's flush (TRUNCATE of every table)
    went from 4-5 s to 0.2-0.4 s. The benchmarks keep a durable server, as production's."""

    def __init__(self, bindir: Path, root: Path, *, durable: bool = True):
        self.durable = durable
        self.bindir = bindir
        self.root = root
        self.data = root / "pgdata"
        self.port = free_port()
        self.prefix, self.user = as_service_user()

    def run(self, *args: str) -> None:
        subprocess.run(
            [*self.prefix, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def start(self) -> str:
        if self.user:
            shutil.chown(self.root, user=self.user)
        self.run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            # Collation C (fast, the same order everywhere); character classes from C.UTF-8
            # as production's UTF-8 locale has them, so UPPER() folds Cyrillic (Django's
            # icontains) and pg_trgm makes trigrams of Cyrillic words.
            "--locale=C",
            "--lc-ctype=C.UTF-8",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200 -c shared_buffers=128MB "
            + (
                ""
                if self.durable
                else "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            )
            # more server settings, e.g. for pg_stat_statements (docs/benchmarks.md)
            + os.environ.get("TESTENV_PG_OPTIONS", "")
        )
        self.run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "pg.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        log(f"PostgreSQL ({self.bindir.parent.name}) on 127.0.0.1:{self.port}")
        return f"postgres://postgres@127.0.0.1:{self.port}/tradefloor"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")


class Redis:
    def __init__(self, binary: str, root: Path):
        self.binary = binary
        self.root = root
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

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
                "4000",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s,
            ):
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    log(f"Redis on 127.0.0.1:{self.port}")
                    return f"redis://127.0.0.1:{self.port}/0"
            time.sleep(0.1)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)


# localstripe's own command listens on every interface and writes its whole state to the fixed
# file /tmp/localstripe.pickle after every change (shared by every run on the machine, and read
# back at its next start): ours serves its aiohttp application on loopback only and keeps the
# state in memory, so that parallel runs share nothing.
LOCALSTRIPE_MAIN = """
import sys
from aiohttp import web
from localstripe import resources, server
resources.Store.dump_to_disk = lambda self: None
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


class LocalStripe:
    """localstripe, a stateful fake of the Stripe API (a dev dependency), run by this Python."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self) -> str:
        url = f"http://127.0.0.1:{self.port}"
        with open(self.root / "localstripe.log", "wb") as log_file:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", LOCALSTRIPE_MAIN, str(self.port)],
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        # Any secret key ("sk_...") is accepted; a listing answers once the routes are up.
        request = urllib.request.Request(
            f"{url}/v1/customers?limit=1", headers={"Authorization": "Bearer sk_test_testenv"}
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.proc.poll() is None:
            with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=1) as r:
                if r.status == 200:
                    log(f"localstripe on {url}")
                    return url
            time.sleep(0.1)
        output = (self.root / "localstripe.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"localstripe did not start:\n{output}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)


def main(argv: list[str]) -> int:
    want_pg = "--no-postgres" not in argv
    want_redis = "--no-redis" not in argv
    want_stripe = "--no-stripe" not in argv
    if "--" not in argv:
        print(__doc__)
        return 2
    command = argv[argv.index("--") + 1 :]
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    env = dict(os.environ)
    stoppers = []
    root = Path(tempfile.mkdtemp(prefix="tradefloor-test-"))
    os.chmod(root, 0o755)
    missing = []
    try:
        if want_pg and not env.get("DATABASE_URL"):
            bindir = find_postgres_bin()
            if bindir:
                pg = Postgres(bindir, root, durable=False)
                stoppers.append(pg.stop)
                env["DATABASE_URL"] = pg.start()
            else:
                missing.append("PostgreSQL (initdb/pg_ctl not found)")
        if want_redis and not env.get("REDIS_URL"):
            binary = shutil.which("redis-server")
            if binary:
                redis = Redis(binary, root)
                stoppers.append(redis.stop)
                env["REDIS_URL"] = redis.start()
            else:
                missing.append("Redis (redis-server not found)")
        if want_stripe and not env.get("STRIPE_API_BASE"):
            if importlib.util.find_spec("localstripe"):
                localstripe = LocalStripe(root)
                stoppers.append(localstripe.stop)
                env["STRIPE_API_BASE"] = localstripe.start()
            else:
                missing.append(
                    f"localstripe (not installed in {sys.executable}: pip install -e '.[dev]')"
                )
        for item in missing:
            log(f"not available: {item}; tests that need it will skip")
        if missing and required:
            log("REQUIRE_SERVICES=1 and a service is missing")
            return 3
        # Threads of the ASGI tests keep no connection open past a request, so the test
        # database can be dropped at the end.
        env.setdefault("DB_CONN_MAX_AGE", "0")
        proc = subprocess.Popen(command, env=env)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    finally:
        for stop in reversed(stoppers):
            stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
