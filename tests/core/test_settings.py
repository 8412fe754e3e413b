"""The three modes of the settings: embedded default, services from URLs, production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROD_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-a-long-and-random-production-secret-0123456789",
    "DATABASE_URL": "postgres://tradefloor:secret@db.internal:5432/tradefloor",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "tradefloor.example.com",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.pop("DJANGO_ENV", None)
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_print(code: str, *, set_env: dict[str, str], unset: tuple[str, ...] = ()) -> str:
    """What ``code`` prints once the settings are set up with ``set_env`` over this process's
    environment, the variables ``unset`` removed from it first (unless given in ``set_env``)."""
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env["DJANGO_SETTINGS_MODULE"] = "marketplace.settings"
    env.update(set_env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_production_passes_the_deploy_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PROD_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_its_services(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite():
    result = run_manage("check", env={**PROD_ENV, "DATABASE_URL": "sqlite:////tmp/x.db"})
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_embedded_default_uses_sqlite_in_memory_layer_and_eager_celery():
    out = settings_print(
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['OPTIONS']"
        "['transaction_mode'], s.CHANNEL_LAYERS['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER)",
        set_env={},
        unset=("DATABASE_URL", "REDIS_URL"),
    ).split()
    assert out == [
        "django.db.backends.sqlite3",
        "IMMEDIATE",
        "channels.layers.InMemoryChannelLayer",
        "True",
    ]


def test_service_urls_switch_to_postgres_and_redis():
    out = settings_print(
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
        " s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)",
        set_env={
            "DATABASE_URL": "postgres://u:p@localhost:5432/x",
            "REDIS_URL": "redis://localhost:6379/1",
        },
    ).split()
    assert out == [
        "django.db.backends.postgresql",
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "False",
        "redis://localhost:6379/1",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "channels_redis.pubsub.RedisPubSubChannelLayer None"),
        ("pubsub", "channels_redis.pubsub.RedisPubSubChannelLayer None"),
        ("lists", "channels_redis.core.RedisChannelLayer 3600"),
    ],
)
def test_the_channel_layer_is_pubsub_unless_told_lists(value, expected):
    out = settings_print(
        "from django.conf import settings as s; c = s.CHANNEL_LAYERS['default'];"
        "print(c['BACKEND'], c['CONFIG'].get('group_expiry'))",
        set_env={
            "REDIS_URL": "redis://localhost:6379/1",
            **({"CHANNEL_LAYER": value} if value is not None else {}),
        },
        unset=("CHANNEL_LAYER",),
    )
    assert out == expected


def test_an_unknown_channel_layer_is_refused():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings",
        "REDIS_URL": "redis://localhost:6379/1",
        "CHANNEL_LAYER": "kafka",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "CHANNEL_LAYER is pubsub or lists" in done.stderr


@pytest.mark.parametrize(("value", "expected"), [(None, "5"), ("0", "None"), ("2", "2")])
def test_postgres_prepares_repeated_statements_unless_told_not_to(value, expected):
    out = settings_print(
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS'];"
        "print(o['server_side_binding'], o['prepare_threshold'])",
        set_env={
            "DATABASE_URL": "postgres://u:p@localhost:5432/x",
            **({"DB_PREPARE_THRESHOLD": value} if value is not None else {}),
        },
        unset=("DB_PREPARE_THRESHOLD",),
    ).split()
    assert out == ["True", expected]


@pytest.mark.parametrize("value", ["1", "true", "on"])
def test_production_refuses_to_start_with_debug(value):
    """DEBUG shows settings and tracebacks to anyone: production never runs with it."""
    result = run_manage("check", env={**PROD_ENV, "DJANGO_DEBUG": value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_DEBUG" in result.stderr


def test_production_accepts_debug_explicitly_off():
    result = run_manage("check", env={**PROD_ENV, "DJANGO_DEBUG": "0"})
    assert result.returncode == 0, result.stdout + result.stderr
