"""One migrated database per test run for the bench smoke tests: each test's stack copies it
(``CREATE DATABASE ... TEMPLATE``, a second) instead of migrating its own (half a minute or
more each)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from infra.bench.stack import Stack, with_db


@pytest.fixture(scope="session")
def bench_server() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}/postgres"


# The bench's channel layer and presence cache on their own Redis database.
BENCH_REDIS_DB = "13"


@pytest.fixture(scope="session")
def bench_template(bench_server):
    """The name of a freshly migrated database on the test server, dropped at the end."""
    stack = Stack(
        database_server=bench_server,
        redis_url=with_db(settings.REDIS_URL, BENCH_REDIS_DB),
        db_name=f"tradefloor_bench_template_{os.getpid()}",
    )
    try:
        stack.start_services()
        stack.migrate()
        yield stack.db_name
    finally:
        stack.close()
