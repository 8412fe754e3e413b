"""The scale-out scenarios of `make bench` (issue 21), each against a baseline of the same run:

- ``contention``: the hot lot at 4, 16 and 64 bidders (``BENCH_CONTENTION_BIDDERS``), against
  pgbench at as many clients on one row; the figure is how much of its 4-bidder rate the lot
  keeps at 64, beside how much pgbench keeps.
- ``crowd``: the fan-out with ``BENCH_CROWD_PARTICIPANTS`` (1,000) on one lot, against the relay
  with the same clients (``run.scenario_fanout`` on a lot of its own).
- ``storm``: ``BENCH_STORM_CLIENTS`` (1,000) connected to one Daphne, which is killed (``kill
  -9``) and started again on its port; every client reconnects as the auction room does. Figures:
  failures, the last snapshot's delay after the new process listens, snapshots per second, and
  the lot group's members left in Redis by the dead process. Baseline: the relay, killed and
  restarted the same way, the same clients.
- ``survive``: bidders over ``BENCH_DAPHNE`` (>= 2; 3 by default here) Daphne processes, each
  with its bid worker; one Daphne is killed a third of the way through and started again, one
  bid worker two thirds through. Every bid a client was told ``ok`` is looked up in the
  database: the figure is how many are missing (must be none).
"""

from __future__ import annotations

import json
import os
import subprocess
import time

from infra.bench import pgbench
from infra.bench.common import client, env_float, env_int, env_ints, profiled, ratio
from infra.bench.stack import PYTHON, ROOT, Stack, children, cmdline, log

SCALE = ("contention", "crowd", "storm", "survive")
TARGET_CONTENTION_KEEP = 0.90
TARGET_STORM_SECONDS = 3.0


def settings_from_env() -> dict:
    return {
        "contention_bidders": env_ints("BENCH_CONTENTION_BIDDERS", "4,16,64"),
        "crowd_participants": env_int("BENCH_CROWD_PARTICIPANTS", 1000),
        "crowd_bids": env_int("BENCH_CROWD_BIDS", 100),
        "storm_clients": env_int("BENCH_STORM_CLIENTS", 1000),
        "storm_restart_delay": env_float("BENCH_STORM_RESTART_DELAY", 1.0),
        "survive_seconds": env_float("BENCH_SURVIVE_SECONDS", 30),
        "survive_daphne": max(2, env_int("BENCH_SURVIVE_DAPHNE", 3)),
    }


def seed_config(want: set, s: dict) -> dict:
    """What the seed must make for the scale scenarios named in ``want``."""
    out: dict = {}
    if "contention" in want:
        out["contention"] = max(s["contention_bidders"])
    if want & {"crowd", "storm"}:
        out["crowd"] = max(
            s["crowd_participants"] if "crowd" in want else 0,
            min(s["storm_clients"], s["crowd_participants"]) if "storm" in want else 0,
        )
    return out


# --- contention --------------------------------------------------------------------------------


def scenario_contention(stack: Stack, seed: dict, ports: list[int], s: dict) -> dict:
    lot = seed["contention"]
    runs = []
    for n in sorted(s["contention_bidders"]):
        log(f"contention: {n} bidders on lot {lot['id']} for {s['seconds']} s")
        ours = client(
            "bids",
            {
                "bases": [f"ws://127.0.0.1:{p}" for p in ports],
                "step": lot["step"],
                "seconds": s["seconds"],
                "connections": [[lot["id"], t] for t in lot["tokens"][:n]],
            },
        )
        log(f"contention: pgbench -c {n} on 1 row")
        base = pgbench.run(stack.pg_conn, rows=1, clients=n, seconds=s["seconds"])
        runs.append({"bidders": n, "ours": ours, "baseline": base})
    first, last = runs[0], runs[-1]
    keep = ratio(last["ours"]["accepted_per_s"], first["ours"]["accepted_per_s"])
    base_keep = ratio(last["baseline"]["tps"], first["baseline"]["tps"])
    return {
        "runs": runs,
        "keep": keep,
        "baseline_keep": base_keep,
        "ratio": ratio(keep, base_keep),
        "target": f"{last['bidders']} bidders keep >= {TARGET_CONTENTION_KEEP:.0%} of {first['bidders']}'s rate",
        "pass": keep is not None and keep >= TARGET_CONTENTION_KEEP,
    }


# --- storm -------------------------------------------------------------------------------------


