"""The live auction engine: start, bid, proxy, pause, resume, close, award.

Every function here that changes a lot takes the lot's row lock first (``lock_objects.lot_lock``),
re-checks the lot's state and the server's clock under it, writes its rows and the lot's event,
saves the lot once, and schedules the broadcast for after the commit. A late bid and the close
therefore serialise on the same row: whichever comes second sees what the first one did.

The English format lives here; the rounds and sealed formats use the same entry points.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.companies.models import Company, MembershipRole
from marketplace.companies.selectors import user_company_ids, user_has_company_role
from marketplace.core.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.core.models import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from marketplace.platforms.models import AuctionFormat, ParticipationStatus, PlatformMembership
from marketplace.platforms.selectors import user_is_platform_admin
from marketplace.verification.selectors import company_can_trade

from . import batch_reads, batch_writes, outbox, rules
from .broadcast import lot_changed_on_commit
from .events import LOT_CHAIN_FIELDS, event_append
from .lock_objects import lot_lock
from .models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    BidKind,
    BidWithdrawal,
    Deal,
    Lot,
    LotStatus,
    ProxyBid,
    StepReference,
    TieRule,
)
from .protocol_tasks import protocol_schedule
from .selectors import company_role_holders, lot_snapshot
from .states import lot_transition
from .tender_selectors import user_may_manage_tender

logger = logging.getLogger(__name__)

BIDDER_ROLES = (MembershipRole.BIDDER, MembershipRole.COMPANY_ADMIN)
PROXY_ROUNDS_LIMIT = 500


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


# --- helpers ------------------------------------------------------------------------------


# The largest amount a bid, floor or quote may name: what a money column holds (18 digits, two
# of them after the point). Checked before any arithmetic, which would otherwise overflow the
# decimal context on an amount like "1e309" (more than 28 digits).
AMOUNT_MAX_INTEGER_DIGITS = MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES
AMOUNT_MAX_TEXT = 64


def _parse_amount(amount) -> Decimal:
    """A bid's amount from what a person or program sent: a positive decimal number with at
    most two decimal places and 16 digits before the point, as text or a number.

    Text is normalised by Unicode NFKC first, so full-width digits ("１２３.００") mean what they
    show, the same over REST and the websocket. Anything else is refused with
    ``invalid_amount``, never an exception of the decimal arithmetic."""
    if isinstance(amount, bool) or not isinstance(amount, str | int | float | Decimal):
        raise BidRejected(_("The amount is not a number."), code="invalid_amount")
    text = unicodedata.normalize("NFKC", str(amount)).strip()
    if len(text) > AMOUNT_MAX_TEXT:
        raise BidRejected(_("The amount is not a number."), code="invalid_amount")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise BidRejected(_("The amount is not a number."), code="invalid_amount") from None
    if not value.is_finite():
        raise BidRejected(_("The amount is not a number."), code="invalid_amount")
    if value <= 0:
        raise BidRejected(_("The amount must be greater than zero."), code="invalid_amount")
    if value.adjusted() >= AMOUNT_MAX_INTEGER_DIGITS:
        raise BidRejected(
            _("The amount is too large: at most %(digits)d digits before the decimal point.")
            % {"digits": AMOUNT_MAX_INTEGER_DIGITS},
            code="invalid_amount",
        )
    # At most 16 digits before the point: the quantized value has at most 18, inside the
    # context's 28, so quantize cannot raise.
    quantized = value.quantize(rules.CENT)
    if value != quantized:
        raise BidRejected(
            _("The amount may have at most two decimal places."), code="invalid_amount"
        )
    return quantized


def _parse_client_bid_id(value) -> str:
    """The client's id for a bid (its idempotency key): printable text of at most 64 characters,
    or empty for none."""
    text = str(value or "").strip()
    if len(text) > 64:
        raise BidRejected(
            _("The bid id may have at most 64 characters."), code="invalid_client_bid_id"
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise BidRejected(
            _("The bid id may not contain control characters."), code="invalid_client_bid_id"
        )
    return text


def _save_lot(lot: Lot, fields: list[str]) -> None:
    lot.save(update_fields=sorted(set(fields) | set(LOT_CHAIN_FIELDS)))


def _require_buyer(*, user, lot: Lot) -> None:
    """The buyer's managers (as for the tender itself) and platform admins run the auction."""
    if user_may_manage_tender(user=user, tender=lot.tender):
        return
    if user_is_platform_admin(user=user, platform=lot.tender.platform_id):
        return
    if user_company_ids(user=user) & {lot.tender.buyer_id}:
        raise PermissionDeniedError(
            _("Only the buyer's procurement officers may do this."), code="not_procurement_officer"
        )
    raise NotFoundError(_("No such lot."), code="lot_not_found")


_ONE = Fraction(1)


def _coeff(application: Application) -> Fraction:
    value = application.coefficient
    if not value or value == 1:
        return _ONE
    # Fraction(Decimal) is exact, as Fraction(str(Decimal)) is, and much cheaper.
    return Fraction(value) if isinstance(value, Decimal) else Fraction(str(value))


def _standings(applications: list[Application]) -> list[rules.Standing]:
    return [
        rules.Standing(
            key=a.pk, amount=a.current_amount, at=a.current_at, coeff=_coeff(a), label=a.label or 0
        )
        for a in applications
        if a.current_amount is not None and a.status == ApplicationStatus.ADMITTED
    ]


def _participation(lot: Lot) -> Subquery:
    """The supplier's participation status in the lot's platform (None: no row), read in the
    same statement as its application (``supplier_participation``; ``_check_participation``)."""
    return Subquery(
        PlatformMembership.objects.filter(
            platform_id=lot.tender.platform_id, company_id=OuterRef("supplier_id")
        ).values("status")[:1]
    )


def _admitted(lot: Lot) -> list[Application]:
    # Of a bidder's company the engine reads its name (for the buyer's view) and what says
    # whether it may trade now (its verification, its participation in the lot's platform);
    # the rest of the row stays in the database.
    deferred = [
        f"supplier__{f.name}" for f in Company._meta.concrete_fields
        if f.name not in batch_reads.SUPPLIER_FIELDS
    ]  # fmt: skip
    return list(
        Application.objects.filter(lot=lot, status=ApplicationStatus.ADMITTED)
        .select_related("proxy", "supplier")
        .defer(*deferred)
        .annotate(supplier_participation=_participation(lot))
        .order_by("pk")
    )


def _participation_refusal(application: Application) -> BidRejected | None:
    """Why the application's supplier may no longer bid on the lot's platform, or None.

    ``supplier_participation`` is read with the admitted applications (``_admitted``, or
    ``batch_reads`` on PostgreSQL), under the lot's lock. A suspended participation (or any
    other not accepted) refuses; no participation row at all does not: admission required an
    accepted one (or the platform's ownership, which always has one), and the rows go only
    with their company or platform."""
    status = application.supplier_participation
    if status is None or status == ParticipationStatus.ACCEPTED:
        return None
    if status == ParticipationStatus.SUSPENDED:
        message = _(
            "Your company's participation in this platform is suspended; it may not bid "
            "until the platform's admins lift the suspension."
        )
    else:
        message = _("Your company is not an accepted participant of this platform.")
    return BidRejected(message, code="not_platform_participant", status_code=403)


