"""A campaign's applied / bid / won come of REAL domain events, handed to marketing's listener by
the event delivery (nothing here calls ``attribute_event``): a buyer's campaign reaches a
supplier's contact; the supplier applies to the buyer's tender (``application.submitted``), bids
and the lot closes (``lot.closed``), and is awarded (``lot.awarded``). A supplier the campaign did
not reach, a step on another buyer's tender, and a step after the 30-day window count nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Lot
from auctions.tenders import applications, drafting, scheduling
from crm.models import Account, Contact
from marketing import selectors, services
from marketing.attribution import WINDOW
from marketing.models import Attribution, Campaign, RecipientStatus, Segment
from marketplace.companies.models import Company, MembershipRole
from marketplace.events import registry
from marketplace.events.models import DeliveryStatus, Event, EventDelivery
from tests.auctions.factories import OFFICER, World, lot_data
from tests.factories import member

pytestmark = pytest.mark.django_db(transaction=True)

LISTENER = "marketing.listeners.campaign_attribution"
BODY = "<p>Dear {{ contact.first_name }}, {{ workspace.name }} has new tenders for you.</p>"


def results(campaign: Campaign) -> dict[str, int]:
    campaign.refresh_from_db()
    everything = selectors.campaign_results(campaign=campaign)
    return {k: everything[k] for k in ("sent", "applied", "bid", "won")}


def campaign_to(workspace: Company, *suppliers: Company, sent_at=None) -> Campaign:
    """A campaign of ``workspace`` sent (and delivered, on the commit) to one contact of each of
    ``suppliers``, through the CRM accounts linked to them."""
    manager = member(workspace, MembershipRole.ACCOUNT_MANAGER)
    for company in suppliers:
        account, _made = Account.objects.get_or_create(
            workspace=workspace,
            company=company,
            defaults={
                "name": company.legal_name,
                "name_key": company.legal_name.lower(),
                "segment": "supplier",
            },
        )
        slug = company.legal_name.lower().replace(" ", "-")
        Contact.objects.get_or_create(
            workspace=workspace,
            account=account,
            defaults={
                "first_name": "Olena",
                "last_name": company.legal_name,
                "emails": [f"sales@{slug}.example"],
                "consent": True,
            },
        )
    segment = Segment.objects.create(
        workspace=workspace, name="Suppliers", filters={"segments": ["supplier"]}
    )
    campaign = services.campaign_create(
        actor=manager,
        workspace_id=workspace.pk,
        segment_id=segment.pk,
        name="Winter diesel",
        subject="Our winter tenders",
        body=BODY,
    )
    return services.campaign_send(
        actor=manager, workspace_id=workspace.pk, campaign_id=campaign.pk, now=sent_at
    )


def to_live(w: World, tender, lot, *suppliers) -> None:
    for application in [w.apply(lot, s) for s in suppliers]:
        applications.application_admit(actor=w.officer, application=application)
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)


def close(lot) -> None:
    lot.refresh_from_db()
    lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))


def marketing_deliveries() -> list[tuple[str, str]]:
    return sorted(
        EventDelivery.objects.filter(listener=LISTENER).values_list("event__type", "status")
    )


def test_a_reached_supplier_applying_bidding_and_winning_counts_for_the_campaign():
    w = World()
    campaign = campaign_to(w.buyer, w.supplier)  # Alpha reached; Beta not
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sales@supplier-alpha-canary.example"]
    assert campaign.recipients.get().status == RecipientStatus.SENT
    assert results(campaign) == {"sent": 1, "applied": 0, "bid": 0, "won": 0}

    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    to_live(w, tender, lot, w.supplier, w.other_supplier)  # both apply (and are admitted)
    assert results(campaign) == {"sent": 1, "applied": 1, "bid": 0, "won": 0}

    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    close(lot)
    assert results(campaign) == {"sent": 1, "applied": 1, "bid": 1, "won": 0}

    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)
    assert results(campaign) == {"sent": 1, "applied": 1, "bid": 1, "won": 1}

    # Counted by the delivery of each event to marketing's listener, for Alpha alone: Beta
    # applied, bid and came second, and the campaign never reached it.
    assert marketing_deliveries() == [
        ("application.submitted", DeliveryStatus.DONE),
        ("application.submitted", DeliveryStatus.DONE),
        ("lot.awarded", DeliveryStatus.DONE),
        ("lot.closed", DeliveryStatus.DONE),
    ]
    rows = Attribution.objects.filter(campaign=campaign)
    assert sorted(rows.values_list("kind", "company_id", "event__type")) == [
        ("applied", w.supplier.pk, "application.submitted"),
        ("bid", w.supplier.pk, "lot.closed"),
        ("won", w.supplier.pk, "lot.awarded"),
    ]
    # A redelivered event counts once.
    entry = registry.get(LISTENER)
    assert entry is not None
    for event in Event.objects.filter(type__in=entry.types):
        with transaction.atomic():
            entry.fn(event)
    assert rows.count() == 3
    assert results(campaign) == {"sent": 1, "applied": 1, "bid": 1, "won": 1}


def test_a_step_on_another_buyers_tender_counts_for_that_buyers_campaign_only():
    w = World()
    mine = campaign_to(w.buyer, w.supplier)
    rival = w._company("Rival Buyer Ltd", buyer=True)
    rival_officer = member(rival, OFFICER)
    theirs = campaign_to(rival, w.supplier)  # the rival buyer reached Alpha too
    draft = drafting.tender_create(
        actor=rival_officer, **w.tender_kwargs(buyer=rival), lots=[lot_data(title="Lot 1")]
    )
    tender = drafting.tender_publish(actor=rival_officer, tender=draft)
    w.apply(tender.lots.get(), w.supplier)
    assert Event.objects.filter(type="application.submitted").count() == 1
    assert results(mine)["applied"] == 0  # not its tender
    assert results(theirs)["applied"] == 1
    assert list(Attribution.objects.values_list("campaign_id", flat=True)) == [theirs.pk]


def test_a_step_after_the_window_counts_nothing_and_one_inside_it_counts():
    w = World()
    now = timezone.now()
    stale = campaign_to(w.buyer, w.supplier, sent_at=now - WINDOW - timedelta(hours=1))
    tender = w.published()
    w.apply(tender.lots.get(), w.supplier)
    assert stale.recipients.get().status == RecipientStatus.SENT
    assert results(stale) == {"sent": 1, "applied": 0, "bid": 0, "won": 0}
    assert EventDelivery.objects.get(listener=LISTENER).status == DeliveryStatus.DONE
    assert not Attribution.objects.exists()

    # The same step a day inside the window counts (the stale campaign still does not).
    fresh = campaign_to(w.buyer, w.supplier, sent_at=now - WINDOW + timedelta(days=1))
    w.apply(w.published(title="Diesel for the spring").lots.get(), w.supplier)
    assert results(fresh)["applied"] == 1
    assert results(stale)["applied"] == 0


def test_every_reached_bidder_of_one_closed_lot_counts():
    """One ``lot.closed`` names all its bidders: each reached company is credited."""
    w = World()
    campaign = campaign_to(w.buyer, w.supplier, w.other_supplier)
    assert len(mail.outbox) == 2
    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    to_live(w, tender, lot, w.supplier, w.other_supplier)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    close(lot)
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)
    assert results(campaign) == {"sent": 2, "applied": 2, "bid": 2, "won": 1}
    closed = Attribution.objects.filter(campaign=campaign, event__type="lot.closed")
    assert sorted(closed.values_list("company_id", flat=True)) == sorted(
        [w.supplier.pk, w.other_supplier.pk]
    )
