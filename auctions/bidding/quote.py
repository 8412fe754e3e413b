"""What a price would give a supplier before it bids (``bid_quote``). Writes nothing."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError

from .. import rules
from ..formats import format_of
from ..models import Lot, LotStatus
from ..participation import (
    admitted,
    bidder_application,
    comparable,
    not_live_message,
    participation_check,
    standing_of,
    standings,
)
from .inputs import parse_amount
from .outcomes import BidRejected


def bid_quote(*, lot_id: int, user, amount) -> dict:
    """What a price would give the supplier before it bids: its weighted score, the rank it
    would take now, and whether the rules would accept it (with the refusal's code and
    message if not). Writes nothing."""
    value = parse_amount(amount)
    own = bidder_application(lot_id=lot_id, user=user)
    lot = Lot.objects.select_related("tender").get(pk=lot_id)
    applications = admitted(lot)
    application = next((a for a in applications if a.pk == own.pk), None)
    if application is None:
        raise BidRejected(
            _("Your company is not admitted to this lot's auction."),
            code="not_admitted",
            status_code=403,
        )
    score = comparable(value, application)
    others = [s for s in standings(applications) if s.key != application.pk]
    now = timezone.now()
    mine = standing_of(application, amount=value, at=now)
    rank = next(i for i, s in enumerate(rules.rank([*others, mine]), 1) if s.key == application.pk)
    refusal = None
    try:
        if lot.status != LotStatus.LIVE or lot.now_passed(now):
            raise BidRejected(not_live_message(lot), code="lot_not_live")
        participation_check(application)
        format_of(lot).check_bid(
            lot=lot,
            application=application,
            applications=applications,
            amount=value,
            confirm=True,
        )
    except ApplicationError as exc:
        refusal = {"code": exc.code, "message": exc.message}
    sealed = format_of(lot).sealed
    return {
        "amount": value,
        "coefficient": application.coefficient,
        "delivery": application.delivery_cost,
        "weighted": rules.as_decimal(score, rules.CENT),
        "rank": None if sealed else rank,
        "acceptable": refusal is None,
        "refusal": refusal,
    }
