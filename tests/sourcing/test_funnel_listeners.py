"""The funnel moves by itself, through sourcing's listeners of the real domain events (emitted by
the services, delivered after the commit): a prospect registers (``company.registered``), is
verified (``company.verified``) and then invited to the invitation-only tender automatically,
applies (``application.submitted``) and bids (seen at ``lot.closed``). A redelivered event moves
nothing twice; a later stage sets the earlier ones; what happened before the invitation moves
nothing; invitations made on the tender's own page enter the funnel too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Bid, Lot, Participation, TenderInvitation
from auctions.tenders import applications, drafting, scheduling
from auctions.tenders import invitations as tender_invitations
from marketplace.companies.models import MembershipRole
from marketplace.companies.services import company_register
from marketplace.events import registry
from marketplace.events.models import Event
from marketplace.platforms import services as platform_services
from marketplace.verification import services as verification
from sourcing import funnel, invitations
from sourcing.models import Stage, SupplierInvitation
from suppliers.models import SupplierProfile
from tests.factories import PlatformMembershipFactory, UserFactory, member, valid_edrpou
from tests.sourcing.factories import Seed, api, client, prospect_data
from tests.verification.factories import submit

pytestmark = pytest.mark.django_db(transaction=True)

STAMPS = ("registered_at", "verified_at", "applied_at", "bid_at", "tender_invited_at")


def stamps(row: SupplierInvitation) -> tuple:
    row.refresh_from_db()
    return tuple(getattr(row, name) for name in STAMPS)


def register(edrpou: str, name: str = "TOV Steel Works"):
    admin = UserFactory(email=f"admin-{edrpou}@steel-works.example")
    company = company_register(
        user=admin, legal_name=name, country="UA", registration_number=edrpou, is_supplier=True
    )
    return company, admin


def verify(company, admin) -> None:
    submission = submit(company, admin)
    verification.submission_approve(submission=submission, reviewer=UserFactory(is_staff=True))


def redeliver_all() -> None:
    """Every event handed to sourcing's listeners once more (as a retry would)."""
    for event in Event.objects.order_by("pk"):
        for entry in registry.listeners_for(event.type):
            if entry.name.startswith("sourcing."):
                with transaction.atomic():
                    entry.fn(event)


def test_registration_tells_the_other_domains():
    company, admin = register(valid_edrpou())
    event = Event.objects.get(type="company.registered")
    assert event.payload == {"company": company.pk}
    assert event.company_id == company.pk and event.actor == admin


def test_a_prospect_goes_all_the_way_from_the_e_mail_to_its_first_bid():
    w = Seed()
    tender = w.invitation_tender()
    lot = tender.lots.get()
    edrpou = valid_edrpou()
    row = invitations.prospect_invite(
        actor=w.officer, tender=tender, **prospect_data(identifier=edrpou)
    )
    assert row.stage == Stage.INVITED

    company, admin = register(edrpou, name="TOV Steel Works (registered)")
    row.refresh_from_db()
    assert row.company == company and row.stage == Stage.REGISTERED
    assert row.registered_at == Event.objects.get(type="company.registered").occurred_at

    PlatformMembershipFactory(platform=w.platform, company=company)
    verify(company, admin)
    row.refresh_from_db()
    assert row.stage == Stage.VERIFIED
    assert row.verified_at == Event.objects.get(type="company.verified").occurred_at
    invitation = TenderInvitation.objects.get(tender=tender, supplier=company)
    assert invitation.invited_by == w.officer  # who invited the prospect
    assert row.tender_invitation == invitation and row.auto_invite_problem == ""
    assert Event.objects.filter(type="tender.invited", payload__supplier=company.pk).exists()

    # A registered supplier invited from a shortlist, to bid against.
    invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    assert SupplierInvitation.objects.count() == 2  # the tender.invited events added no row

    theirs = w.apply(lot, w.supplier)
    mine = applications.application_submit(
        actor=admin, lot=lot, supplier=company, terms_accepted=True
    )
    row.refresh_from_db()
    assert row.stage == Stage.APPLIED
    for application in (theirs, mine):
        applications.application_admit(actor=w.officer, application=application)
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)
    place.bid_place(lot_id=lot.pk, user=admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_admin, amount="98000")
    place.bid_place(lot_id=lot.pk, user=admin, amount="97000")
    row.refresh_from_db()
    assert row.stage == Stage.APPLIED  # a bid writes no event
    lot.refresh_from_db()
    lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))

    row.refresh_from_db()
    first = Bid.objects.filter(application=mine).order_by("placed_at").first()
    assert row.stage == Stage.BID and row.bid_at == first.placed_at
    assert row.invited_at <= row.registered_at <= row.verified_at <= row.applied_at <= row.bid_at

    before = stamps(row)
    redeliver_all()
    assert stamps(row) == before
    assert TenderInvitation.objects.filter(tender=tender, supplier=company).count() == 1
    assert SupplierInvitation.objects.count() == 2

    body = client(w.officer).get(api("sourcing-tender-funnel", tender_id=tender.pk)).json()
    assert body["counts"] == {"invited": 2, "registered": 2, "verified": 2, "applied": 2, "bid": 2}
    prospect_row = next(r for r in body["invitations"] if r["origin"] == "prospect")
    assert prospect_row["company"] == {"id": company.pk, "name": company.legal_name}
    assert prospect_row["stage"] == "bid" and prospect_row["email"] == "olena@steel-works.example"


