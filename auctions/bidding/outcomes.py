"""What a bid request is and what it is answered with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from marketplace.core.exceptions import ApplicationError
from marketplace.users.models import User

from ..models import Bid


class BidRejected(ApplicationError):
    """A bid refused by a rule. ``code`` says which; ``message`` says it to a person."""


class BidFailed(ApplicationError):
    """A bid that failed on an error of ours (logged), refused alone: the bids placed with it
    in a batch are not touched by it."""

    status_code = 500
    code = "bid_failed"


@dataclass(frozen=True)
class BidResult:
    bid: Bid
    duplicate: bool = False
    extended: bool = False


@dataclass(frozen=True)
class BidRequest:
    """One bid of a batch (``bids_place``): the bidder's application, who bids, and the bid."""

    application_id: int
    user: User
    amount: object
    client_bid_id: str = ""
    confirm: bool = False
    language: str | None = None  # the bidder's, for its refusal's message


@dataclass(frozen=True)
class BidItem:
    """A bid as the bid path takes it: parsed, with what the path must still check."""

    application_id: int
    user: User
    amount: Decimal
    client_bid_id: str
    confirm: bool
    kind: str
    now: datetime | None = None
    note: str = ""
    check_member: bool = False
    language: str | None = None


@dataclass(frozen=True)
class LotChanged:
    """A lot's committed change, for its websocket group (``broadcast.lot_changed_message``):
    the kinds of change and the snapshot made from the state just written."""

    lot_id: int
    kinds: list[str]
    snapshot: dict


@dataclass(frozen=True)
class Placed:
    """What a group commit (``place.bids_commit``) did: each batch's outcomes, in the order
    given, and the changes of the lots that accepted a bid, to broadcast."""

    outcomes: list[list[BidResult | ApplicationError]]
    changes: list[LotChanged]
