"""The pricing API: the permission matrix (admin/manager write; officer/bidder 403; another
company 404; anonymous refused), the buyer's side (its own list only: the canary), a quote."""

from decimal import Decimal

import pytest
from django.urls import reverse

from marketplace.companies.models import MembershipRole
from pricing.models import Promotion, PromotionKind
from suppliers.models import CustomerKind
from tests.factories import member

from .conftest import DAY

pytestmark = pytest.mark.django_db


def _kinds_url(supplier):
    return reverse("api:pricing-kinds", kwargs={"company_id": supplier.pk})


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (MembershipRole.COMPANY_ADMIN, 201),
        (MembershipRole.ACCOUNT_MANAGER, 201),
        (MembershipRole.PROCUREMENT_OFFICER, 403),
        (MembershipRole.BIDDER, 403),
    ],
)
def test_who_may_add_a_kind(world, client_for, role, expected):
    client = client_for(member(world["supplier"], role))
    before = CustomerKind.objects.count()
    r = client.post(_kinds_url(world["supplier"]), {"name": "Dealers"}, format="json")
    assert r.status_code == expected
    assert CustomerKind.objects.count() == before + (1 if expected == 201 else 0)
    assert client.get(_kinds_url(world["supplier"])).status_code == 200


def test_another_company_and_anonymous_are_refused(world, client_for, buyer_admin, api_client):
    assert client_for(buyer_admin).get(_kinds_url(world["supplier"])).status_code == 404
    assert (
        client_for(buyer_admin)
        .post(_kinds_url(world["supplier"]), {"name": "X"}, format="json")
        .status_code
        == 404
    )
    assert api_client.get(_kinds_url(world["supplier"])).status_code in (401, 403)
    url = reverse("api:pricing-assignments", kwargs={"company_id": world["supplier"].pk})
    assert client_for(buyer_admin).get(url).status_code == 404


def test_a_price_list_of_a_new_kind_is_accepted(world, client_for):
    client = client_for(world["manager"])
    client.post(_kinds_url(world["supplier"]), {"name": "Dealers"}, format="json")
    url = reverse("api:supplier-price-lists", kwargs={"company_id": world["supplier"].pk})
    body = {"name": "Dealers", "kind": "dealers", "currency": "UAH", "valid_from": "2026-01-01"}
    assert client.post(url, body, format="json").status_code == 201
    body["kind"] = "nobody"
    r = client.post(url, body, format="json")
    assert r.status_code == 400 and "kind" in r.data["error"]["fields"]


def test_a_buyer_sees_only_its_own_list_and_promotions(world, client_for, buyer_admin, other_buyer):
    promo = Promotion.objects.create(
        supplier=world["supplier"],
        name="Wholesale secret",
        kind=PromotionKind.PERCENT,
        percent=Decimal("10"),
        price_list=world["wholesale"],
        valid_from=DAY.replace(year=2020),
        valid_until=DAY.replace(year=2099),
    )
    promo.products.add(world["product"])
    url = reverse("api:pricing-my-prices", kwargs={"company_id": world["supplier"].pk})
    mine = client_for(buyer_admin).get(url).json()
    assert [pl["name"] for pl in mine["price_lists"]] == ["Wholesale 2026", "Retail 2026"]
    assert [p["name"] for p in mine["promotions"]] == ["Wholesale secret"]
    # The canary: buyer B never sees A's list nor its promotion.
    other = client_for(member(other_buyer)).get(url).json()
    assert [pl["name"] for pl in other["price_lists"]] == ["Retail 2026"]
    assert other["promotions"] == []
    assert "Wholesale" not in str(other)
    # Nor by naming A's company.
    r = client_for(member(other_buyer)).get(url, {"buyer": world["account_a"].company_id})
    assert r.status_code == 404


def test_a_quote_for_the_buyer(world, client_for, buyer_admin):
    url = reverse("api:pricing-quote", kwargs={"company_id": world["supplier"].pk})
    body = {"lines": [{"product": world["product"].pk, "quantity": "10"}], "on_date": "2026-06-01"}
    r = client_for(buyer_admin).post(url, body, format="json")
    assert r.status_code == 200
    assert r.json()["rows"][0]["price"] == "90.00"
    assert r.json()["totals"] == [{"currency": "UAH", "amount": "900.00"}]


def test_a_promotion_by_api_and_its_rules(world, client_for):
    client = client_for(world["manager"])
    url = reverse("api:pricing-promotions", kwargs={"company_id": world["supplier"].pk})
    body = {
        "name": "Summer",
        "kind": "percent",
        "percent": "15",
        "price_list": world["wholesale"].pk,
        "products": [world["product"].pk],
        "valid_from": "2026-06-01",
        "valid_until": "2026-05-01",
    }
    r = client.post(url, body, format="json")
    assert r.status_code == 400 and "valid_until" in r.data["error"]["fields"]
    assert not Promotion.objects.exists()
    body["valid_until"] = "2026-08-31"
    assert client.post(url, body, format="json").status_code == 201
    officer = client_for(member(world["supplier"], MembershipRole.BIDDER))
    pk = Promotion.objects.get().pk
    detail = reverse(
        "api:pricing-promotion", kwargs={"company_id": world["supplier"].pk, "promotion_id": pk}
    )
    assert officer.delete(detail).status_code == 403 and Promotion.objects.exists()
