"""Shortlists through the API: a buyer's named lists and a tender's list, suppliers put on and
taken off (again: nothing new), and who may do what: the buyer's managers keep them, its other
people read them, another buyer, a supplier and an anonymous caller see nothing of them."""

from __future__ import annotations

import pytest

from auctions.tenders import drafting
from sourcing.models import Shortlist, ShortlistEntry
from tests.factories import CompanyFactory, member
from tests.sourcing.factories import OFFICER, Seed, api, client, snapshot

pytestmark = pytest.mark.django_db


def make_list(w: Seed, name: str = "Diesel suppliers", **extra) -> dict:
    response = client(w.officer).post(api("sourcing-shortlists"), {"name": name, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def put(w: Seed, shortlist_id: int, supplier_id: int, user=None, **body):
    return client(user or w.officer).put(
        api("sourcing-shortlist-supplier", shortlist_id=shortlist_id, supplier_id=supplier_id),
        body,
    )


def test_a_named_list_takes_suppliers_once_with_a_note():
    w = Seed()
    shortlist = make_list(w)
    assert shortlist["buyer"] == {"id": w.buyer.pk, "name": w.buyer.legal_name}
    assert shortlist["tender"] is None and shortlist["entries"] == []

    added = put(w, shortlist["id"], w.supplier.pk, note="Fast deliveries")
    assert added.status_code == 201, added.content
    assert added.json()["supplier"]["id"] == w.supplier.pk
    assert added.json()["note"] == "Fast deliveries"
    again = put(w, shortlist["id"], w.supplier.pk)
    assert again.status_code == 200 and again.json()["note"] == "Fast deliveries"  # kept
    renoted = put(w, shortlist["id"], w.supplier.pk, note="Slow lately")
    assert renoted.status_code == 200 and renoted.json()["note"] == "Slow lately"
    assert put(w, shortlist["id"], w.other_supplier.pk).status_code == 201
    assert ShortlistEntry.objects.filter(shortlist_id=shortlist["id"]).count() == 2

    detail = client(w.officer).get(api("sourcing-shortlist", shortlist_id=shortlist["id"])).json()
    assert detail["size"] == 2
    assert [e["supplier"]["name"] for e in detail["entries"]] == [
        "Supplier Alpha Canary",
        "Supplier Beta Canary",
    ]
    listed = client(w.buyer_bidder).get(api("sourcing-shortlists")).json()
    assert [row["id"] for row in listed["results"]] == [shortlist["id"]]

    url = api(
        "sourcing-shortlist-supplier", shortlist_id=shortlist["id"], supplier_id=w.supplier.pk
    )
    assert client(w.officer).delete(url).status_code == 204
    gone = client(w.officer).delete(url)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_shortlisted"


def test_a_tenders_list_is_named_after_it_and_made_once():
    w = Seed()
    tender = w.invitation_tender()
    shortlist = make_list(w, name="", tender=tender.pk)
    assert shortlist["name"] == tender.title
    assert shortlist["tender"]["id"] == tender.pk
    before = snapshot()
    again = client(w.officer).post(api("sourcing-shortlists"), {"tender": tender.pk})
    assert again.status_code == 409 and again.json()["error"]["code"] == "shortlist_exists"
    assert snapshot() == before
    only = client(w.officer).get(api("sourcing-shortlists"), {"tender": tender.pk}).json()
    assert [row["id"] for row in only["results"]] == [shortlist["id"]]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "   "}, 400, "invalid"),
        ({"name": "x" * 201}, 400, "invalid"),
        ({"name": "Diesel suppliers"}, 409, "shortlist_name_taken"),
        ({"name": "Mine", "buyer": "rival"}, 400, "company_not_found"),
        ({"tender": "rival"}, 400, "tender_not_found"),
    ],
)
def test_bad_lists_are_refused_and_nothing_is_written(body, status, code):
    w = Seed()
    make_list(w)
    if body.get("buyer") == "rival":
        body["buyer"] = w.rival.pk
    if body.get("tender") == "rival":
        body["tender"] = _rival_tender(w).pk
    before = snapshot()
    response = client(w.officer).post(api("sourcing-shortlists"), body)
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert snapshot() == before


def _rival_tender(w: Seed):
    return drafting.tender_create(actor=w.rival_officer, **w.tender_kwargs(buyer=w.rival, lots=[]))


def test_only_suppliers_the_buyer_may_read_go_on_a_list():
    w = Seed()
    shortlist = make_list(w)
    before = snapshot()
    hidden = put(w, shortlist["id"], w.unverified.pk)  # not in the directory
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "supplier_not_found"
    both = CompanyFactory(legal_name="Buys And Supplies", is_buyer=True, is_supplier=True)
    officer = member(both, OFFICER)
    own = client(officer).post(api("sourcing-shortlists"), {"name": "Mine"}).json()
    itself = put(w, own["id"], both.pk, user=officer)
    assert itself.status_code == 400 and itself.json()["error"]["code"] == "not_a_supplier"
    assert Shortlist.objects.filter(buyer=both).count() == 1
    assert snapshot()["entries"] == before["entries"]


def test_who_may_read_and_keep_a_buyers_lists():
    w = Seed()
    shortlist = make_list(w)
    put(w, shortlist["id"], w.supplier.pk)
    detail = api("sourcing-shortlist", shortlist_id=shortlist["id"])
    entry = api(
        "sourcing-shortlist-supplier", shortlist_id=shortlist["id"], supplier_id=w.other_supplier.pk
    )
    before = snapshot()

    # The buyer's bidder reads, and may not change.
    assert client(w.buyer_bidder).get(detail).status_code == 200
    refused = client(w.buyer_bidder).put(entry, {})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_buyer_manager"
    assert client(w.buyer_bidder).patch(detail, {"name": "Other"}).status_code == 403
    assert client(w.buyer_bidder).delete(detail).status_code == 403
    # Another buyer, a supplier: not found; and no list of theirs to read.
    for stranger in (w.rival_officer, w.supplier_admin):
        assert client(stranger).get(detail).status_code == 404
        assert client(stranger).put(entry, {}).status_code == 404
        assert client(stranger).delete(detail).status_code == 404
        assert client(stranger).get(api("sourcing-shortlists")).json()["results"] == []
    made = client(w.supplier_admin).post(api("sourcing-shortlists"), {"name": "Mine"})
    assert made.status_code == 403 and made.json()["error"]["code"] == "not_buyer_member"
    # Anonymous: the API's error format.
    for response in (client().get(api("sourcing-shortlists")), client().get(detail)):
        assert response.status_code in (401, 403)
        assert response.json()["error"]["code"] == "not_authenticated"
    assert snapshot() == before


def test_rename_and_delete_a_list():
    w = Seed()
    first = make_list(w)
    second = make_list(w, name="Steel")
    url = api("sourcing-shortlist", shortlist_id=second["id"])
    taken = client(w.officer).patch(url, {"name": "Diesel suppliers"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "shortlist_name_taken"
    renamed = client(w.officer).patch(url, {"name": "Steel and rebar"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Steel and rebar"
    assert client(w.buyer_admin).delete(url).status_code == 204
    assert list(Shortlist.objects.values_list("pk", flat=True)) == [first["id"]]
