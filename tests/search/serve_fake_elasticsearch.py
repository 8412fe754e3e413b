"""The fake cluster of ``fake_elasticsearch`` as a process of its own, so that the suite can run
against it as it runs against a real cluster (docs/search.md, Tests):

    .venv/bin/python -m tests.search.serve_fake_elasticsearch --port 9200 &
    ELASTICSEARCH_URL=http://127.0.0.1:9200 make test PYTEST_ARGS="tests/search ..."

It answers until it is interrupted (Ctrl-C, SIGTERM); requests are not recorded (a long run
would keep every body), and each test deletes its own indices (tests/conftest.py).
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import threading

from .fake_elasticsearch import FakeElasticsearch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9200, help="0: a free port (printed)")
    args = parser.parse_args(argv)
    fake = FakeElasticsearch()
    fake.record = False
    fake.start(host=args.host, port=args.port)
    print(f"fake Elasticsearch answering at {fake.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    fake.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