def test_the_automatic_invitation_waits_for_the_platforms_membership():
    w = Seed()
    tender = w.invitation_tender()
    edrpou = valid_edrpou()
    row = invitations.prospect_invite(
        actor=w.officer, tender=tender, **prospect_data(identifier=edrpou)
    )
    company, admin = register(edrpou)
    verify(company, admin)
    row.refresh_from_db()
    assert row.stage == Stage.VERIFIED and row.tender_invitation is None
    assert row.auto_invite_problem == "supplier_not_participant"
    assert not TenderInvitation.objects.filter(supplier=company).exists()

    platform_services.membership_add(actor=w.platform_admin, platform=w.platform, company=company)
    row.refresh_from_db()
    assert row.tender_invitation is not None and row.auto_invite_problem == ""
    assert row.tender_invitation.supplier == company

    # Taken back by the buyer: not invited again by itself.
    tender_invitations.tender_invitation_remove(actor=w.officer, invitation=row.tender_invitation)
    redeliver_all()
    assert not TenderInvitation.objects.filter(supplier=company).exists()


def test_an_open_tender_is_not_an_invitation_a_verified_prospect_applies_to_it():
    w = Seed()
    tender = w.published()
    edrpou = valid_edrpou()
    row = invitations.prospect_invite(
        actor=w.officer, tender=tender, **prospect_data(identifier=edrpou)
    )
    company, admin = register(edrpou)
    PlatformMembershipFactory(platform=w.platform, company=company)
    SupplierProfile.objects.create(company=company).categories.set([w.root])
    verify(company, admin)
    row.refresh_from_db()
    assert row.stage == Stage.VERIFIED and row.tender_invitation is None
    assert row.auto_invite_problem == "" and not TenderInvitation.objects.exists()
    applications.application_submit(
        actor=admin, lot=tender.lots.get(), supplier=company, terms_accepted=True
    )
    row.refresh_from_db()
    assert row.stage == Stage.APPLIED


def test_a_finished_tender_invites_nobody_by_itself():
    w = Seed()
    tender = w.invitation_tender()
    edrpou = valid_edrpou()
    row = invitations.prospect_invite(
        actor=w.officer, tender=tender, **prospect_data(identifier=edrpou)
    )
    drafting.tender_cancel(actor=w.officer, tender=tender, reason="No budget")
    company, admin = register(edrpou)
    PlatformMembershipFactory(platform=w.platform, company=company)
    verify(company, admin)
    row.refresh_from_db()
    assert row.stage == Stage.VERIFIED and row.tender_invitation is None
    assert not TenderInvitation.objects.exists()


def test_invitations_made_on_the_tenders_page_enter_the_funnel_once():
    w = Seed()
    tender = w.invitation_tender(publish=False)
    invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    tender_invitations.tender_invitation_create(
        actor=w.officer, tender=tender, supplier=w.other_supplier
    )
    assert SupplierInvitation.objects.count() == 1  # a draft tells nobody yet
    drafting.tender_publish(actor=w.officer, tender=tender)
    rows = SupplierInvitation.objects.order_by("company__legal_name")
    assert [(r.company, r.origin, r.stage) for r in rows] == [
        (w.supplier, "supplier", "verified"),
        (w.other_supplier, "supplier", "verified"),
    ]
    other = rows.get(company=w.other_supplier)
    assert other.tender_invitation.supplier == w.other_supplier
    assert other.invited_by == w.officer


