"""The auction app's domain events, as a tender goes through its life: each change writes its
event with the right readers, and the change feed shows each company only what it may know (a
losing supplier never learns who won, nor a competitor's applications)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from auctions import lifecycle
from auctions.bidding import place
from auctions.models import Lot
from auctions.tenders import applications, questions, scheduling
from marketplace.events.models import Event
from tests.auctions.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def feed(user, **params) -> list[dict]:
    client = APIClient()
    client.force_authenticate(user=user)
    response = client.get("/api/events/", {"limit": 500, **params})
    assert response.status_code == 200, response.content
    return response.json()["events"]


def story(events: list[dict]) -> list[str]:
    """The types of the auction's own events: each party's CRM also records what happened in its
    workspace (``crm.*``, tested in tests/crm and tests/automation), left out here."""
    return [e["type"] for e in events if not e["type"].startswith("crm.")]


def run_to_award(w: World):
    tender = w.published(lot_overrides={"reserve_price": None})
    lot = tender.lots.get()
    alpha = w.apply(lot, w.supplier)
    beta = w.apply(lot, w.other_supplier)
    question = questions.question_ask(
        actor=w.other_admin, tender=tender, company=w.other_supplier, text="Winter grade?"
    )
    questions.question_answer(actor=w.officer, question=question, answer="Yes, class 2.")
    applications.application_admit(actor=w.officer, application=alpha)
    applications.application_admit(actor=w.officer, application=beta)
    w.past_deadline(tender)
    scheduling.lot_applications_close(lot_id=lot.pk)
    scheduling.lot_schedule(lot_id=lot.pk, actor=w.officer)
    Lot.objects.filter(pk=lot.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    lifecycle.lot_start(lot_id=lot.pk)
    place.bid_place(lot_id=lot.pk, user=w.other_admin, amount="99000")
    place.bid_place(lot_id=lot.pk, user=w.supplier_bidder, amount="98000")
    lot.refresh_from_db()
    lifecycle.lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))
    lifecycle.lot_award(lot_id=lot.pk, user=w.officer)
    return tender, lot, alpha, beta


def test_a_tender_from_publication_to_deal_tells_each_reader_only_its_part():
    w = World()
    _tender, lot, alpha, _beta = run_to_award(w)
    types = list(Event.objects.exclude(type__startswith="crm.").values_list("type", flat=True))
    assert types == [
        "tender.published",
        "application.submitted",
        "application.submitted",
        "question.asked",
        "question.answered",
        "application.admitted",
        "application.admitted",
        "lot.started",
        "lot.closed",
        "lot.awarded",
        "deal.created",
        # The deal's listener (deals/listeners.py) makes the order and, after its commit,
        # its contract and specification.
        "order.created",
        "order.document_added",
        "order.document_added",
    ]
    closed = Event.objects.get(type="lot.closed")
    assert closed.payload["bid_count"] == 2 and closed.payload["bidders"] == 2
    lot.refresh_from_db()
    awarded = Event.objects.get(type="lot.awarded")
    assert awarded.payload["supplier"] == w.supplier.pk and awarded.payload["amount"] == "98000.00"
    # A reference into the lot's hash chain: the chained event that records the same change.
    chained = lot.events.get(seq=awarded.payload["lot_event_seq"])
    assert chained.kind == "status_changed" and chained.payload["to"] == "awarded"
    started = Event.objects.get(type="lot.started").payload["lot_event_seq"]
    assert lot.events.get(seq=started).payload["to"] == "live"

    buyer_types = story(feed(w.officer))
    assert buyer_types == types  # the buyer owns every one of them

    winner = feed(w.supplier_admin)
    assert story(winner) == [
        "tender.published",
        "application.submitted",
        "question.answered",
        "application.admitted",
        "lot.started",
        "lot.closed",
        "lot.awarded",
        "deal.created",
        "order.created",
        "order.document_added",
        "order.document_added",
    ]

    loser = feed(w.other_admin)
    assert story(loser) == [
        "tender.published",
        "application.submitted",
        "question.answered",
        "application.admitted",
        "lot.started",
        "lot.closed",
    ]
    text = json.dumps(loser)
    for secret in (
        w.supplier.legal_name,
        f'"supplier": {w.supplier.pk}',
        f'"application": {alpha.pk}',
    ):
        assert secret not in text, secret

    # A company with no part in it sees the public publication and answer only.
    assert [e["type"] for e in feed(w.stranger)] == ["tender.published", "question.answered"]
    # The parties' CRMs record it too, each in its own workspace only.
    crm_events = Event.objects.filter(type__startswith="crm.")
    assert crm_events.exists()
    assert set(crm_events.values_list("company_id", flat=True)) <= {
        w.buyer.pk,
        w.supplier.pk,
        w.other_supplier.pk,
    }


def test_the_feed_pages_by_cursor_and_refuses_bad_parameters():
    w = World()
    run_to_award(w)
    everything = feed(w.officer)
    ids = [e["id"] for e in everything]
    assert ids == sorted(ids)
    client = APIClient()
    client.force_authenticate(user=w.officer)
    seen, after = [], 0
    while True:
        body = client.get("/api/events/", {"after": after, "limit": 4}).json()
        seen += [e["id"] for e in body["events"]]
        after = body["next"]
        if not body["more"]:
            break
    assert seen == ids
    only = client.get("/api/events/", {"type": ["lot.closed", "deal.created"]}).json()["events"]
    assert [e["type"] for e in only] == ["lot.closed", "deal.created"]
    for params in (
        {"after": "x"},
        {"after": -1},
        {"after": 2**70},
        {"limit": 0},
        {"limit": 10_000},
        {"type": "lot.exploded"},
    ):
        response = client.get("/api/events/", params)
        assert response.status_code == 400, (params, response.content)
        assert response.json()["error"]["code"] == "invalid_parameter"
    assert APIClient().get("/api/events/").status_code in (401, 403)


def test_the_bid_path_writes_no_event():
    from tests.auctions.engine_setup import Auction

    a = Auction(suppliers=2).start()
    before = Event.objects.count()
    for n in range(10):
        place.bid_place(lot_id=a.lot.pk, user=a.bidders[n % 2], amount=str(99000 - 1000 * n))
    a.refresh()
    assert a.lot.bid_count == 10
    assert Event.objects.count() == before  # the bids are summarised by lot.closed
