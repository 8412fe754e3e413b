"""The content of a lot's protocol: ``protocol_build`` reads a finished lot (its chain of
entries, bids, applications, ranking and award) into a ``Protocol``, in the version a viewer may
have (see the package's docstring). Strings come out in the active language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from marketplace.core.exceptions import ConflictError, NotFoundError
from marketplace.platforms.models import AuctionFormat, Visibility

from ..events import chain_verify
from ..models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    BidKind,
    Lot,
    LotEvent,
    LotStatus,
    StepKind,
    StepReference,
    TieRule,
)
from ..participation import final_ranking
from .formatting import fmt_dt, money

FINISHED = frozenset({LotStatus.CLOSED, LotStatus.AWARDED, LotStatus.FAILED})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class BidRow:
    bid_id: int
    entry: int | None  # the seq of its bid_placed entry in the chain (initial offers have none)
    placed_at: datetime
    bidder: str
    own: bool
    amount: Decimal
    weighted: Decimal | None
    kind: str
    kind_label: str
    entered_by: str
    note: str
    rank: int | None
    round: int
    withdrawn: bool


@dataclass(frozen=True)
class EventRow:
    seq: int
    at: datetime
    kind: str
    description: str
    actor: str
    hash: str


@dataclass(frozen=True)
class RankRow:
    rank: int
    bidder: str
    own: bool
    amount: Decimal
    weighted: Decimal | None
    at: datetime | None
    savings: Decimal
    savings_percent: Decimal


@dataclass(frozen=True)
class Participant:
    label: str
    bidder: str
    own: bool
    coefficient: Decimal | None
    delivery: Decimal | None  # a lot ranked by landed cost: fixed at admission
    delivery_from: str  # ... from this warehouse
    initial_amount: Decimal | None
    final_amount: Decimal | None


@dataclass(frozen=True)
class AwardInfo:
    bidder: str
    amount: Decimal
    awarded_at: datetime
    awarded_by: str
    reason: str


@dataclass(frozen=True)
class ChainInfo:
    entries: int
    final_hash: str
    ok: bool
    broken_entry: int | None
    detail: str


@dataclass
class Protocol:
    full: bool
    supplier_id: int | None
    names_revealed: bool
    generated_at: datetime
    lot: Lot
    currency: str
    buyer: str
    platform: str
    rules: list[tuple[str, str]]
    participants: list[Participant]
    bids: list[BidRow]
    events: list[EventRow]
    ranking: list[RankRow]
    best_amount: Decimal | None
    savings: Decimal | None
    savings_percent: Decimal | None
    savings_basis: str
    award: AwardInfo | None
    chain: ChainInfo
    language: str = field(default_factory=translation.get_language)

    @property
    def title(self) -> str:
        return _("Protocol of the auction: tender “%(tender)s”, lot %(number)s") % {
            "tender": self.lot.tender.title,
            "number": self.lot.number,
        }


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _user_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.email


def _label(app: Application) -> str:
    return _("Bidder #%(n)s") % {"n": app.label if app.label is not None else f"A{app.pk}"}


class _Names:
    """Who a bidder is shown as, by the rules of the version being built."""

    def __init__(self, *, full: bool, supplier_id: int | None, reveal: bool):
        self.full, self.supplier_id, self.reveal = full, supplier_id, reveal

    def own(self, app: Application) -> bool:
        return self.supplier_id is not None and app.supplier_id == self.supplier_id

    def __call__(self, app: Application) -> str:
        if self.full:
            return f"{app.supplier.legal_name} ({_label(app)})"
        if self.own(app):
            return _("%(name)s (your company)") % {"name": app.supplier.legal_name}
        if self.reveal:
            return f"{app.supplier.legal_name} ({_label(app)})"
        return _label(app)


def _rules(lot: Lot, currency: str, full: bool) -> list[tuple[str, str]]:
    def secs(n: int | None) -> str:
        return _("%(n)s s") % {"n": n} if n else "—"

    if lot.step_kind == StepKind.PERCENT:
        step = _("%(value)s%% of the start price") % {"value": lot.step_value}
    else:
        step = money(lot.step_value, currency)
    rows = [
        (_("Auction format"), str(AuctionFormat(lot.auction_format).label)),
        (_("Minimum step"), step),
    ]
    if lot.step_bands:
        bands = "; ".join(
            _("below %(bound)s: %(step)s") % {"bound": b.get("below"), "step": b.get("step")}
            for b in lot.step_bands
        )
        rows.append((_("Minimum step by price band"), bands))
    rows += [
        (_("A bid must beat"), str(StepReference(lot.step_reference).label)),
        (_("Ties"), str(TieRule(lot.tie_rule).label)),
        (_("Duration"), secs(lot.duration_seconds)),
        (_("Soft close window"), secs(lot.soft_close_window_seconds)),
        (_("Soft close extension"), secs(lot.soft_close_extension_seconds)),
        (
            _("Only bids reaching this rank extend"),
            str(lot.soft_close_max_rank) if lot.soft_close_max_rank else _("any rank"),
        ),
        (
            _("At most this many extensions"),
            str(lot.soft_close_max_extensions)
            if lot.soft_close_max_extensions is not None
            else _("no limit"),
        ),
        (_("What suppliers see"), str(Visibility(lot.visibility).label)),
        (_("Weighted (non-price criteria) ranking"), _("yes") if lot.weighted else _("no")),
        (
            _("Ranked by landed cost (price plus delivery)"),
            _("yes") if lot.landed_cost else _("no"),
        ),
        (_("Minimum admitted participants"), str(lot.min_participants)),
    ]
    if lot.max_step_percent:
        rows.append(
            (
                _("Bids more than this far below the reference need confirmation"),
                f"{lot.max_step_percent}%",
            )
        )
    if lot.auction_format == AuctionFormat.ROUNDS:
        rows.append((_("Rounds"), str(lot.rounds)))
    if lot.auction_format in (AuctionFormat.JAPANESE, AuctionFormat.DUTCH):
        rows.append((_("Each price level, seconds"), str(lot.level_seconds)))
        if lot.floor_price is not None:
            rows.append((_("Floor price"), money(lot.floor_price, currency)))
    if full and lot.reserve_price is not None:
        rows.append(
            (_("Reserve price (not shown to suppliers)"), money(lot.reserve_price, currency))
        )
    return rows


def _ranking_entries(lot: Lot, events: list[LotEvent]) -> list[dict]:
    """The ranking recorded when the lot closed; recomputed only if no close entry carries one."""
    for event in reversed(events):
        p = event.payload
        if event.kind == "status_changed" and p.get("to") == LotStatus.CLOSED and "ranking" in p:
            return list(p["ranking"])
    if lot.status == LotStatus.FAILED:
        return []
    return final_ranking(lot)  # the engine's own rule


# Entries about one bidder that only the buyer (and that bidder) see in the protocol.
_PRIVATE_BIDDER_EVENTS = {
    "proxy_set": lambda: _("%(bidder)s set a proxy floor"),
    "proxy_cleared": lambda: _("%(bidder)s cleared its proxy floor"),
    "application_admitted": lambda: _("The application of %(bidder)s was admitted"),
    "application_rejected": lambda: _("The application of %(bidder)s was rejected"),
    "application_withdrawn": lambda: _("%(bidder)s withdrew its application"),
}
# Entries listed in the bids table (with their entry number) rather than in the course.
BID_EVENTS = ("bid_placed", "sealed_offer")


def _event_row(event: LotEvent, *, currency: str, full: bool, names: _Names, apps: dict):
    """One non-bid entry of the chain as a line of the protocol, or None if the version being
    built leaves it out."""
    p = event.payload
    kind = event.kind
    app = apps.get(p.get("application"))
    if kind in BID_EVENTS:
        return None
    if kind in _PRIVATE_BIDDER_EVENTS:
        if app is None or not (full or names.own(app)):
            return None
        text = _PRIVATE_BIDDER_EVENTS[kind]() % {"bidder": names(app)}
    elif kind == "extended":
        text = _("Extended from %(from)s to %(to)s (extension %(n)s)") % {
            "from": fmt_dt(_dt(p.get("from"))),
            "to": fmt_dt(_dt(p.get("to"))),
            "n": p.get("extensions"),
        }
    elif kind == "status_changed":
        text = _status_text(p, currency=currency, full=full, names=names, apps=apps)
    elif kind == "round_started":
        text = _("Round %(round)s started") % {"round": p.get("round")}
    elif kind == "turn_started":
        text = _("Round %(round)s, turn %(turn)s: %(bidder)s") % {
            "round": p.get("round"),
            "turn": p.get("turn"),
            "bidder": names(app) if app else "—",
        }
    elif kind == "bid_withdrawn":
        text = _("%(bidder)s withdrew its bid in this turn; its offer is %(amount)s again") % {
            "bidder": names(app) if app else "—",
            "amount": money(Decimal(str(p["amount"])) if p.get("amount") else None, currency),
        }
    elif kind == "level_started":
        text = _("Price level %(level)s: %(price)s, until %(end)s") % {
            "level": p.get("level"),
            "price": money(Decimal(str(p["price"])) if p.get("price") else None, currency),
            "end": fmt_dt(_dt(p.get("ends_at"))),
        }
        if p.get("out"):
            text += " · " + _("out: %(bidders)s") % {"bidders": _labels(p["out"], names, apps)}
    elif kind == "clock_ended":
        text = {
            "last_standing": _("One supplier alone confirmed %(price)s: the clock stopped"),
            "floor_reached": _("The clock reached its floor at %(price)s"),
            "all_out": _("Nobody confirmed %(price)s: the clock stopped"),
            "none_accepted": _("Nobody accepted a price up to %(price)s"),
        }.get(p.get("why"), _("The clock stopped at %(price)s")) % {
            "price": money(Decimal(str(p["price"])) if p.get("price") else None, currency)
        }
    elif kind == "offers_opened":
        text = _("The sealed offers were opened (%(n)s)") % {"n": len(p.get("offers", []))}
    elif kind == "awaiting_direct_award":
        text = _("Only one participant was admitted: the lot awaits a direct award")
    else:
        text = kind
    actor = _user_name(event.actor) if (event.actor_id is not None and full) else ""
    return EventRow(
        seq=event.seq,
        at=event.created_at,
        kind=kind,
        description=text,
        actor=actor,
        hash=event.hash,
    )


def _labels(labels: list[int], names: _Names, apps: dict) -> str:
    """Bidders by their labels, named as this version of the protocol names them."""
    by_label = {a.label: a for a in apps.values()}
    return ", ".join(names(by_label[n]) if n in by_label else f"#{n}" for n in labels)


def _status_text(p: dict, *, currency: str, full: bool, names: _Names, apps: dict) -> str:
    source, target = p.get("from"), p.get("to")
    reason = p.get("reason", "")
    if target == LotStatus.LIVE and source == LotStatus.PAUSED:
        return _("Resumed; the auction now ends at %(end)s") % {
            "end": fmt_dt(_dt(p.get("ends_at")))
        }
    if target == LotStatus.LIVE:
        return _("The auction started; it ends at %(end)s") % {"end": fmt_dt(_dt(p.get("ends_at")))}
    if target == LotStatus.PAUSED:
        return _("Paused: %(reason)s") % {"reason": reason}
    if target == LotStatus.CLOSED:
        return _("The auction closed")
    if target == LotStatus.FAILED:
        return _("The auction failed: %(reason)s") % {"reason": reason}
    if target == LotStatus.AWARDED:
        app = apps.get(p.get("application"))
        text = _("Awarded to %(bidder)s at %(amount)s") % {
            "bidder": names(app) if app else "—",
            "amount": money(Decimal(p["amount"]) if p.get("amount") else None, currency),
        }
        if reason and full:
            text += " " + _("(reason: %(reason)s)") % {"reason": reason}
        return text
    text = _("Status changed from %(from)s to %(to)s") % {
        "from": LotStatus(source).label if source in LotStatus.values else source,
        "to": LotStatus(target).label if target in LotStatus.values else target,
    }
    if reason:
        text += ": " + reason
    return text


def protocol_build(*, lot_id: int, supplier_id: int | None = None) -> Protocol:
    """Read a finished lot's protocol. ``supplier_id`` None builds the buyer's (full) version;
    a supplier's company id builds that supplier's version. Strings come out in the active
    language."""
    lot = (
        Lot.objects.select_related("tender", "tender__buyer", "tender__platform")
        .filter(pk=lot_id)
        .first()
    )
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    if lot.status not in FINISHED:
        raise ConflictError(
            _("The protocol is produced when the auction has closed."), code="protocol_not_ready"
        )
    tender = lot.tender
    currency = tender.currency
    full = supplier_id is None
    reveal = bool(tender.reveal_identities) and lot.status in FINISHED
    names = _Names(full=full, supplier_id=supplier_id, reveal=reveal)

    # Entries up to the head read with the lot: an award arriving meanwhile is left for the next
    # protocol, so this one describes one consistent point of the chain.
    events = list(
        LotEvent.objects.filter(lot=lot, seq__lte=lot.event_seq)
        .select_related("actor")
        .order_by("seq")
    )
    bid_events = {e.payload.get("bid"): e for e in events if e.kind in BID_EVENTS}
    applications = {
        a.pk: a
        for a in Application.objects.filter(lot=lot).select_related("supplier").order_by("pk")
    }
    bids = list(
        Bid.objects.filter(lot=lot)
        .select_related("placed_by", "withdrawal")
        .order_by("placed_at", "pk")
    )

    bid_rows = []
    for bid in bids:
        app = applications[bid.application_id]
        own = names.own(app)
        entry = bid_events.get(bid.pk)
        entered_by = ""
        if bid.kind == BidKind.SURROGATE:
            entered_by = (
                _("the buyer (%(person)s)") % {"person": _user_name(bid.placed_by)}
                if full
                else _("the buyer")
            )
        elif bid.kind == BidKind.PROXY:
            entered_by = _("automatically, by the proxy")
        elif full and bid.placed_by_id:
            entered_by = _user_name(bid.placed_by)
        bid_rows.append(
            BidRow(
                bid_id=bid.pk,
                entry=entry.seq if entry else None,
                placed_at=bid.placed_at,
                bidder=names(app),
                own=own,
                amount=bid.amount,
                weighted=bid.weighted_amount if lot.weighted or lot.landed_cost else None,
                kind=bid.kind,
                kind_label=str(BidKind(bid.kind).label),
                entered_by=entered_by,
                note=bid.note if (full or own) else "",
                rank=entry.payload.get("rank") if entry else None,
                round=bid.round,
                withdrawn=hasattr(bid, "withdrawal"),
            )
        )

    event_rows = [
        row
        for e in events
        if (row := _event_row(e, currency=currency, full=full, names=names, apps=applications))
        is not None
    ]

    ranking = []
    for ranked in _ranking_entries(lot, events):
        ranked_app = applications.get(ranked["application"])
        if ranked_app is None:
            continue
        amount = Decimal(str(ranked["amount"]))
        ranking.append(
            RankRow(
                rank=ranked["rank"],
                bidder=names(ranked_app),
                own=names.own(ranked_app),
                amount=amount,
                weighted=Decimal(str(ranked["weighted"]))
                if lot.weighted or lot.landed_cost
                else None,
                at=_dt(ranked.get("at")),
                savings=lot.start_price - amount,
                savings_percent=_percent(lot.start_price - amount, lot.start_price),
            )
        )

    award_info = None
    award = (
        Award.objects.filter(lot=lot).select_related("awarded_by").first()
        if lot.status == LotStatus.AWARDED
        else None
    )
    if award is not None:
        award_info = AwardInfo(
            bidder=names(applications[award.application_id]),
            amount=award.amount,
            awarded_at=award.awarded_at,
            awarded_by=_user_name(award.awarded_by) if full else "",
            reason=award.reason if full else "",
        )

    best = ranking[0].amount if ranking else None
    basis_amount = award.amount if award is not None else best
    savings = lot.start_price - basis_amount if basis_amount is not None else None
    basis = _("the awarded price") if award is not None else _("the best offer")

    shown_apps = {b.application_id for b in bids} | {
        a.pk for a in applications.values() if a.status == ApplicationStatus.ADMITTED
    }
    participants = [
        Participant(
            label=_label(a),
            bidder=names(a),
            own=names.own(a),
            coefficient=a.coefficient if lot.weighted else None,
            delivery=a.delivery_cost if lot.landed_cost else None,
            delivery_from=str(a.delivery_basis.get("from", "")) if lot.landed_cost else "",
            initial_amount=a.initial_amount,
            final_amount=a.current_amount,
        )
        for a in sorted(
            (applications[pk] for pk in shown_apps),
            key=lambda a: (a.label is None, a.label or 0, a.pk),
        )
    ]

    ok, broken, detail = chain_verify(lot_id=lot.pk)
    chain = ChainInfo(
        entries=lot.event_seq,
        final_hash=lot.last_hash,
        ok=ok,
        broken_entry=broken,
        detail=detail,
    )

    return Protocol(
        full=full,
        supplier_id=supplier_id,
        names_revealed=full or reveal,
        generated_at=timezone.now(),
        lot=lot,
        currency=currency,
        buyer=tender.buyer.legal_name,
        platform=tender.platform.name,
        rules=_rules(lot, currency, full),
        participants=participants,
        bids=bid_rows,
        events=event_rows,
        ranking=ranking,
        best_amount=best,
        savings=savings,
        savings_percent=_percent(savings, lot.start_price) if savings is not None else None,
        savings_basis=basis,
        award=award_info,
        chain=chain,
    )
