"""Open data (issue 19): a public tender as an OCDS 1.1 release package and a finished lot's
public results, bidders anonymised (unless the tender reveals identities), nothing of a running
auction, readable by anyone only where the tender is public and its platform publishes open
data; the buyer's side always reads its own."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from auctions.bidding.place import bid_place
from auctions.lifecycle import lot_award, lot_close
from auctions.models import Application, ApplicationStatus, Bid, Lot, LotStatus, Participation
from marketplace.companies.models import MembershipRole
from tests.factories import CompanyFactory, member

from .engine_setup import Auction

pytestmark = pytest.mark.django_db

# The OCDS 1.1 codelists the package uses (closed ones: https://standard.open-contracting.org/1.1/).
TENDER_STATUSES = {"planning", "planned", "active", "cancelled", "unsuccessful", "complete"}
LOT_STATUSES = {"planning", "planned", "active", "cancelled", "unsuccessful", "complete"}
BID_STATUSES = {"invited", "pending", "valid", "disqualified", "withdrawn"}
AWARD_STATUSES = {"pending", "active", "cancelled", "unsuccessful"}
PARTY_ROLES = {"buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer"}


@pytest.fixture
def tender():
    """Lot 1 bid on, closed and awarded; lot 2 live with a bid (of amounts no reader may see)."""
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="98000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="97000")
    a.refresh()
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    lot_award(lot_id=a.lot.pk, user=a.officer)
    running = Lot.objects.create(
        tender=a.tender,
        number=2,
        title="Petrol A-95",
        quantity=Decimal("5"),
        unit="t",
        start_price=Decimal("77777.00"),
        status=LotStatus.LIVE,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timezone.timedelta(minutes=30),
        step_kind="amount",
        step_value=Decimal("1000"),
        duration_seconds=1800,
    )
    a.running = running
    return a


def package(user=None, tender_id=None, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(f"/api/tenders/{tender_id}/ocds/", params)


def test_a_public_tender_is_an_ocds_release_package_with_anonymised_bidders(tender):
    response = package(tender_id=tender.tender.pk)
    assert response.status_code == 200
    body = response.json()
    text = json.dumps(body, ensure_ascii=False)
    assert body["version"] == "1.1" and len(body["extensions"]) == 2
    (release,) = body["releases"]
    for key in ("ocid", "id", "date", "tag", "initiationType"):
        assert release[key], key
    assert release["ocid"] == f"ocds-tf0000-{tender.tender.pk}"
    assert release["tag"] == ["tender", "award"] and release["initiationType"] == "tender"
    assert release["tender"]["status"] in TENDER_STATUSES
    lots = {lot["id"]: lot for lot in release["tender"]["lots"]}
    assert lots[str(tender.lot.pk)]["status"] == "complete"
    assert lots[str(tender.running.pk)]["status"] == "active"
    assert all({"id", "title", "status", "value"} <= set(lot) for lot in lots.values())
    assert all(lot["status"] in LOT_STATUSES for lot in lots.values())
    # The finished lot's final offers only, by lot and label; no company name anywhere but the
    # buyer's, nothing of the running lot's auction.
    details = release["bids"]["details"]
    assert sorted((d["tenderers"][0]["id"], d["value"]["amount"]) for d in details) == [
        (f"lot-1-bidder-{tender.applications[0].label}", 97000.0),
        (f"lot-1-bidder-{tender.applications[1].label}", 98000.0),
    ]
    assert {d["status"] for d in details} <= BID_STATUSES
    assert all(d["relatedLots"] == [str(tender.lot.pk)] for d in details)
    (statistic,) = release["bids"]["statistics"]
    assert statistic["value"] == Bid.objects.filter(lot=tender.lot).count() == 3
    assert "Canary Supplier" not in text
    assert "Buyer Canary Ltd" in text  # the buyer is public
    (award,) = release["awards"]
    assert award["status"] in AWARD_STATUSES and award["value"]["amount"] == 97000.0
    parties = {p["id"]: p for p in release["parties"]}
    assert award["suppliers"][0]["id"] in parties
    assert "supplier" in parties[award["suppliers"][0]["id"]]["roles"]
    assert all(set(p["roles"]) <= PARTY_ROLES for p in parties.values())
    for d in details:
        assert d["tenderers"][0]["id"] in parties
    assert release["buyer"]["id"] in parties


def test_the_running_lot_s_offers_never_appear(tender):
    Application.objects.create(
        lot=tender.running,
        supplier=tender.companies[2],
        submitted_by=tender.bidders[2],
        status=ApplicationStatus.ADMITTED,
        terms_accepted_at=timezone.now(),
        label=1,
        current_amount=Decimal("55555.00"),
    )
    body = package(tender_id=tender.tender.pk).json()
    related = {lot for d in body["releases"][0]["bids"]["details"] for lot in d["relatedLots"]}
    assert related == {str(tender.lot.pk)}
    assert "55555" not in json.dumps(body)
    assert APIClient().get(f"/api/lots/{tender.running.pk}/results/").status_code == 404


def test_revealed_identities_name_the_companies(tender):
    tender.tender.reveal_identities = True
    tender.tender.save(update_fields=["reveal_identities"])
    body = package(tender_id=tender.tender.pk).json()
    names = {p["name"] for p in body["releases"][0]["parties"]}
    assert {"Canary Supplier 1", "Canary Supplier 2"} <= names


def test_who_may_read_the_open_data(tender):
    url_tender = tender.tender.pk
    supplier = tender.bidders[0]
    stranger = member(CompanyFactory(), MembershipRole.COMPANY_ADMIN)
    assert package(tender_id=url_tender).status_code == 200
    # A platform that does not publish: the buyer's side only.
    tender.platform.publishes_open_data = False
    tender.platform.save(update_fields=["publishes_open_data"])
    for user in (None, supplier, stranger):
        response = package(user, tender_id=url_tender)
        assert (
            response.status_code == 404 and response.json()["error"]["code"] == "tender_not_found"
        )
    assert package(tender.officer, tender_id=url_tender).status_code == 200
    # An invitation-only tender is never public.
    tender.platform.publishes_open_data = True
    tender.platform.save(update_fields=["publishes_open_data"])
    tender.tender.participation = Participation.INVITATION
    tender.tender.save(update_fields=["participation"])
    assert package(tender_id=url_tender).status_code == 404
    assert package(tender.officer, tender_id=url_tender).status_code == 200
    assert package(tender_id=2**63).status_code == 404


def test_the_package_downloads_as_a_file(tender):
    response = package(tender_id=tender.tender.pk, download="1")
    assert response["Content-Disposition"] == (
        f'attachment; filename="ocds-tf0000-{tender.tender.pk}.json"'
    )


def test_a_finished_lot_s_public_results(tender):
    client = APIClient()
    body = client.get(f"/api/lots/{tender.lot.pk}/results/").json()
    labels = {a.pk: a.label for a in tender.applications}
    first = labels[tender.applications[0].pk]
    assert [(o["rank"], o["amount"], o["won"]) for o in body["offers"]] == [
        (1, "97000.00", True),
        (2, "98000.00", False),
    ]
    assert body["offers"][0]["bidder"] == f"Bidder {first}, lot 1"
    assert body["award"]["savings"] == "3000.00"
    assert [b["amount"] for b in body["bids"]] == ["99000.00", "98000.00", "97000.00"]
    assert "Canary" not in json.dumps(body)
    running = client.get(f"/api/lots/{tender.running.pk}/results/")
    assert (running.status_code, running.json()["error"]["code"]) == (404, "lot_not_finished")


def test_the_public_pages_link_the_results_and_the_open_data(tender):
    page = Client()
    html = page.get(f"/tenders/{tender.tender.pk}/").content.decode()
    assert f'href="/lots/{tender.lot.pk}/results/"' in html
    assert f'href="/lots/{tender.running.pk}/results/"' not in html
    assert f"/api/tenders/{tender.tender.pk}/ocds/?download=1" in html
    results = page.get(f"/lots/{tender.lot.pk}/results/")
    assert results.status_code == 200
    text = results.content.decode()
    assert 'id="winner"' in text and "Bidder " in text and "Canary Supplier" not in text
    assert page.get(f"/lots/{tender.running.pk}/results/").status_code == 404


def test_a_tender_that_lets_anyone_watch_shows_its_running_lots_live(tender):
    """With public_live, a running (not sealed) lot's page and API follow the auction, bidders
    anonymised, names never (even where the tender reveals them at the end)."""
    from auctions.bidding.place import bid_place as place

    running = tender.running
    Application.objects.create(
        lot=running,
        supplier=tender.companies[0],
        submitted_by=tender.bidders[0],
        status=ApplicationStatus.ADMITTED,
        terms_accepted_at=timezone.now(),
        label=1,
    )
    place(lot_id=running.pk, user=tender.bidders[0], amount="77000")
    client = APIClient()
    assert client.get(f"/api/lots/{running.pk}/results/").status_code == 404
    tender.tender.public_live = True
    tender.tender.reveal_identities = True
    tender.tender.save(update_fields=["public_live", "reveal_identities"])
    # The public sees what the lot's bidders see: under the default visibility (rank and best)
    # the best price only, no offers, no bids; under rank_only not even that.
    body = client.get(f"/api/lots/{running.pk}/results/").json()
    assert body["live"] is True and body["award"] is None
    assert (body["visibility"], body["best"], body["bid_count"]) == (
        "rank_and_best",
        "77000.00",
        1,
    )
    assert body["offers"] == [] and body["bids"] == []
    running.visibility = "rank_only"
    running.save(update_fields=["visibility"])
    body = client.get(f"/api/lots/{running.pk}/results/").json()
    assert (body["best"], body["offers"], body["bids"]) == (None, [], [])
    assert "77000" not in client.get(f"/lots/{running.pk}/results/").content.decode()
    running.visibility = "ladder"
    running.save(update_fields=["visibility"])
    body = client.get(f"/api/lots/{running.pk}/results/").json()
    assert [(o["bidder"], o["amount"]) for o in body["offers"]] == [("Bidder 1, lot 2", "77000.00")]
    assert "Canary" not in json.dumps(body)
    page = Client()
    assert (
        f'href="/lots/{running.pk}/results/"'
        in page.get(f"/tenders/{tender.tender.pk}/").content.decode()
    )
    html = page.get(f"/lots/{running.pk}/results/").content.decode()
    assert 'id="watching"' in html and "public-lot.js" in html
    # A sealed lot is never watched live: nothing before its opening.
    running.auction_format = "sealed"
    running.save(update_fields=["auction_format"])
    assert client.get(f"/api/lots/{running.pk}/results/").status_code == 404