def _check_participation(application: Application) -> None:
    refusal = _participation_refusal(application)
    if refusal is not None:
        raise refusal


def _refresh_best(lot: Lot, applications: list[Application]) -> list[rules.Standing]:
    ranking = rules.rank(_standings(applications))
    if ranking:
        lot.best_amount = ranking[0].amount
        lot.best_application_id = ranking[0].key
    else:
        lot.best_amount = None
        lot.best_application_id = None
    return ranking


def _step(lot: Lot, reference: Decimal | None) -> Decimal:
    return rules.min_step(
        step_kind=lot.step_kind,
        step_value=lot.step_value,
        start_price=lot.start_price,
        bands=lot.step_bands,
        reference=reference,
    )


def step_rule(lot: Lot) -> rules.StepRule:
    return rules.StepRule(
        kind=lot.step_kind, value=lot.step_value, start_price=lot.start_price,
        bands=lot.step_bands, own_reference=lot.step_reference == StepReference.OWN,
    )  # fmt: skip


def _nominal_limit(lot: Lot, application: Application, ranking: list[rules.Standing]):
    """The highest amount ``application`` may bid now, and the reference it must beat
    (``rules.bid_limit``, the rule the room's quick bids are made by too).

    Returns (limit, reference amount in the bidder's own terms or None, step)."""
    return rules.bid_limit(
        step_rule(lot),
        own_amount=application.current_amount,
        best_weighted=ranking[0].weighted if ranking else None,
        coeff=_coeff(application),
    )


def _soft_close(lot: Lot, *, now: datetime, rank_of_bidder: int, pending=None) -> bool:
    """Extend the end when a qualifying bid lands in the last window. Returns whether it did."""
    if not lot.soft_close_window_seconds or not lot.soft_close_extension_seconds:
        return False
    if lot.ends_at - now > timedelta(seconds=lot.soft_close_window_seconds):
        return False
    if lot.soft_close_max_rank and rank_of_bidder > lot.soft_close_max_rank:
        return False
    if (
        lot.soft_close_max_extensions is not None
        and lot.extensions >= lot.soft_close_max_extensions
    ):
        return False
    previous = lot.ends_at
    lot.ends_at = previous + timedelta(seconds=lot.soft_close_extension_seconds)
    lot.extensions += 1
    event_append(
        lot=lot,
        kind="extended",
        payload={"from": previous, "to": lot.ends_at, "extensions": lot.extensions},
        at=now,
        pending=pending,
    )
    return True


class _Writes:
    """The rows a batch of bids writes. On PostgreSQL they go to the database at the end of the
    batch in one statement (``batch_writes``; the bids' ids are taken from their sequence first,
    so each event can name its bid): the bids, their events, the standings and the lot's row.
    Otherwise each row is written at once."""

    def __init__(self, *, expected: int = 1, batch: bool = False, ids: list[int] = ()):
        self.deferred = batch and connection.vendor == "postgresql"
        self.expected = expected
        self.bids: list[Bid] = []
        self.events: list | None = [] if self.deferred else None
        self.standings: dict[int, Application] = {}
        self._ids: list[int] = list(ids)  # taken from the bids' sequence already

    def bid(self, bid: Bid) -> None:
        if not self.deferred:
            bid.save(force_insert=True)
            return
        if not self._ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [Bid._meta.db_table, max(2, self.expected - len(self.bids) + 1)],
                )
                self._ids = [row[0] for row in cursor.fetchall()]
        bid.pk = self._ids.pop(0)
        self.bids.append(bid)

    def standing(self, application: Application) -> None:
        if not self.deferred:
            Application.objects.filter(pk=application.pk).update(
                current_amount=application.current_amount, current_at=application.current_at
            )
            return
        self.standings[application.pk] = application

    def flush(self, *, lot: Lot | None = None, lot_fields: list[str] = ()) -> None:
        """Write what the batch holds, and ``lot``'s ``lot_fields`` (with its event chain)."""
        if not self.deferred:
            if lot is not None:
                _save_lot(lot, lot_fields)
            return
        batch_writes.write(
            bids=self.bids, events=self.events, standings=list(self.standings.values()),
            lot=lot, lot_fields=set(lot_fields) | set(LOT_CHAIN_FIELDS) if lot else (),
        )  # fmt: skip
        for row in self.bids:  # saved, as bulk_create leaves them
            row._state.adding, row._state.db = False, connection.alias
        self.bids, self.events, self.standings = [], [], {}


def _record_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    kind: str,
    user,
    client_bid_id: str,
    now: datetime,
    note: str = "",
    writes: _Writes | None = None,
) -> tuple[Bid, bool]:
    """Write an accepted bid and its consequences (standing, soft close, event). With
    ``writes`` the rows join the batch's (written by its ``flush``), otherwise at once."""
    own = writes is None
    writes = writes or _Writes()
    bid = Bid(
        lot=lot, application=application, amount=amount,
        weighted_amount=rules.as_decimal(rules.weighted(amount, _coeff(application))),
        kind=kind, placed_by=user, client_bid_id=client_bid_id, round=lot.current_round,
        placed_at=now, note=note,
    )  # fmt: skip
    writes.bid(bid)
    application.current_amount = amount
    application.current_at = now
    writes.standing(application)
    lot.bid_count += 1
    ranking = _refresh_best(lot, applications)
    position = next(i for i, s in enumerate(ranking, 1) if s.key == application.pk)
    event_append(
        lot=lot,
        kind="bid_placed",
        payload={
            "bid": bid.pk, "application": application.pk, "label": application.label,
            "amount": amount, "weighted": bid.weighted_amount, "kind": kind, "rank": position,
            "round": lot.current_round, **({"note": note} if note else {}),
        },
        actor=user,
        at=now,
        pending=writes.events,
    )  # fmt: skip
    extended = lot.auction_format == AuctionFormat.ENGLISH and _soft_close(
        lot, now=now, rank_of_bidder=position, pending=writes.events
    )
    if own:
        writes.flush()
    return bid, extended


def _check_english_bid(
    *,
    lot: Lot,
    application: Application,
    applications: list[Application],
    amount: Decimal,
    confirm: bool,
) -> None:
    # The ranking matters for the best-price reference and the equal-bid rule only.
    needs_ranking = lot.step_reference != StepReference.OWN or lot.tie_rule == TieRule.REFUSE_EQUAL
    ranking = rules.rank(_standings(applications)) if needs_ranking else []
    limit, reference, step = _nominal_limit(lot, application, ranking)
    if amount > lot.start_price:
        raise BidRejected(
            _("A bid may not exceed the start price of %(price)s.") % {"price": lot.start_price},
            code="above_start_price",
        )
    if reference is not None and amount > limit:
        raise BidRejected(
            _("The bid must be at most %(limit)s: %(step)s (the minimum step) below %(reference)s.")
            % {"limit": limit, "step": step, "reference": reference},
            code="step_too_small",
        )
    if lot.tie_rule == TieRule.REFUSE_EQUAL:
        mine = rules.weighted(amount, _coeff(application))
        if any(s.weighted == mine for s in ranking if s.key != application.pk):
            raise BidRejected(
                _("Another bidder already offers this price; equal bids are refused."),
                code="equal_bid_refused",
            )
    if lot.max_step_percent and not confirm:
        # The typo guard measures from the price the bid must beat, or the start price.
        reference = reference if reference is not None else lot.start_price
        drop = reference - amount
        if drop > reference * lot.max_step_percent / 100:
            raise BidRejected(
                _(
                    "This bid is %(drop)s below %(reference)s, more than %(percent)s%%. "
                    "Please confirm it if it is not a typo."
                )
                % {"drop": drop, "reference": reference, "percent": lot.max_step_percent},
                code="confirmation_required",
            )


