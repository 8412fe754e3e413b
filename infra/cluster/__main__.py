"""``python -m infra.cluster [serve|check]`` (see docs/cluster.md)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

from infra.bench.stack import log, raise_fd_limit

from . import check
from .script import ScriptError, play
from .stacks import Cluster


def _servers() -> tuple[str | None, str | None]:
    """The servers of DATABASE_URL and REDIS_URL when given (a fresh database is made on the
    PostgreSQL server and dropped at the end); throwaway servers otherwise."""
    return os.environ.get("DATABASE_URL") or None, os.environ.get("REDIS_URL") or None


def serve(args: argparse.Namespace) -> int:
    database_server, redis_url = _servers()
    ports = [int(p) for p in args.daphne_ports.split(",")]
    workers = tuple(int(w) for w in args.bid_workers.split(","))
    cluster = Cluster(
        database_server=database_server,
        redis_url=redis_url,
        port=args.port,
        daphne_ports=ports,
        stats_port=args.stats_port,
        bid_workers=workers,
    )

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started in the background (SIGINT ignored)
    try:
        cluster.start_services()
        log("migrating a fresh database...")
        cluster.migrate()
        cluster.start()
        print(
            f"\nTradefloor cluster: http://127.0.0.1:{cluster.port}/ (HAProxy; statistics on "
            f"http://127.0.0.1:{args.stats_port}/)\n"
            f"  Daphne: {', '.join(f'127.0.0.1:{p}' for p in ports)}\n"
            f"  logs: {cluster.root}/*.log\n"
            f"  manage.py against it: DATABASE_URL={cluster.database_url} "
            f"REDIS_URL={cluster.redis_url} .venv/bin/python manage.py ...\n"
            "Ctrl-C stops every process.\n",
            flush=True,
        )
        if args.script:
            seed = check.seed_lot(cluster)
            result = play(
                ws_bases=cluster.bidder_bases(3), http=cluster.http, seed=seed, spread=True
            )
            log(f"scripted auction on lot {seed['lot']}: sockets {result['backends']}")
        reported: set[str] = set()
        while True:
            time.sleep(1)
            for name in set(cluster.exited()) - reported:
                log(f"{name} exited; its log: {cluster.root}/{name}.log")
                reported.add(name)
    except KeyboardInterrupt:
        log("stopping...")
        return 0
    except (RuntimeError, ScriptError) as exc:
        log(f"the cluster did not start: {exc}")
        return 1
    finally:
        cluster.close()
        log("stopped")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.cluster", description=__doc__)
    parser.add_argument("command", nargs="?", default="serve", choices=["serve", "check"])
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", 8080)))
    parser.add_argument("--daphne-ports", default="8081,8082,8083")
    parser.add_argument("--stats-port", type=int, default=8404)
    parser.add_argument(
        "--bid-workers",
        default="1,1,0",
        help="AUCTION_BID_WORKERS of each Daphne process (default 1,1,0: two bid workers)",
    )
    parser.add_argument(
        "--script", action="store_true", help="serve: play the scripted auction once at start"
    )
    args = parser.parse_args(argv)
    raise_fd_limit()
    if args.command == "check":
        database_server, redis_url = _servers()
        return 0 if check.run(database_server=database_server, redis_url=redis_url) else 1
    return serve(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
