"""The lot's protocol: what happened in a finished auction, read from the database and rendered
as PDF (WeasyPrint), CSV or XLSX.

There are two versions. The buyer's (``supplier_id=None``; also what platform admins get) names
every supplier. A supplier's (``supplier_id`` = its company) shows the others as "Bidder #N" and
names them only when the tender reveals identities and the lot has closed; it leaves out what only
the buyer may see (the reserve price, the buyer's notes and reasons, who at the buyer did what,
the other bidders' proxy floors being set).

``protocol_build`` reads, ``protocol_tables`` lays the content out as sections of typed cells, and
the renderers turn those sections into a file, so the three formats always say the same thing.
``protocol_store`` keeps the buyer's PDF in the private storage with its sha256
(``LotProtocol``); ``protocol_tasks.protocol_schedule`` runs it after a close or an award.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from marketplace.companies.selectors import user_company_ids, user_is_company_member
from marketplace.core.exceptions import ConflictError, NotFoundError
from marketplace.platforms.models import AuctionFormat, Visibility

from .events import chain_verify
from .models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    BidKind,
    Lot,
    LotEvent,
    LotProtocol,
    LotStatus,
    StepKind,
    StepReference,
    TieRule,
)

logger = logging.getLogger(__name__)

FINISHED = frozenset({LotStatus.CLOSED, LotStatus.AWARDED, LotStatus.FAILED})
FILE_FORMATS = ("pdf", "csv", "xlsx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CENT = Decimal("0.01")


# --- the content ---------------------------------------------------------------------------


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


def money(amount: Decimal | None, currency: str) -> str:
    """``amount`` with grouping and two decimals in the active language, then the currency."""
    if amount is None:
        return "—"
    return f"{number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)} {currency}"


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
        (_("Minimum admitted participants"), str(lot.min_participants)),
    ]
    if lot.max_step_percent:
        rows.append(
            (
                _("Bids more than this far below the reference need confirmation"),
                f"{lot.max_step_percent}%",
            )
        )
    if lot.auction_format != AuctionFormat.ENGLISH:
        rows.append((_("Rounds"), str(lot.rounds)))
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
    from .services import final_ranking  # the engine's own rule; imported late (no cycle)

    return final_ranking(lot)


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
            "from": _fmt_dt(_dt(p.get("from"))),
            "to": _fmt_dt(_dt(p.get("to"))),
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
    elif kind == "offers_opened":
        text = _("The sealed offers were opened (%(n)s)") % {"n": len(p.get("offers", []))}
    elif kind == "awaiting_direct_award":
        text = _("Only one participant was admitted: the lot awaits a direct award")
    else:
        text = kind
    actor = _user_name(event.actor) if (event.actor_id is not None and full) else ""
    return EventRow(
        seq=event.seq, at=event.created_at, kind=kind, description=text, actor=actor,
        hash=event.hash,
    )  # fmt: skip


def _status_text(p: dict, *, currency: str, full: bool, names: _Names, apps: dict) -> str:
    source, target = p.get("from"), p.get("to")
    reason = p.get("reason", "")
    if target == LotStatus.LIVE and source == LotStatus.PAUSED:
        return _("Resumed; the auction now ends at %(end)s") % {
            "end": _fmt_dt(_dt(p.get("ends_at")))
        }
    if target == LotStatus.LIVE:
        return _("The auction started; it ends at %(end)s") % {
            "end": _fmt_dt(_dt(p.get("ends_at")))
        }
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
                weighted=bid.weighted_amount if lot.weighted else None,
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
    for entry in _ranking_entries(lot, events):
        app = applications.get(entry["application"])
        if app is None:
            continue
        amount = Decimal(str(entry["amount"]))
        ranking.append(
            RankRow(
                rank=entry["rank"],
                bidder=names(app),
                own=names.own(app),
                amount=amount,
                weighted=Decimal(str(entry["weighted"])) if lot.weighted else None,
                at=_dt(entry.get("at")),
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


# --- the layout: sections of typed cells, shared by the three formats ----------------------


@dataclass(frozen=True)
class Cell:
    value: Any
    kind: str = "text"  # text, money, amount (a decimal without currency), int, percent, datetime


@dataclass
class Section:
    key: str
    title: str
    headings: list[str]
    rows: list[list[Cell]]
    pairs: bool = False  # a two-column "item: value" list rather than a table


def _fmt_dt(value: datetime | None) -> str:
    if value is None:
        return "—"
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d} UTC"


def _t(value: Any) -> Cell:
    return Cell("" if value is None else str(value))


def protocol_tables(protocol: Protocol) -> list[Section]:
    p, lot, cur = protocol, protocol.lot, protocol.currency
    weighted = lot.weighted

    def m(value):
        return Cell(value, "money")

    summary: list[list[Cell]] = [
        [_t(_("Tender")), _t(f"{lot.tender.title} (№ {lot.tender_id})")],
        [_t(_("Lot")), _t(f"{lot.number}. {lot.title}")],
        [_t(_("Buyer")), _t(p.buyer)],
        [_t(_("Platform")), _t(p.platform)],
        [_t(_("Quantity")), Cell(lot.quantity, "amount")],
        [_t(_("Unit")), _t(lot.unit)],
        [_t(_("Currency")), _t(cur)],
        [_t(_("Start price")), m(lot.start_price)],
    ]
    if lot.delivery_place:
        summary.append([_t(_("Delivery place")), _t(lot.delivery_place)])
    if lot.delivery_date:
        summary.append([_t(_("Delivery date")), _t(lot.delivery_date.isoformat())])
    if lot.incoterms:
        summary.append([_t(_("Incoterms")), _t(lot.incoterms)])
    summary += [
        [_t(_("Status")), _t(LotStatus(lot.status).label)],
        [_t(_("Auction started")), Cell(lot.starts_at, "datetime")],
        [_t(_("Scheduled end")), Cell(lot.original_ends_at, "datetime")],
        [_t(_("Final end")), Cell(lot.ends_at, "datetime")],
        [_t(_("Closed at")), Cell(lot.closed_at, "datetime")],
        [_t(_("Extensions")), Cell(lot.extensions, "int")],
        [_t(_("Bids")), Cell(len(p.bids), "int")],
        [_t(_("Participants")), Cell(len(p.participants), "int")],
        [_t(_("Best offer")), m(p.best_amount)],
    ]
    if p.savings is not None:
        summary += [
            [_t(_("Savings against the start price (at %(basis)s)") % {"basis": p.savings_basis}),
             m(p.savings)],
            [_t(_("Savings, %")), Cell(p.savings_percent, "percent")],
        ]  # fmt: skip
    if lot.failure_reason:
        summary.append([_t(_("Why the auction failed")), _t(lot.failure_reason)])
    summary.append([_t(_("Generated at")), Cell(p.generated_at, "datetime")])
    if not p.full:
        summary.append(
            [
                _t(_("Version")),
                _t(
                    _("A participant's copy: other bidders are named")
                    if p.names_revealed
                    else _("A participant's copy: other bidders are shown by their labels")
                ),
            ]
        )

    rules = [[_t(k), _t(v)] for k, v in p.rules]

    part_head = [_("Label"), _("Bidder")]
    if weighted:
        part_head.append(_("Coefficient"))
    part_head += [_("Initial offer (%(currency)s)") % {"currency": cur},
                  _("Final offer (%(currency)s)") % {"currency": cur}]  # fmt: skip
    participants = []
    for x in p.participants:
        row = [_t(x.label), _t(x.bidder)]
        if weighted:
            row.append(Cell(x.coefficient, "amount"))
        participants.append([*row, m(x.initial_amount), m(x.final_amount)])

    amount_head = _("Amount (%(currency)s)") % {"currency": cur}
    bid_head = [_("No."), _("Entry"), _("Time"), _("Bidder"), amount_head]
    if weighted:
        bid_head.append(_("Weighted amount"))
    bid_head += [_("Type"), _("Entered by"), _("Rank after the bid")]
    if lot.auction_format != AuctionFormat.ENGLISH:
        bid_head.append(_("Round"))
    bid_head.append(_("Note"))
    bids = []
    for i, b in enumerate(p.bids, 1):
        row = [Cell(i, "int"), Cell(b.entry, "int"), Cell(b.placed_at, "datetime"), _t(b.bidder),
               m(b.amount)]  # fmt: skip
        if weighted:
            row.append(Cell(b.weighted, "amount"))
        kind = b.kind_label + (" " + _("(withdrawn)") if b.withdrawn else "")
        row += [_t(kind), _t(b.entered_by), Cell(b.rank, "int")]
        if lot.auction_format != AuctionFormat.ENGLISH:
            row.append(Cell(b.round, "int"))
        row.append(_t(b.note))
        bids.append(row)

    ev_head = [_("Entry"), _("Time"), _("Event")]
    if p.full:
        ev_head.append(_("By"))
    ev_head.append(_("Entry hash"))
    events = []
    for e in p.events:
        row = [Cell(e.seq, "int"), Cell(e.at, "datetime"), _t(e.description)]
        if p.full:
            row.append(_t(e.actor))
        events.append([*row, _t(e.hash)])

    rank_head = [_("Rank"), _("Bidder"), amount_head]
    if weighted:
        rank_head.append(_("Weighted amount"))
    rank_head += [_("Offer made at"), _("Savings (%(currency)s)") % {"currency": cur},
                  _("Savings, %")]  # fmt: skip
    ranking = []
    for r in p.ranking:
        row = [Cell(r.rank, "int"), _t(r.bidder), m(r.amount)]
        if weighted:
            row.append(Cell(r.weighted, "amount"))
        ranking.append(
            [*row, Cell(r.at, "datetime"), m(r.savings), Cell(r.savings_percent, "percent")]
        )

    sections = [
        Section("summary", _("Tender and lot"), [_("Item"), _("Value")], summary, pairs=True),
        Section("rules", _("Auction rules"), [_("Rule"), _("Value")], rules, pairs=True),
        Section("participants", _("Participants"), part_head, participants),
        Section("bids", _("Bids"), bid_head, bids),
        Section("events", _("Course of the auction"), ev_head, events),
        Section("ranking", _("Final ranking"), rank_head, ranking),
    ]
    if p.award is not None:
        award = [
            [_t(_("Awarded to")), _t(p.award.bidder)],
            [_t(_("Amount")), m(p.award.amount)],
            [_t(_("Awarded at")), Cell(p.award.awarded_at, "datetime")],
        ]
        if p.full:
            award.append([_t(_("Awarded by")), _t(p.award.awarded_by)])
            if p.award.reason:
                award.append([_t(_("Reason")), _t(p.award.reason)])
        sections.append(Section("award", _("Award"), [_("Item"), _("Value")], award, pairs=True))
    chain = p.chain
    verdict = (
        _("Yes: every entry matches its hash and points to the one before.")
        if chain.ok
        else _("No: the chain is broken at entry %(seq)s (%(detail)s).")
        % {"seq": chain.broken_entry, "detail": chain.detail}
    )
    integrity = [
        [_t(_("Entries in the chain")), Cell(chain.entries, "int")],
        [_t(_("Final hash (SHA-256)")), _t(chain.final_hash)],
        [_t(_("The chain verifies")), _t(verdict)],
    ]
    sections.append(
        Section(
            "integrity",
            _("Integrity of the record"),
            [_("Item"), _("Value")],
            integrity,
            pairs=True,
        )
    )
    return sections


# --- renderers -----------------------------------------------------------------------------


def _display(cell: Cell, currency: str) -> str:
    v = cell.value
    if v is None or v == "":
        return "" if cell.kind == "text" else "—"
    if cell.kind == "money":
        return money(v, currency)
    if cell.kind == "amount":
        return number_format(v, use_l10n=True, force_grouping=True)
    if cell.kind == "percent":
        return f"{number_format(v, decimal_pos=2, use_l10n=True)} %"
    if cell.kind == "datetime":
        return _fmt_dt(v)
    return str(v)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _plain(cell: Cell) -> str:
    """A cell as machine-readable text: decimals as they are, times in ISO 8601 UTC, text that
    a spreadsheet would take for a formula quoted."""
    v = cell.value
    if v is None:
        return ""
    if cell.kind == "datetime":
        return v.astimezone(UTC).isoformat()
    if cell.kind in ("money", "amount", "percent"):
        return str(v)
    text = str(v)
    if cell.kind == "text" and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def protocol_render_pdf(protocol: Protocol) -> bytes:
    from weasyprint import HTML  # heavy; loaded only when a PDF is made

    sections = protocol_tables(protocol)
    context = {
        "p": protocol,
        "lot": protocol.lot,
        "title": protocol.title,
        "language": protocol.language or settings.LANGUAGE_CODE,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "headings": s.headings,
                "pairs": s.pairs,
                "rows": [
                    [{"text": _display(c, protocol.currency), "kind": c.kind} for c in row]
                    for row in s.rows
                ],
            }
            for s in sections
        ],
        "final_hash": protocol.chain.final_hash,
        # A fixed creation date keeps the bytes a function of the content.
        "created": protocol.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    html = render_to_string("auctions/protocol.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def protocol_render_csv(protocol: Protocol) -> bytes:
    """One CSV with the sections one after another: a title line, a heading line, the rows, and
    an empty line between sections. UTF-8 with a byte order mark, so spreadsheets read Cyrillic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([protocol.title])
    writer.writerow([])
    for section in protocol_tables(protocol):
        writer.writerow([section.title])
        writer.writerow(section.headings)
        for row in section.rows:
            writer.writerow([_plain(c) for c in row])
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")


