"""The selectors the supplier pages added (``suppliers.selectors``): the supplier companies a
person belongs to, who may change a catalogue, a catalogue's text filter, and what a supplier's
public profile shows each reader of its products (the active ones to others, all to its own
people) and its price lists (private to its own people)."""

from __future__ import annotations

import pytest

from marketplace.companies.models import Membership, MembershipRole
from suppliers import selectors
from tests.factories import member
from tests.suppliers.factories import PriceListFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_the_supplier_companies_of_a_member(
    supplier_company, other_supplier, buyer_company, supplier_admin
):
    Membership.objects.create(
        user=supplier_admin, company=buyer_company, role=MembershipRole.COMPANY_ADMIN
    )
    assert list(selectors.supplier_companies_of_member(user=supplier_admin)) == [supplier_company]
    assert not selectors.supplier_companies_of_member(user=member(other_supplier)).filter(
        pk=supplier_company.pk
    )


def test_who_may_change_the_catalogue(supplier_company, supplier_roles, other_supplier):
    allowed = {
        role
        for role, user in supplier_roles.items()
        if selectors.user_may_edit_catalogue(user=user, company=supplier_company)
    }
    assert allowed == {
        MembershipRole.COMPANY_ADMIN,
        MembershipRole.ACCOUNT_MANAGER,
        MembershipRole.BIDDER,
    }
    stranger = member(other_supplier)
    assert not selectors.user_may_edit_catalogue(user=stranger, company=supplier_company)


def test_products_are_found_by_sku_name_or_description(supplier_company):
    a = ProductFactory(supplier=supplier_company, sku="A-1", name="Bolt")
    b = ProductFactory(supplier=supplier_company, sku="B-2", name="Nut", description="zinc-plated")
    qs = selectors.product_list(supplier=supplier_company)
    assert list(selectors.filter_products_by_text(qs, "a-1")) == [a]
    assert list(selectors.filter_products_by_text(qs, "zinc")) == [b]
    assert list(selectors.filter_products_by_text(qs, "  ")) == [a, b]


def test_the_public_profile_shows_others_the_active_products_and_no_price_list(
    supplier_company, supplier_roles, buyer_admin
):
    active = ProductFactory(supplier=supplier_company, sku="A")
    retired = ProductFactory(supplier=supplier_company, sku="B", is_active=False)
    price_list = PriceListFactory(supplier=supplier_company)
    assert list(selectors.product_list_public(user=buyer_admin, company=supplier_company)) == [
        active
    ]
    assert not selectors.price_list_list_public(user=buyer_admin, company=supplier_company)
    for user in supplier_roles.values():  # every role of the supplier's own
        products = selectors.product_list_public(user=user, company=supplier_company)
        assert list(products) == [active, retired]
        lists = selectors.price_list_list_public(user=user, company=supplier_company)
        assert list(lists) == [price_list]