def group_members(redis_url: str, lot_id: int) -> int:
    """The processes still members of the lot's group in Redis: the pub/sub layer's
    subscribers of the group's channel (``CHANNEL_LAYER=pubsub``, the default), or the list
    layer's members in the group's sorted set."""
    import redis

    server = redis.Redis.from_url(redis_url)
    try:
        channels = list(server.pubsub_channels(f"*__group__lot.{lot_id}"))
        subscribed = sum(n for _c, n in server.pubsub_numsub(*channels)) if channels else 0
        listed = sum(server.zcard(k) for k in server.scan_iter(f"*:group:lot.{lot_id}"))
        return subscribed + listed
    finally:
        server.close()


def _storm(stack: Stack, start, targets: list, s: dict) -> tuple[dict, subprocess.Popen]:
    """Start a server (``start(port=None)`` returns the process and its port), connect the
    storm's clients, kill it (``kill -9``) when they are all in, start it again on its port
    after a supervisor's delay, and collect the reconnection. Returns it with the new server
    process (the caller stops it)."""
    server, port = start()
    config = {
        "base": f"ws://127.0.0.1:{port}",
        "targets": targets,
        "clients": s["storm_clients"],
        "batch": 200,
        "max_seconds": 120,
    }
    proc = subprocess.Popen(
        [PYTHON, "-m", "infra.bench.client_scale", "storm", json.dumps(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        if not line.startswith('{"phase": "connected"'):
            raise RuntimeError(f"storm client: {line}{proc.stderr.read()[-3000:]}")  # type: ignore[union-attr]
        killed_at = time.monotonic()
        stack.kill(server)
        time.sleep(s["storm_restart_delay"])
        server, _port = start(port)
        listening_at = time.monotonic()
        with profiled(server.pid, f"storm-{start.__name__}", s.get("output", "")):  # restarted
            out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    if proc.returncode != 0:
        raise RuntimeError(f"storm client failed:\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["killed_at"] = killed_at
    result["listening_at"] = listening_at
    last = result["last_snapshot"]
    result["last_after_listening_s"] = None if last is None else last - listening_at
    span = None if last is None else last - max(result["first_snapshot"], listening_at)
    result["snapshots_per_s"] = result["reconnected"] / span if span else None
    return result, server


def scenario_storm(stack: Stack, seed: dict, s: dict) -> dict:
    lot = seed["crowd"]
    targets = [[lot["id"], t] for t in lot["tokens"]]
    log(f"storm: {s['storm_clients']} clients on lot {lot['id']}, Daphne killed and restarted")
    ours, daphne = _storm(stack, stack.start_daphne, targets, s)
    try:
        # Every client has gone: the live process left the lot's group as its last socket
        # closed; what is still there is the killed process's membership. On the list layer
        # its group expiry removes it (until then each change is pushed to it in vain); the
        # pub/sub layer's subscription ended with the killed process's connection.
        time.sleep(2)
        ours["stale_group_members"] = group_members(stack.redis_url, lot["id"])
    finally:
        stack.stop(daphne)
    log("storm: the same against the relay")
    base, relay = _storm(stack, stack.start_relay, [[None, None]], s)
    stack.stop(relay)
    ok = ours["failed"] == 0 and (ours["last_after_listening_s"] or 1e9) <= TARGET_STORM_SECONDS
    return {
        "ours": ours,
        "baseline": base,
        "ratio": ratio(ours["last_after_listening_s"], base["last_after_listening_s"]),
        "target": f"0 failures, every snapshot <= {TARGET_STORM_SECONDS:.0f} s after the restart",
        "pass": ok,
    }


# --- survive -----------------------------------------------------------------------------------


def _bid_worker(daphne_pid: int) -> int | None:
    """One of the Daphne's bid workers: forked before it listened (its command line is the
    Daphne's), or spawned since (multiprocessing's), not multiprocessing's resource tracker."""
    try:
        own = cmdline(daphne_pid)
    except OSError:
        return None
    for pid in children(daphne_pid):
        try:
            line = cmdline(pid)
        except OSError:
            continue
        if b"resource_tracker" not in line and (b"spawn_main" in line or line == own):
            return pid
    return None


def scenario_survive(stack: Stack, seed: dict, s: dict) -> dict:
    import psycopg

    lots = seed["spread"]
    connections = [[lot["id"], t] for lot in lots for t in lot["tokens"]]
    daphnes = [stack.start_daphne() for _ in range(s["survive_daphne"])]
    ports = [port for _proc, port in daphnes]
    seconds = s["survive_seconds"]
    config = {
        "bases": [f"ws://127.0.0.1:{p}" for p in ports],
        "step": lots[0]["step"],
        "seconds": seconds,
        "connections": connections,
    }
    log(
        f"survive: {len(connections)} bidders over {len(ports)} Daphne with bid workers for "
        f"{seconds:.0f} s; kill -9 of a Daphne at {seconds / 3:.0f} s, of a bid worker at "
        f"{2 * seconds / 3:.0f} s"
    )
    proc = subprocess.Popen(
        [PYTHON, "-m", "infra.bench.client_scale", "survive", json.dumps(config)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    kills = []
    try:
        time.sleep(seconds / 3)
        victim, port = daphnes[0]
        stack.kill(victim)
        kills.append({"what": "daphne", "pid": victim.pid, "at_s": round(seconds / 3, 1)})
        time.sleep(1)
        daphnes[0] = stack.start_daphne(port)
        time.sleep(seconds / 3 - 1)
        worker = _bid_worker(daphnes[1][0].pid)
        if worker is not None:
            os.kill(worker, 9)
            kills.append({"what": "bid worker", "pid": worker, "at_s": round(2 * seconds / 3, 1)})
        out, err = proc.communicate(timeout=seconds + 120)
    finally:
        if proc.poll() is None:
            proc.kill()
        for daphne, _port in daphnes:
            stack.stop(daphne)
    if proc.returncode != 0:
        raise RuntimeError(f"survive client failed:\n{err[-3000:]}")
    ours = json.loads(out.strip().splitlines()[-1])
    acked = ours.pop("acked")
    with psycopg.connect(stack.database_url) as conn:
        rows = conn.execute(
            "SELECT client_bid_id, lot_id, amount FROM auctions_bid WHERE client_bid_id = ANY(%s)",
            (list(acked),),
        ).fetchall()
    found = {cid: [lot, f"{amount:.2f}"] for cid, lot, amount in rows}
    missing = [cid for cid in acked if cid not in found]
    differ = [cid for cid in acked if cid in found and found[cid] != acked[cid]]
    ours.update(kills=kills, missing=len(missing), differ=len(differ), daphne=len(ports))
    ours["missing_examples"] = missing[:5]
    return {
        "ours": ours,
        "target": "every bid acknowledged ok is in the database",
        "pass": not missing and not differ and len(kills) == 2,
    }


# --- output ------------------------------------------------------------------------------------


def table_rows(results: dict, f) -> list[tuple]:
    rows: list[tuple] = []
    if r := results.get("contention"):
        for k, run in enumerate(r["runs"]):
            o, b = run["ours"], run["baseline"]
            rows.append(
                (
                    "contention" if k == 0 else "",
                    f"accepted bids/s, 1 lot, {run['bidders']} bidders vs pgbench -c {b['clients']}",
                    f(o["accepted_per_s"]),
                    f(b["tps"]),
                    f(ratio(o["accepted_per_s"], b["tps"]), 2),
                    "",
                    "",
                )
            )
        rows.append(
            (
                "",
                "  share of the fewest bidders' rate kept by the most (ours vs pgbench's)",
                f(r["keep"], 2),
                f(r["baseline_keep"], 2),
                f(r["ratio"], 2),
                r["target"],
                {True: "PASS", False: "FAIL"}[r["pass"]],
            )
        )
    if r := results.get("storm"):
        o, b = r["ours"], r["baseline"]
        rows.append(
            (
                "storm",
                f"{o['clients']} reconnect after kill -9: last snapshot s after the restart",
                f(o["last_after_listening_s"], 2),
                f(b["last_after_listening_s"], 2),
                f(r["ratio"], 2),
                r["target"],
                {True: "PASS", False: "FAIL"}[r["pass"]],
            )
        )
        rows.append(
            (
                "",
                "  failed, attempts, snapshots/s, stale lot group members in Redis",
                f"{o['failed']}, {o['attempts']}, {f(o['snapshots_per_s'])}, {o['stale_group_members']}",
                f"{b['failed']}, {b['attempts']}, {f(b['snapshots_per_s'])}",
                "",
                "",
                "",
            )
        )
    if r := results.get("survive"):
        o = r["ours"]
        rows.append(
            (
                "survive",
                f"bids acknowledged ok, {o['connections']} bidders on {o['daphne']} Daphne, "
                f"{len(o['kills'])} kill -9: missing from the database",
                f"{o['missing']} of {o['accepted']:,}",
                "0",
                "",
                r["target"],
                {True: "PASS", False: "FAIL"}[r["pass"]],
            )
        )
        rows.append(
            (
                "",
                "  sockets lost, reconnects, bids resent, answered unavailable",
                f"{o['lost_sockets']}, {o['reconnects']}, {o['resent']}, {o['unavailable']}",
                "",
                "",
                "",
                "",
            )
        )
    return rows