def _run_proxies(
    lot: Lot, applications: list[Application], now: datetime, writes: _Writes | None = None
) -> bool:
    """Bid for every outbid proxy by one step, never below its floor, until none can.

    Returns whether any proxy bid extended the lot."""
    extended = False
    if not any(getattr(a, "proxy", None) is not None and a.proxy.active for a in applications):
        return extended  # no proxy to act
    for _round in range(PROXY_ROUNDS_LIMIT):
        ranking = rules.rank(_standings(applications))
        if not ranking:
            break
        leader = ranking[0].key
        candidates = []
        for app in applications:
            proxy = getattr(app, "proxy", None)
            if proxy is None or not proxy.active or app.pk == leader:
                continue
            if _participation_refusal(app) is not None:  # a suspended supplier's proxy rests
                continue
            limit = min(_nominal_limit(lot, app, ranking)[0], lot.start_price)
            if lot.tie_rule == TieRule.REFUSE_EQUAL:
                taken = {s.weighted for s in ranking if s.key != app.pk}
                while rules.weighted(limit, _coeff(app)) in taken:
                    limit -= rules.CENT  # equal bids are refused: the proxy goes a cent lower
            if limit >= proxy.floor_amount and limit > 0:
                candidates.append((rules.weighted(proxy.floor_amount, _coeff(app)), app, limit))
        if not candidates:
            break
        candidates.sort(key=lambda c: (c[0], c[1].pk))
        _weight, app, limit = candidates[0]
        _bid, did_extend = _record_bid(
            lot=lot, application=app, applications=applications, amount=limit,
            kind=BidKind.PROXY, user=None, client_bid_id="", now=now, writes=writes,
        )  # fmt: skip
        extended = extended or did_extend
    return extended


def bidder_application(*, lot_id: int, user) -> Application:
    companies = user_company_ids(user=user, roles=BIDDER_ROLES)
    application = (
        Application.objects.filter(lot_id=lot_id, supplier_id__in=companies).order_by("pk").first()
    )
    if application is None:
        if Lot.objects.filter(pk=lot_id).exists() and user_company_ids(user=user) & set(
            Application.objects.filter(lot_id=lot_id).values_list("supplier_id", flat=True)
        ):
            raise PermissionDeniedError(
                _("Only your company's bidders and admins may bid."), code="not_a_bidder"
            )
        raise BidRejected(
            _("Your company is not admitted to this lot's auction."),
            code="not_admitted",
            status_code=403,
        )
    return application


# --- rounds format (Prozorro) -------------------------------------------------------------


def _rounds_duration(lot: Lot, bidders: int) -> int:
    turns = lot.rounds * bidders * lot.turn_seconds
    return lot.first_pause_seconds + (lot.rounds - 1) * lot.round_pause_seconds + turns


def _round_begin(lot: Lot, order: list[rules.Standing], *, round_number: int, now: datetime):
    """Start round ``round_number`` with its pause; the order is fixed for the whole round."""
    lot.current_round = round_number
    lot.current_turn = 0
    lot.turn_order = [s.key for s in order]
    event_append(
        lot=lot,
        kind="round_started",
        payload={"round": round_number, "order": [s.label for s in order],
                 "pause_ends_at": lot.ends_at},
        at=now,
    )  # fmt: skip


def _turn_owner(lot: Lot) -> int | None:
    if lot.auction_format != AuctionFormat.ROUNDS or not 0 < lot.current_turn <= len(
        lot.turn_order
    ):
        return None
    return lot.turn_order[lot.current_turn - 1]


def _rounds_advance(lot: Lot, applications: list[Application], now: datetime) -> bool:
    """Move through every stage whose deadline has passed. Returns False when the last turn
    of the last round is over (the lot closes)."""
    by_id = {a.pk: a for a in applications}
    while lot.now_passed(now):
        if lot.current_turn < len(lot.turn_order):
            lot.current_turn += 1
            lot.ends_at += timedelta(seconds=lot.turn_seconds)
            owner = by_id.get(lot.turn_order[lot.current_turn - 1])
            event_append(
                lot=lot, kind="turn_started",
                payload={"round": lot.current_round, "turn": lot.current_turn,
                         "application": owner.pk if owner else None,
                         "label": owner.label if owner else None, "ends_at": lot.ends_at},
                at=now,
            )  # fmt: skip
        elif lot.current_round < lot.rounds:
            lot.ends_at += timedelta(seconds=lot.round_pause_seconds)
            order = rules.turn_order(_standings(applications))
            _round_begin(lot, order, round_number=lot.current_round + 1, now=now)
        else:
            return False
    return True


def _turn_start_bid(*, lot: Lot, application: Application) -> Bid | None:
    """The bidder's price as its turn began: its latest standing bid from earlier rounds."""
    return (
        Bid.objects.filter(application=application, withdrawal__isnull=True)
        .exclude(round=lot.current_round)
        .order_by("-placed_at", "-pk")
        .first()
    )


def _check_rounds_bid(*, lot: Lot, application: Application, amount: Decimal) -> None:
    owner = _turn_owner(lot)
    if owner is None:
        raise BidRejected(
            _("The round is in its pause; bids are taken in turns."), code="not_your_turn",
            status_code=409,
        )  # fmt: skip
    if owner != application.pk:
        raise BidRejected(
            _("It is not your turn; wait until the engine calls you."), code="not_your_turn",
            status_code=409,
        )  # fmt: skip
    start = _turn_start_bid(lot=lot, application=application)
    if start is None:
        raise BidRejected(
            _("Your company made no initial offer, so it has no turn."), code="not_admitted",
            status_code=403,
        )  # fmt: skip
    step = _step(lot, start.amount)
    limit = rules.max_allowed(own_amount=start.amount, step=step)
    if amount > limit:
        raise BidRejected(
            _("The bid must be at most %(limit)s: your price %(own)s less the step %(step)s.")
            % {"limit": limit, "own": start.amount, "step": step},
            code="step_too_small",
        )


