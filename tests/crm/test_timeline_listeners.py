"""The marketplace writes the CRM's timelines: listeners of the domain events put each event on
the account that stands for the counterparty in each workspace concerned, once per event, with
a link to its source, and tell each workspace only what its company may read (a losing supplier
never learns who won)."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from auctions.models import Participation
from auctions.tenders import applications, drafting, invitations
from crm import timeline_listeners
from crm.models import Account, TimelineEntry
from crm.timeline_listeners import HANDLERS, Mention, _write
from marketplace.events import registry
from marketplace.events.models import Event
from marketplace.events.services import event_emit
from tests.auctions.factories import World
from tests.crm.activities_factories import account_make
from tests.events.test_auction_events import run_to_award
from tests.factories import CompanyFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


class Crms:
    """The CRM accounts each party keeps: the buyer of both suppliers, each supplier of the
    buyer, a stranger of the buyer; ``uncovered`` keeps none."""

    def __init__(self, w: World):
        self.buyer_of_alpha = account_make(w.buyer, "Alpha (our supplier)", w.supplier)
        self.buyer_of_beta = account_make(w.buyer, "Beta (our supplier)", w.other_supplier)
        self.alpha_of_buyer = account_make(w.supplier, "Buyer (our customer)", w.buyer)
        self.beta_of_buyer = account_make(w.other_supplier, "Buyer (our customer)", w.buyer)
        self.stranger_of_buyer = account_make(
            w.stranger.memberships.get().company, "Buyer (prospect)", w.buyer
        )


def types_on(account: Account) -> list[str]:
    """The marketplace's entries on ``account`` (other parts of the CRM write theirs too)."""
    entries = account.timeline.filter(kind="event").order_by("at", "pk")
    return list(entries.values_list("type", flat=True))


def text_of(workspace_id: int) -> str:
    rows = TimelineEntry.objects.filter(workspace_id=workspace_id, kind="event").values(
        "title", "body", "url", "payload"
    )
    return json.dumps(list(rows), default=str)


def test_an_auction_from_publication_to_deal_lands_on_each_partys_timeline():
    w = World()
    crm = Crms(w)
    tender, lot, _alpha, _beta = run_to_award(w)

    assert types_on(crm.buyer_of_alpha) == [
        "application.submitted",
        "application.admitted",
        "lot.closed",
        "lot.awarded",
        "deal.created",
        "order.created",  # the deal's order (deals/listeners.py), on both parties' timelines
    ]
    assert types_on(crm.buyer_of_beta) == [
        "application.submitted",
        "application.admitted",
        "lot.closed",
    ]
    assert types_on(crm.alpha_of_buyer) == [
        "tender.published",
        "application.submitted",
        "application.admitted",
        "lot.closed",
        "lot.awarded",
        "deal.created",
        "order.created",
    ]
    assert types_on(crm.beta_of_buyer) == [
        "tender.published",
        "application.submitted",
        "application.admitted",
        "lot.closed",
    ]
    assert types_on(crm.stranger_of_buyer) == ["tender.published"]  # a public tender
    # No account is made for a counterparty a workspace does not keep.
    assert not Account.objects.filter(workspace=w.uncovered).exists()

    # Each entry: its event, its time, a link to its source.
    for entry in TimelineEntry.objects.filter(kind="event"):
        assert entry.event is not None and entry.at == entry.event.occurred_at
        assert entry.kind == "event" and entry.type == entry.event.type and entry.url
    closed = crm.alpha_of_buyer.timeline.get(type="lot.closed")
    assert closed.url == f"/lots/{lot.pk}/"
    assert crm.alpha_of_buyer.timeline.get(type="tender.published").url == f"/tenders/{tender.pk}/"
    deal = crm.buyer_of_alpha.timeline.get(type="deal.created")
    assert deal.url == f"/api/deals/{lot.deal.pk}/"


def test_auction_results_are_told_as_each_reader_sees_the_lot():
    w = World()
    crm = Crms(w)
    _tender, _lot, alpha, _beta = run_to_award(w)

    # The winner: its rank, its offer; then the award and the deal.
    won = crm.alpha_of_buyer.timeline.get(type="lot.closed")
    assert won.payload["rank"] == 1 and won.payload["amount"] == "98000.00"
    assert "your rank 1 of 2" in won.title
    awarded = crm.alpha_of_buyer.timeline.get(type="lot.awarded")
    assert "Won lot" in awarded.title and "98000.00 UAH" in awarded.title

    # The loser: its own rank and offer, the best price (a closed lot shows it to suppliers),
    # never the winner's identity, application or award.
    lost = crm.beta_of_buyer.timeline.get(type="lot.closed")
    assert lost.payload["rank"] == 2 and lost.payload["amount"] == "99000.00"
    assert lost.payload["best"] == "98000.00"
    assert "your rank 2 of 2" in lost.title and "Best offer: 98000.00 UAH" in lost.body
    loser_text = text_of(w.other_supplier.pk)
    for secret in (w.supplier.legal_name, "Alpha", f'"application": {alpha.pk}', "Won", "Award"):
        assert secret not in loser_text, secret

    # The buyer: every supplier's rank and offer, each on its account of that supplier.
    assert crm.buyer_of_alpha.timeline.get(type="lot.closed").payload["rank"] == 1
    seen = crm.buyer_of_beta.timeline.get(type="lot.closed")
    assert seen.payload["rank"] == 2 and "99000.00 UAH" in seen.title
    assert "Awarded lot" in crm.buyer_of_alpha.timeline.get(type="lot.awarded").title


