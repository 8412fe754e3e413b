"""The protocol's layout: sections of typed cells, shared by the three formats (PDF, CSV, XLSX),
so they always say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from marketplace.platforms.models import AuctionFormat
from marketplace.translation.models import LANGUAGE_CHOICES

from ..models import LotStatus
from .record import Protocol


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


def _t(value: Any) -> Cell:
    return Cell("" if value is None else str(value))


def original_language_note(language: str) -> str:
    """Which language the tender was written in, and that it governs (a version in another
    language is for information only)."""
    name = dict(LANGUAGE_CHOICES).get(language, language)
    return _(
        "%(language)s: the tender's texts in it govern; versions in other languages are for "
        "information only"
    ) % {"language": name}


def protocol_tables(protocol: Protocol) -> list[Section]:
    p, lot, cur = protocol, protocol.lot, protocol.currency
    weighted = lot.weighted
    landed = lot.landed_cost
    # The comparable price beside the bid price: the weighted amount, or the landed cost.
    comparable = weighted or landed
    comparable_head = (
        _("Weighted amount") if weighted else _("Landed cost (%(currency)s)") % {"currency": cur}
    )

    def m(value):
        return Cell(value, "money")

    summary: list[list[Cell]] = [
        [_t(_("Tender")), _t(f"{lot.tender.title} (№ {lot.tender_id})")],
        [_t(_("Lot")), _t(f"{lot.number}. {lot.title}")],
        [_t(_("Original language")), _t(original_language_note(lot.tender.original_language))],
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
            [
                _t(
                    _("Savings against the start price (at %(basis)s)") % {"basis": p.savings_basis}
                ),
                m(p.savings),
            ],
            [_t(_("Savings, %")), Cell(p.savings_percent, "percent")],
        ]
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
    if landed:
        part_head += [_("Delivery cost (%(currency)s)") % {"currency": cur}, _("Delivered from")]
    part_head += [
        _("Initial offer (%(currency)s)") % {"currency": cur},
        _("Final offer (%(currency)s)") % {"currency": cur},
    ]
    participants = []
    for x in p.participants:
        row = [_t(x.label), _t(x.bidder)]
        if weighted:
            row.append(Cell(x.coefficient, "amount"))
        if landed:
            row += [m(x.delivery), _t(x.delivery_from)]
        participants.append([*row, m(x.initial_amount), m(x.final_amount)])

    amount_head = _("Amount (%(currency)s)") % {"currency": cur}
    bid_head = [_("No."), _("Entry"), _("Time"), _("Bidder"), amount_head]
    if comparable:
        bid_head.append(comparable_head)
    bid_head += [_("Type"), _("Entered by"), _("Rank after the bid")]
    if lot.auction_format != AuctionFormat.ENGLISH:
        bid_head.append(_("Round"))
    bid_head.append(_("Note"))
    bids = []
    for i, b in enumerate(p.bids, 1):
        row = [
            Cell(i, "int"),
            Cell(b.entry, "int"),
            Cell(b.placed_at, "datetime"),
            _t(b.bidder),
            m(b.amount),
        ]
        if weighted:
            row.append(Cell(b.weighted, "amount"))
        elif landed:
            row.append(m(b.weighted))
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
    if comparable:
        rank_head.append(comparable_head)
    rank_head += [
        _("Offer made at"),
        _("Savings (%(currency)s)") % {"currency": cur},
        _("Savings, %"),
    ]
    ranking = []
    for r in p.ranking:
        row = [Cell(r.rank, "int"), _t(r.bidder), m(r.amount)]
        if weighted:
            row.append(Cell(r.weighted, "amount"))
        elif landed:
            row.append(m(r.weighted))
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
