"""Each test on indices of its own when the suite runs against a cluster (``ELASTICSEARCH_URL``
set: ``ELASTICSEARCH_URL=... make test``, docs/search.md).

A cluster is not rolled back with the test database: every test that indexes a tender, a
supplier or a product (the pages, the APIs, the demo) would write to the same aliases and see
the others' documents. So ``tests/conftest.py`` gives each test an index prefix of its own
(``tf-test-<run>-<random>``), makes every write visible before it returns
(``ELASTICSEARCH_REFRESH=wait_for``, or ``true`` when so configured) and deletes the test's indices afterwards: listed, then
deleted by name (a cluster refuses wildcard deletes: ``action.destructive_requires_name``).
Processes a test starts (a live server, a worker) inherit ``tf-test-<run>`` through the
environment; what they made is deleted at the end of the run.

The configured backend is then ``IsolatedElasticBackend``: ``ElasticBackend``, with a kind's
alias and index made before the test's first search of it, as the release step
(``search_index --if-needed``) leaves a deployed cluster, so that a search of a kind nothing was
written to answers nothing, as a deployed site does, rather than "unavailable". A test that
configures its own cluster or prefix (``override_settings``) is left as it is.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from search.backends.elastic import ElasticBackend, _answering

# This run's prefix: the tests' own prefixes start with it, and so does what the processes they
# start write (the environment's ELASTICSEARCH_INDEX_PREFIX).
RUN = f"tf-test-{uuid.uuid4().hex[:8]}"
DEFAULT_BACKEND = "search.backends.elastic.ElasticBackend"
BACKEND = "tests.search.isolation.IsolatedElasticBackend"

_current: dict[str, str] = {}  # the running test's cluster and prefix
_made: set[tuple[str, str, str]] = set()  # (cluster, prefix, kind): an alias made for a search


def refresh(configured: str) -> str:
    """``wait_for``, unless a refresh is configured (``ELASTICSEARCH_REFRESH=true``: a refresh
    forced by each write rather than awaited, quicker on a cluster's 1 s refresh interval)."""
    return configured if str(configured).lower() not in ("", "false") else "wait_for"


class IsolatedElasticBackend(ElasticBackend):
    def _run(self, kind: str, search: Any) -> dict:
        key = (self.url, self.prefix, kind)
        mine = (self.url, self.prefix) == (_current.get("url"), _current.get("prefix"))
        if mine and key not in _made:
            with _answering("search"):
                self._ensure_alias(kind)
            _made.add(key)
        return super()._run(kind, search)


def delete_indices(url: str, prefix: str) -> list[str]:
    """Delete the indices whose names start with ``prefix-``: listed, then named (a few at a
    time, for the length of the URL)."""
    client = ElasticBackend(url).client
    names = sorted(client.indices.get(index=f"{prefix}-*").body)
    for i in range(0, len(names), 50):
        client.indices.delete(index=",".join(names[i : i + 50]))
    return names


@contextmanager
def run_environment(url: str) -> Iterator[None]:
    """The run's prefix and refresh in the environment (for the processes the tests start);
    afterwards every index of the run deleted."""
    environment = {
        "ELASTICSEARCH_INDEX_PREFIX": RUN,
        "ELASTICSEARCH_REFRESH": refresh(os.environ.get("ELASTICSEARCH_REFRESH", "")),
    }
    saved = {name: os.environ.get(name) for name in environment}
    os.environ.update(environment)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        delete_indices(url, RUN)


@contextmanager
def own_indices(settings) -> Iterator[str]:
    """The test's own prefix (``settings``: pytest-django's fixture, which restores them), its
    writes visible at once, its indices deleted afterwards."""
    url = settings.ELASTICSEARCH_URL
    prefix = f"{RUN}-{uuid.uuid4().hex[:8]}"
    settings.ELASTICSEARCH_INDEX_PREFIX = prefix
    settings.ELASTICSEARCH_REFRESH = refresh(settings.ELASTICSEARCH_REFRESH)
    if getattr(settings, "SEARCH_ELASTIC_BACKEND", DEFAULT_BACKEND) == DEFAULT_BACKEND:
        settings.SEARCH_ELASTIC_BACKEND = BACKEND
    _current.update(url=url, prefix=prefix)
    try:
        yield prefix
    finally:
        _current.clear()
        _made.difference_update({key for key in _made if key[1] == prefix})
        delete_indices(url, prefix)
