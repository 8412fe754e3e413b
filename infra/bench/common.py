"""What the benchmark's scenario modules share: settings from the environment, running a client
scenario in its own process, profiling a server with py-spy, ratios and number formatting."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
from pathlib import Path

from infra.bench.stack import PYTHON, ROOT, log


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def env_ints(name: str, default: str) -> list[int]:
    return [int(x) for x in os.environ.get(name, default).split(",") if x.strip()]


def client(name: str, config: dict, timeout: float = 400) -> dict:
    """Run one client scenario in its own process; its answer is its last stdout line."""
    proc = subprocess.run(
        [PYTHON, "-m", "infra.bench.client", name, json.dumps(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"client {name} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ratio(ours: float | None, base: float | None) -> float | None:
    if ours is None or not base:
        return None
    return ours / base


def verdict(result: dict) -> str:
    return {True: "PASS", False: "FAIL", None: "INFO"}[result["pass"]]


def fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


@contextlib.contextmanager
def profiled(pid: int, name: str, output: str):
    """With BENCH_PYSPY, sample Daphne with py-spy while the scenario runs."""
    pyspy = os.environ.get("BENCH_PYSPY")
    if not pyspy:
        yield
        return
    path = Path(output).parent / f"profile-{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            pyspy,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "200",
            "--threads",
            "--subprocesses",  # the bid workers too
            "--nonblocking",
            *(["--gil"] if os.environ.get("BENCH_PYSPY_GIL") else []),
            "-o",
            str(path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log(f"profile of {name}: {path}")
