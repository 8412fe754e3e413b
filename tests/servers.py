"""Helpers of the tests that run real server processes (Daphne, the scheduler) beside the test
database: a free port, whether something listens on it, and the test database as a URL."""

from __future__ import annotations

import socket
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
    except OSError:
        return False
    return True


def database_url() -> str:
    """The test database (PostgreSQL) as a ``DATABASE_URL`` for a server process."""
    d = connection.settings_dict
    password = f":{d['PASSWORD']}" if d.get("PASSWORD") else ""
    return f"postgres://{d['USER']}{password}@{d['HOST']}:{d['PORT']}/{d['NAME']}"
