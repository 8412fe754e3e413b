"""One migrated database per test run for the bench smoke tests: each test's stack copies it
(``CREATE DATABASE ... TEMPLATE``, a second) instead of migrating its own (half a minute or
more each)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from infra.bench.stack import Stack


@pytest.fixture(scope="session")
def bench_server() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT']}/postgres"


def redis_db(url: str, db: int) -> str:
    """The bench's channel layer and presence cache on their own Redis database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


@pytest.fixture(scope="session")
def bench_template(bench_server):
    """The name of a freshly migrated database on the test server, dropped at the end."""
    stack = Stack(
        database_server=bench_server,
        redis_url=redis_db(settings.REDIS_URL, 13),
        db_name=f"tradefloor_bench_template_{os.getpid()}",
    )
    try:
        stack.start_services()
        stack.migrate()
        yield stack.db_name
    finally:
        stack.close()
