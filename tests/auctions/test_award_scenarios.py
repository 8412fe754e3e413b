"""Award scenarios (issue 19): the solver against brute force on random tenders, and the
buyer's comparison and one-step award of a tender's closed lots through the API: every
scenario's total and savings, the awards it makes (all or none), who may see and apply it."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from auctions.awarding import scenarios, solver
from auctions.bidding.place import bid_place
from auctions.lifecycle import lot_close, lot_start
from auctions.models import (
    Application,
    ApplicationStatus,
    Award,
    Deal,
    Lot,
    LotStatus,
)
from marketplace.companies.models import MembershipRole
from tests.auctions.engine_setup import running_tender
from tests.factories import CompanyFactory, PlatformFactory, member

# --- the solver -----------------------------------------------------------------------------


def brute_force(offers, *, max_suppliers=None, min_share=None, single=False):
    """The least total of every assignment that keeps the conditions, or None."""
    lots = [lot for lot, own in offers.items() if own]
    best = None
    for combo in itertools.product(*[offers[lot] for lot in lots]):
        chosen = dict(zip(lots, combo, strict=True))
        suppliers = {o.supplier for o in combo}
        if single and len(suppliers) > 1:
            continue
        if max_suppliers is not None and len(suppliers) > max_suppliers:
            continue
        if min_share and not solver.shares_hold(chosen, min_share):
            continue
        total = sum(o.amount for o in combo)
        best = total if best is None or total < best else best
    return best


@st.composite
def tenders(draw):
    lots = draw(st.integers(1, 4))
    suppliers = draw(st.integers(1, 4))
    offers = {}
    for lot in range(lots):
        bidders = draw(st.sets(st.integers(0, suppliers - 1), min_size=1))
        offers[lot] = [
            solver.Offer(lot, lot * 10 + s, s, Decimal(draw(st.integers(10_000, 2_000_000))) / 100)
            for s in sorted(bidders)
        ]
    return offers


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    offers=tenders(),
    max_suppliers=st.one_of(st.none(), st.integers(1, 3)),
    min_share=st.one_of(st.none(), st.sampled_from([Decimal("0.1"), Decimal("0.3")])),
)
def test_the_solver_finds_the_least_total_brute_force_finds(offers, max_suppliers, min_share):
    expected = brute_force(offers, max_suppliers=max_suppliers, min_share=min_share)
    try:
        chosen = solver.solve(offers, max_suppliers=max_suppliers, min_share=min_share)
    except solver.NoSolution:
        assert expected is None
        return
    assert expected is not None
    assert set(chosen) == set(offers)
    assert sum(o.amount for o in chosen.values()) == expected
    assert all(o in offers[lot] for lot, o in chosen.items())
    if max_suppliers is not None:
        assert len({o.supplier for o in chosen.values()}) <= max_suppliers
    if min_share:
        assert solver.shares_hold(chosen, min_share)


@settings(max_examples=100, deadline=None)
@given(offers=tenders())
def test_one_supplier_is_the_cheapest_of_those_who_bid_on_every_lot(offers):
    expected = brute_force(offers, single=True)
    try:
        chosen = solver.one_supplier(offers)
    except solver.NoSolution:
        assert expected is None
        return
    assert len({o.supplier for o in chosen.values()}) == 1
    assert sum(o.amount for o in chosen.values()) == expected


# --- a tender's closed lots -----------------------------------------------------------------

# Each lot's offers by supplier, placed from the dearest down (the step is 1,000).
OFFERS = {
    1: {0: "90000", 1: "91000", 2: "95000"},
    2: {0: "99000", 1: "80000", 2: "97000"},
    3: {0: "85000", 1: "96000", 2: "70000"},
}


class Closed:
    """A tender with three lots, all closed, each with an offer of three suppliers."""

    def __init__(self, offers=OFFERS):
        now = timezone.now()
        self.platform = PlatformFactory()
        self.buyer = CompanyFactory(legal_name="Buyer Canary Ltd", is_supplier=False)
        self.officer = member(self.buyer, MembershipRole.PROCUREMENT_OFFICER)
        self.watcher = member(self.buyer, MembershipRole.BIDDER)
        self.tender = running_tender(
            platform=self.platform,
            buyer=self.buyer,
            officer=self.officer,
            title="Fuel for the winter",
        )
        self.suppliers = [
            CompanyFactory(legal_name=f"Canary Supplier {i + 1}", is_buyer=False) for i in range(3)
        ]
        self.bidders = [member(c, MembershipRole.BIDDER) for c in self.suppliers]
        self.lots = []
        for number, by_supplier in offers.items():
            lot = Lot.objects.create(
                tender=self.tender,
                number=number,
                title=f"Lot {number}",
                quantity=Decimal("10"),
                unit="t",
                start_price=Decimal("100000"),
                status=LotStatus.AUCTION_SCHEDULED,
                starts_at=now - timedelta(seconds=1),
                step_kind="amount",
                step_value=Decimal("1000"),
                duration_seconds=1800,
            )
            for i, company in enumerate(self.suppliers):
                Application.objects.create(
                    lot=lot,
                    supplier=company,
                    submitted_by=self.bidders[i],
                    status=ApplicationStatus.ADMITTED,
                    terms_accepted_at=now,
                    label=i + 1,
                )
            lot_start(lot_id=lot.pk)
            for i, amount in sorted(by_supplier.items(), key=lambda kv: -Decimal(kv[1])):
                bid_place(lot_id=lot.pk, user=self.bidders[i], amount=amount)
            lot.refresh_from_db()
            lot_close(lot_id=lot.pk, now=lot.ends_at)
            lot.refresh_from_db()
            assert lot.status == LotStatus.CLOSED
            self.lots.append(lot)

    def url(self) -> str:
        return f"/api/tenders/{self.tender.pk}/award-scenarios/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _by_key(body) -> dict:
    return {s["key"]: s for s in body["scenarios"]}


def _winners(scenario, t: Closed) -> list[tuple[int, int]]:
    index = {c.pk: i for i, c in enumerate(t.suppliers)}
    return [(a["lot_number"], index[a["supplier"]]) for a in scenario["awards"]]


@pytest.mark.django_db
def test_the_buyer_compares_the_scenarios_side_by_side():
    t = Closed()
    body = api(t.officer).get(t.url(), {"min_share": "0.35"}).json()
    s = _by_key(body)
    assert list(s) == ["best", "lowest", "one_supplier", "max_suppliers", "min_share"]
    assert (s["best"]["total"], s["best"]["suppliers"]) == ("240000.00", 3)
    assert _winners(s["best"], t) == [(1, 0), (2, 1), (3, 2)]
    assert s["best"]["start_total"] == "300000.00"
    assert (s["best"]["savings"], s["best"]["savings_percent"]) == ("60000.00", "20.0")
    assert s["lowest"]["total"] == "240000.00"
    # One supplier for all: the third, 95,000 + 97,000 + 70,000.
    assert (s["one_supplier"]["total"], _winners(s["one_supplier"], t)) == (
        "262000.00",
        [(1, 2), (2, 2), (3, 2)],
    )
    # At most two: the second and third suppliers, lot 1 to the second (not its best).
    two = s["max_suppliers"]
    assert (two["total"], _winners(two, t)) == ("241000.00", [(1, 1), (2, 1), (3, 2)])
    assert [a["best"] for a in two["awards"]] == [False, True, True]
    # Each chosen supplier at least 35% of the total: 90,000 of 257,000 for the first.
    share = s["min_share"]
    assert (share["total"], _winners(share, t)) == ("257000.00", [(1, 0), (2, 2), (3, 2)])
    assert "35%" in share["title"] and body["min_share"] == "0.350"
    assert body["left_out"] == [] and body["currency"] == "UAH"


@pytest.mark.django_db
def test_applying_a_scenario_awards_every_lot_of_it_with_its_reason():
    t = Closed()
    response = api(t.officer).post(
        t.url(), {"scenario": "max_suppliers", "max_suppliers": 2}, format="json"
    )
    assert response.status_code == 201, response.json()
    deals = response.json()
    assert [(d["lot"], d["price"]) for d in deals] == [
        (t.lots[0].pk, "91000.00"),
        (t.lots[1].pk, "80000.00"),
        (t.lots[2].pk, "70000.00"),
    ]
    awards = {a.lot_id: a for a in Award.objects.all()}
    assert awards[t.lots[0].pk].application.supplier == t.suppliers[1]
    assert awards[t.lots[0].pk].reason.startswith("Award scenario: Lowest total with at most 2")
    assert awards[t.lots[1].pk].reason == "" and awards[t.lots[2].pk].reason == ""
    assert Deal.objects.count() == 3
    # Nothing is left to award: the comparison says so, and a second apply is refused.
    body = api(t.officer).get(t.url()).json()
    assert {row["why"] for row in body["left_out"]} == {"already awarded"}
    again = api(t.officer).post(t.url(), {"scenario": "best"}, format="json")
    assert (again.status_code, again.json()["error"]["code"]) == (400, "nothing_to_award")


@pytest.mark.django_db
def test_a_scenario_is_awarded_whole_or_not_at_all():
    t = Closed()
    real = scenarios.lot_award
    calls = []

    def third_fails(**kwargs):
        calls.append(kwargs["lot_id"])
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return real(**kwargs)

    with mock.patch.object(scenarios, "lot_award", third_fails), pytest.raises(RuntimeError):
        scenarios.scenario_apply(user=t.officer, tender_id=t.tender.pk, key="best")
    assert len(calls) == 3
    assert not Award.objects.exists() and not Deal.objects.exists()


@pytest.mark.django_db
def test_a_scenario_without_an_answer_says_why_and_awards_nothing():
    # Nobody offered for every lot: no single supplier can take them all.
    t = Closed({1: {0: "90000", 1: "91000"}, 2: {2: "97000"}})
    s = _by_key(api(t.officer).get(t.url()).json())
    assert s["one_supplier"]["feasible"] is False and s["one_supplier"]["problem"]
    assert s["one_supplier"]["awards"] == []
    response = api(t.officer).post(t.url(), {"scenario": "one_supplier"}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (400, "scenario_infeasible")
    assert not Award.objects.exists()


@pytest.mark.django_db
def test_bad_parameters_are_a_clear_400():
    t = Closed()
    for params in ({"max_suppliers": "0"}, {"min_share": "1.5"}, {"min_share": "abc"}):
        response = api(t.officer).get(t.url(), params)
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == "invalid"
    response = api(t.officer).post(t.url(), {"scenario": "cheapest"}, format="json")
    assert response.status_code == 400 and "scenario" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_only_the_buyer_side_sees_the_scenarios_and_only_its_managers_apply_them():
    t = Closed()
    # A supplier (even one that bid) and a stranger: no such tender.
    for user in (t.bidders[0], member(CompanyFactory(), MembershipRole.COMPANY_ADMIN)):
        assert api(user).get(t.url()).status_code == 404
        assert api(user).post(t.url(), {"scenario": "best"}, format="json").status_code == 404
    assert api().get(t.url()).status_code in (401, 403)
    # The buyer's bidder reads them, but may not award.
    assert api(t.watcher).get(t.url()).status_code == 200
    response = api(t.watcher).post(t.url(), {"scenario": "best"}, format="json")
    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "not_procurement_officer",
    )
    assert not Award.objects.exists()
    assert api(t.officer).get(f"/api/tenders/{2**63}/award-scenarios/").status_code == 404


@pytest.mark.django_db
def test_the_page_shows_the_scenarios_and_awards_the_chosen_one():
    from django.test import Client

    t = Closed()
    page = Client()
    page.force_login(t.officer)
    manage = page.get(f"/tenders/{t.tender.pk}/manage/").content.decode()
    assert f'href="/tenders/{t.tender.pk}/award-scenarios/"' in manage
    url = f"/tenders/{t.tender.pk}/award-scenarios/"
    html = page.get(url, {"max_suppliers": "2", "min_share_percent": "35"}).content.decode()
    for key in scenarios.SCENARIOS:
        assert f'id="scenario-{key}"' in html
    assert "241,000.00" in html and "262,000.00" in html and "257,000.00" in html
    assert "not the lot's best ranked offer" in html
    for hostile in ("NaN", "Infinity", "0", "abc"):  # refused with a message, defaults shown
        shown = page.get(url, {"min_share_percent": hostile})
        assert shown.status_code == 200 and 'id="scenario-min_share"' in shown.content.decode()
    response = page.post(url, {"scenario": "one_supplier", "max_suppliers": "2"})
    assert response.status_code == 302 and response.url == f"/tenders/{t.tender.pk}/manage/"
    assert {a.application.supplier for a in Award.objects.all()} == {t.suppliers[2]}
    # A supplier does not see the page; the buyer's bidder sees it without the buttons.
    supplier = Client()
    supplier.force_login(t.bidders[0])
    assert supplier.get(url).status_code == 404
    watcher = Client()
    watcher.force_login(t.watcher)
    assert "Award this scenario" not in watcher.get(url).content.decode()
