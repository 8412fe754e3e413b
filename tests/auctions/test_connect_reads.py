"""``auctions.realtime.connect_reads``, the live room's fixed-SQL reads at connect, say what
the ORM's ``lot_get`` + ``lot_viewer`` (+ the supplier's verification read) and
``lot_bids_for`` say: for every kind of person (members of the buyer, of admitted, applied,
rejected and lapsed suppliers, of several at once, platform admins, operator staff, strangers
and the anonymous), with values typed as the ORM types them, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextvars
from datetime import datetime, timedelta
from itertools import combinations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from auctions import selectors
from auctions.bidding.place import bid_place
from auctions.models import Application, ApplicationStatus
from auctions.realtime import consumers
from auctions.realtime.connect_reads import (
    lot_get_viewed,
    lot_get_viewed_async,
    own_bids,
)
from auctions.realtime.consumers import _check_access
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.core import loop_db, ws_tokens
from marketplace.core.exceptions import ApplicationError, NotFoundError
from marketplace.verification.models import (
    SignatoryBasis,
    SubmissionStatus,
    VerificationDocument,
    VerificationSubmission,
)
from marketplace.verification.selectors import company_expired_document
from tests.factories import CompanyFactory, PlatformAdminFactory, UserFactory, member
from tests.verification.factories import add_document

from .engine_setup import Auction

pytestmark = pytest.mark.django_db


def _expected(user, lot_id):
    lot = selectors.lot_get(lot_id=lot_id)
    try:
        viewer = selectors.lot_viewer(user=user, lot=lot)
    except NotFoundError:
        return lot, None, None
    if viewer.role != "supplier":
        return lot, viewer, None
    supplier = Application.objects.get(pk=viewer.application_id).supplier
    return lot, viewer, (supplier.pk, supplier.verification_status, supplier.verified_at)


def _people(auction: Auction) -> list:
    """Everyone worth asking about: each subset of five companies' memberships, with and
    without the lot's platform's admin role, and staff; plus the anonymous."""
    lot = auction.lot
    applied = CompanyFactory(legal_name="Applied")
    rejected = CompanyFactory(legal_name="Rejected")
    for label, company, status in (
        (8, applied, ApplicationStatus.SUBMITTED),
        (9, rejected, ApplicationStatus.REJECTED),
    ):
        Application.objects.create(
            lot=lot,
            supplier=company,
            submitted_by=auction.officer,
            status=status,
            label=label,
            terms_accepted_at=lot.starts_at,
        )
    lapsed = auction.companies[1]
    Company.objects.filter(pk=lapsed.pk).update(
        verification_status=VerificationStatus.REVERIFICATION_NEEDED
    )
    companies = [auction.buyer, auction.companies[0], lapsed, applied, rejected]
    people: list = [AnonymousUser(), UserFactory()]
    for size in range(1, len(companies) + 1):
        for chosen in combinations(companies, size):
            user = UserFactory()
            for company in chosen:
                Membership.objects.create(user=user, company=company, role=MembershipRole.BIDDER)
            people.append(user)
    admin = UserFactory()
    PlatformAdminFactory(platform=auction.platform, user=admin)
    other_admin = UserFactory()
    PlatformAdminFactory(user=other_admin)  # of another platform
    staff = UserFactory(is_staff=True)
    both = UserFactory()
    PlatformAdminFactory(platform=auction.platform, user=both)
    Membership.objects.create(user=both, company=auction.companies[0], role=MembershipRole.BIDDER)
    return [*people, admin, other_admin, staff, both]


def test_one_query_says_what_lot_viewer_says_for_everyone():
    auction = Auction(suppliers=3)
    people = _people(auction)
    roles = set()
    for user in people:
        lot, viewer, supplier, _expired = lot_get_viewed(user=user, lot_id=auction.lot.pk)
        want_lot, want_viewer, want_supplier = _expected(user, auction.lot.pk)
        assert lot == (
            want_lot.pk,
            want_lot.status,
            want_lot.event_seq,
            want_lot.last_hash,
            want_lot.tender.platform_id,
        )
        assert viewer == want_viewer, user
        got = supplier and (supplier.pk, supplier.verification_status, supplier.verified_at)
        assert got == want_supplier, user
        roles.add(viewer and viewer.role)
    assert roles == {None, "buyer", "admin", "supplier"}  # every branch was taken


def test_it_is_one_query_and_an_unknown_lot_is_not_found():
    auction = Auction(suppliers=2).start()
    with CaptureQueriesContext(connection) as queries:
        lot, viewer, supplier, expired = lot_get_viewed(
            user=auction.bidders[0], lot_id=auction.lot.pk
        )
    assert len(queries.captured_queries) == 1
    assert viewer.application_id == auction.applications[0].pk
    assert supplier.pk == auction.companies[0].pk
    assert supplier.verified_at == auction.companies[0].verified_at  # a datetime, as the ORM's
    assert expired is False
    assert (lot.pk, lot.event_seq) == (auction.lot.pk, auction.lot.event_seq) and lot.last_hash
    with pytest.raises(NotFoundError):
        lot_get_viewed(user=auction.bidders[0], lot_id=auction.lot.pk + 1000)


def test_the_socket_check_refuses_a_lapsed_supplier_and_a_stranger():
    auction = Auction(suppliers=2)
    Company.objects.filter(pk=auction.companies[1].pk).update(
        verification_status=VerificationStatus.PENDING
    )
    with pytest.raises(ApplicationError) as refused:
        _check_access(auction.bidders[1], auction.lot.pk)
    assert refused.value.code == "company_not_verified" and refused.value.status_code == 403
    with pytest.raises(NotFoundError):
        _check_access(UserFactory(), auction.lot.pk)
    viewer, company_id, _lot = _check_access(auction.bidders[0], auction.lot.pk)
    assert (viewer.role, company_id) == ("supplier", auction.companies[0].pk)


def test_own_bids_are_lot_bids_for_a_supplier():
    auction = Auction(suppliers=2).start()
    for amount, who in (("99000", 0), ("97999.50", 1), ("96000", 0)):
        bid_place(
            lot_id=auction.lot.pk,
            user=auction.bidders[who],
            amount=amount,
            client_bid_id=f"c-{amount}",
        )
    for application in auction.applications:
        lot, viewer, _supplier, _expired = lot_get_viewed(
            user=application.submitted_by, lot_id=auction.lot.pk
        )
        want = [
            {
                "id": b.pk,
                "amount": b.amount,
                "kind": b.kind,
                "placed_at": b.placed_at,
                "client_bid_id": b.client_bid_id,
                "round": b.round,
            }
            for b in selectors.lot_bids_for(lot=selectors.lot_get(lot_id=lot.pk), viewer=viewer)
        ]
        got = own_bids(application_id=viewer.application_id)
        assert got == want and got
        assert [str(b["amount"]) for b in got] == [str(b["amount"]) for b in want]


NOW = timezone.now()


def _approved(company, documents, *, decided_days_ago: int):
    """An approved submission of ``company`` resting on ``documents``, decided that many
    days before the same instant (two such submissions tie on it)."""
    decided = NOW - timedelta(decided_days_ago)
    submission = VerificationSubmission.objects.create(
        company=company,
        signatory_name="Olena Kovalenko",
        signatory_position="Director",
        signatory_basis=SignatoryBasis.CHARTER,
        status=SubmissionStatus.APPROVED,
        decided_at=decided,
    )
    submission.documents.set(documents)
    return submission


def test_the_expired_document_fact_is_company_expired_document_s():
    """The trade gate's expired-document fact, read in the lot's statement, is what
    ``company_expired_document`` finds today: only the latest approved submission's documents
    count (latest by decision time, then id), a document expiring today has not expired, and
    one without an expiry date never does."""
    auction = Auction(suppliers=6)
    day = timezone.now().date()
    admins = [member(c, MembershipRole.COMPANY_ADMIN) for c in auction.companies]
    documents = {}
    for when in (day - timedelta(1), day, day + timedelta(30), None):
        made = [add_document(c, a) for c, a in zip(auction.companies, admins, strict=True)]
        VerificationDocument.objects.filter(pk__in=[d.pk for d in made]).update(expiry_date=when)
        documents[when] = made  # (an upload refuses an expired document: set afterwards)
    expired, today_, valid, never = (documents[w] for w in documents)
    # 0: no submission. 1: latest resting on an expired document. 2: an older one did, the
    # latest does not. 3: expires today. 4: no expiry date, and a rejected submission with
    # an expired one. 5: two approved submissions, the later by id decided at the same time.
    _approved(auction.companies[1], [expired[1], valid[1]], decided_days_ago=1)
    _approved(auction.companies[2], [expired[2]], decided_days_ago=30)
    _approved(auction.companies[2], [valid[2]], decided_days_ago=1)
    _approved(auction.companies[3], [today_[3]], decided_days_ago=1)
    _approved(auction.companies[4], [never[4]], decided_days_ago=1)
    rejected = _approved(auction.companies[4], [expired[4]], decided_days_ago=0)
    VerificationSubmission.objects.filter(pk=rejected.pk).update(status=SubmissionStatus.REJECTED)
    _approved(auction.companies[5], [valid[5]], decided_days_ago=2)
    _approved(auction.companies[5], [expired[5]], decided_days_ago=2)
    answers = []
    for bidder, company in zip(auction.bidders, auction.companies, strict=True):
        viewed = lot_get_viewed(user=bidder, lot_id=auction.lot.pk)
        assert viewed.supplier.pk == company.pk
        want = company_expired_document(company=company) is not None
        assert viewed.expired_document is want, company
        answers.append(want)
    assert answers == [False, True, False, False, False, True]


@pytest.mark.postgres
def test_the_reads_on_the_event_loops_connection_are_the_threads(transactional_db):
    """``loop_db``'s statement (PostgreSQL, in the event loop: the lot, the viewer and the own
    bids as JSON) reads what the lot's and the own bids' statements read through Django's
    connection, typed the same, for everyone: own bids only for a supplier (one who is also
    the platform's admin gets none, though the application the statement picks has bids); a
    lot not there is not found; the connections are Django's database's, in its time zone."""
    assert loop_db.available()
    auction = Auction(suppliers=3).start()
    lot_id = auction.lot.pk
    for amount, who in (("99000", 0), ("97999.50", 1), ("96000.25", 0)):
        bid_place(lot_id=lot_id, user=auction.bidders[who], amount=amount, client_bid_id=amount)
    people = _people(auction)

    async def read_all():
        read = [await lot_get_viewed_async(user=user, lot_id=lot_id) for user in people]
        with pytest.raises(NotFoundError):
            await lot_get_viewed_async(user=people[2], lot_id=auction.lot.pk + 1000)
        zone = await loop_db.fetchone("SELECT current_setting('TimeZone')", [])
        return read, zone

    read, zone = async_to_sync(read_all)()
    with_bids = 0
    for user, (got, bids) in zip(people, read, strict=True):
        want = lot_get_viewed(user=user, lot_id=auction.lot.pk)
        assert got.viewer == want.viewer and got.expired_document == want.expired_document
        assert got.lot == want.lot
        assert (got.supplier and got.supplier.verified_at) == (
            want.supplier and want.supplier.verified_at
        )
        supplier = want.viewer is not None and want.viewer.role == "supplier"
        want_bids = own_bids(application_id=want.viewer.application_id) if supplier else []
        assert bids == want_bids
        assert [str(b["amount"]) for b in bids] == [str(b["amount"]) for b in want_bids]
        if bids:
            with_bids += 1
            assert isinstance(bids[0]["placed_at"], datetime)
            assert bids[0]["placed_at"].utcoffset() == timedelta(0)
    assert with_bids >= 2 and max(len(b) for _viewed, b in read) == 2
    assert zone == ("UTC",)
    loop_db.close_all()


@pytest.mark.postgres
def test_a_socket_s_reads_in_the_loop_leave_no_database_wrapper_in_its_task(transactional_db):
    """In the event loop Django keeps its connection wrappers per task: one touch of
    ``django.db.connection`` while a socket opens would leave a ``DatabaseWrapper`` in that
    socket's task for its life (3.5 KiB an idle socket in ``make bench``). The token's user,
    the lot, the viewer and the own bids are read in the loop without one."""
    auction = Auction(suppliers=2).start()
    bid_place(lot_id=auction.lot.pk, user=auction.bidders[0], amount="99000", client_bid_id="a")
    key = Token.objects.create(user=auction.bidders[0]).key
    ws_tokens.clear()
    consumers_open = consumers._open

    async def socket_task():
        user = await ws_tokens.user_for_token(key)  # a cold token: read in the loop
        viewer, company_id, _snapshot, bids = await consumers_open(user, auction.lot.pk, None)
        await consumers_open(user, auction.lot.pk, None)  # the snapshot cached this time
        left = getattr(connections._connections, DEFAULT_DB_ALIAS, None)
        return viewer, company_id, bids, left

    async def in_a_task():
        return await asyncio.create_task(socket_task(), context=contextvars.Context())

    viewer, company_id, bids, left = async_to_sync(in_a_task)()
    assert (viewer.role, company_id, len(bids)) == ("supplier", auction.companies[0].pk, 1)
    assert left is None
