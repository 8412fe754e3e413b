"""The scripted auction's lot, made in a fresh, migrated database (either stack's).

Run as its own process with the stack's settings in the environment:

    python -m infra.cluster.seed '{"lead": 3}'

and prints one JSON line: the lot, the buyer's officer and the three admitted suppliers, each
with its API token, user id and label. The lot (``LOT_RULES``) is English, reverse, its ladder
visible to the bidders, 100,000.00 start price, 1,000.00 step, 20 s long, soft close: a bid in
the last 6 s extends the end by 6 s. It is scheduled ``lead`` seconds from now, so that the
scheduler starts it (as a buyer's published tender is started).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from decimal import Decimal
from typing import Any

LOT_RULES: dict[str, Any] = {
    "start_price": "100000.00",
    "step_value": "1000",
    "duration_seconds": 20,
    "soft_close_window_seconds": 6,
    "soft_close_extension_seconds": 6,
    "visibility": "ladder",
}


def seed(lead: float) -> dict:
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from auctions.models import Lot
    from tests.auctions.engine_setup import Auction

    rules = dict(LOT_RULES)
    auction = Auction(
        suppliers=3,
        start_price=rules.pop("start_price"),
        step_value=Decimal(rules.pop("step_value")),
        **rules,
    )
    starts_at = timezone.now() + timedelta(seconds=lead)
    Lot.objects.filter(pk=auction.lot.pk).update(starts_at=starts_at)

    def token(user) -> str:
        return Token.objects.get_or_create(user=user)[0].key

    return {
        "lot": auction.lot.pk,
        "starts_at": starts_at.isoformat(),
        "rules": LOT_RULES,
        "buyer": {"token": token(auction.officer), "user": auction.officer.pk},
        "suppliers": [
            {
                "name": f"S{application.label}",
                "token": token(user),
                "user": user.pk,
                "label": application.label,
                "application": application.pk,
            }
            for user, application in zip(auction.bidders, auction.applications, strict=True)
        ],
    }


def main(argv: list[str]) -> int:
    config = json.loads(argv[0]) if argv else {}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    print(json.dumps(seed(float(config.get("lead", 3)))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
