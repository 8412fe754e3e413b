"""Unit tests: number parsing, header matching, region codes, services' rules."""

from decimal import Decimal

import pytest

from marketplace.companies.models import MembershipRole
from marketplace.core import spreadsheets
from marketplace.core.exceptions import ConflictError, PermissionDeniedError
from suppliers import pricelist_io, services
from suppliers.models import PriceListItem, Product
from suppliers.regions import is_valid_region_code
from tests.factories import member
from tests.suppliers.factories import PriceListFactory, PriceListItemFactory, ProductFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,50", "1234.50"),
        ("1234.50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("12,5", "12.5"),
        ("1\u00a0000", "1000"),
        (7, "7"),
        (12.25, "12.25"),
    ],
)
def test_parse_decimal_accepts_common_spellings(text, expected):
    assert spreadsheets.parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1.2.3,4,5", "", "12 грн", "NaN", "Infinity", True])
def test_parse_decimal_refuses_non_numbers(text):
    with pytest.raises(ValueError):
        spreadsheets.parse_decimal(text)


def test_parse_table_reports_too_many_decimal_places_and_default_quantity():
    table = [["SKU", "NAME", "PRICE", "MIN_QUANTITY"], ["A", "n", "1.234", ""], ["B", "n", "2", ""]]
    parsed = pricelist_io.parse_table(table)
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "price")]
    assert [(r.sku, r.min_quantity) for r in parsed.rows] == [("B", Decimal("1"))]


def test_parse_table_skips_blank_rows_and_ignores_extra_columns():
    table = [
        [None, None],
        ["sku", "name", "price", "colour"],
        ["A", "n", "5", "red"],
        ["", "", "", ""],
    ]
    parsed = pricelist_io.parse_table(table)
    assert parsed.problems == []
    assert [(r.row, r.sku, r.price) for r in parsed.rows] == [(3, "A", Decimal("5.00"))]


@pytest.mark.parametrize(
    ("code", "ok"),
    [("UA", True), ("ua-30", True), ("PL-14", True), ("XX", False), ("UA-99", False), ("", False)],
)
def test_region_codes(code, ok):
    assert is_valid_region_code(code) is ok


@pytest.mark.django_db
class TestServices:
    def test_import_is_all_or_nothing(self, supplier_company, supplier_admin):
        price_list = PriceListFactory(supplier=supplier_company)
        data = b"sku,name,unit,price\nA,Alpha,pcs,1\nB,Beta,pcs,-1\n"
        with pytest.raises(services.PriceListImportError) as info:
            services.price_list_import(
                actor=supplier_admin, price_list=price_list, data=data, filename="x.csv"
            )
        assert [(p.row, p.column) for p in info.value.report] == [(3, "price")]
        assert not Product.objects.exists()

    def test_import_replaces_items(self, supplier_company, supplier_admin):
        price_list = PriceListFactory(supplier=supplier_company)
        PriceListItemFactory(price_list=price_list)
        result = services.price_list_import(
            actor=supplier_admin,
            price_list=price_list,
            data=b"sku,name,unit,price,min_quantity\nA,Alpha,pcs,3,1\nA,Alpha,pcs,2,10\n",
            filename="x.csv",
        )
        assert (result.products_created, result.items) == (1, 2)
        assert sorted(
            PriceListItem.objects.filter(price_list=price_list).values_list("price", flat=True)
        ) == [
            Decimal("2.00"),
            Decimal("3.00"),
        ]

    def test_product_update_refuses_duplicate_sku(self, supplier_company, supplier_admin):
        ProductFactory(supplier=supplier_company, sku="A")
        other = ProductFactory(supplier=supplier_company, sku="B")
        with pytest.raises(ConflictError):
            services.product_update(actor=supplier_admin, product=other, changes={"sku": "A"})
        other.refresh_from_db()
        assert other.sku == "B"

    def test_procurement_officer_cannot_change_catalogue(self, supplier_company):
        officer = member(supplier_company, MembershipRole.PROCUREMENT_OFFICER)
        with pytest.raises(PermissionDeniedError):
            services.product_create(
                actor=officer, supplier=supplier_company, sku="A", name="n", unit="pcs"
            )
        assert not Product.objects.exists()

    def test_item_update_refuses_existing_tier(self, supplier_company, supplier_admin):
        price_list = PriceListFactory(supplier=supplier_company)
        first = PriceListItemFactory(price_list=price_list, min_quantity=Decimal("1"))
        second = PriceListItemFactory(
            price_list=price_list, product=first.product, min_quantity=Decimal("5")
        )
        with pytest.raises(ConflictError):
            services.price_list_item_update(
                actor=supplier_admin, item=second, min_quantity=Decimal("1")
            )
        second.refresh_from_db()
        assert second.min_quantity == Decimal("5")