def test_an_invitation_taken_back_marks_its_row_until_the_company_is_invited_again():
    w = Seed()
    tender = w.invitation_tender()
    row = invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    row.refresh_from_db()
    reached = (row.stage, stamps(row))
    assert row.tender_invitation is not None and row.withdrawn_at is None
    tender_invitations.tender_invitation_remove(actor=w.officer, invitation=row.tender_invitation)
    row.refresh_from_db()
    taken_back = row.withdrawn_at
    assert taken_back is not None and row.tender_invitation is None
    assert (row.stage, stamps(row)) == reached  # no stage moves back
    redeliver_all()
    row.refresh_from_db()
    assert row.withdrawn_at == taken_back  # the first time kept
    body = client(w.officer).get(api("sourcing-tender-funnel", tender_id=tender.pk)).json()
    (shown,) = body["invitations"]
    assert shown["withdrawn_at"] is not None and shown["tender_invitation"] is None
    again = tender_invitations.tender_invitation_create(
        actor=w.officer, tender=tender, supplier=w.supplier
    )
    row.refresh_from_db()
    assert row.withdrawn_at is None and row.tender_invitation == again
    assert SupplierInvitation.objects.count() == 1


def test_a_later_stage_sets_the_earlier_ones_at_the_earliest_time_seen():
    w = Seed()
    tender = w.invitation_tender()
    row = invitations.prospect_invite(actor=w.officer, tender=tender, **prospect_data())
    rows = SupplierInvitation.objects.filter(pk=row.pk)
    t = row.invited_at
    funnel.advance(rows, Stage.APPLIED, t + timedelta(hours=3))
    assert stamps(row)[:4] == (t + timedelta(hours=3),) * 3 + (None,)
    funnel.advance(rows, Stage.REGISTERED, t + timedelta(hours=1))  # came late
    funnel.advance(rows, Stage.APPLIED, t + timedelta(hours=5))  # a second application
    assert stamps(row)[:3] == (
        t + timedelta(hours=1),
        t + timedelta(hours=3),
        t + timedelta(hours=3),
    )
    funnel.advance(rows, Stage.BID, t - timedelta(minutes=1))  # before the invitation
    assert stamps(row)[3] is None


def test_the_funnel_is_the_buyers_to_read():
    w = Seed()
    tender = w.invitation_tender()
    invitations.supplier_invite(actor=w.officer, tender=tender, supplier=w.supplier)
    invitations.prospect_invite(actor=w.officer, tender=tender, **prospect_data())
    url = api("sourcing-tender-funnel", tender_id=tender.pk)
    # Any of the buyer's people reads it.
    assert client(w.buyer_bidder).get(url).status_code == 200
    viewer = member(w.buyer, MembershipRole.ACCOUNT_MANAGER)
    assert client(viewer).get(url).json()["counts"]["invited"] == 2
    # The invited supplier sees the tender, not who else was invited; others see nothing.
    refused = client(w.supplier_admin).get(url)
    assert refused.status_code == 403 and "steel-works" not in refused.content.decode()
    for stranger in (w.rival_officer, w.other_admin, w.platform_admin):
        response = client(stranger).get(url)
        assert response.status_code in (403, 404) and "steel-works" not in response.content.decode()
    assert client().get(url).status_code in (401, 403)

    across = client(w.officer).get(api("sourcing-funnel")).json()
    assert across["buyer"]["id"] == w.buyer.pk
    assert across["counts"] == {
        "invited": 2,
        "registered": 1,
        "verified": 1,
        "applied": 0,
        "bid": 0,
    }
    assert [t["tender"]["id"] for t in across["tenders"]] == [tender.pk]
    assert client(w.rival_officer).get(api("sourcing-funnel")).json()["counts"]["invited"] == 0
    not_mine = client(w.rival_officer).get(api("sourcing-funnel"), {"buyer": w.buyer.pk})
    assert not_mine.status_code == 404
    supplier = client(w.supplier_admin).get(api("sourcing-funnel"))
    assert supplier.status_code == 403 and supplier.json()["error"]["code"] == "not_buyer_member"
    assert tender.participation == Participation.INVITATION
