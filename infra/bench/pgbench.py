"""The database baseline: pgbench running the bid transaction's shape on the same server.

The shape (docs: /work/shared/docs/performance.md) is that of ``bidding.place.bid_place`` reduced to
its writes: lock the lot row, insert a bid, update the lot's best, count and end, commit, with
fsync and synchronous_commit on. It runs on a scratch schema ``bench`` (a lot table of 100 rows
and a bid table), so the application's tables are untouched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from infra.testenv import find_postgres_bin

SCHEMA = """
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench;
CREATE TABLE bench.lot (
    id integer PRIMARY KEY, best_price numeric(18, 2), bid_count integer NOT NULL DEFAULT 0,
    ends_at timestamptz NOT NULL, updated_at timestamptz
);
CREATE TABLE bench.bid (
    id bigserial PRIMARY KEY, lot_id integer NOT NULL REFERENCES bench.lot (id),
    amount numeric(18, 2) NOT NULL, client_bid_id varchar(64) NOT NULL, placed_at timestamptz NOT NULL
);
CREATE INDEX ON bench.bid (lot_id, client_bid_id);
INSERT INTO bench.lot (id, best_price, ends_at)
    SELECT i, 10000000, now() + interval '3 hours' FROM generate_series(1, 100) AS i;
"""

SCRIPT = """\\set id {id}
\\set amount random(1, 9999999)
BEGIN;
SELECT id, best_price, bid_count, ends_at FROM bench.lot WHERE id = :id FOR UPDATE;
INSERT INTO bench.bid (lot_id, amount, client_bid_id, placed_at)
    VALUES (:id, :amount, 'c-' || :client_id || '-' || random(), now());
UPDATE bench.lot SET best_price = LEAST(best_price, :amount), bid_count = bid_count + 1,
    ends_at = GREATEST(ends_at, now() + interval '2 min'), updated_at = now() WHERE id = :id;
COMMIT;
"""


def _bin(name: str) -> str:
    bindir = find_postgres_bin()
    if bindir and (bindir / name).exists():
        return str(bindir / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found")
    return found


def _conn_args(conn: dict) -> list[str]:
    return ["-h", conn["host"], "-p", conn["port"], "-U", conn["user"]]


def prepare(conn: dict) -> None:
    subprocess.run(
        [_bin("psql"), *_conn_args(conn), "-d", conn["dbname"], "-q", "-v", "ON_ERROR_STOP=1"],
        input=SCHEMA,
        text=True,
        check=True,
        capture_output=True,
    )


def run(conn: dict, *, rows: int, clients: int, seconds: float) -> dict:
    """pgbench -n -f script -c clients -j 2 -T seconds (simple protocol): tps and latency."""
    with tempfile.TemporaryDirectory(prefix="bench-pgbench-") as tmp:
        script = Path(tmp) / "bid.sql"
        script.write_text(SCRIPT.format(id="1" if rows == 1 else f"random(1, {rows})"))
        args = [
            _bin("pgbench"),
            *_conn_args(conn),
            "-n",
            "-f",
            str(script),
            "-M",
            "simple",
            "-c",
            str(clients),
            "-j",
            str(min(2, clients)),
            "-T",
            str(max(1, round(seconds))),
            conn["dbname"],
        ]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    if proc.returncode != 0:
        raise RuntimeError(f"pgbench failed: {proc.stderr[-2000:]}")
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
    latency = re.search(r"latency average = ([\d.]+) ms", proc.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    if not tps:
        raise RuntimeError(f"no tps in pgbench's output:\n{proc.stdout}")
    return {
        "tps": float(tps.group(1)),
        "latency_ms": float(latency.group(1)) if latency else None,
        "failed": int(failed.group(1)) if failed else 0,
        "rows": rows,
        "clients": clients,
        "seconds": seconds,
    }
