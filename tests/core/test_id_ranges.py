"""Ids as API input (issue 20, defect 5): whole numbers from 1 to 2⁶³ − 1. Out of range, a query
or body id is a 400 naming the field, before any query (the embedded SQLite cannot bind an
integer beyond 64 bits: it was a 500). The auction endpoints are in
tests/auctions/test_hostile_ids.py."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from marketplace.core.ids import ID_MAX, IdField, IdFilter, is_id
from marketplace.platforms.models import Platform, PlatformMembership
from tests.factories import CompanyFactory, PlatformFactory, UserFactory, member

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = [2**63, 2**64 + 1, 10**30, 0, -1, -(2**63) - 1]


def client(user=None) -> APIClient:
    c = APIClient()
    if user is not None:
        c.force_authenticate(user=user)
    return c


def assert_400(response, field: str) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error


def test_the_range_of_an_id():
    assert is_id(1) and is_id(ID_MAX) and ID_MAX == 2**63 - 1
    for value in [*OUT_OF_RANGE, True, "1", 1.0, None]:
        assert not is_id(value), value
    field = IdField()
    assert field.run_validation(ID_MAX) == ID_MAX
    assert field.run_validation("42") == 42
    id_filter = IdFilter(field_name="pk")
    assert id_filter.field.clean(str(ID_MAX)) == ID_MAX


@pytest.mark.parametrize("value", [*OUT_OF_RANGE, "1.5", "1e400"])
@pytest.mark.parametrize("name", ["parent", "within"])
def test_category_filters_refuse_ids_out_of_range(name, value):
    assert_400(client().get("/api/categories/", {name: value}), name)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_the_review_queue_filter_refuses_company_ids_out_of_range(value):
    reviewer = UserFactory(is_staff=True)
    response = client(reviewer).get("/api/verification/review/submissions/", {"company": value})
    assert_400(response, "company")


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_platform_body_ids_out_of_range_are_refused(value):
    platform = PlatformFactory()
    staff = UserFactory(is_staff=True)
    company = CompanyFactory()
    admin = member(company)
    before = (Platform.objects.count(), PlatformMembership.objects.count())
    response = client(staff).post(
        "/api/platforms/",
        {"name": "Dedicated", "slug": "dedicated", "kind": "dedicated", "owner": value},
        format="json",
    )
    assert_400(response, "owner")
    response = client(admin).post(
        f"/api/platforms/{platform.pk}/participations/", {"company": value}, format="json"
    )
    assert_400(response, "company")
    response = client(staff).post(
        f"/api/platforms/{platform.pk}/participations/add/", {"company": value}, format="json"
    )
    assert_400(response, "company")
    assert (Platform.objects.count(), PlatformMembership.objects.count()) == before


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_price_list_item_product_id_out_of_range_is_refused(value):
    from suppliers.models import PriceListItem
    from tests.suppliers.factories import PriceListFactory

    supplier = CompanyFactory(is_buyer=False, is_supplier=True)
    admin = member(supplier)
    price_list = PriceListFactory(supplier=supplier)
    response = client(admin).post(
        f"/api/suppliers/{supplier.pk}/price-lists/{price_list.pk}/items/",
        {"product_id": value, "price": "10.00"},
        format="json",
    )
    assert_400(response, "product_id")
    assert not PriceListItem.objects.exists()
