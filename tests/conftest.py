"""Test set-up shared by the whole suite.

The suite runs on whatever ``DATABASE_URL`` points at (``make test`` starts a throwaway
PostgreSQL when it finds one; SQLite otherwise). Tests marked ``postgres`` need PostgreSQL and
skip on SQLite with a reason; with ``REQUIRE_SERVICES=1`` such a skip is an error instead. So do
the tests marked ``redis`` (``REDIS_URL``) and ``stripe`` (``STRIPE_API_BASE``: the fake Stripe
API, localstripe, that ``make test`` starts).

With ``ELASTICSEARCH_URL`` set the suite searches on that cluster, each test on indices of its
own, deleted afterwards (``tests/search/isolation.py``; docs/search.md, Tests).
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from tests.factories import (
    CompanyFactory,
    PlatformFactory,
    PlatformMembershipFactory,
    member,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
HAS_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
HAS_REDIS = bool(settings.REDIS_URL)
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")
HAS_STRIPE = bool(STRIPE_API_BASE)
ELASTICSEARCH_URL = settings.ELASTICSEARCH_URL


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return (
        f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or ''}:{db.get('PORT') or ''}; "
        f"redis: {settings.REDIS_URL or 'none'}; stripe: {STRIPE_API_BASE or 'none'}; "
        f"elasticsearch: {ELASTICSEARCH_URL or 'none'}; REQUIRE_SERVICES={int(REQUIRE_SERVICES)}"
    )


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("postgres") and not HAS_POSTGRES:
            if REQUIRE_SERVICES:
                item.add_marker(
                    pytest.mark.xfail(reason="PostgreSQL missing", run=False, strict=True)
                )
            else:
                item.add_marker(
                    pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL or install it")
                )
        if item.get_closest_marker("redis") and not HAS_REDIS:
            if REQUIRE_SERVICES:
                item.add_marker(pytest.mark.xfail(reason="Redis missing", run=False, strict=True))
            else:
                item.add_marker(
                    pytest.mark.skip(reason="needs Redis: set REDIS_URL or install redis-server")
                )
        if item.get_closest_marker("stripe") and not HAS_STRIPE:
            if REQUIRE_SERVICES:
                item.add_marker(
                    pytest.mark.xfail(reason="localstripe missing", run=False, strict=True)
                )
            else:
                item.add_marker(
                    pytest.mark.skip(
                        reason="needs a Stripe-compatible API: run under infra/testenv.py "
                        "(starts localstripe) or set STRIPE_API_BASE"
                    )
                )


@pytest.fixture(scope="session", autouse=True)
def _services_required():
    if REQUIRE_SERVICES and not (HAS_POSTGRES and HAS_REDIS and HAS_STRIPE):
        pytest.exit(
            "REQUIRE_SERVICES=1 but PostgreSQL, Redis or localstripe (STRIPE_API_BASE) "
            "is not configured",
            returncode=3,
        )


@pytest.fixture(scope="session", autouse=True)
def _elasticsearch_run():
    """On a cluster: the run's index prefix for the processes the tests start, and every index
    of the run deleted at its end."""
    if not ELASTICSEARCH_URL:
        yield
        return
    from tests.search.isolation import run_environment

    with run_environment(ELASTICSEARCH_URL):
        yield


@pytest.fixture(autouse=True)
def _elasticsearch_per_test(settings):
    """On a cluster: the test's own index prefix, its writes visible at once, its indices
    deleted afterwards (a test that pins ``ELASTICSEARCH_URL=""`` or its own cluster and prefix
    overrides these)."""
    if not settings.ELASTICSEARCH_URL:
        yield
        return
    from tests.search.isolation import own_indices

    with own_indices(settings):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's, and at the end the sessions that other threads (each keeps its
    persistent connection: the websocket tests' database threads) and bid worker processes
    left open are ended first, so that the test database can be dropped."""
    yield
    if HAS_POSTGRES:
        from django.db import connection

        from auctions.realtime import bid_workers

        bid_workers.close_all()
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        connection.close()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Eager Celery, local memory cache (throttle counters do not leak between tests), private
    uploads in a per-test directory."""
    from marketplace.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    storages = dict(settings.STORAGES)
    storages["private"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
    }
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")},
    }
    settings.STORAGES = storages
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()
    yield
    # The loops' own PostgreSQL connections (the live room's connect reads): the test's loops
    # are gone, and a database with connections open can be neither flushed nor dropped.
    from marketplace.core import loop_db

    loop_db.close_all()


@pytest.fixture
def stripe_api_base() -> str:
    """The Stripe-compatible API of the tests marked ``stripe`` (localstripe under testenv)."""
    return STRIPE_API_BASE


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def client_for():
    """``client_for(user)``: an API client logged in as ``user`` (session authentication)."""

    def make(user) -> APIClient:
        c = APIClient()
        c.force_authenticate(user=user)
        return c

    return make


@pytest.fixture
def platform(db):
    return PlatformFactory(slug="public", name="Public platform")


@pytest.fixture
def buyer_company(db, platform):
    company = CompanyFactory(legal_name="Buyer Ltd", is_buyer=True, is_supplier=False)
    PlatformMembershipFactory(platform=platform, company=company)
    return company


@pytest.fixture
def supplier_company(db, platform):
    company = CompanyFactory(legal_name="Supplier Ltd", is_buyer=False, is_supplier=True)
    PlatformMembershipFactory(platform=platform, company=company)
    return company


@pytest.fixture
def buyer_admin(buyer_company):
    return member(buyer_company)


@pytest.fixture
def supplier_admin(supplier_company):
    return member(supplier_company)
