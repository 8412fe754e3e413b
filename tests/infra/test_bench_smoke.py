"""`make bench` still works: a tiny run of its pieces on the servers `make test` started.

A fresh database on the test PostgreSQL server (a copy of the run's migrated template, seeded, dropped at the end), a real
Daphne process on it with the Redis channel layer, two websocket bidders for two seconds from
the bench's client, a three-participant fan-out, the pgbench baseline for one second, and the
idle scenario's bare Daphne holding 20 sockets. It
asserts that each produced a positive figure, never a speed (docs/benchmarks.md).
"""

from __future__ import annotations

import pytest
from django.conf import settings

from infra.bench import client, pgbench
from infra.bench.stack import Stack, with_db
from tests.infra.conftest import BENCH_REDIS_DB

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_bench_smoke(bench_server, bench_template):
    redis = with_db(settings.REDIS_URL, BENCH_REDIS_DB)
    with Stack(database_server=bench_server, redis_url=redis, template=bench_template) as stack:
        stack.start_services()
        seed = stack.seed({"hot": 2, "fanout": 3})
        daphne, port = stack.start_daphne()
        base = f"ws://127.0.0.1:{port}"
        hot = seed["hot"]
        bids = client.run_scenario(
            "bids",
            {
                "base": base,
                "step": hot["step"],
                "seconds": 2,
                "connections": [[hot["id"], token] for token in hot["tokens"]],
            },
        )
        assert bids["connections"] == 2
        assert bids["accepted"] > 0 and bids["accepted_per_s"] > 0, bids

        fan = seed["fanout"]
        fanout = client.run_scenario(
            "fanout",
            {
                "base": base,
                "lot": fan["id"],
                "tokens": fan["tokens"],
                "bids": 5,
                "gap": 0,
                "start_price": fan["start_price"],
                "step": fan["step"],
            },
        )
        assert fanout["complete"] == 5 and fanout["p50_ms"] > 0, fanout
        assert daphne.poll() is None, stack.log_tail("daphne")

        pgbench.prepare(stack.pg_conn)
        baseline = pgbench.run(stack.pg_conn, rows=1, clients=2, seconds=1)
        assert baseline["tps"] > 0

        # The idle scenario's bare Daphne (Daphne's own stack, an app that only accepts).
        bare, bare_port = stack.start_daphne(
            application="infra.bench.bare_daphne:application", name="bare-daphne"
        )
        idle = client.run_scenario(
            "idle",
            {
                "base": f"ws://127.0.0.1:{bare_port}",
                "targets": [[None, None]],
                "target": 20,
                "batch": 10,
                "pid": bare.pid,
                "settle": 0,
            },
        )
        assert idle["held"] == 20 and idle["connections_per_s"] > 0, idle


def test_bench_scale_smoke(bench_server, bench_template):
    """The scale-out scenarios, small: a storm of 30 clients through a Daphne killed with
    ``kill -9`` and restarted, and 12 bidders over two Daphne processes with bid workers while
    one Daphne and one bid worker are killed; every bid acknowledged ``ok`` is in the database
    (the issue's rule, checked in CI here; ``make bench`` runs it at 200 bidders)."""
    from infra.bench import scale

    redis = with_db(settings.REDIS_URL, BENCH_REDIS_DB)
    s = {
        **scale.settings_from_env(),
        "storm_clients": 30,
        "storm_restart_delay": 0.2,
        "survive_seconds": 12,
        "survive_daphne": 2,
    }
    with Stack(database_server=bench_server, redis_url=redis, template=bench_template) as stack:
        stack.start_services()
        seed = stack.seed({"crowd": 6, "spread_lots": 6, "spread_bidders": 2})
        storm = scale.scenario_storm(stack, seed, s)
        assert storm["ours"]["reconnected"] == 30 and storm["ours"]["failed"] == 0, storm
        assert storm["baseline"]["reconnected"] == 30, storm

        survive = scale.scenario_survive(stack, seed, s)["ours"]
        assert [k["what"] for k in survive["kills"]] == ["daphne", "bid worker"], survive
        assert survive["accepted"] > 0, survive
        assert survive["missing"] == 0 and survive["differ"] == 0, survive
