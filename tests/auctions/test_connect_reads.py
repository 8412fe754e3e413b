"""``auctions.realtime.connect_reads``, the live room's fixed-SQL reads at connect, say what
the ORM's ``lot_get`` + ``lot_viewer`` (+ the supplier's verification read) and
``lot_bids_for`` say: for every kind of person (members of the buyer, of admitted, applied,
rejected and lapsed suppliers, of several at once, platform admins, operator staff, strangers
and the anonymous), with values typed as the ORM types them, on SQLite and PostgreSQL."""

from __future__ import annotations

from itertools import combinations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auctions import selectors
from auctions.bidding.place import bid_place
from auctions.models import Application, ApplicationStatus
from auctions.realtime.connect_reads import lot_get_viewed, own_bids
from auctions.realtime.consumers import _check_access
from marketplace.companies.models import Company, Membership, MembershipRole, VerificationStatus
from marketplace.core.exceptions import ApplicationError, NotFoundError
from tests.factories import CompanyFactory, PlatformAdminFactory, UserFactory

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
        lot, viewer, supplier = lot_get_viewed(user=user, lot_id=auction.lot.pk)
        want_lot, want_viewer, want_supplier = _expected(user, auction.lot.pk)
        assert lot == want_lot and lot.tender == want_lot.tender
        for field in ("status", "event_seq", "last_hash"):
            assert getattr(lot, field) == getattr(want_lot, field)
        assert (lot.tender.platform_id, lot.tender.buyer_id) == (
            want_lot.tender.platform_id,
            want_lot.tender.buyer_id,
        )
        assert viewer == want_viewer, user
        got = supplier and (supplier.pk, supplier.verification_status, supplier.verified_at)
        assert got == want_supplier, user
        roles.add(viewer and viewer.role)
    assert roles == {None, "buyer", "admin", "supplier"}  # every branch was taken


def test_it_is_one_query_and_an_unknown_lot_is_not_found():
    auction = Auction(suppliers=2).start()
    with CaptureQueriesContext(connection) as queries:
        lot, viewer, supplier = lot_get_viewed(user=auction.bidders[0], lot_id=auction.lot.pk)
    assert len(queries.captured_queries) == 1
    assert viewer.application_id == auction.applications[0].pk
    assert supplier.pk == auction.companies[0].pk
    assert supplier.verified_at == auction.companies[0].verified_at  # a datetime, as the ORM's
    # A field not read loads when asked for (a deferred field), never a model default.
    assert lot.title == "Diesel fuel EN 590" and lot.start_price == auction.lot.start_price
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
        lot, viewer, _supplier = lot_get_viewed(
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
