"""The lot's states and the transitions allowed between them: the one place they are checked."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.core.exceptions import ConflictError

from .events import event_append
from .models import Lot, LotStatus

S = LotStatus
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.PUBLISHED, S.CANCELLED},
    S.PUBLISHED: {S.APPLICATIONS_CLOSED, S.CANCELLED},
    S.APPLICATIONS_CLOSED: {S.AUCTION_SCHEDULED, S.FAILED, S.AWARDED, S.CANCELLED},
    S.AUCTION_SCHEDULED: {S.LIVE, S.SUSPENDED, S.CANCELLED, S.FAILED},
    S.LIVE: {S.PAUSED, S.CLOSED, S.SUSPENDED, S.FAILED},
    S.PAUSED: {S.LIVE, S.CANCELLED},
    S.SUSPENDED: {S.AUCTION_SCHEDULED, S.CANCELLED},
    S.CLOSED: {S.AWARDED, S.FAILED},
    S.AWARDED: set(),
    S.FAILED: set(),
    S.CANCELLED: set(),
}
TERMINAL = {s for s, targets in TRANSITIONS.items() if not targets}
BIDDING = {S.LIVE}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, set())


def lot_transition(
    *, lot: Lot, to: str, actor=None, reason: str = "", payload: dict | None = None, at=None
):
    """Move a locked lot to ``to`` and record the event (at ``at``, the server's time by
    default). The caller saves the lot."""
    if not can_transition(lot.status, to):
        raise ConflictError(
            _("A lot that is %(current)s cannot become %(target)s.")
            % {"current": LotStatus(lot.status).label, "target": LotStatus(to).label},
            code="invalid_transition",
        )
    previous = lot.status
    lot.status = to
    body = {"from": previous, "to": to, **(payload or {})}
    if reason:
        body["reason"] = reason
    return event_append(lot=lot, kind="status_changed", payload=body, actor=actor, at=at)