def protocol_render_xlsx(protocol: Protocol) -> bytes:
    """A workbook with one sheet per section; amounts are numbers shown with the currency."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    cur = protocol.currency
    formats = {
        "money": f'#,##0.00 "{cur}"',
        "amount": "#,##0.########",
        "percent": '0.00" %"',
        "datetime": "yyyy-mm-dd hh:mm:ss.000",
        "int": "0",
    }
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for section in protocol_tables(protocol):
        name = "".join(ch for ch in section.title if ch not in "[]:*?/\\")[:31] or section.key
        if name in used:
            name = section.key[:31]
        used.add(name)
        sheet = book.create_sheet(name)
        sheet.append(section.headings)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(section.rows, start=2):
            for c, item in enumerate(row, start=1):
                target = sheet.cell(row=r, column=c)
                value = item.value
                if value is None:
                    continue
                if item.kind == "datetime":
                    target.value = value.astimezone(UTC).replace(tzinfo=None)
                elif item.kind in ("money", "amount", "percent", "int"):
                    target.value = value
                else:
                    target.value = str(value)
                    target.data_type = "s"  # never a formula, whatever the text starts with
                if item.kind in formats:
                    target.number_format = formats[item.kind]
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 70)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RENDERERS = {"pdf": protocol_render_pdf, "csv": protocol_render_csv, "xlsx": protocol_render_xlsx}


def protocol_filename(lot: Lot, file_format: str) -> str:
    return f"protocol-tender-{lot.tender_id}-lot-{lot.number}.{file_format}"


# --- who gets which version ----------------------------------------------------------------


def protocol_viewer(*, user, lot_id: int) -> tuple[Lot, int | None]:
    """The lot and whose version ``user`` may have: (lot, None) for the buyer's members and the
    platform's admins, (lot, company id) for an admitted supplier. Anyone else: not found; a lot
    not yet finished: 409 ``protocol_not_ready`` (after the access check, so it tells nothing)."""
    from marketplace.platforms.selectors import user_is_platform_admin

    lot = Lot.objects.select_related("tender").filter(pk=lot_id).first()
    if lot is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    supplier_id: int | None = None
    if not (
        user_is_company_member(user=user, company=lot.tender.buyer_id)
        or user_is_platform_admin(user=user, platform=lot.tender.platform_id)
    ):
        supplier_id = (
            Application.objects.filter(
                lot=lot,
                status=ApplicationStatus.ADMITTED,
                supplier_id__in=user_company_ids(user=user),
            )
            .order_by("pk")
            .values_list("supplier_id", flat=True)
            .first()
        )
        if supplier_id is None:
            raise NotFoundError(_("No such lot."), code="lot_not_found")
    if lot.status not in FINISHED:
        raise ConflictError(
            _("The protocol is produced when the auction has closed."), code="protocol_not_ready"
        )
    return lot, supplier_id


# --- the stored buyer's copy ---------------------------------------------------------------


def _storage():
    return storages["private"]


def protocol_language(lot: Lot) -> str:
    """The stored copy is written in the language of the buyer's officer who created the
    tender (the platform's default if unknown)."""
    language = getattr(lot.tender.created_by, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def protocol_store(*, lot_id: int) -> LotProtocol | None:
    """Write the buyer's PDF of a finished lot as its chain stands now, once per chain head.

    Idempotent: a copy already stored for the lot's current entry is returned as it is. Returns
    None for a lot that is not finished (nothing to record yet)."""
    lot = Lot.objects.select_related("tender__created_by").filter(pk=lot_id).first()
    if lot is None or lot.status not in FINISHED:
        return None
    existing = LotProtocol.objects.filter(lot=lot, event_seq=lot.event_seq).first()
    if existing is not None:
        return existing
    language = protocol_language(lot)
    with translation.override(language):
        protocol = protocol_build(lot_id=lot.pk)
        content = protocol_render_pdf(protocol)
    lot = protocol.lot  # the snapshot the document describes
    existing = LotProtocol.objects.filter(lot=lot, event_seq=lot.event_seq).first()
    if existing is not None:
        return existing
    digest = hashlib.sha256(content).hexdigest()
    storage = _storage()
    name = storage.save(
        f"protocols/lot-{lot.pk}/protocol-{lot.event_seq:06d}-{digest[:16]}.pdf",
        ContentFile(content),
    )
    try:
        with transaction.atomic():
            return LotProtocol.objects.create(
                lot=lot, event_seq=lot.event_seq, last_hash=lot.last_hash, lot_status=lot.status,
                chain_ok=protocol.chain.ok, language=language, storage_name=name,
                size=len(content), sha256=digest,
            )  # fmt: skip
    except IntegrityError:
        # A parallel run stored this entry's copy first: keep that one, drop ours.
        storage.delete(name)
        return LotProtocol.objects.get(lot=lot, event_seq=lot.event_seq)


def protocol_stored_open(stored: LotProtocol) -> bytes:
    """The stored copy's bytes, checked against the sha256 recorded when it was written."""
    storage = _storage()
    if not storage.exists(stored.storage_name):
        logger.error("stored protocol %s of lot %s is missing", stored.pk, stored.lot_id)
        raise NotFoundError(
            _("The stored protocol file is missing; please tell the platform's support."),
            code="file_missing",
        )
    with storage.open(stored.storage_name, "rb") as fh:
        content = fh.read()
    if hashlib.sha256(content).hexdigest() != stored.sha256:
        logger.error(
            "stored protocol %s of lot %s does not match its sha256", stored.pk, stored.lot_id
        )
        raise ConflictError(
            _("The stored protocol file does not match its recorded checksum; please tell the "
              "platform's support."),
            code="file_corrupted",
        )  # fmt: skip
    return content


@dataclass(frozen=True)
class ProtocolFile:
    content: bytes
    content_type: str
    filename: str
    final_hash: str
    sha256: str


def protocol_file(*, lot: Lot, supplier_id: int | None, file_format: str) -> ProtocolFile:
    """The document a viewer downloads. The buyer's PDF is the stored copy for the lot's current
    chain head (written now if the close/award task has not yet done it); everything else is
    rendered on the spot in the active language."""
    if file_format not in FILE_FORMATS:
        raise ValueError(file_format)
    if supplier_id is None and file_format == "pdf":
        stored = protocol_store(lot_id=lot.pk)
        if stored is None:  # the lot changed meanwhile; the caller checked it was finished
            raise ConflictError(
                _("The protocol is produced when the auction has closed."),
                code="protocol_not_ready",
            )
        content = protocol_stored_open(stored)
        final_hash = stored.last_hash
    else:
        protocol = protocol_build(lot_id=lot.pk, supplier_id=supplier_id)
        content = RENDERERS[file_format](protocol)
        final_hash = protocol.chain.final_hash
    return ProtocolFile(
        content=content,
        content_type=CONTENT_TYPES[file_format],
        filename=protocol_filename(lot, file_format),
        final_hash=final_hash,
        sha256=hashlib.sha256(content).hexdigest(),
    )
