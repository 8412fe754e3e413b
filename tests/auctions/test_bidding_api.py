"""The live auction over the REST API, as suppliers and the buyer meet it, and what each may see."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from auctions.models import Bid, Deal, Lot, LotStatus
from tests.factories import CompanyFactory, member

from .engine_setup import Auction

pytestmark = pytest.mark.django_db


def client(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user=user)
    return c


def url(lot, what):
    return f"/api/lots/{lot.pk}/{what}/"


def competitors_names(a: Auction, me: int) -> list[str]:
    return [c.legal_name for i, c in enumerate(a.companies) if i != me]


def assert_no_canary(response, names):
    text = json.dumps(response.json(), ensure_ascii=False)
    for name in names:
        assert name not in text, f"{name!r} leaked in {text}"


@pytest.mark.parametrize("visibility", ["rank_only", "rank_and_best", "ladder"])
def test_each_supplier_sees_only_what_the_visibility_mode_allows(visibility):
    a = Auction(visibility=visibility, reserve_price="90000").start()
    for i, amount in enumerate(["99000", "98000", "97000"]):
        r = client(a.bidders[i]).post(
            url(a.lot, "bids"), {"amount": amount, "client_bid_id": f"b{i}"}
        )
        assert r.status_code == 201, r.json()
        assert_no_canary(r, competitors_names(a, i))
    for i in range(3):
        r = client(a.bidders[i]).get(url(a.lot, "standing"))
        assert r.status_code == 200
        body = r.json()
        assert_no_canary(r, [*competitors_names(a, i), "90000"])
        assert "reserve_price" not in body
        assert body["me"]["rank"] == 3 - i
        assert body["me"]["leading"] is (i == 2)
        assert ("best" in body) is (visibility != "rank_only")
        assert ("ladder" in body) is (visibility == "ladder")
        if visibility == "ladder":
            assert [e["label"] for e in body["ladder"]] == [3, 2, 1]
            assert all(
                set(e) == {"rank", "label", "amount", "weighted", "at", "me"}
                for e in body["ladder"]
            )
        # Its own bids only.
        bids = client(a.bidders[i]).get(url(a.lot, "bids")).json()
        assert [b["client_bid_id"] for b in bids] == [f"b{i}"]


def test_the_buyer_sees_everything():
    a = Auction(visibility="rank_only", reserve_price="90000").start()
    client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "99000"})
    client(a.bidders[1]).post(url(a.lot, "bids"), {"amount": "98000"})
    body = client(a.officer).get(url(a.lot, "standing")).json()
    assert body["reserve_price"] == "90000.00"
    assert [e["supplier"] for e in body["ladder"]] == ["Canary Supplier 2", "Canary Supplier 1"]
    bids = client(a.officer).get(url(a.lot, "bids")).json()
    assert [b["supplier"] for b in bids] == ["Canary Supplier 1", "Canary Supplier 2"]


def test_max_bid_tells_the_supplier_what_it_may_bid():
    a = Auction().start()
    assert client(a.bidders[0]).get(url(a.lot, "standing")).json()["me"]["max_bid"] == "100000.00"
    client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "99000"})
    assert client(a.bidders[1]).get(url(a.lot, "standing")).json()["me"]["max_bid"] == "98000.00"


def test_strangers_and_non_admitted_learn_nothing():
    a = Auction().start()
    stranger = member(CompanyFactory(legal_name="Stranger"), "bidder")
    for path in ("standing", "bids", "events", "events/verify"):
        r = client(stranger).get(url(a.lot, path))
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "lot_not_found"
    r = client(stranger).post(url(a.lot, "bids"), {"amount": "99000"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_admitted"
    assert APIClient().get(url(a.lot, "standing")).status_code in (401, 403)
    # A supplier may not read the event log (it names everyone).
    assert client(a.bidders[0]).get(url(a.lot, "events")).status_code == 403
    assert client(a.officer).get(url(a.lot, "events")).status_code == 200
    assert client(a.officer).get(url(a.lot, "events/verify")).json()["ok"] is True


def test_a_resent_bid_is_answered_with_the_first_result():
    a = Auction().start()
    c = client(a.bidders[0])
    first = c.post(url(a.lot, "bids"), {"amount": "99000", "client_bid_id": "k1"})
    again = c.post(url(a.lot, "bids"), {"amount": "99000", "client_bid_id": "k1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True
    assert again.json()["bid"]["id"] == first.json()["bid"]["id"]
    assert Bid.objects.filter(lot=a.lot).count() == 1


def test_rejections_carry_a_code_and_a_message_and_change_nothing():
    a = Auction(max_step_percent="5").start()
    c = client(a.bidders[0])
    cases = [
        ({"amount": "100000.01"}, 400, "above_start_price"),
        ({"amount": "abc"}, 400, "invalid_amount"),
        ({}, 400, "invalid"),
        ({"amount": "80000"}, 400, "confirmation_required"),
    ]
    for body, code, err in cases:
        r = c.post(url(a.lot, "bids"), body)
        assert r.status_code == code, r.json()
        assert r.json()["error"]["code"] == err
        assert r.json()["error"]["message"]
    assert Bid.objects.filter(lot=a.lot).count() == 0
    r = c.post(url(a.lot, "bids"), {"amount": "80000", "confirm": True})
    assert r.status_code == 201


@pytest.mark.parametrize(
    "language, limit, step, best, drop",
    [
        (
            "en",
            "UAH\u00a098,000.00",
            "UAH\u00a01,000.00",
            "UAH\u00a099,000.00",
            "UAH\u00a019,000.00",
        ),
        (
            "uk",
            "98\u00a0000,00\u00a0₴",
            "1\u00a0000,00\u00a0₴",
            "99\u00a0000,00\u00a0₴",
            "19\u00a0000,00\u00a0₴",
        ),
    ],
)
def test_refusals_write_amounts_as_money_in_the_readers_language(language, limit, step, best, drop):
    # Once "must be at most 98000.00: 1000.00 (the minimum step) below 99000.00" in any language.
    a = Auction(max_step_percent="5").start()
    assert client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "99000"}).status_code == 201
    c = client(a.bidders[1])
    c.credentials(HTTP_ACCEPT_LANGUAGE=language)
    refused = c.post(url(a.lot, "bids"), {"amount": "98500"}).json()["error"]
    assert refused["code"] == "step_too_small"
    assert limit in refused["message"] and step in refused["message"], refused
    assert best in refused["message"] and "98000.00" not in refused["message"]
    typo = c.post(url(a.lot, "bids"), {"amount": "80000"}).json()["error"]
    assert typo["code"] == "confirmation_required"
    assert drop in typo["message"] and best in typo["message"], typo
    above = c.post(url(a.lot, "bids"), {"amount": "100000.01"}).json()["error"]
    assert above["code"] == "above_start_price"
    assert best.replace("99", "100", 1) in above["message"], above


def test_surrogate_bid_pause_resume_over_the_api():
    a = Auction().start()
    buyer = client(a.officer)
    r = buyer.post(
        url(a.lot, "surrogate-bids"),
        {"application": a.applications[0].pk, "amount": "99000", "reason": "Phoned in"},
    )
    assert r.status_code == 201, r.json()
    assert Bid.objects.get(lot=a.lot).kind == "surrogate"
    # A supplier cannot enter bids for others.
    r = client(a.bidders[1]).post(
        url(a.lot, "surrogate-bids"),
        {"application": a.applications[0].pk, "amount": "98000", "reason": "x"},
    )
    assert r.status_code == 404
    r = buyer.post(url(a.lot, "pause"), {"reason": "Power cut at a supplier"})
    assert r.status_code == 200 and r.json()["status"] == "paused"
    assert client(a.bidders[0]).get(url(a.lot, "standing")).json()["pause_reason"] == (
        "Power cut at a supplier"
    )
    r = client(a.bidders[1]).post(url(a.lot, "bids"), {"amount": "98000"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "lot_not_live"
    assert buyer.post(url(a.lot, "resume")).json()["status"] == "live"


def test_proxy_over_the_api():
    a = Auction().start()
    c = client(a.bidders[1])
    assert c.get(url(a.lot, "proxy")).status_code == 404
    r = c.put(url(a.lot, "proxy"), {"floor": "95000"})
    assert r.status_code == 200 and r.json()["floor"] == "95000.00"
    client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "99000"})
    a.refresh()
    assert a.lot.best_application_id == a.applications[1].pk
    assert c.delete(url(a.lot, "proxy")).status_code == 204
    assert c.get(url(a.lot, "proxy")).json()["active"] is False


def test_close_award_and_the_deal():
    a = Auction().start()
    client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "99000"})
    client(a.bidders[1]).post(url(a.lot, "bids"), {"amount": "98000"})
    buyer = client(a.officer)
    r = buyer.post(url(a.lot, "close"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_due"
    Lot.objects.filter(pk=a.lot.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert buyer.post(url(a.lot, "close")).json()["status"] == "closed"
    assert client(a.bidders[0]).post(url(a.lot, "award")).status_code == 404
    r = buyer.post(url(a.lot, "award"))
    assert r.status_code == 201, r.json()
    assert r.json()["supplier"] == "Canary Supplier 2" and r.json()["price"] == "98000.00"
    assert buyer.post(url(a.lot, "award")).json()["error"]["code"] == "already_awarded"
    assert Deal.objects.count() == 1
    deal_id = r.json()["id"]
    assert client(a.bidders[1]).get(f"/api/deals/{deal_id}/").status_code == 200
    assert client(a.bidders[0]).get(f"/api/deals/{deal_id}/").status_code == 404
    assert client(a.officer).get("/api/deals/").json()["count"] == 1
    assert a.lot.__class__.objects.get(pk=a.lot.pk).status == LotStatus.AWARDED


@pytest.mark.parametrize("visibility", ["rank_only", "ladder"])
def test_after_the_award_each_supplier_reads_its_own_outcome_only(visibility):
    # The room said "Awarded" and "You are leading" to the winner; the view now says whether the
    # award is the viewer's own (me.won), never whose it is. Awarded here to the second best.
    a = Auction(suppliers=3, visibility=visibility).start()
    for i, amount in enumerate(["99000", "98000", "97000"]):
        assert client(a.bidders[i]).post(url(a.lot, "bids"), {"amount": amount}).status_code == 201
    before = client(a.bidders[2]).get(url(a.lot, "standing")).json()["me"]
    assert before["leading"] is True and before["won"] is None
    Lot.objects.filter(pk=a.lot.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    buyer = client(a.officer)
    assert buyer.post(url(a.lot, "close")).json()["status"] == "closed"
    assert client(a.bidders[0]).get(url(a.lot, "standing")).json()["me"]["won"] is None
    r = buyer.post(
        url(a.lot, "award"), {"application": a.applications[1].pk, "reason": "Better terms"}
    )
    assert r.status_code == 201, r.json()
    outcomes = []
    for i in range(3):
        response = client(a.bidders[i]).get(url(a.lot, "standing"))
        me = response.json()["me"]
        outcomes.append((me["won"], me["rank"]))
        assert_no_canary(response, competitors_names(a, i))
        assert "awarded_application" not in response.json()
        # A finished lot shows every amount, anonymised, whatever its visibility (the docs).
        ladder = response.json()["ladder"]
        assert [e["amount"] for e in ladder] == ["97000.00", "98000.00", "99000.00"]
        assert all("supplier" not in e for e in ladder)
    assert outcomes == [(False, 3), (True, 2), (False, 1)]
    assert "won" not in buyer.get(url(a.lot, "standing")).json()


@pytest.mark.parametrize("reveal", [False, True])
def test_names_reach_suppliers_only_in_final_results_when_the_tender_says_so(reveal):
    a = Auction(visibility="rank_only").start()
    a.tender.reveal_identities = reveal
    a.tender.save()
    client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "99000"})
    client(a.bidders[1]).post(url(a.lot, "bids"), {"amount": "98000"})
    live = client(a.bidders[0]).get(url(a.lot, "standing"))
    assert_no_canary(live, competitors_names(a, 0))
    Lot.objects.filter(pk=a.lot.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    client(a.officer).post(url(a.lot, "close"))
    final = client(a.bidders[0]).get(url(a.lot, "standing"))
    text = json.dumps(final.json(), ensure_ascii=False)
    assert ("Canary Supplier 2" in text) is reveal
    assert len(final.json()["ladder"]) == 2


def test_a_person_of_another_role_in_the_supplier_company_cannot_bid():
    a = Auction().start()
    manager = member(a.companies[0], "account_manager")
    r = client(manager).post(url(a.lot, "bids"), {"amount": "99000"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_a_bidder"


def test_a_supplier_asks_what_score_and_rank_a_price_would_give():
    a = Auction(weighted=True).start()
    from auctions.models import Application

    Application.objects.filter(pk=a.applications[0].pk).update(coefficient="1.285714285714")
    Application.objects.filter(pk=a.applications[1].pk).update(coefficient="1.428571428571")
    client(a.bidders[0]).post(url(a.lot, "bids"), {"amount": "90000"})  # weighted 70000.00
    c = client(a.bidders[1])
    r = c.get(url(a.lot, "quote"), {"amount": "95000"})
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["weighted"] == "66500.00" and body["rank"] == 1 and body["acceptable"] is True
    # 99999 / 1.4286 = 69999.3 would still lead, but the best (70000 weighted) is 100000 in
    # this bidder's own terms, and a bid must be a step (1000) below it: refused.
    body = c.get(url(a.lot, "quote"), {"amount": "99999"}).json()
    assert body["rank"] == 1 and body["acceptable"] is False
    assert body["refusal"]["code"] == "step_too_small"
    assert "UAH\u00a099,000.00" in body["refusal"]["message"]
    body = c.get(url(a.lot, "quote"), {"amount": "100000"}).json()
    assert body["weighted"] == "70000.00" and body["rank"] == 2
    assert Bid.objects.filter(lot=a.lot).count() == 1
    assert c.get(url(a.lot, "quote"), {"amount": "x"}).json()["error"]["code"] == "invalid_amount"
    stranger = member(CompanyFactory(legal_name="Stranger"), "bidder")
    assert client(stranger).get(url(a.lot, "quote"), {"amount": "1"}).status_code == 403
