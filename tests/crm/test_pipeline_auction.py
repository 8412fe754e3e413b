"""Auction-linked opportunities move by themselves, through listeners of the domain events (the
auction engine calls nothing of the CRM): a supplier's from applied to won or lost, with what
its own view of the lot tells it (rank, gap to the best offer) and nothing more; a buyer's
purchase with its tender. An opportunity won or lost by hand is not moved back; a redelivered
event moves nothing twice. Leads come of a matching published tender and of an invitation."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from auctions import lifecycle, outbox
from auctions.bidding import place
from auctions.models import Lot, Participation
from auctions.tenders import applications, drafting, invitations, scheduling
from crm import pipeline_listeners
from crm import pipeline_opportunities as opportunities
from crm.models import Account, Lead, Opportunity, StageChange, TimelineEntry
from marketplace.companies.models import MembershipRole
from marketplace.events.models import Event
from tests.auctions.factories import World
from tests.crm.pipeline_factories import api, client
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)


def history(opportunity: Opportunity) -> list[tuple[str | None, str, str | None]]:
    rows = StageChange.objects.filter(opportunity=opportunity).order_by("changed_at", "pk")
    return [
        (r.from_stage and r.from_stage.name, r.to_stage.name, r.event and r.event.type)
        for r in rows.select_related("from_stage", "to_stage", "event")
    ]


def only(workspace, lot) -> Opportunity:
    return Opportunity.objects.get(workspace=workspace, lot=lot)


def to_live(w: World, tender, lot, *suppliers) -> list:
    apps = [w.apply(lot, s) for s in suppliers]
    for application in apps:
        applications.application_admit(actor=w.officer, application=application)
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)
    return apps


def close(lot) -> None:
    lot.refresh_from_db()
    lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))


def test_a_suppliers_opportunity_follows_its_application_to_the_win_and_its_rival_loses():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None, "visibility": "rank_only"})
    lot = tender.lots.get()
    alpha = w.apply(lot, w.supplier)

    mine = only(w.supplier, lot)  # made when the company applied
    assert mine.stage.name == "Applied" and mine.status == "open"
    assert mine.account.company == w.buyer and mine.account.segment == "customer"
    assert mine.account.workspace == w.supplier
    assert (mine.amount, mine.currency) == (lot.start_price, tender.currency)
    assert mine.pipeline.is_default and mine.pipeline.kind == "sales"

    beta = w.apply(lot, w.other_supplier)
    for application in (alpha, beta):
        applications.application_admit(actor=w.officer, application=application)
    assert only(w.supplier, lot).stage.name == "Admitted"
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    assert only(w.supplier, lot).stage.name == "Admitted"  # a bid writes no event
    close(lot)

    theirs = only(w.other_supplier, lot)
    assert theirs.stage.name == "Bidding"
    assert theirs.auction_outcome == {
        "rank": 2,
        "participants": 2,
        "own_amount": "99000.00",
        "best_amount": "98000.00",
        "gap": "1000.00",
        "currency": "UAH",
        "visibility": "rank_only",
    }
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)

    mine = only(w.supplier, lot)
    assert (mine.status, mine.stage.name, mine.won_amount) == ("won", "Won", Decimal("98000"))
    assert mine.auction_outcome["rank"] == 1 and mine.auction_outcome["gap"] == "0.00"
    assert history(mine) == [
        (None, "Applied", "application.submitted"),
        ("Applied", "Admitted", "application.admitted"),
        ("Admitted", "Bidding", "lot.closed"),
        ("Bidding", "Won", "lot.awarded"),
    ]
    theirs = only(w.other_supplier, lot)
    assert (theirs.status, theirs.stage.name, theirs.lost_reason) == (
        "lost",
        "Lost",
        "lost_at_auction",
    )
    assert theirs.lost_note == "Lost at auction: rank 2 of 2. 1000.00 UAH above the best offer."
    # What the loser's CRM keeps names neither the winner nor its application.
    text = json.dumps(theirs.auction_outcome) + theirs.lost_note
    assert w.supplier.legal_name not in text
    assert set(theirs.auction_outcome) == set(mine.auction_outcome)  # no application, no id
    assert not Opportunity.objects.filter(workspace=w.buyer).exists()
    # The stage changes are on the accounts' timelines.
    assert TimelineEntry.objects.filter(account=mine.account, kind="stage").count() == 4


def test_the_outcome_is_what_the_suppliers_own_view_of_the_lot_shows():
    """The CRM reads the room's rule (``standing.render``): whatever that shows a supplier of a
    finished lot, and nothing it does not."""
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None, "visibility": "ladder"})
    lot = tender.lots.get()
    _alpha, beta = to_live(w, tender, lot, w.supplier, w.other_supplier)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="97500")
    close(lot)
    lot.refresh_from_db()
    view = pipeline_listeners._supplier_views(lot)[beta.pk]
    assert pipeline_listeners.supplier_outcome(view) == only(w.other_supplier, lot).auction_outcome
    assert only(w.other_supplier, lot).auction_outcome["gap"] == "1500.00"


def test_an_outbid_supplier_is_bidding_from_the_moment_the_event_says_so():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    alpha, _beta = to_live(w, tender, lot, w.supplier, w.other_supplier)
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="98000")
    assert outbox.lot_outbid(lot_id=lot.pk, application_id=alpha.pk)  # as the hub calls it
    mine = only(w.supplier, lot)
    assert mine.stage.name == "Bidding"
    assert history(mine)[-1] == ("Admitted", "Bidding", "lot.outbid")
    assert only(w.other_supplier, lot).stage.name == "Admitted"
    close(lot)
    assert history(only(w.supplier, lot))[-1][2] == "lot.outbid"  # not moved twice
    assert only(w.supplier, lot).auction_outcome["rank"] == 2  # but told its result


def test_a_rejected_application_is_lost_as_not_admitted_with_the_buyers_reason():
    w = World()
    tender = w.published()
    lot = tender.lots.get()
    application = w.apply(lot, w.supplier)
    applications.application_reject(
        actor=w.officer, application=application, reason="No ISO certificate"
    )
    mine = only(w.supplier, lot)
    assert (mine.status, mine.lost_reason, mine.lost_note) == (
        "lost",
        "not_admitted",
        "No ISO certificate",
    )


def test_an_admitted_supplier_that_made_no_offer_is_lost_at_the_close():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    to_live(w, tender, lot, w.supplier, w.other_supplier)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    close(lot)
    mine = only(w.supplier, lot)
    assert (mine.status, mine.lost_reason) == ("lost", "lost_at_auction")
    assert mine.auction_outcome == {}
    assert only(w.other_supplier, lot).stage.name == "Bidding"


def test_an_opportunity_won_or_lost_by_hand_is_not_moved_back():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    mine_app = w.apply(lot, w.supplier)
    manager = member(w.supplier, MembershipRole.ACCOUNT_MANAGER)
    mine = only(w.supplier, lot)
    lost = mine.pipeline.stages.get(name="Lost")
    moved = client(manager).post(
        api("crm-opportunity-move", workspace_id=w.supplier.pk, opportunity_id=mine.pk),
        {"stage": lost.pk, "lost_reason": "competitor"},
    )
    assert moved.status_code == 200, moved.content
    applications.application_admit(actor=w.officer, application=mine_app)
    mine.refresh_from_db()
    assert (mine.status, mine.stage, mine.lost_reason) == ("lost", lost, "competitor")
    assert [h[2] for h in history(mine)] == ["application.submitted", None]


def test_a_redelivered_event_moves_nothing_twice():
    w = World()
    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    to_live(w, tender, lot, w.supplier, w.other_supplier)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    close(lot)
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)

    def state():
        return (
            sorted(Opportunity.objects.values_list("pk", "stage_id", "status", "position")),
            StageChange.objects.count(),
            TimelineEntry.objects.filter(kind="stage").count(),
            Account.objects.count(),
        )

    before = state()
    handlers = {
        "application.submitted": pipeline_listeners.application_submitted,
        "application.admitted": pipeline_listeners.application_decided,
        "lot.closed": pipeline_listeners.lot_closed,
        "lot.awarded": pipeline_listeners.lot_awarded,
        "tender.published": pipeline_listeners.purchase_stage,
        "lot.started": pipeline_listeners.purchase_stage,
    }
    for event in Event.objects.filter(type__in=handlers).order_by("pk"):
        with transaction.atomic():
            handlers[event.type](event)
    assert state() == before
    # An earlier event handed out late does not move a later stage back either.
    admitted = Event.objects.filter(type="application.admitted").first()
    StageChange.objects.filter(event=admitted).delete()
    with transaction.atomic():
        pipeline_listeners.application_decided(admitted)
    assert state()[0] == before[0]


def test_a_buyers_purchase_moves_with_its_tender_and_is_awarded_with_the_awards_sum():
    w = World()
    tender = w.draft(lot_overrides={"reserve_price": None})
    manager = member(w.buyer, MembershipRole.ACCOUNT_MANAGER)
    supplier_account = Account.objects.create(
        workspace=w.buyer, name="Expected supplier", name_key="expected supplier"
    )
    made = client(manager).post(
        api("crm-opportunities", workspace_id=w.buyer.pk),
        {"account": supplier_account.pk, "title": "Winter diesel", "tender": tender.pk},
    )
    assert made.status_code == 201, made.content
    purchase = Opportunity.objects.get(pk=made.json()["id"])
    assert purchase.pipeline.kind == "purchase" and purchase.stage.name == "Planned"
    drafting.tender_publish(actor=w.officer, tender=tender)
    purchase.refresh_from_db()
    assert purchase.stage.name == "Published"
    lot = tender.lots.get()
    to_live(w, tender, lot, w.supplier, w.other_supplier)
    purchase.refresh_from_db()
    assert purchase.stage.name == "Auction"
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    close(lot)
    purchase.refresh_from_db()
    assert purchase.stage.name == "Auction"  # closed, not yet awarded
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)
    purchase.refresh_from_db()
    assert (purchase.status, purchase.stage.name, purchase.won_amount) == (
        "won",
        "Awarded",
        Decimal("99000"),
    )
    assert [h[2] for h in history(purchase)] == [
        None,
        "tender.published",
        "lot.started",
        "lot.awarded",
    ]


def test_a_cancelled_tender_cancels_the_purchase_and_loses_the_suppliers_opportunities():
    w = World()
    tender = w.draft()
    account = Account.objects.create(workspace=w.buyer, name="Someone", name_key="someone")
    purchase = opportunities.opportunity_create(
        user=member(w.buyer, MembershipRole.COMPANY_ADMIN),
        workspace_id=w.buyer.pk,
        account_id=account.pk,
        title="Purchase",
        tender_id=tender.pk,
    )
    drafting.tender_publish(actor=w.officer, tender=tender)
    lot = tender.lots.get()
    w.apply(lot, w.supplier)
    drafting.tender_cancel(actor=w.officer, tender=tender, reason="Budget withdrawn")
    purchase.refresh_from_db()
    assert (purchase.status, purchase.stage.name, purchase.lost_reason) == (
        "lost",
        "Cancelled",
        "cancelled",
    )
    mine = only(w.supplier, lot)
    assert (mine.status, mine.lost_reason, mine.lost_note) == (
        "lost",
        "cancelled",
        "Budget withdrawn",
    )


def test_a_published_tender_is_a_lead_for_each_supplier_whose_categories_cover_it():
    w = World()
    tender = w.published()
    leads = Lead.objects.filter(source="tender_match")
    assert sorted(leads.values_list("workspace_id", flat=True)) == sorted(
        [w.supplier.pk, w.other_supplier.pk]
    )  # not the buyer, nor the unverified, the outsider, the uncovered
    lead = leads.get(workspace=w.supplier)
    assert lead.lot == tender.lots.get() and lead.company_name == w.buyer.legal_name
    assert lead.title == f"Tender: {tender.title}" and lead.account is None
    with transaction.atomic():
        pipeline_listeners.tender_match_leads(Event.objects.get(type="tender.published"))
    assert leads.count() == 2  # redelivered: nothing more
    # Converting it opens an opportunity on the buyer's account, at the tender's one lot.
    manager = member(w.supplier, MembershipRole.ACCOUNT_MANAGER)
    converted = client(manager).post(
        api("crm-lead-convert", workspace_id=w.supplier.pk, lead_id=lead.pk), {}
    )
    assert converted.status_code == 201, converted.content
    opportunity = Opportunity.objects.get(pk=converted.json()["id"])
    assert opportunity.account.company == w.buyer and opportunity.lot == tender.lots.get()
    w.apply(tender.lots.get(), w.supplier)
    assert Opportunity.objects.filter(workspace=w.supplier).count() == 1  # it has one already
    opportunity.refresh_from_db()
    assert opportunity.stage.name == "Applied"


def test_an_invitation_is_a_lead_once_per_tender():
    w = World()
    tender = w.draft(participation=Participation.INVITATION)
    invitations.tender_invitation_create(actor=w.officer, tender=tender, supplier=w.supplier)
    drafting.tender_publish(actor=w.officer, tender=tender)
    leads = Lead.objects.filter(workspace=w.supplier)
    assert leads.count() == 1
    assert leads.get().source in ("invitation", "tender_match")
    assert not Lead.objects.filter(workspace=w.other_supplier).exists()  # not invited
    invitations.tender_invitation_create(actor=w.officer, tender=tender, supplier=w.other_supplier)
    lead = Lead.objects.get(workspace=w.other_supplier)
    assert lead.source == "invitation" and lead.title == f"Invitation to tender: {tender.title}"
