"""What a socket reads as it opens, in fixed SQL: the lot with the viewer's role in one
statement, and a supplier's own bids in another (in a database thread: SQLite, an observer) or
in the same one as JSON (on the event loop's own PostgreSQL connection, ``loop_db``).

A crowd reconnects at once after a deploy, and the connect path is bound by Daphne's one core:
building and compiling the ORM's queries for ``lot_get`` + ``lot_viewer`` (five statements,
or one with six subqueries) was most of a connect's Python time. These statements are made
once per process from the models' tables and columns, and their values are converted as the
ORM converts them (``sql_rows.convert``), so the same SQL serves PostgreSQL and the embedded
SQLite.
``lot_viewer`` stays the rule: ``tests/auctions/test_connect_reads.py`` keeps this equal to it
for every kind of person.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.utils.translation import gettext as _

from marketplace.companies.models import Company, Membership
from marketplace.core import loop_db
from marketplace.core.exceptions import NotFoundError
from marketplace.core.sql_rows import columns, convert, table, vendor
from marketplace.platforms.models import PlatformAdmin
from marketplace.verification.models import (
    SubmissionStatus,
    VerificationDocument,
    VerificationSubmission,
)
from marketplace.verification.selectors import today

from ..models import Application, ApplicationStatus, Bid, Lot, Tender
from ..standing import Viewer

LOT_FIELDS = ["id", "status", "event_seq", "last_hash"]
TENDER_FIELDS = ["platform_id"]
BID_FIELDS = ("id", "amount", "kind", "placed_at", "client_bid_id", "round")


class LotHead(NamedTuple):
    """What a socket opening on a lot needs of it: its status and chain head (the version of
    its snapshot, ``snapshot_cache``) and its tender's platform (a brand's host serves only its
    platform's lots; the buyer is decided in the statement). Plain values, not a
    model instance: building two (the lot and its tender) was a tenth of a connect's reads."""

    pk: int
    status: str
    event_seq: int
    last_hash: str | None
    platform_id: int


class Viewed(NamedTuple):
    """A lot as a socket opening on it reads it, with who is looking."""

    lot: LotHead
    viewer: Viewer | None  # None where ``lot_viewer`` raises NotFoundError
    supplier: Company | None  # a supplier's company, its verification fields read
    expired_document: bool | None  # has the supplier's verification an expired document?


def lot_get_viewed(*, user, lot_id: int) -> Viewed:
    """``lot_get`` and ``lot_viewer`` in one statement: the lot with its tender
    (``TENDER_FIELDS``), the viewer and, for a supplier, its company's verification fields as
    ``company_trade_block_reason(fresh=True)`` reads them, with the expired-document fact it
    would otherwise look up (``company_expired_document`` today)."""
    with connection.cursor() as cursor:
        cursor.execute(_statements()["lot"], _lot_params(user, lot_id))
        row = cursor.fetchone()
    return _viewed(user, row)


async def lot_get_viewed_async(*, user, lot_id: int) -> tuple[Viewed, list[dict]]:
    """``lot_get_viewed`` and, for a supplier, its ``own_bids``, in one statement on the event
    loop's own connection (``loop_db.available()``: PostgreSQL): the bids of the application
    the statement picks for the user come as one JSON array, kept only if that application
    made the user the lot's supplier. A second statement was a second round trip and half
    the Python of these reads; the two sent in one pipeline were slower still."""
    row = await loop_db.fetchone(_statements()["lot_and_bids"], _lot_params(user, lot_id))
    viewed = _viewed(user, row[:-1] if row is not None else None)
    supplier = viewed.viewer is not None and viewed.viewer.role == "supplier"
    return viewed, _bids_from_json(row[-1]) if supplier and row is not None else []


def _authenticated(user) -> bool:
    return bool(user) and user.is_authenticated


def _lot_params(user, lot_id: int) -> list:
    user_id = user.pk if _authenticated(user) else None
    admitted = ApplicationStatus.ADMITTED.value
    approved = SubmissionStatus.APPROVED.value
    return [user_id, user_id, today(), approved, admitted, user_id, lot_id]


def _viewed(user, row) -> Viewed:
    if row is None:
        raise NotFoundError(_("No such lot."), code="lot_not_found")
    width = len(LOT_FIELDS) + len(TENDER_FIELDS)
    lot, row = LotHead(*row[:width]), row[width:]
    buyer, admin, application_id, supplier_id, status, verified_at, expired = row
    if not _authenticated(user):
        return Viewed(lot, None, None, None)
    if buyer:
        return Viewed(lot, Viewer(role="buyer"), None, None)
    if user.is_staff or admin:
        return Viewed(lot, Viewer(role="admin"), None, None)
    if application_id is None:
        return Viewed(lot, None, None, None)
    supplier = Company(
        pk=supplier_id,
        verification_status=status,
        verified_at=convert(Company, ("verified_at",), [verified_at])[0],
    )
    viewer = Viewer(role="supplier", application_id=application_id)
    return Viewed(lot, viewer, supplier, bool(expired))


