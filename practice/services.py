"""Practice auctions for people: start one on a lot whose tender they may read, read it (its
clock runs as it is read), bid in it. Each person's sessions are their own; nothing is written
but the session's row (``models``)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auctions.bidding.inputs import parse_amount
from auctions.bidding.outcomes import BidRejected
from auctions.selectors import lot_get, lot_viewer
from auctions.tenders.selectors import lot_get_visible
from marketplace.core.exceptions import ApplicationError, NotFoundError

from . import engine
from .models import PracticeSession

KEPT = 5  # a person's latest sessions kept; older ones go when a new one starts
BOTS = (1, 5)
SPEEDS = (1, 60)


def practice_start(*, user, lot_id: int, bots: int = 2, speed: int = 10) -> PracticeSession:
    """A new practice of the lot's rules: ``bots`` bots, the clock ``speed`` times faster."""
    lot = _lot(user=user, lot_id=lot_id)
    if not BOTS[0] <= bots <= BOTS[1] or not SPEEDS[0] <= speed <= SPEEDS[1]:
        raise ApplicationError(
            _("Practise against 1 to 5 bots, at 1 to 60 times the real speed."),
            code="invalid",
        )
    state = engine.start(lot, bots=bots, speed=speed, now=timezone.now())
    with transaction.atomic():
        session = PracticeSession.objects.create(user=user, lot=lot, state=state)
        old = PracticeSession.objects.filter(user=user).order_by("-created_at", "-pk")[KEPT:]
        PracticeSession.objects.filter(pk__in=[s.pk for s in old]).delete()
    return session


def _lot(*, user, lot_id: int):
    """A lot whose tender ``user`` may read, or that it takes part in (a supplier admitted
    to it, the buyer's people, the platform's admins); "not found" for anyone else."""
    try:
        return lot_get_visible(user=user, lot_id=lot_id)
    except NotFoundError:
        lot = lot_get(lot_id=lot_id)
        lot_viewer(user=user, lot=lot)
        return lot


def _session(*, user, session_id: int) -> PracticeSession:
    session = (
        PracticeSession.objects.select_for_update().filter(pk=session_id, user=user).first()
        if user and user.is_authenticated
        else None
    )
    if session is None:
        raise NotFoundError(_("No such practice auction."), code="practice_not_found")
    return session


def practice_view(*, user, session_id: int) -> dict:
    """The practice as it stands now (its clock run up to now)."""
    with transaction.atomic():
        session = _session(user=user, session_id=session_id)
        engine.step(session.state, timezone.now())
        session.save(update_fields=["state", "updated_at"])
    return {"id": session.pk, **engine.view(session.state)}


def practice_bid(*, user, session_id: int, amount, confirm: bool = False) -> dict:
    """A bid in the practice, refused as the lot would refuse it."""
    value: Decimal = parse_amount(amount)
    refused = None
    with transaction.atomic():
        session = _session(user=user, session_id=session_id)
        try:
            engine.bid(session.state, value, timezone.now(), confirm=confirm)
        except BidRejected as exc:
            refused = exc  # the clock ran meanwhile: that is kept
        session.save(update_fields=["state", "updated_at"])
    if refused is not None:
        raise refused
    return {"id": session.pk, **engine.view(session.state)}
