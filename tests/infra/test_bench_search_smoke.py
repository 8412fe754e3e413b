"""The search scenario of `make bench` still works: a tiny seed on a fresh database of the test
PostgreSQL server (a copy of the run's migrated template, dropped at the end) and a few samples of each case. It asserts
that the seeded index is what ``search.documents`` makes of the seeded rows, that every case
produced its figures and found what it should, and the orchestrator's rows; never a speed
(docs/benchmarks.md)."""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from infra.bench import search_scenario
from infra.bench.stack import Stack, with_db
from tests.infra.conftest import BENCH_REDIS_DB

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_bench_search_smoke(bench_server, bench_template):
    redis = with_db(settings.REDIS_URL, BENCH_REDIS_DB)
    with Stack(database_server=bench_server, redis_url=redis, template=bench_template) as stack:
        stack.start_services()
        config = {"tenders": 400, "suppliers": 60, "products": 600, "n": 2, "warmup": 1}
        out = json.loads(
            stack.run_python(["-m", "infra.bench.search_scenario", json.dumps(config)])
            .strip()
            .splitlines()[-1]
        )
    seed = out["seed"]
    assert (seed["tenders"], seed["suppliers"], seed["products"]) == (400, 60, 600)
    indexed = seed["indexed"]
    assert indexed["suppliers"] == 60
    assert 350 < indexed["tenders"] < 400  # drafts are not indexed
    assert 550 < indexed["products"] <= 600  # nor inactive products
    for kind, checked in out["verify"].items():
        assert checked["compared"] >= 10 and checked["differ"] == {}, (kind, checked)
    names = {
        f"{kind}_{query}_{user}"
        for kind in search_scenario.KINDS
        for query, _what, _params in search_scenario.QUERIES
        for user in search_scenario.USERS
    }
    assert set(out["cases"]) == names
    for name, case in out["cases"].items():
        for side in ("ours", "baseline"):
            assert case[side]["n"] == 2 and case[side]["p95_ms"] > 0, (name, case)
        assert case["queries"]["count"] > 0 and case["queries"]["plan"], name
        answer = case["answer"]
        assert answer["facets"], name
        if case["query"] == "typo":
            assert answer["typo"] and answer["total"] > 0, (name, answer)
        elif case["kind"] != "suppliers" or case["query"] != "filter":
            assert answer["total"] > 0 and not answer["typo"], (name, answer)
    # The signed-in supplier sees more tenders than a stranger: its dedicated platform's and
    # its invitations.
    cases = out["cases"]
    assert (
        cases["tenders_empty_supplier"]["answer"]["total"]
        > cases["tenders_empty_anonymous"]["answer"]["total"]
    )
    result = {
        "cases": {
            name: {**case, "ratio": 1.0, "target": "p95 <= 50 ms", "pass": True}
            for name, case in cases.items()
        }
    }
    rows = search_scenario.table_rows(result, lambda value, digits=1: str(value))
    assert len(rows) == 2 * len(names) and rows[0][0] == "search"