def bid_withdraw(*, lot_id: int, user, now: datetime | None = None) -> Lot:
    """Rounds format: take back the bids made in the current turn; the price before the turn
    stands again."""
    application = bidder_application(lot_id=lot_id, user=user)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if (
            lot.status != LotStatus.LIVE
            or lot.now_passed(now)
            or _turn_owner(lot) != application.pk
        ):
            raise BidRejected(
                _("A bid can be withdrawn only within your own turn."), code="not_your_turn",
                status_code=409,
            )  # fmt: skip
        bids = list(
            Bid.objects.filter(
                application=application, round=lot.current_round, withdrawal__isnull=True
            )
        )
        if not bids:
            raise ConflictError(_("You have no bid in this turn."), code="nothing_to_withdraw")
        for bid in bids:
            BidWithdrawal.objects.create(bid=bid, withdrawn_by=user, withdrawn_at=now)
        start = _turn_start_bid(lot=lot, application=application)
        Application.objects.filter(pk=application.pk).update(
            current_amount=start.amount, current_at=start.placed_at
        )
        applications = _admitted(lot)
        _refresh_best(lot, applications)
        event_append(
            lot=lot, kind="bid_withdrawn",
            payload={"application": application.pk, "label": application.label,
                     "bids": [b.pk for b in bids], "amount": start.amount},
            actor=user, at=now,
        )  # fmt: skip
        _save_lot(lot, ["best_amount", "best_application"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["withdrawn"])
    return lot


# --- sealed format ------------------------------------------------------------------------


def seal_commitment(*, lot_id: int, application_id: int, amount: Decimal, seal: str) -> str:
    """What the event log shows of a sealed offer until the opening: a salted SHA-256."""
    body = f"{lot_id}:{application_id}:{Decimal(amount).quantize(rules.CENT)}:{seal}"
    return hashlib.sha256(body.encode()).hexdigest()


def _check_sealed_offer(*, lot: Lot, amount: Decimal) -> None:
    if amount > lot.start_price:
        raise BidRejected(
            _("An offer may not exceed the start price of %(price)s.") % {"price": lot.start_price},
            code="above_start_price",
        )


def _record_sealed_offer(
    *,
    lot,
    application,
    applications,
    amount,
    kind,
    user,
    client_bid_id,
    now,
    note="",
    placed_at=None,
) -> tuple[Bid, bool]:
    """A sealed offer replaces the bidder's earlier one; the log records only a commitment."""
    seal = secrets.token_hex(16)
    at = placed_at or now
    bid = Bid.objects.create(
        lot=lot, application=application, amount=amount,
        weighted_amount=rules.as_decimal(rules.weighted(amount, _coeff(application))),
        kind=BidKind.SEALED if kind == BidKind.MANUAL else kind, placed_by=user,
        client_bid_id=client_bid_id, placed_at=at, note=note, seal=seal,
    )  # fmt: skip
    application.current_amount = amount
    application.current_at = at
    Application.objects.filter(pk=application.pk).update(current_amount=amount, current_at=at)
    lot.bid_count += 1
    _refresh_best(lot, applications)
    event_append(
        lot=lot, kind="sealed_offer",
        payload={"bid": bid.pk, "application": application.pk, "label": application.label,
                 "commitment": seal_commitment(lot_id=lot.pk, application_id=application.pk,
                                               amount=amount, seal=seal)},
        actor=user, at=now,
    )  # fmt: skip
    return bid, False


def _open_sealed_offers(lot: Lot, now: datetime) -> None:
    offers = Bid.objects.filter(lot=lot).select_related("application").order_by("placed_at", "pk")
    event_append(
        lot=lot, kind="offers_opened",
        payload={"offers": [
            {"bid": b.pk, "application": b.application_id, "label": b.application.label,
             "amount": b.amount, "seal": b.seal} for b in offers
        ]},
        at=now,
    )  # fmt: skip


# --- bidding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BidRequest:
    """One bid of a batch (``bids_place``): the bidder's application, who bids, and the bid."""

    application_id: int
    user: object
    amount: object
    client_bid_id: str = ""
    confirm: bool = False
    language: str | None = None  # the bidder's, for its refusal's message


def bid_place(
    *,
    lot_id: int,
    user,
    amount,
    client_bid_id: str = "",
    confirm: bool = False,
    now: datetime | None = None,
    application_id: int | None = None,
) -> BidResult:
    """Place a supplier's bid on a live lot. Idempotent for a repeated ``client_bid_id``.

    ``application_id``: the bidder's application when the caller already knows it (the
    websocket, from its connection); the user's right to bid for it is still checked, under
    the lock, in one query."""
    value = _parse_amount(amount)
    client_bid_id = _parse_client_bid_id(client_bid_id)
    if application_id is None:
        application_id = bidder_application(lot_id=lot_id, user=user).pk
        check_member = False
    else:
        check_member = True
    return _bid(
        lot_id=lot_id, application_id=application_id, user=user, amount=value,
        client_bid_id=client_bid_id, confirm=confirm, kind=BidKind.MANUAL, now=now,
        check_member=check_member,
    )  # fmt: skip


def bids_place(*, lot_id: int, requests: list[BidRequest]) -> list[BidResult | ApplicationError]:
    """Group commit: several suppliers' bids on one lot in one transaction, in the order given.

    Each bid goes through exactly the checks and writes of ``bid_place`` (it is the same code),
    one after the other under one hold of the lot's lock, so each sees the bids before it; a
    refused bid writes nothing and does not stop the others. Returns, per request, its
    ``BidResult`` or the ``ApplicationError`` that refused it; nothing is committed, and so
    nothing may be acknowledged, before this returns. If the batch as a whole fails for a
    reason that is not a rule (a constraint fired: on PostgreSQL this is how a bid resent after
    its commit is found in a batch of several, and how a resend racing its first send through
    another server process is), each bid is placed again on its own."""
    return bids_place_lots([(lot_id, requests)])[0]


def bids_place_lots(
    batches: list[tuple[int, list[BidRequest]]],
) -> list[list[BidResult | ApplicationError]]:
    """Group commit over lots: each lot's batch as ``bids_place`` checks and writes it, all of
    them in one transaction with one COMMIT. Returns each batch's outcomes, in the order given.

    The lots are locked in the order of their ids, so two such transactions over the same lots
    wait for each other instead of deadlocking; a lot's refusal of its whole batch (no such
    lot, say) does not touch the others', and a lot whose every bid was refused before the
    bid path (a malformed amount) is not locked at all. On PostgreSQL a lot's writes leave
    with the next lot's reads, and the last lot's with the COMMIT: a batch of one lot costs
    one round trip and a share of the COMMIT, where each in its own transaction costs two and
    a whole COMMIT (the spread of many lots each with a bid or two). If the transaction fails
    as a whole (a constraint fired), each lot's batch is placed again on its own, and a single
    lot's bids one by one."""
    parsed = [(lot_id, _bid_items(requests)) for lot_id, requests in batches]
    try:
        return _place_lots(parsed)
    except IntegrityError:
        pass
    except (OperationalError, InterfaceError):  # the database is away: no bid can be placed
        raise
    except Exception:  # a fault of one bid must not fail the others: find it, alone
        logger.exception("a bid batch failed; its bids are placed again one by one")
    if len(parsed) > 1:
        return [bids_place(lot_id=lot_id, requests=requests) for lot_id, requests in batches]
    lot_id, items = parsed[0]
    return [[_bid_alone(lot_id, i) if isinstance(i, _BidItem) else i for i in items]]


def _place_lots(parsed: list[tuple[int, list]]) -> list[list[BidResult | ApplicationError]]:
    results: list = [None] * len(parsed)
    commits = not connection.in_atomic_block  # the block's exit is the COMMIT
    with contextlib.ExitStack() as stack, transaction.atomic():
        commit = _OneCommit(stack if commits else None)
        for n in sorted(range(len(parsed)), key=lambda n: parsed[n][0]):
            lot_id, items = parsed[n]
            todo = [i for i in items if isinstance(i, _BidItem)]
            if not todo:
                results[n] = items
                continue
            try:
                outcomes = _bids_locked(lot_id=lot_id, items=todo, commit=commit)
            except ApplicationError as exc:  # no such lot: read before this lot wrote anything
                outcomes = [exc] * len(todo)
            left = iter(outcomes)  # between the refusals before the bid path
            results[n] = [next(left) if isinstance(i, _BidItem) else i for i in items]
    return results


def _bid_items(requests: list[BidRequest]) -> list[_BidItem | ApplicationError]:
    """Each request as the bid path takes it, or the refusal of its amount or id."""
    items: list[_BidItem | ApplicationError] = []
    for r in requests:
        try:
            with _language(r.language):
                amount = _parse_amount(r.amount)
                client_bid_id = _parse_client_bid_id(r.client_bid_id)
            items.append(
                _BidItem(
                    application_id=r.application_id, user=r.user, amount=amount,
                    client_bid_id=client_bid_id, confirm=r.confirm,
                    kind=BidKind.MANUAL, check_member=True, language=r.language,
                )
            )  # fmt: skip
        except ApplicationError as exc:
            items.append(exc)
    return items


def _bid_alone(lot_id: int, item: _BidItem) -> BidResult | ApplicationError:
    try:
        return _bids(lot_id=lot_id, items=[item])[0]
    except IntegrityError:
        return ConflictError(
            _("This bid id was already used for another bid."), code="duplicate_bid_id"
        )
    except ApplicationError as exc:
        return exc
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        logger.exception("bid %r on lot %s failed", item.client_bid_id, lot_id)
        return BidFailed(
            _("This bid could not be placed because of an error on our side; it was not "
              "recorded. We have been told of it."),
        )  # fmt: skip


def surrogate_bid_place(
    *,
    lot_id: int,
    user,
    application_id: int,
    amount,
    reason: str,
    client_bid_id: str = "",
    confirm: bool = False,
    now: datetime | None = None,
) -> BidResult:
    """The buyer enters a bid for a supplier who lost its connection; recorded as such."""
    value = _parse_amount(amount)
    reason = (reason or "").strip()
    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    _require_buyer(user=user, lot=lot)
    if not reason:
        raise ApplicationError(
            _("Say why you enter this bid for the supplier (e.g. how they asked)."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    if not Application.objects.filter(pk=application_id, lot_id=lot_id).exists():
        raise NotFoundError(_("No such application in this lot."), code="application_not_found")
    return _bid(
        lot_id=lot_id, application_id=application_id, user=user, amount=value,
        client_bid_id=_parse_client_bid_id(client_bid_id), confirm=confirm,
        kind=BidKind.SURROGATE, now=now, note=reason,
    )  # fmt: skip


@dataclass(frozen=True)
class _BidItem:
    application_id: int
    user: object
    amount: Decimal
    client_bid_id: str
    confirm: bool
    kind: str
    now: datetime | None = None
    note: str = ""
    check_member: bool = False
    language: str | None = None


def _language(code: str | None):
    """Messages in ``code`` (a batch holds bids of people with different languages)."""
    return translation.override(code) if code else contextlib.nullcontext()


def _bid(
    *,
    lot_id: int,
    application_id: int,
    user,
    amount: Decimal,
    client_bid_id: str,
    confirm: bool,
    kind: str,
    now: datetime | None,
    note: str = "",
    check_member: bool = False,
) -> BidResult:
    item = _BidItem(
        application_id=application_id, user=user, amount=amount, client_bid_id=client_bid_id,
        confirm=confirm, kind=kind, now=now, note=note, check_member=check_member,
    )  # fmt: skip
    try:
        outcome = _bids(lot_id=lot_id, items=[item])[0]
    except IntegrityError:
        # No savepoint: a repeated client id is looked up under the same lock, so the unique
        # constraint can only fire if something bypassed the lock, and then the whole
        # transaction is rightly rolled back.
        raise ConflictError(
            _("This bid id was already used for another bid."), code="duplicate_bid_id"
        ) from None
    if isinstance(outcome, ApplicationError):
        raise outcome
    return outcome


def _bids(*, lot_id: int, items: list[_BidItem]) -> list[BidResult | ApplicationError]:
    """The bid path: one transaction, one hold of the lot's lock, the items in order
    (``_bids_locked``); broadcasts once after commit."""
    commits = not connection.in_atomic_block  # this block's exit is the COMMIT
    with contextlib.ExitStack() as stack, transaction.atomic():
        return _bids_locked(
            lot_id=lot_id, items=items, commit=_OneCommit(stack if commits else None)
        )


class _OneCommit:
    """The writes and the COMMIT in one round trip. On PostgreSQL, in pipeline mode a write is
    only queued, and the commit (the atomic block's exit) sends it and syncs; an error of the
    write (a resend's constraint) raises there, and the atomic block rolls back as for any
    failed commit. The pipeline closes after it (``stack`` is entered before the block).
    Inside a caller's transaction (``stack`` None) the block's exit is a savepoint's release,
    which would not sync: there each write is sent at once."""

    def __init__(self, stack: contextlib.ExitStack | None):
        self.stack = stack

    def before_write(self) -> None:
        if self.stack is not None and connection.vendor == "postgresql":
            self.stack.enter_context(connection.connection.pipeline())
            self.stack = None  # once: later lots' writes join the same pipeline


def _bids_locked(
    *, lot_id: int, items: list[_BidItem], commit: _OneCommit
) -> list[BidResult | ApplicationError]:
    """One lot's batch inside the caller's transaction: lock the lot, check and record each
    item in order, write, and broadcast once after commit.

    Reads once per call what every item needs (the lot, the admitted applications with their
    standings, proxies and suppliers, the bidders' memberships), then checks and records each
    item as ``bid_place`` always has.

    A bid resent after its commit (its client id already used) is answered with the first bid.
    A single bid is looked up before the rules. In a batch of several only a refused bid is
    looked up (a refusal changes nothing, so finding it afterwards answers the same), and a
    resend the rules accept trips the unique constraint on (lot, application, client id) at
    the write: ``bids_place`` then places the batch's bids one by one. So a batch does not
    search the lot's bids for resends that are almost never there."""
    outcomes: list[BidResult | ApplicationError] = []
    if connection.vendor == "postgresql":  # the same reads in one round trip
        reads = batch_reads.read(lot_id=lot_id, items=items, roles=BIDDER_ROLES)
        if reads.lot is None:
            raise NotFoundError(_("No such lot."), code="lot_not_found")
    else:
        reads = _batch_reads_orm(lot_id, items)
    lot, earlier, applications = reads.lot, reads.earlier, reads.applications
    by_id = {a.pk: a for a in applications}
    members = reads.members
    accepted = 0
    writes = _Writes(expected=len(items), batch=True, ids=reads.bid_ids)
    for item in items:
        key = (item.application_id, item.client_bid_id)
        if item.client_bid_id and key in earlier:
            outcomes.append(BidResult(bid=earlier[key], duplicate=True))
            continue
        try:
            with _language(item.language):
                result = _bid_one(
                    lot=lot, item=item, applications=applications,
                    application=by_id.get(item.application_id), members=members,
                    writes=writes,
                )  # fmt: skip
        except ApplicationError as exc:
            outcomes.append(exc)
            continue
        if item.client_bid_id:
            earlier[key] = result.bid
        accepted += 1
        outcomes.append(result)
    if len(items) > 1:
        _answer_resends(lot, items, outcomes)
    if accepted:
        if writes.deferred:
            commit.before_write()
        writes.flush(
            lot=lot,
            lot_fields=["best_amount", "best_application", "bid_count", "ends_at", "extensions"],
        )  # fmt: skip
        lot_changed_on_commit(
            lot_id=lot.pk, kinds=["bid"],
            snapshot=lot_snapshot(lot=lot, applications=applications),
        )  # fmt: skip
    return outcomes


def _answer_resends(lot: Lot, items: list[_BidItem], outcomes: list) -> None:
    """The refused bids of a batch that were resends of committed bids: answered with those."""
    refused = [
        (n, item) for n, (item, outcome) in enumerate(zip(items, outcomes, strict=True))
        if item.client_bid_id and isinstance(outcome, ApplicationError)
    ]  # fmt: skip
    if not refused:
        return
    found = _earlier_bids(lot, [item for _n, item in refused])
    for n, item in refused:
        bid = found.get((item.application_id, item.client_bid_id))
        if bid is not None:
            outcomes[n] = BidResult(bid=bid, duplicate=True)


def _batch_reads_orm(lot_id: int, items: list[_BidItem]) -> batch_reads.BatchReads:
    """What a batch reads under the lock, through the ORM (``batch_reads.read`` on PostgreSQL)."""
    lot = lot_lock(lot_id=lot_id)
    earlier = _earlier_bids(lot, items) if len(items) == 1 else {}
    applications = _admitted(lot)
    by_id = {a.pk: a for a in applications}
    members = _bidder_memberships(
        [(i.user, by_id[i.application_id].supplier_id)
         for i in items if i.check_member and i.application_id in by_id]
    )  # fmt: skip
    return batch_reads.BatchReads(lot, earlier, applications, members, [])


def _earlier_bids(lot: Lot, items: list[_BidItem]) -> dict[tuple[int, str], Bid]:
    """Bids already made with the items' client ids (a resend), read under the lock."""
    ids = {i.client_bid_id for i in items if i.client_bid_id}
    if not ids:
        return {}
    wanted = {(i.application_id, i.client_bid_id) for i in items if i.client_bid_id}
    if connection.vendor == "postgresql":
        return batch_reads.earlier(lot_id=lot.pk, pairs=sorted(wanted))
    query = Bid.objects.filter(lot=lot, client_bid_id__in=ids)
    return {
        (b.application_id, b.client_bid_id): b
        for b in query
        if (b.application_id, b.client_bid_id) in wanted
    }


def _bidder_memberships(pairs: list[tuple[object, int]]) -> set[tuple[int, int]]:
    """Which (user id, company id) of ``pairs`` hold a bidding role, in one query."""
    if not pairs:
        return set()
    if len(pairs) == 1:
        user, company = pairs[0]
        ok = user_has_company_role(user=user, company=company, roles=BIDDER_ROLES)
        return {(user.pk, company)} if ok else set()
    return company_role_holders(
        user_ids={u.pk for u, _c in pairs}, company_ids={c for _u, c in pairs}, roles=BIDDER_ROLES
    )


def _bid_one(
    *,
    lot: Lot,
    item: _BidItem,
    applications: list[Application],
    application: Application | None,
    members: set[tuple[int, int]],
    writes: _Writes,
) -> BidResult:
    """Check one bid against every rule and record it (the lot is locked)."""
    now = item.now or timezone.now()
    if application is None:
        raise BidRejected(
            _("Your company is not admitted to this lot's auction."),
            code="not_admitted",
            status_code=403,
        )
    if item.check_member and (item.user.pk, application.supplier_id) not in members:
        raise PermissionDeniedError(
            _("Only your company's bidders and admins may bid."), code="not_a_bidder"
        )
    if lot.status != LotStatus.LIVE:
        raise BidRejected(_not_live_message(lot), code="lot_not_live", status_code=409)
    if lot.now_passed(now):
        raise BidRejected(
            _("The auction has ended; bids are no longer accepted."),
            code="auction_closed",
            status_code=409,
        )
    if not company_can_trade(application.supplier, fresh=True):  # read under the lock
        raise BidRejected(
            _("Your company's verification is not current; it may not bid until it is."),
            code="company_not_verified",
            status_code=403,
        )
    _check_participation(application)  # read with the applications, under the lock
    amount = item.amount
    if lot.auction_format == AuctionFormat.ENGLISH:
        _check_english_bid(
            lot=lot, application=application, applications=applications, amount=amount,
            confirm=item.confirm,
        )  # fmt: skip
    elif lot.auction_format == AuctionFormat.ROUNDS:
        _check_rounds_bid(lot=lot, application=application, amount=amount)
    else:
        _check_sealed_offer(lot=lot, amount=amount)
    if lot.auction_format == AuctionFormat.SEALED:
        bid, extended = _record_sealed_offer(
            lot=lot, application=application, applications=applications, amount=amount,
            kind=item.kind, user=item.user, client_bid_id=item.client_bid_id, now=now,
            note=item.note,
        )  # fmt: skip
    else:
        bid, extended = _record_bid(
            lot=lot, application=application, applications=applications, amount=amount,
            kind=item.kind, user=item.user, client_bid_id=item.client_bid_id, now=now,
            note=item.note, writes=writes,
        )  # fmt: skip
    if lot.auction_format == AuctionFormat.ENGLISH:
        extended = _run_proxies(lot, applications, now, writes) or extended
    return BidResult(bid=bid, extended=extended)


def _not_live_message(lot: Lot) -> str:
    if lot.status == LotStatus.PAUSED:
        return _("The auction is paused: %(reason)s") % {"reason": lot.pause_reason}
    if lot.status in (LotStatus.CLOSED, LotStatus.AWARDED, LotStatus.FAILED):
        return _("The auction has ended; bids are no longer accepted.")
    if lot.status == LotStatus.AUCTION_SCHEDULED and lot.pause_reason:
        return _("The auction is rescheduled to %(start)s: %(reason)s") % {
            "start": lot.starts_at.isoformat() if lot.starts_at else "",
            "reason": lot.pause_reason,
        }
    return _("The auction is not live (it is %(status)s).") % {
        "status": LotStatus(lot.status).label
    }


def bid_quote(*, lot_id: int, user, amount) -> dict:
    """What a price would give the supplier before it bids: its weighted score, the rank it
    would take now, and whether the rules would accept it (with the refusal's code and
    message if not). Writes nothing."""
    value = _parse_amount(amount)
    application = bidder_application(lot_id=lot_id, user=user)
    lot = Lot.objects.select_related("tender").get(pk=lot_id)
    applications = _admitted(lot)
    application = next((a for a in applications if a.pk == application.pk), None)
    if application is None:
        raise BidRejected(
            _("Your company is not admitted to this lot's auction."),
            code="not_admitted",
            status_code=403,
        )
    score = rules.weighted(value, _coeff(application))
    others = [s for s in _standings(applications) if s.key != application.pk]
    now = timezone.now()
    mine = rules.Standing(key=application.pk, amount=value, at=now, coeff=_coeff(application))
    rank = next(i for i, s in enumerate(rules.rank([*others, mine]), 1) if s.key == application.pk)
    refusal = None
    try:
        if lot.status != LotStatus.LIVE or lot.now_passed(now):
            raise BidRejected(_not_live_message(lot), code="lot_not_live")
        _check_participation(application)
        if lot.auction_format == AuctionFormat.ENGLISH:
            _check_english_bid(
                lot=lot, application=application, applications=applications, amount=value,
                confirm=True,
            )  # fmt: skip
        elif lot.auction_format == AuctionFormat.ROUNDS:
            _check_rounds_bid(lot=lot, application=application, amount=value)
        else:
            _check_sealed_offer(lot=lot, amount=value)
    except ApplicationError as exc:
        refusal = {"code": exc.code, "message": exc.message}
    sealed = lot.auction_format == AuctionFormat.SEALED
    return {
        "amount": value,
        "coefficient": application.coefficient,
        "weighted": rules.as_decimal(score, rules.CENT),
        "rank": None if sealed else rank,
        "acceptable": refusal is None,
        "refusal": refusal,
    }


# --- proxy bidding ------------------------------------------------------------------------


def proxy_set(*, lot_id: int, user, floor, now: datetime | None = None) -> ProxyBid:
    """Set (or change) the bidder's proxy floor. While the lot is live it acts at once."""
    value = _parse_amount(floor)
    application = bidder_application(lot_id=lot_id, user=user)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.auction_format != AuctionFormat.ENGLISH:
            raise ApplicationError(
                _("Proxy bidding is available in the English format only."), code="wrong_format"
            )
        if lot.status not in (LotStatus.AUCTION_SCHEDULED, LotStatus.LIVE, LotStatus.PAUSED):
            raise ConflictError(_not_live_message(lot), code="lot_not_live")
        participation = _participation(lot)
        application = Application.objects.annotate(supplier_participation=participation).get(
            pk=application.pk
        )
        if application.status != ApplicationStatus.ADMITTED:
            raise BidRejected(
                _("Your company is not admitted to this lot's auction."),
                code="not_admitted",
                status_code=403,
            )
        _check_participation(application)
        if value > lot.start_price:
            raise ApplicationError(
                _("The floor may not exceed the start price."), code="above_start_price"
            )
        proxy, _created = ProxyBid.objects.update_or_create(
            application=application,
            defaults={"floor_amount": value, "set_by": user, "active": True},
        )
        event_append(
            lot=lot, kind="proxy_set",
            payload={"application": application.pk, "label": application.label},
            actor=user, at=now,
        )  # fmt: skip
        fields = []
        if lot.status == LotStatus.LIVE and not lot.now_passed(now):
            applications = _admitted(lot)
            before = lot.bid_count
            _run_proxies(lot, applications, now)
            if lot.bid_count != before:
                fields = ["best_amount", "best_application", "bid_count", "ends_at", "extensions"]
        _save_lot(lot, fields)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["proxy"])
    return proxy


def proxy_clear(*, lot_id: int, user) -> None:
    application = bidder_application(lot_id=lot_id, user=user)
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        updated = ProxyBid.objects.filter(application=application, active=True).update(active=False)
        if updated:
            event_append(
                lot=lot, kind="proxy_cleared",
                payload={"application": application.pk, "label": application.label}, actor=user,
            )  # fmt: skip
            _save_lot(lot, [])


# --- the lot's clock ----------------------------------------------------------------------


def lot_start(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """Open a scheduled lot for bidding (the scheduler calls this at ``starts_at``).

    Initial offers made with the applications become the opening standing (in the rounds
    format they fix the first round's order; in the sealed format they are sealed offers).
    Safe to call twice.
    """
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.status != LotStatus.AUCTION_SCHEDULED or (lot.starts_at and now < lot.starts_at):
            return lot
        if lot.paused_remaining is not None:
            # Rescheduled after a scheduler outage while live: it goes on from its standing
            # for its final phase only (see auctions.scheduler).
            from .scheduler import lot_restart_after_outage

            return lot_restart_after_outage(lot_id=lot.pk, now=now, actor=actor)
        applications = _admitted(lot)
        if lot.auction_format == AuctionFormat.ROUNDS:
            lot.ends_at = now + timedelta(seconds=lot.first_pause_seconds)
            lot.original_ends_at = now + timedelta(seconds=_rounds_duration(lot, len(applications)))
        else:
            lot.ends_at = now + timedelta(seconds=lot.duration_seconds)
            lot.original_ends_at = lot.ends_at
        lot_transition(
            lot=lot, to=LotStatus.LIVE, actor=actor, payload={"ends_at": lot.ends_at}, at=now
        )
        for app in applications:
            if app.initial_amount is None or app.current_amount is not None:
                continue
            if lot.auction_format == AuctionFormat.SEALED:
                _record_sealed_offer(
                    lot=lot, application=app, applications=applications,
                    amount=app.initial_amount, kind=BidKind.INITIAL, user=None,
                    client_bid_id="", now=now, placed_at=app.created_at,
                )  # fmt: skip
                continue
            Bid.objects.create(
                lot=lot, application=app, amount=app.initial_amount,
                weighted_amount=rules.as_decimal(rules.weighted(app.initial_amount, _coeff(app))),
                kind=BidKind.INITIAL, placed_at=app.created_at, round=0,
            )  # fmt: skip
            app.current_amount = app.initial_amount
            app.current_at = app.created_at
            Application.objects.filter(pk=app.pk).update(
                current_amount=app.current_amount, current_at=app.current_at
            )
            lot.bid_count += 1
        ranking = _refresh_best(lot, applications)
        if lot.auction_format == AuctionFormat.ROUNDS:
            _round_begin(lot, rules.turn_order(ranking), round_number=1, now=now)
        _save_lot(
            lot, ["status", "ends_at", "original_ends_at", "best_amount", "best_application",
                  "bid_count", "current_round", "current_turn", "turn_order"],
        )  # fmt: skip
        lot_changed_on_commit(lot_id=lot.pk, kinds=["started"])
        outbox.lot_started(lot=lot, actor=actor)
    return lot


def lot_pause(*, lot_id: int, user, reason: str, now: datetime | None = None) -> Lot:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("Say why the auction is paused; the participants will see it."),
            code="reason_required",
            fields={"reason": [_("This field is required.")]},
        )
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        _require_buyer(user=user, lot=lot)
        now = now or timezone.now()
        if lot.status == LotStatus.LIVE and lot.now_passed(now):
            raise ConflictError(
                _("The auction has already reached its end."), code="auction_closed"
            )
        remaining = lot.ends_at - now if lot.ends_at else None
        lot_transition(
            lot=lot, to=LotStatus.PAUSED, actor=user, reason=reason,
            payload={"remaining_seconds": remaining.total_seconds() if remaining else None},
            at=now,
        )  # fmt: skip
        lot.paused_remaining = remaining
        lot.pause_reason = reason
        _save_lot(lot, ["status", "paused_remaining", "pause_reason"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["paused"])
    return lot


def lot_resume(*, lot_id: int, user, now: datetime | None = None) -> Lot:
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        _require_buyer(user=user, lot=lot)
        now = now or timezone.now()
        if lot.status != LotStatus.PAUSED:
            raise ConflictError(_("The auction is not paused."), code="not_paused")
        lot.ends_at = now + (lot.paused_remaining or timedelta(0))
        lot_transition(
            lot=lot, to=LotStatus.LIVE, actor=user, payload={"ends_at": lot.ends_at}, at=now
        )
        lot.paused_remaining = None
        lot.pause_reason = ""
        _save_lot(lot, ["status", "ends_at", "paused_remaining", "pause_reason"])
        lot_changed_on_commit(lot_id=lot.pk, kinds=["resumed"])
    return lot


def final_ranking(lot: Lot, applications: list[Application] | None = None) -> list[dict]:
    applications = applications if applications is not None else _admitted(lot)
    by_id = {a.pk: a for a in applications}
    return [
        {
            "rank": i,
            "application": s.key,
            "supplier": by_id[s.key].supplier_id,
            "label": s.label,
            "amount": s.amount,
            "weighted": rules.as_decimal(s.weighted),
            "at": s.at,
        }
        for i, s in enumerate(rules.rank(_standings(applications)), 1)
    ]


def lot_close(*, lot_id: int, now: datetime | None = None, actor=None) -> Lot:
    """Act on a live lot whose current deadline has come: in the rounds format move on to the
    next turn or round; otherwise (and after the last turn) close it with its final ranking
    (a sealed lot's offers are opened first). Safe to call twice; a lot extended meanwhile is
    left open."""
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        now = now or timezone.now()
        if lot.status != LotStatus.LIVE or not lot.now_passed(now):
            return lot
        applications = _admitted(lot)
        if lot.auction_format == AuctionFormat.ROUNDS and _rounds_advance(lot, applications, now):
            _save_lot(lot, ["ends_at", "current_round", "current_turn", "turn_order"])
            lot_changed_on_commit(lot_id=lot.pk, kinds=["turn"])
            return lot
        if lot.auction_format == AuctionFormat.SEALED:
            _open_sealed_offers(lot, now)
        ranking = final_ranking(lot, applications)
        ProxyBid.objects.filter(application__lot=lot, active=True).update(active=False)
        lot.closed_at = now
        if not ranking:
            lot.failure_reason = _("No bids were placed.")
            lot_transition(
                lot=lot, to=LotStatus.FAILED, actor=actor, reason=lot.failure_reason, at=now
            )
        else:
            lot_transition(
                lot=lot, to=LotStatus.CLOSED, actor=actor, payload={"ranking": ranking}, at=now
            )
        _save_lot(lot, ["status", "closed_at", "failure_reason"])
        protocol_schedule(lot.pk)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["closed"])
        bidders = sum(1 for a in applications if a.current_amount is not None)
        outbox.lot_closed(lot=lot, bidders=bidders, actor=actor)
    return lot


# --- award --------------------------------------------------------------------------------


def lot_award(*, lot_id: int, user, application_id: int | None = None, reason: str = "") -> Award:
    """The buyer awards a closed lot: to the best ranked by default, to another with a reason.

    A lot with exactly one admitted participant and ``allow_single_award`` may be awarded
    straight after applications close, at that participant's initial offer."""
    reason = (reason or "").strip()
    with transaction.atomic():
        lot = lot_lock(lot_id=lot_id)
        _require_buyer(user=user, lot=lot)
        now = timezone.now()
        applications = _admitted(lot)
        if Award.objects.filter(lot=lot).exists():
            raise ConflictError(_("This lot has already been awarded."), code="already_awarded")
        if lot.status == LotStatus.CLOSED:
            ranking = final_ranking(lot, applications)
            best = ranking[0]["application"] if ranking else None
            chosen_id = application_id or best
            chosen = next((a for a in applications if a.pk == chosen_id), None)
            if chosen is None or chosen.current_amount is None:
                raise ApplicationError(
                    _("Award the lot to an admitted bidder that made an offer."),
                    code="not_a_bidder",
                )
            if chosen.pk != best and not reason:
                raise ApplicationError(
                    _("Say why the lot is not awarded to the best ranked offer."),
                    code="reason_required",
                    fields={"reason": [_("This field is required.")]},
                )
            amount = chosen.current_amount
            bid = (
                Bid.objects.filter(lot=lot, application=chosen, amount=amount)
                .order_by("-placed_at")
                .first()
            )
        elif lot.status == LotStatus.APPLICATIONS_CLOSED:
            if not lot.allow_single_award or len(applications) != 1:
                raise ConflictError(
                    _("Only a lot with exactly one admitted participant may be awarded "
                      "without an auction."),
                    code="direct_award_not_allowed",
                )  # fmt: skip
            chosen = applications[0]
            if application_id and application_id != chosen.pk:
                raise ApplicationError(_("No such participant."), code="not_a_bidder")
            if chosen.initial_amount is None:
                raise ApplicationError(
                    _("The only participant made no offer to award."), code="no_offer"
                )
            amount, bid = chosen.initial_amount, None
        else:
            raise ConflictError(
                _("Only a closed lot can be awarded (this one is %(status)s).")
                % {"status": LotStatus(lot.status).label},
                code="invalid_transition",
            )
        if lot.reserve_price is not None and amount > lot.reserve_price:
            raise ApplicationError(
                _("The offer is above the lot's reserve price; it cannot be awarded."),
                code="above_reserve",
            )
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    lot=lot, application=chosen, bid=bid, amount=amount, reason=reason,
                    awarded_by=user, awarded_at=now,
                )  # fmt: skip
        except IntegrityError:
            raise ConflictError(
                _("This lot has already been awarded."), code="already_awarded"
            ) from None
        deal = Deal.objects.create(
            award=award, lot=lot, buyer_id=lot.tender.buyer_id, supplier_id=chosen.supplier_id,
            price=amount, currency=lot.tender.currency, quantity=lot.quantity, unit=lot.unit,
            terms={
                "delivery_place": lot.delivery_place,
                "delivery_date": lot.delivery_date.isoformat() if lot.delivery_date else None,
                "incoterms": lot.incoterms,
                "tender": lot.tender_id,
                "lot_number": lot.number,
            },
        )  # fmt: skip
        lot_transition(
            lot=lot, to=LotStatus.AWARDED, actor=user, reason=reason,
            payload={"application": chosen.pk, "label": chosen.label, "amount": amount},
        )  # fmt: skip
        _save_lot(lot, ["status"])
        protocol_schedule(lot.pk)
        lot_changed_on_commit(lot_id=lot.pk, kinds=["awarded"])
        outbox.lot_awarded(lot=lot, award=award, deal=deal, actor=user)
    return award
