#!/usr/bin/env python3
"""The whole suite as ``make test`` runs it: two parts at once, each with its own throwaway
servers (``infra/testenv.py``: its own PostgreSQL, Redis and localstripe), so that nothing one
part does (a Redis restarted by a fault test, a lot's group on the channel layer, a database's
ids) can reach the other.

The parts: the tests that mostly wait (browsers, Daphne and bench stacks started as processes,
faults injected, the demo loaded) with a few heavy packages to even them out,
beside the rest. On two cores the waiting overlaps the computing. Balanced by measured time:
on 2026-12-05 the waiting tests alone took 11 min and the rest 27 (the whole 27.4 min); moving
deals, events, notifications and logistics (~8 min) evened them. On 2026-12-05 (later, the
tests' PostgreSQL without fsync) the waiting part took 929 s and the rest 767: logistics went
back to the rest. On 2026-12-06 the waiting part took 1,180 s and the rest 1,142 s; the
rest then lost ~170 s (an unknown websocket path's 4 x 30 s wait, the timeline test's scale)
and deals (~100 s) went back to it (887 s: 792 and 882); then 844 s (707 and 838), and the API
fuzzer went to the rest too. Each part's lines are printed as they come, prefixed with
its name; the exit status is the first failing part's.

Usage: python infra/testsuite.py [PYTEST ARGS...]. With arguments naming tests, one pytest
runs them (through ``infra/testenv.py``), as before.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The part that mostly waits on processes, browsers and sockets, and what evens the parts out.
WAITING = [
    "tests/browser",
    "tests/infra",
    "tests/faults",
    "tests/demo",
    "tests/core/test_demo.py",
    "tests/auctions/test_ws_multiprocess.py",
    "tests/events",
    "tests/notifications",
]


def _pump(name: str, proc: subprocess.Popen, lock: threading.Lock) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        with lock:
            sys.stdout.write(f"[{name}] {line}")
            sys.stdout.flush()


def main(argv: list[str]) -> int:
    testenv = [sys.executable, str(ROOT / "infra" / "testenv.py"), "--"]
    pytest = [sys.executable, "-m", "pytest"]
    if any((ROOT / a.split("::")[0]).exists() for a in argv):  # tests named: one run
        return subprocess.call([*testenv, *pytest, *argv], cwd=ROOT)
    parts = {
        "waiting": [*WAITING, *argv],
        "computing": ["tests", *[f"--ignore={path}" for path in WAITING], *argv],
    }
    lock = threading.Lock()
    procs: dict[str, subprocess.Popen] = {}
    threads = []
    started = time.monotonic()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name, args in parts.items():
        procs[name] = subprocess.Popen(
            [*testenv, *pytest, *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        thread = threading.Thread(target=_pump, args=(name, procs[name], lock), daemon=True)
        thread.start()
        threads.append(thread)
    codes = {name: proc.wait() for name, proc in procs.items()}
    for thread in threads:
        thread.join(timeout=10)
    took = time.monotonic() - started
    for name, code in codes.items():
        print(f"[{name}] exit status {code}")
    print(f"the whole suite took {took:.0f} s in {len(parts)} parts at once")
    return next((code for code in codes.values() if code), 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
