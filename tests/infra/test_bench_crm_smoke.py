"""The crm scenario of `make bench` still works: a tiny seed on a fresh database of the test
PostgreSQL server (a copy of the run's migrated template, dropped at the end) and a few samples of each case. It asserts
only that every case produced its figures and the seed its rows, never a speed
(docs/benchmarks.md)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from infra.bench.stack import Stack, with_db
from tests.infra.conftest import BENCH_REDIS_DB

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_bench_crm_smoke(bench_server, bench_template):
    redis = with_db(settings.REDIS_URL, BENCH_REDIS_DB)
    with Stack(database_server=bench_server, redis_url=redis, template=bench_template) as stack:
        stack.start_services()
        config = {
            "accounts": 300,
            "contacts": 600,
            "timeline": 2000,
            "opportunities": 50,
            "n": 3,
            "warmup": 1,
        }
        out = json.loads(
            stack.run_python(["-m", "infra.bench.crm", json.dumps(config)]).strip().splitlines()[-1]
        )
    seed = out["seed"]
    assert (seed["accounts"], seed["timeline"], seed["opportunities"]) == (300, 2000, 50)
    assert set(out["cases"]) == {
        "accounts_text",
        "accounts_stage_owner",
        "timeline_first",
        "timeline_deep",
        "board",
    }
    for name, case in out["cases"].items():
        for side in ("ours", "baseline"):
            assert case[side]["n"] == 3 and case[side]["p95_ms"] > 0, (name, case)
