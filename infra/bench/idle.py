"""The idle scenario (``make bench``): a fresh Daphne holding up to ``BENCH_IDLE_TARGET``
supplier sockets, its memory per connection and its connect rate, against the relay and, for
the rate, a bare Daphne (``infra/bench/bare_daphne.py``). See docs/benchmarks.md."""

from __future__ import annotations

import time

from infra.bench.common import client, fmt, profiled, ratio, verdict
from infra.bench.stack import Stack, log, redis_clients

TARGET_IDLE_CONNECTIONS = 5000
TARGET_IDLE_KIB = 30  # issue 21's bar (it was 40 before)
TARGET_CONNECTS_PER_S = 1000  # issue 21's bar for one Daphne


def scenario(stack: Stack, seed: dict, s: dict) -> dict:
    targets = [[lot["id"], t] for lot in seed["idle"] for t in lot["tokens"]]
    common = {
        "target": s["idle_target"],
        "batch": s["idle_batch"],
        "max_seconds": s["idle_max_seconds"],
    }
    daphne, port = stack.start_daphne()  # a fresh process: its RSS is that of this scenario
    try:
        base_url = f"ws://127.0.0.1:{port}"
        client("bids", {"base": base_url, "seconds": 0, "connections": targets[:10]})  # warm up
        time.sleep(1)
        log(f"idle: up to {s['idle_target']} connections to Daphne (pid {daphne.pid})")
        redis_before = redis_clients(stack.redis_url)
        with profiled(daphne.pid, "idle", s["output"]):  # its own Daphne, not the stack's
            ours = client(
                "idle",
                {
                    **common,
                    "base": base_url,
                    "targets": targets,
                    "pid": daphne.pid,
                    "redis": stack.redis_url,
                },
            )
        ours["redis_clients_before"] = redis_before
        ours["redis_clients_after"] = ours.pop("redis_clients", None)
        if daphne.poll() is not None:
            raise RuntimeError(f"Daphne died during idle:\n{stack.log_tail('daphne')}")
        if ours["failed"]:
            ours["server_log"] = stack.log_tail("daphne", 20)
            log(f"idle: {ours['failed']} connections failed: {ours['errors']}")
    finally:
        stack.stop(daphne)
    bare_daphne = _the_same_against(
        stack,
        stack.start_daphne(application="infra.bench.bare_daphne:application", name="bare-daphne"),
        "a bare Daphne, an app that only accepts",
        common,
    )
    base = _the_same_against(stack, stack.start_relay(), "the relay", common)
    kib = ours["kib_per_connection"]
    return {
        "ours": ours,
        "baseline": base,
        "bare_daphne": bare_daphne,
        "distinct": _distinct(stack, seed, common),
        "ratio": ratio(kib, base["kib_per_connection"]),
        "target": f"{TARGET_IDLE_CONNECTIONS} connections at <= {TARGET_IDLE_KIB} KiB each",
        "pass": ours["held"] >= TARGET_IDLE_CONNECTIONS
        and kib is not None
        and kib <= TARGET_IDLE_KIB,
    }


def _distinct(stack: Stack, seed: dict, common: dict) -> dict | None:
    """The connect rate of a fresh Daphne for a crowd of *different* suppliers of one lot
    (the storm's lot, when it is seeded: ``BENCH_SCENARIOS`` with storm or crowd): each
    socket's token is read cold and each supplier's presence is new, as after a restart. The
    main run cycles over its lots' 200 (lot, supplier) pairs, so most of its sockets
    are a second one of a supplier already seen."""
    lot = seed.get("crowd")
    if not lot:
        return None
    targets = [[lot["id"], t] for t in lot["tokens"]]
    return _the_same_against(
        stack,
        stack.start_daphne(),
        f"{len(targets)} different suppliers of lot {lot['id']}, a fresh Daphne",
        {**common, "target": len(targets)},
        targets=targets,
    )


def _the_same_against(
    stack: Stack, started: tuple, what: str, common: dict, targets: list | None = None
) -> dict:
    """The same connections to another server (``started``: its process and port), which is
    stopped after: a baseline (no lots, ``targets`` left out), or ours for other suppliers."""
    proc, port = started
    try:
        log(f"idle: the same to {what} (pid {proc.pid})")
        return client(
            "idle",
            {
                **common,
                "base": f"ws://127.0.0.1:{port}",
                "targets": targets or [[None, None]],
                "pid": proc.pid,
            },
        )
    finally:
        stack.stop(proc)


def table_rows(result: dict | None) -> list[tuple]:
    if not result:
        return []
    o, b, bare = result["ours"], result["baseline"], result.get("bare_daphne")
    distinct = result.get("distinct")

    def row(first: str, measure: str, key: str, base: dict, target: str, outcome: str) -> tuple:
        ours, theirs = o[key], base[key]
        return (
            first,
            measure,
            fmt(ours),
            fmt(theirs),
            fmt(ratio(ours, theirs), 2),
            target,
            outcome,
        )

    fast_enough = (o["connections_per_s"] or 0) >= TARGET_CONNECTS_PER_S
    rows = [
        row(
            "idle",
            f"connections held (of {o['target']})",
            "held",
            b,
            f">= {TARGET_IDLE_CONNECTIONS}",
            "",
        ),
        row(
            "", "KiB RSS per connection", "kib_per_connection", b, result["target"], verdict(result)
        ),
        row(
            "",
            "connections opened per second",
            "connections_per_s",
            b,
            f">= {TARGET_CONNECTS_PER_S}",
            "PASS" if fast_enough else "FAIL",
        ),
    ]
    if bare:  # Daphne's own stack: the same connections to a bare Daphne
        rows.append(
            row(
                "",
                "  the same against a bare Daphne (accepts only)",
                "connections_per_s",
                bare,
                "",
                "",
            )
        )
    if distinct:  # a fresh Daphne, every socket a different supplier (cold)
        rows.append(
            (
                "",
                f"  {distinct['held']} different suppliers of one lot, a fresh Daphne",
                fmt(distinct["connections_per_s"]),
                fmt(bare and bare["connections_per_s"]),
                fmt(ratio(distinct["connections_per_s"], bare and bare["connections_per_s"]), 2),
                "vs the bare Daphne",
                "",
            )
        )
    return rows
