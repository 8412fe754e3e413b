"""A live Tradefloor for the browser tests: `make run`'s stack on a throwaway database.

The embedded default a newcomer gets from `make run` (SQLite, the in-memory channel layer,
eager Celery), with Daphne and the auction scheduler as separate processes, loaded with the
demo (`load_demo`) whose English lot goes live a few seconds after start. Nothing of the test
process's own database is shared: the browser sees only what the server serves."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# The Stripe settings of a stack that takes cards (``LiveStack(stripe_api_base=...)``): test keys
# a Stripe-compatible server (localstripe) accepts, and the secret its webhooks are signed with.
STRIPE_SECRET_KEY = "sk_test_x"
STRIPE_PUBLISHABLE_KEY = "pk_test_x"
STRIPE_WEBHOOK_SECRET = "whsec_browser_test"


# One migrated SQLite database with the demo's lasting data (platforms, companies, people, the
# CRM, logistics, the trading history) per test run, copied for each stack, whose own
# ``load_demo --fresh`` then only makes its fresh demo tender: migrating and loading from
# nothing takes ~20 s, a copy a few milliseconds (the suite starts ten stacks or more).
_TEMPLATE: dict[str, Path] = {}


def demo_template(env: dict[str, str]) -> Path:
    if "db" not in _TEMPLATE:
        workdir = Path(tempfile.mkdtemp(prefix="tradefloor-template-"))
        atexit.register(shutil.rmtree, workdir, ignore_errors=True)
        path = workdir / "db.sqlite3"
        template_env = {
            **env,
            "SQLITE_PATH": str(path),
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        }
        for args in (["migrate", "--noinput", "-v0"], ["load_demo"]):
            result = subprocess.run(
                [sys.executable, "manage.py", *args],
                cwd=ROOT,
                env=template_env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode:
                raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stderr[-3000:]}")
        _TEMPLATE["db"] = path
        _TEMPLATE["private"] = workdir / "private"
        _TEMPLATE["media"] = workdir / "media"
    return _TEMPLATE["db"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveStack:
    def __init__(
        self,
        workdir: Path,
        *,
        live_in: int,
        duration: int,
        demo_args: tuple = (),
        stripe_api_base: str = "",
    ):
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.live_in = live_in
        self.duration = duration
        self.demo_args = tuple(demo_args)  # more load_demo options (--stagger, --turn-seconds)
        self.daphne: subprocess.Popen | None = None
        self.scheduler: subprocess.Popen | None = None
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
            # The embedded default's own SQLite settings (no DATABASE_URL): writers take the
            # lock as they begin and wait for it up to 20 s. A sqlite:// DATABASE_URL would
            # leave SQLite's defaults, whose lock upgrades fail at once ("database is locked",
            # a 503) when the scheduler writes beside a request on a loaded machine.
            "SQLITE_PATH": str(workdir / "db.sqlite3"),
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            "STATIC_ROOT": str(workdir / "static"),
            "DJANGO_DEBUG": "1",
            "PYTHONUNBUFFERED": "1",
            "TASKS_IN_BACKGROUND": "1",  # as `make run` serves: slow tasks off the request
        }
        if self.env.get("ELASTICSEARCH_URL"):
            # The suite on a cluster (tests/conftest.py): this stack's own indices, under the
            # run's prefix (deleted at the run's end), built from its database as it starts.
            run = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "tradefloor")
            self.env["ELASTICSEARCH_INDEX_PREFIX"] = f"{run}-stack-{self.port}"
        if stripe_api_base:
            # Cards through Stripe, at this Stripe-compatible server (its Stripe.js shim too).
            # Without it the stack is as before: the offline provider (bank transfers).
            self.env.update(
                {
                    "STRIPE_SECRET_KEY": STRIPE_SECRET_KEY,
                    "STRIPE_PUBLISHABLE_KEY": STRIPE_PUBLISHABLE_KEY,
                    "STRIPE_API_BASE": stripe_api_base,
                    "STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
                }
            )
        self.lots: list[int] = []

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def start(self) -> None:
        shutil.copyfile(demo_template(self.env), self.env["SQLITE_PATH"])
        if _TEMPLATE["private"].exists():  # the demo's stored documents (its history's orders)
            shutil.copytree(_TEMPLATE["private"], self.env["PRIVATE_MEDIA_ROOT"])
        if _TEMPLATE["media"].exists():  # its public uploads (the demo brand's logo)
            shutil.copytree(_TEMPLATE["media"], self.env["MEDIA_ROOT"])
        out = self.manage(
            "load_demo",
            "--port",
            str(self.port),
            "--live-in",
            str(self.live_in),
            "--duration",
            str(self.duration),
            "--fresh",
            *self.demo_args,
        )
        if self.env.get("ELASTICSEARCH_URL"):  # as a deployment's release step does
            self.manage("search_index", "--if-needed")
        self.lots = [
            int(line.split()[1].rstrip(":"))
            for line in out.splitlines()
            if line.strip().startswith("lot ")
        ]
        self.scheduler = self._spawn(["manage.py", "run_scheduler", "--interval", "0.3"], "sched")
        self.start_daphne()

    def _spawn(self, args: list[str], name: str) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        return subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )

    def start_daphne(self) -> None:
        self.daphne = self._spawn(
            [
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "marketplace.asgi:application",
            ],
            "daphne",
        )
        deadline = time.monotonic() + 60  # a hang's bound: a loaded machine starts it slowly
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), 0.2),
            ):
                return
            if self.daphne.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"daphne did not start: {self.log('daphne')[-3000:]}")
            time.sleep(0.1)

    def stop_daphne(self) -> None:
        _stop(self.daphne)
        self.daphne = None

    def stop(self) -> None:
        _stop(self.daphne)
        _stop(self.scheduler)

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # The REST API as a second supplier's script would use it (token authentication).
    def api(self, method: str, path: str, *, token: str | None = None, body: dict | None = None):
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                **({"Authorization": f"Token {token}"} if token else {}),
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read() or b"null")

    def token(self, email: str, password: str) -> str:
        return self.api("POST", "/api/auth/token/", body={"email": email, "password": password})[
            "token"
        ]


def _stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


@contextlib.contextmanager
def soon_after_the_english_lot(workdir: Path):
    """The demo with its later lots soon (the rounds, landed-cost and Japanese lots start 15 s
    after loading, turns and clock levels of 10 s), running for the ``with`` block."""
    live = LiveStack(
        workdir, live_in=5, duration=45, demo_args=("--stagger", "10", "--turn-seconds", "10")
    )
    try:
        live.start()
        yield live
    finally:
        live.stop()