def test_a_redelivered_event_writes_nothing_twice():
    w = World()
    Crms(w)
    run_to_award(w)
    before = list(TimelineEntry.objects.order_by("pk").values_list())
    assert before
    for event in Event.objects.order_by("pk"):
        timeline_listeners.timeline_write(event)
        timeline_listeners.timeline_write(event)
    assert list(TimelineEntry.objects.order_by("pk").values_list()) == before


def test_a_workspace_that_may_not_read_the_event_is_never_told():
    w = World()
    Crms(w)
    run_to_award(w)
    awarded = Event.objects.get(type="lot.awarded")
    # Whatever a handler says, the loser's company does not read lot.awarded: nothing written.
    before = TimelineEntry.objects.count()
    written = _write(
        awarded, [Mention(workspace=w.other_supplier.pk, counterparty=w.buyer.pk, title="leak")]
    )
    assert written == 0 and TimelineEntry.objects.count() == before


def test_an_invitation_only_tender_reaches_only_the_invited():
    w = World()
    crm = Crms(w)
    tender = w.draft(participation=Participation.INVITATION)
    invitations.tender_invitation_create(actor=w.officer, tender=tender, supplier=w.supplier)
    drafting.tender_publish(actor=w.officer, tender=tender)
    lot = tender.lots.get()
    application = w.apply(lot, w.supplier)
    applications.application_reject(
        actor=w.officer, application=application, reason="Certificate missing"
    )

    assert types_on(crm.alpha_of_buyer) == [
        "tender.published",
        "tender.invited",
        "application.submitted",
        "application.rejected",
    ]
    assert types_on(crm.buyer_of_alpha) == [
        "tender.invited",
        "application.submitted",
        "application.rejected",
    ]
    assert "invited you" in crm.alpha_of_buyer.timeline.get(type="tender.invited").title
    rejected = crm.alpha_of_buyer.timeline.get(type="application.rejected")
    assert rejected.body == "Reason: Certificate missing"
    # Neither the other supplier nor the stranger may read this tender.
    assert types_on(crm.beta_of_buyer) == [] and types_on(crm.stranger_of_buyer) == []


def test_a_cancelled_tender_is_told_to_those_who_applied():
    w = World()
    crm = Crms(w)
    tender = w.published()
    w.apply(tender.lots.get(), w.supplier)
    drafting.tender_cancel(actor=w.officer, tender=tender, reason="Budget cut")
    cancelled = crm.alpha_of_buyer.timeline.get(type="tender.cancelled")
    assert "cancelled the tender" in cancelled.title and cancelled.body == "Budget cut"
    assert crm.buyer_of_alpha.timeline.filter(type="tender.cancelled").exists()
    assert not crm.beta_of_buyer.timeline.filter(type="tender.cancelled").exists()


def verification_event(event_type: str, company, **payload) -> None:
    with transaction.atomic():
        event_emit(event_type, company=company, payload={"company": company.pk, **payload})


def test_verification_is_told_as_the_marketplace_shows_it_never_the_reason():
    company = CompanyFactory(legal_name="Newcomer Ltd", verification_status="pending")
    keeper = CompanyFactory(legal_name="Keeper Ltd")
    member(keeper, "account_manager")
    account = account_make(keeper, "Newcomer", company)
    own = account_make(company, "Keeper", keeper)  # the company's own CRM: not told of itself

    verification_event("company.verified", company, decision=1)  # (a decision's id)
    verification_event(
        "company.verification_changed",
        company,
        decision=None,
        status_before="verified",
        status_after="reverification_needed",
        reason="The licence expired on 1 May",
    )
    verification_event(
        "company.verification_changed",
        company,
        decision=None,
        status_before="pending",
        status_after="rejected",
        reason="Forged documents",
    )
    titles = list(account.timeline.order_by("at", "pk").values_list("title", flat=True))
    assert titles == [
        "Newcomer Ltd was verified on the marketplace",
        "Newcomer Ltd is no longer verified on the marketplace",
    ]
    text = text_of(keeper.pk)
    assert "licence" not in text and "Forged" not in text and "rejected" not in text
    assert account.timeline.first().url == f"/api/suppliers/{company.pk}/"
    assert not own.timeline.exists()


def test_adding_an_event_type_is_one_function_and_the_listener_covers_every_one():
    covered = {
        "company.verified",
        "company.verification_changed",
        "tender.published",
        "tender.cancelled",
        "tender.invited",
        "application.submitted",
        "application.admitted",
        "application.rejected",
        "lot.closed",
        "lot.awarded",
        "deal.created",
        "order.created",
        "order.status_changed",
    }
    assert set(HANDLERS) == covered
    entry = registry.get("crm.timeline")
    assert entry is not None and set(entry.types) == covered
