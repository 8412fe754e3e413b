"""HAProxy (Debian's package) in front of the Daphne processes: its configuration and command.

HTTP and websockets on one port. ``balance leastconn``: a websocket holds its connection for the
whole auction, so the next socket goes to the Daphne with the fewest open now, and sockets
opened one after another spread over the processes; short REST requests spread the same way.
Every response, the websocket's ``101 Switching Protocols`` included, carries the name of the
Daphne that served it in ``X-Tradefloor-Backend`` (``daphne1``..``daphneN``), which is how
``make cluster-check`` proves that its bidders sat on different processes. ``timeout tunnel``
keeps an idle websocket open for an hour (the server's ticks come every 5 s anyway).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
from pathlib import Path

BACKEND_HEADER = "X-Tradefloor-Backend"


def binary() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )


def maxconn() -> int:
    """As many connections as this process's limit of open files allows HAProxy (two files
    each, a client's and a server's), at most 20,000."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        return 20000
    return max(256, min(20000, (hard - 200) // 2))


def config(*, port: int, daphnes: list[int], stats_port: int | None = None) -> str:
    servers = "\n".join(
        f"    server daphne{i} 127.0.0.1:{p} check inter 1s fall 2 rise 1"
        for i, p in enumerate(daphnes, 1)
    )
    stats = (
        f"""
frontend stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /
    stats refresh 5s
"""
        if stats_port
        else ""
    )
    return f"""# Written by infra/cluster (make cluster); not a file to edit.
global
    maxconn {maxconn()}

defaults
    mode http
    option forwardfor
    option http-server-close
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    timeout http-request 30s
    timeout queue 30s

frontend web
    bind 127.0.0.1:{port}
    default_backend daphnes

backend daphnes
    balance leastconn
    http-response set-header {BACKEND_HEADER} %[srv_name]
{servers}
{stats}"""


def command(config_path: Path) -> list[str]:
    haproxy = binary()
    if haproxy is None:
        raise RuntimeError("haproxy not found: apt-get install -y haproxy")
    return [haproxy, "-db", "-f", str(config_path)]


def validate(config_path: Path) -> None:
    result = subprocess.run(
        [*command(config_path)[:1], "-c", "-q", "-f", str(config_path)],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"haproxy refused its configuration:\n{result.stderr}")
