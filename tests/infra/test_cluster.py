"""`make cluster-check` in the suite: the scripted auction (three suppliers, a proxy, a pause,
two soft-close extensions, the award) on the embedded default and on the cluster (HAProxy over
3 Daphne processes with 2 bid workers, 2 schedulers, Celery worker and beat, PostgreSQL and
Redis), each supplier on a different Daphne; the two protocols must agree and both chains verify
(infra/cluster/check.py, docs/cluster.md).

Needs PostgreSQL and Redis (the servers `make test` starts: a fresh database copied from the
run's migrated template, and a Redis database of its own) and Debian's haproxy: without it the
test skips, under REQUIRE_SERVICES=1 it fails. About 1.5-2 minutes, mostly the lots' clocks and
the embedded stack's SQLite migrations.
"""

from __future__ import annotations

import copy
import io
import os

import pytest
from django.conf import settings

from infra.bench.stack import with_db
from infra.cluster import check, haproxy, protocol
from infra.cluster.stacks import Embedded

# The cluster's channel layer, cache and Celery broker: a Redis database no other test uses.
CLUSTER_REDIS_DB = "12"


@pytest.fixture(scope="session")
def haproxy_binary():
    if haproxy.binary() is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("REQUIRE_SERVICES=1 but haproxy is missing (apt-get install -y haproxy)")
        pytest.skip("needs HAProxy: apt-get install -y haproxy")


@pytest.fixture(scope="session")
def embedded_migrating(haproxy_binary):
    """The embedded stack with its SQLite migrations begun (~40 s), before the session's
    PostgreSQL template (bench_template) is migrated, so that the two overlap."""
    stack = Embedded()
    stack.migrate_start()
    yield stack
    stack.close()


@pytest.mark.postgres
@pytest.mark.redis
def test_the_cluster_runs_the_scripted_auction_as_the_embedded_default(
    embedded_migrating, bench_server, bench_template
):
    out = io.StringIO()
    ok = check.run(
        database_server=bench_server,
        redis_url=with_db(settings.REDIS_URL, CLUSTER_REDIS_DB),
        template=bench_template,
        embedded=embedded_migrating,
        out=out,
    )
    report = out.getvalue()
    assert ok, report
    assert "S1 on daphne" in report and "cluster-check passed" in report, report


def _entry(seq: int, prev: str, kind: str, payload: dict, actor=None) -> dict:
    from datetime import UTC, datetime

    from auctions.events import event_hash

    at = datetime(2026, 12, 5, 10, 0, seq, 120000, tzinfo=UTC)
    digest = event_hash(
        prev_hash=prev, seq=seq, kind=kind, created_at=at, actor_id=actor, payload=payload
    )
    return {
        "seq": seq,
        "kind": kind,
        "actor": actor,
        "payload": payload,
        "created_at": at.isoformat().replace("+00:00", "Z"),
        "prev_hash": prev,
        "hash": digest,
    }


def test_the_recomputed_chain_is_the_servers_rule_and_catches_a_rewritten_entry():
    first = _entry(1, protocol.GENESIS, "status_changed", {"from": "auction_scheduled"})
    second = _entry(2, first["hash"], "bid_placed", {"amount": "99000.00", "label": 1}, actor=7)
    assert protocol.recompute([first, second]) == (True, "2 entries verify")
    forged = copy.deepcopy(second)
    forged["payload"]["amount"] = "89000.00"
    assert protocol.recompute([first, forged])[0] is False
    assert protocol.recompute([second])[0] is False  # a missing first entry


def test_a_difference_between_the_protocols_prints_as_a_diff():
    record = {
        "events": [{"seq": 1, "kind": "bid_placed", "payload": {"amount": "99000.00"}}],
        "bids": [],
        "standing": {"extensions": 2},
        "chain": {"server": True, "recomputed": True},
        "script": [],
    }
    assert protocol.diff("embedded", record, "cluster", copy.deepcopy(record)) == ""
    other = copy.deepcopy(record)
    other["events"][0]["payload"]["amount"] = "98000.00"
    other["standing"]["extensions"] = 1
    text = protocol.diff("embedded", record, "cluster", other)
    assert "--- embedded:events" in text and "+++ cluster:events" in text
    assert '-   "amount": "99000.00"' in text and '+   "amount": "98000.00"' in text
    assert "embedded:standing" in text and '+ "extensions": 1' in text


def test_an_extension_is_compared_by_its_length_not_its_times():
    payload = {
        "from": "2026-12-05T10:00:20+00:00",
        "to": "2026-12-05T10:00:26+00:00",
        "extensions": 1,
    }
    assert protocol._payload("extended", payload) == {"by_seconds": 6.0, "extensions": 1}
