"""Seed a fresh, migrated database with live lots, admitted suppliers and API tokens.

Run as its own process with Django's settings and the URLs in the environment:

    DJANGO_SETTINGS_MODULE=marketplace.settings DATABASE_URL=... REDIS_URL=... \
        python -m infra.bench.seed '{"hot": 16, "spread_lots": 100, "spread_bidders": 2,
                                    "fanout": 100}'

and prints one JSON line: {"hot": LOT, "spread": [LOT, ...], "fanout": LOT}, where a LOT is
{"id", "start_price", "step", "tokens": [API token of each admitted bidder, ...]}.
Every lot is English, visibility "ladder" (bidders see the best price), step 1.00 from a start
price of 10,000,000.00, three hours long (no soft-close extension during the run).
"""

from __future__ import annotations

import json
import os
import sys
import time


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django
    from django.conf import settings

    django.setup()
    # The seeded users never log in with a password: hash fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


START_PRICE = "10000000.00"
STEP = "1.00"


def make_lot(suppliers: int, step_reference: str = "best") -> dict:
    from decimal import Decimal

    from rest_framework.authtoken.models import Token

    from tests.auctions.engine_setup import Auction

    auction = Auction(
        suppliers=suppliers,
        start_price=START_PRICE,
        step_value=Decimal(STEP),
        duration_seconds=3 * 3600,
        visibility="ladder",
        step_reference=step_reference,
    )
    auction.start()
    tokens = [Token.objects.get_or_create(user=u)[0].key for u in auction.bidders]
    officer = Token.objects.get_or_create(user=auction.officer)[0].key
    return {
        "id": auction.lot.pk,
        "start_price": START_PRICE,
        "step": STEP,
        "tokens": tokens,
        "officer": officer,
    }


def seed(config: dict) -> dict:
    out: dict = {}
    if config.get("hot"):
        # Each bid must beat the bidder's own previous one (a rule the engine offers), so the
        # 16 bidders do not race for one price level and every well-formed bid is accepted:
        # the figure is the engine's capacity for bids on one locked row, as pgbench's is.
        out["hot"] = make_lot(int(config["hot"]), config.get("hot_reference", "own"))
    # The spread lots take the hot lot's rule too; the racing lots the rule "best", where a
    # lot's bidders race for one price (infra/bench/run.py, scenario_spread).
    bidders = int(config.get("spread_bidders", 2))
    out["spread"] = [
        make_lot(bidders, config.get("spread_reference", "own"))
        for _ in range(int(config.get("spread_lots", 0)))
    ]
    out["spread_race"] = [
        make_lot(bidders, "best") for _ in range(int(config.get("spread_race", 0)))
    ]
    # The idle scenario's lots: the spread lots' shape, no bid on them (the bid scenarios leave
    # each spread bidder a hundred bids or more, which every snapshot of its own then carries).
    out["idle"] = [make_lot(bidders) for _ in range(int(config.get("idle_lots", 0)))]
    if config.get("fanout"):
        out["fanout"] = make_lot(int(config["fanout"]))
    if config.get("contention"):  # the hot lot's rule, for 4 to 64 bidders
        out["contention"] = make_lot(int(config["contention"]), config.get("hot_reference", "own"))
    if config.get("crowd"):
        out["crowd"] = make_lot(int(config["crowd"]))
    return out


def main(argv: list[str]) -> int:
    config = json.loads(argv[0]) if argv else {}
    _setup()
    started = time.monotonic()
    out = seed(config)
    out["seconds"] = round(time.monotonic() - started, 2)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
