"""What a socket reads as it opens, in fixed SQL: the lot with the viewer's role in one
statement, and a supplier's own bids in another.

A crowd reconnects at once after a deploy, and the connect path is bound by Daphne's one core:
building and compiling the ORM's queries for ``lot_get`` + ``lot_viewer`` (five statements,
or one with six subqueries) was most of a connect's Python time. These statements are made
once per process from the models' tables and columns, and their values are converted as the
ORM converts them (``_convert``), so the same SQL serves PostgreSQL and the embedded SQLite.
``lot_viewer`` stays the rule: ``tests/auctions/test_connect_reads.py`` keeps this equal to it
for every kind of person.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection
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

LOT_FIELDS = ["id", "tender_id", "status", "event_seq", "last_hash"]
TENDER_FIELDS = ["id", "platform_id", "buyer_id"]
BID_FIELDS = ("id", "amount", "kind", "placed_at", "client_bid_id", "round")


class Viewed(NamedTuple):
    """A lot as a socket opening on it reads it, with who is looking."""

    lot: Lot  # only LOT_FIELDS read (the rest loaded if asked for, as a deferred field is)
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


async def lot_get_viewed_async(*, user, lot_id: int) -> Viewed:
    """``lot_get_viewed`` on the event loop's own connection (``loop_db.available()``)."""
    return _viewed(user, await loop_db.fetchone(_statements()["lot"], _lot_params(user, lot_id)))


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
    lot_values, row = row[: len(LOT_FIELDS)], row[len(LOT_FIELDS) :]
    tender_values, row = row[: len(TENDER_FIELDS)], row[len(TENDER_FIELDS) :]
    lot = Lot.from_db(DEFAULT_DB_ALIAS, LOT_FIELDS, lot_values)
    lot._state.fields_cache["tender"] = Tender.from_db(
        DEFAULT_DB_ALIAS, TENDER_FIELDS, tender_values
    )
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


async def own_bids_async(*, application_id: int) -> list[dict]:
    """``own_bids`` on the event loop's own connection (``loop_db.available()``). Not sent
    with the lot's statement in one round trip: psycopg's pipeline mode made a crowd's
    connects slower (``make bench``, docs/benchmarks.md)."""
    return _bids(await loop_db.fetchall(_statements()["bids"], [application_id]))


def _bids(rows) -> list[dict]:
    return [dict(zip(BID_FIELDS, convert(Bid, BID_FIELDS, row), strict=True)) for row in rows]


@cache
def _statements_for(vendor: str) -> dict[str, str]:
    membership, application = table(Membership), table(Application)
    return {
        # The viewer's facts as lot_viewer decides them: a member of the buyer; an admin of the
        # tender's platform; else the first (by id) admitted application of one of the user's
        # companies, with that company's verification and whether a document of its latest
        # approved submission expired before today (``company_expired_document``).
        # Params: user, user, today, approved, admitted, user, lot.
        "lot": (
            f"SELECT {columns(Lot, 'l', LOT_FIELDS)}, {columns(Tender, 't', TENDER_FIELDS)}, "  # noqa: S608 (only names)
            f"EXISTS (SELECT 1 FROM {membership} m "
            "WHERE m.user_id = %s AND m.company_id = t.buyer_id), "
            f"EXISTS (SELECT 1 FROM {table(PlatformAdmin)} p "
            "WHERE p.user_id = %s AND p.platform_id = t.platform_id), "
            "a.id, a.supplier_id, c.verification_status, c.verified_at, "
            f"EXISTS ({_expired_document()}) "
            f"FROM {table(Lot)} l JOIN {table(Tender)} t ON t.id = l.tender_id "
            f"LEFT JOIN {application} a ON a.id = ("
            f"SELECT a2.id FROM {application} a2 WHERE a2.lot_id = l.id AND a2.status = %s "
            f"AND a2.supplier_id IN (SELECT m2.company_id FROM {membership} m2 "
            "WHERE m2.user_id = %s) ORDER BY a2.id LIMIT 1) "
            f"LEFT JOIN {table(Company)} c ON c.id = a.supplier_id "
            "WHERE l.id = %s"
        ),
        "bids": (
            f"SELECT {columns(Bid, 'b', BID_FIELDS)} FROM {table(Bid)} b "  # noqa: S608
            "WHERE b.application_id = %s ORDER BY b.placed_at, b.id"
        ),
    }


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