def own_bids(*, application_id: int) -> list[dict]:
    """A supplier's bids on its lot, as the room's snapshot lists them (``lot_bids_for``'s
    order: placed_at, then id)."""
    with connection.cursor() as cursor:
        cursor.execute(_statements()["bids"], [application_id])
        rows = cursor.fetchall()
    return _bids(rows)


def _bids(rows) -> list[dict]:
    return [dict(zip(BID_FIELDS, convert(Bid, BID_FIELDS, row), strict=True)) for row in rows]


def _bids_from_json(value) -> list[dict]:
    """The own bids' JSON array (``lot_and_bids``), typed as ``own_bids`` types them: the
    amount came as text (exact), the time as PostgreSQL writes a timestamp in JSON (ISO 8601,
    in the session's UTC)."""
    if value is None:
        return []
    if isinstance(value, str | bytes):
        value = json.loads(value)
    return [
        {
            "id": id_,
            "amount": Decimal(amount),
            "kind": kind,
            "placed_at": datetime.fromisoformat(placed_at),
            "client_bid_id": client_bid_id,
            "round": round_,
        }
        for id_, amount, kind, placed_at, client_bid_id, round_ in value
    ]


@cache
def _statements_for(vendor: str) -> dict[str, str]:
    statements = {
        "lot": _lot_statement(),
        "bids": (
            f"SELECT {columns(Bid, 'b', BID_FIELDS)} FROM {table(Bid)} b "  # noqa: S608
            "WHERE b.application_id = %s ORDER BY b.placed_at, b.id"
        ),
    }
    if vendor == "postgresql":
        # The application's bids, in "bids"'s order, as one JSON array (BID_FIELDS' order).
        b = {name: columns(Bid, "b", [name]) for name in BID_FIELDS}
        own = (
            f"SELECT json_agg(json_build_array({b['id']}, {b['amount']}::text, {b['kind']}, "  # noqa: S608
            f"{b['placed_at']}, {b['client_bid_id']}, {b['round']}) "
            f"ORDER BY {b['placed_at']}, {b['id']}) FROM {table(Bid)} b "
            f"WHERE {columns(Bid, 'b', ['application'])} = a.id"
        )
        statements["lot_and_bids"] = _lot_statement(extra=f", ({own})")
    return statements


def _lot_statement(extra: str = "") -> str:
    membership, application = table(Membership), table(Application)
    return (
        # The viewer's facts as lot_viewer decides them: a member of the buyer; an admin of the
        # tender's platform; else the first (by id) admitted application of one of the user's
        # companies, with that company's verification and whether a document of its latest
        # approved submission expired before today (``company_expired_document``).
        # Params: user, user, today, approved, admitted, user, lot.
        f"SELECT {columns(Lot, 'l', LOT_FIELDS)}, {columns(Tender, 't', TENDER_FIELDS)}, "  # noqa: S608 (only names)
        f"EXISTS (SELECT 1 FROM {membership} m "
        "WHERE m.user_id = %s AND m.company_id = t.buyer_id), "
        f"EXISTS (SELECT 1 FROM {table(PlatformAdmin)} p "
        "WHERE p.user_id = %s AND p.platform_id = t.platform_id), "
        "a.id, a.supplier_id, c.verification_status, c.verified_at, "
        f"EXISTS ({_expired_document()}){extra} "
        f"FROM {table(Lot)} l JOIN {table(Tender)} t ON t.id = l.tender_id "
        f"LEFT JOIN {application} a ON a.id = ("
        f"SELECT a2.id FROM {application} a2 WHERE a2.lot_id = l.id AND a2.status = %s "
        f"AND a2.supplier_id IN (SELECT m2.company_id FROM {membership} m2 "
        "WHERE m2.user_id = %s) ORDER BY a2.id LIMIT 1) "
        f"LEFT JOIN {table(Company)} c ON c.id = a.supplier_id "
        "WHERE l.id = %s"
    )


def _expired_document() -> str:
    """Company ``c`` has a document, in its latest approved submission (``decided_at`` then
    id, newest first, as ``_latest_approved_submission_id`` orders), whose expiry date is
    before the day given. Params: the day, the approved status."""
    submissions = VerificationSubmission.documents
    through = submissions.through
    to_document = columns(through, "sd", [submissions.field.m2m_reverse_field_name()])
    to_submission = columns(through, "sd", [submissions.field.m2m_field_name()])
    return (
        f"SELECT 1 FROM {table(VerificationDocument)} d "  # noqa: S608 (only names)
        f"JOIN {table(through)} sd ON {to_document} = d.id "
        "WHERE d.company_id = c.id AND d.expiry_date < %s "
        f"AND {to_submission} = (SELECT s.id FROM {table(VerificationSubmission)} s "
        "WHERE s.company_id = c.id AND s.status = %s "
        "ORDER BY s.decided_at DESC, s.id DESC LIMIT 1)"
    )


def _statements() -> dict[str, str]:
    return _statements_for(vendor())  # not ``connection.vendor``: this runs in the loop too
