"""Withdrawing a bid (the rounds format): within its own turn a bidder may take back the bids
it made in the turn, and its price before the turn stands again."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ConflictError

from ..events import lot_save
from ..formats.rounds import turn_owner, turn_start_bid
from ..lock_objects import lot_lock
from ..models import Bid, Lot, LotStatus
from ..participation import bidder_application
from ..realtime.broadcast import lot_changed_on_commit
from .outcomes import BidRejected
from .writer import record_withdrawal


def bid_withdraw(*, lot_id: int, user, now: datetime | None = None) -> Lot:
    """Rounds format: take back the bids made in the current turn; the price before the turn
    stands again."""
    application = bidder_application(lot_id=lot_id, user=user)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.status != LotStatus.LIVE or lot.now_passed(now) or turn_owner(lot) != application.pk:
            raise BidRejected(
                _("A bid can be withdrawn only within your own turn."),
                code="not_your_turn",
                status_code=409,
            )
        bids = list(
            Bid.objects.filter(
                application=application, round=lot.current_round, withdrawal__isnull=True
            )
        )
        if not bids:
            raise ConflictError(_("You have no bid in this turn."), code="nothing_to_withdraw")
        restored = turn_start_bid(lot=lot, application=application)
        if restored is None:  # the turn order is made of standings: each has an earlier bid
            raise RuntimeError(f"application {application.pk} has a turn but no earlier bid")
        record_withdrawal(
            lot=lot, application=application, bids=bids, restored=restored, user=user, now=now
        )
        lot_save(lot, ["best_amount", "best_application"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["withdrawn"])
    return lot
