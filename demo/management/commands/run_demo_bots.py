"""``manage.py run_demo_bots [--lot ID ...]``: demo suppliers bid against you (demo/bots.py).

Without ``--lot`` the bots join the lots of the current demo tender (``load_demo``) that are not
finished. Each lot gets one bot per demo supplier in ``BOTS`` that is admitted to it; the demo
supplier printed for people to use (baltic) is never a bot. The lots and API tokens are looked up
once; then the bots wait for the server to accept connections and run until their lots end.
"""

from __future__ import annotations

import asyncio
import random
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from rest_framework.authtoken.models import Token

from auctions.models import Application, ApplicationStatus, Lot, LotStatus
from demo.bots import BotConfig, floor_for, run_bots, wait_for_port
from demo.management.commands.load_demo import demo_lots_open
from marketplace.companies.models import Membership
from marketplace.users.models import User

# The demo suppliers that bid by themselves: e-mail -> range of the floor (share of the start price)
BOTS = {
    "steel@demo.tradefloor.local": (Decimal("0.76"), Decimal("0.85")),
    "fuel@demo.tradefloor.local": (Decimal("0.70"), Decimal("0.80")),
}
OPEN = (LotStatus.AUCTION_SCHEDULED, LotStatus.LIVE, LotStatus.PAUSED, LotStatus.SUSPENDED)


def bot_configs(
    *, lots: list[Lot], host: str, port: int, origin: str, pace: tuple[float, float]
) -> list[BotConfig]:
    """One bot per (lot, demo supplier admitted to it), with a token for the supplier's user."""
    configs = []
    for email, (low, high) in BOTS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        token, _ = Token.objects.get_or_create(user=user)
        companies = Membership.objects.filter(user=user).values("company_id")
        name = email.split("@")[0]
        for lot in lots:
            admitted = Application.objects.filter(
                lot=lot, supplier_id__in=companies, status=ApplicationStatus.ADMITTED
            ).exists()
            if not admitted:
                continue
            ratio = Decimal(str(round(random.uniform(float(low), float(high)), 3)))  # noqa: S311
            configs.append(
                BotConfig(
                    name=f"{name}@lot{lot.pk}",
                    url=f"ws://{host}:{port}/ws/lots/{lot.pk}/?token={token.key}",
                    origin=origin,
                    floor=floor_for(start_price=lot.start_price, ratio=ratio),
                    pace=pace,
                )
            )
    return configs


class Command(BaseCommand):
    help = "Run the demo bidder bots (steel, fuel) over the websocket protocol."

    def add_arguments(self, parser):
        parser.add_argument(
            "--lot",
            type=int,
            action="append",
            dest="lots",
            help="a lot id (repeatable); default: the demo tender's open lots",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--origin", default="http://127.0.0.1")
        parser.add_argument(
            "--pace",
            type=float,
            nargs=2,
            default=(4.0, 15.0),
            metavar=("MIN", "MAX"),
            help="seconds before each bid (default 4 15)",
        )

    def handle(self, *args, lots, host, port, origin, pace, **options):
        if pace[0] < 0 or pace[1] < pace[0]:
            raise CommandError("--pace MIN MAX with 0 <= MIN <= MAX")
        if lots:
            found = list(Lot.objects.filter(pk__in=lots, status__in=OPEN).order_by("pk"))
        else:
            found = demo_lots_open()
        configs = bot_configs(lots=found, host=host, port=port, origin=origin, pace=tuple(pace))
        connections.close_all()  # no ORM from here on
        if not configs:
            self.stdout.write("run_demo_bots: no open lot with a demo bot admitted; nothing to do")
            return
        for config in configs:
            self.stdout.write(f"run_demo_bots: {config.name}, floor {config.floor}")
        asyncio.run(self._run(configs, host, port))

    async def _run(self, configs: list[BotConfig], host: str, port: int) -> None:
        await wait_for_port(host, port)
        await run_bots(configs)
