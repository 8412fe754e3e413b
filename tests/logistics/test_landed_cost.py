"""Ranking by landed cost: the lot's rules, the supplier's delivery quote from its warehouse
(fixed at admission, in the lot's hash chain), and the engine, the views and the protocol
comparing price plus delivery while each supplier bids in its own terms."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from auctions import rules
from auctions.bidding.place import bid_place
from auctions.models import LotEvent
from auctions.protocol.record import protocol_build
from auctions.protocol.tables import protocol_tables
from auctions.selectors import lot_snapshot
from auctions.standing import Viewer, render
from auctions.tenders import applications as application_services
from logistics import services
from marketplace.core.exceptions import ApplicationError, ConflictError, NotFoundError
from tests.auctions.engine_setup import Auction
from tests.auctions.factories import lot_data

from .helpers import KYIV, LVIV, client
from .landed_helpers import LANDED

pytestmark = pytest.mark.django_db


# --- the rules ---------------------------------------------------------------------------


def test_the_comparable_price_adds_the_delivery_and_divides_by_the_coefficient():
    assert rules.weighted(Decimal("900"), 1, Decimal("100")) == Fraction(1000)
    assert rules.weighted(Decimal("900"), Fraction(2), Decimal("100")) == Fraction(500)
    assert rules.weighted(Decimal("900")) == Fraction(900)


def test_a_bidder_beats_the_best_landed_cost_less_its_own_delivery_and_a_step():
    rule = rules.StepRule(kind="amount", value=Decimal("1000"), start_price=Decimal("100000"))
    limit, reference, step = rules.bid_limit(
        rule,
        own_amount=None,
        best_weighted=Fraction(90000),  # the leader's price plus its delivery
        coeff=Fraction(1),
        delivery=Decimal("5000.00"),
    )
    assert (limit, reference, step) == (Decimal("84000.00"), Decimal("85000.00"), Decimal("1000"))


def test_the_incoterms_decide_whether_the_delivery_is_added():
    assert all(rules.delivery_added(t) for t in ("EXW", "FCA", "FAS", "FOB", "fca"))
    assert not any(rules.delivery_added(t) for t in ("DAP", "DDP", "DPU", "CPT", "CIP", "", None))


# --- the lot -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"incoterms": "DAP"}, "incoterms", "EXW, FCA, FAS or FOB"),
        ({"incoterms": ""}, "incoterms", "EXW, FCA, FAS or FOB"),
        ({"delivery_latitude": None, "delivery_longitude": None}, "delivery_latitude", "coord"),
        ({"delivery_longitude": None}, "delivery_latitude", "both coordinates"),
        ({"unit_weight_kg": None}, "unit_weight_kg", "weight of one unit"),
        ({"weighted": True}, "landed_cost", "not by both"),
    ],
)
def test_a_lot_ranked_by_landed_cost_needs_e_or_f_terms_a_place_and_a_weight(
    world, overrides, field, words
):
    with pytest.raises(ApplicationError) as exc:
        world.draft(lot_overrides={**LANDED, **overrides})
    assert any(words in m for m in exc.value.fields.get(f"lots.0.{field}", [])), exc.value.fields


def test_a_lot_ranked_by_landed_cost_is_made_through_the_api(world):
    api = client(world.officer)
    body = {
        "platform": world.platform.pk,
        "buyer": world.buyer.pk,
        "title": "Diesel",
        "category": world.category.pk,
        "questions_deadline": (timezone.now() + timedelta(days=1)).isoformat(),
        "applications_deadline": (timezone.now() + timedelta(days=2)).isoformat(),
        "auction_start": (timezone.now() + timedelta(days=3)).isoformat(),
        "lots": [
            {k: str(v) if isinstance(v, Decimal) else v for k, v in lot_data(**LANDED).items()}
        ],
    }
    response = api.post(reverse("api:tender-list"), body, format="json")
    assert response.status_code == 201, response.json()
    lot = response.json()["lots"][0]
    assert lot["landed_cost"] is True
    assert Decimal(lot["unit_weight_kg"]) == Decimal("1000")
    assert Decimal(lot["delivery_latitude"]) == LVIV[0]
    body["lots"][0]["incoterms"] = "DDP"
    refused = api.post(reverse("api:tender-list"), body, format="json")
    assert refused.status_code == 400
    assert "incoterms" in str(refused.json())


# --- the supplier's delivery quote ---------------------------------------------------------


def _quote(world, user=None, application=None, warehouse=None):
    return client(user or world.supplier_admin).post(
        reverse(
            "api:logistics-application-delivery",
            kwargs={"application_id": (application or world.application).pk},
        ),
        {"warehouse": (warehouse or world.warehouse).pk},
        format="json",
    )


def test_the_supplier_quotes_its_delivery_from_its_warehouse_and_the_buyer_sees_it(landed_world):
    w = landed_world
    response = _quote(w)
    assert response.status_code == 200, response.json()
    body = response.json()
    # 100 t x 2 UAH/kg over the estimated road from Kyiv to Lviv (~470 km x road factor).
    assert Decimal(body["delivery_cost"]) == Decimal("200000.00")
    assert body["currency"] == "UAH"
    assert body["delivery_basis"]["from"] == "Kyiv warehouse, Kyiv"
    assert body["delivery_basis"]["carrier"] == "Own trucks"
    assert body["delivery_basis"]["transit_days"] == 3
    assert Decimal(body["delivery_basis"]["distance_km"]) > 470
    w.application.refresh_from_db()
    assert w.application.delivery_cost == Decimal("200000.00")
    # The buyer's list of applications shows the cost and its basis.
    listed = (
        client(w.officer)
        .get(reverse("api:lot-application-list", kwargs={"lot_id": w.lot.pk}))
        .json()
    )
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert Decimal(rows[0]["delivery_cost"]) == Decimal("200000.00")
    assert rows[0]["delivery_basis"]["carrier"] == "Own trucks"


def test_nobody_else_quotes_for_the_application_nor_from_another_company_warehouse(
    landed_world,
):
    w = landed_world
    assert _quote(w, user=w.other_admin).status_code == 404
    theirs = services.place_create(
        user=w.other_admin,
        company_id=w.other_supplier.pk,
        kind="warehouse",
        name="Their warehouse",
        country="UA",
        latitude=KYIV[0],
        longitude=KYIV[1],
    )
    response = _quote(w, warehouse=theirs)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "warehouse_not_found"
    w.application.refresh_from_db()
    assert w.application.delivery_cost is None


def test_no_rate_card_in_the_lot_currency_is_a_clear_refusal(landed_world):
    w = landed_world
    w.lot.tender.__class__.objects.filter(pk=w.lot.tender_id).update(currency="EUR")
    response = _quote(w)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_rate_card"
    assert "EUR" in response.json()["error"]["message"]


def test_a_lot_ranked_by_price_takes_no_delivery_quote(world):
    tender = world.published()
    application = world.apply(tender.lots.get())
    warehouse = services.place_create(
        user=world.supplier_admin,
        company_id=world.supplier.pk,
        kind="warehouse",
        name="W",
        country="UA",
        latitude=KYIV[0],
        longitude=KYIV[1],
    )
    response = _quote(world, application=application, warehouse=warehouse)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_landed_cost"


def test_admission_needs_the_delivery_cost_and_fixes_it_in_the_chain(landed_world):
    w = landed_world
    with pytest.raises(ConflictError) as exc:
        application_services.application_admit(actor=w.officer, application=w.application)
    assert exc.value.code == "delivery_not_quoted"
    assert _quote(w).status_code == 200
    application_services.application_admit(actor=w.officer, application=w.application)
    event = LotEvent.objects.get(lot=w.lot, kind="application_admitted")
    assert event.payload["delivery_cost"] == "200000.00"
    again = _quote(w)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "delivery_fixed"


def test_an_unknown_application_answers_404(landed_world):
    with pytest.raises(NotFoundError):
        from logistics.landed import delivery_quote_for_application

        delivery_quote_for_application(
            user=landed_world.supplier_admin, application_id=10**9, warehouse_id=1
        )


# --- the auction ---------------------------------------------------------------------------


@pytest.fixture
def auction():
    """Two suppliers: the first delivers for free (next door), the second for 5,000."""
    return Auction(suppliers=2, deliveries=[Decimal("0.00"), Decimal("5000.00")]).start()


def test_the_engine_ranks_by_landed_cost_and_each_bidder_beats_it_in_its_own_terms(auction):
    a = auction
    near, far = a.applications
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="90000.00")
    # The far supplier's 88,000 lands at 93,000: not better than 90,000 less a step.
    with pytest.raises(ApplicationError) as exc:
        bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="88000.00")
    assert exc.value.code == "step_too_small"
    assert "84,000.00" in exc.value.message  # 90,000 - 5,000 - 1,000
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="84000.00")
    a.refresh()
    assert a.lot.best_application_id == far.pk  # 89,000 landed
    snap = lot_snapshot(lot=a.lot)
    assert [(e["application"], e["weighted_display"], e["delivery"]) for e in snap["entries"]] == [
        (far.pk, "89000.00", "5000.00"),
        (near.pk, "90000.00", "0.00"),
    ]
    # The near supplier must beat 89,000 less its own delivery (0) less a step.
    mine = render(snap, Viewer("supplier", near.pk))["me"]
    assert mine["max_bid"] == "88000.00"
    assert (mine["delivery"], mine["landed"]) == ("0.00", "90000.00")
    theirs = render(snap, Viewer("supplier", far.pk))["me"]
    assert (theirs["delivery"], theirs["landed"], theirs["rank"]) == ("5000.00", "89000.00", 1)
    buyer = render(snap, Viewer("buyer"))
    assert buyer["landed_cost"] is True
    assert buyer["ladder"][0]["delivery"] == "5000.00"


def test_the_protocol_lists_the_bid_price_and_the_landed_cost(auction):
    a = auction
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="90000.00")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="84000.00")
    from auctions.lifecycle import lot_close

    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    a.refresh()
    protocol = protocol_build(lot_id=a.lot.pk)
    sections = {s.key: s for s in protocol_tables(protocol)}
    ranking = sections["ranking"]
    assert "Landed cost (UAH)" in ranking.headings
    rows = [[c.value for c in row] for row in ranking.rows]
    landed = ranking.headings.index("Landed cost (UAH)")
    amount = ranking.headings.index("Amount (UAH)")
    assert [(r[amount], r[landed]) for r in rows] == [
        (Decimal("84000.00"), Decimal("89000.00000000")),
        (Decimal("90000.00"), Decimal("90000.00000000")),
    ]
    participants = sections["participants"]
    assert "Delivery cost (UAH)" in participants.headings
    assert sorted(
        r[participants.headings.index("Delivery cost (UAH)")].value for r in participants.rows
    ) == [
        Decimal("0.00"),
        Decimal("5000.00"),
    ]
