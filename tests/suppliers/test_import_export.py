"""Price list import (CSV/XLSX, all or nothing, with a report) and export round trips."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from marketplace.companies.models import MembershipRole
from suppliers.models import PriceListItem, Product
from tests.factories import member
from tests.suppliers.factories import PriceListFactory, PriceListItemFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def price_list(supplier_company):
    return PriceListFactory(supplier=supplier_company, name="Wholesale")


def url(price_list, action):
    return f"/api/suppliers/{price_list.supplier_id}/price-lists/{price_list.pk}/{action}/"


def csv_file(rows, name="prices.csv", delimiter=",", encoding="utf-8"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(rows, name="prices.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, price_list, file, dry_run=False):
    return client.post(
        url(price_list, "import"), {"file": file, "dry_run": dry_run}, format="multipart"
    )


def items_of(price_list):
    return sorted(
        (i.product.sku, i.price, i.min_quantity)
        for i in PriceListItem.objects.filter(price_list=price_list).select_related("product")
    )


def state(price_list):
    return items_of(price_list), sorted(Product.objects.values_list("sku", "name", "unit"))


GOOD = [
    ["SKU", "Name", "Unit", "Category_Code", "Price", "Min_Quantity"],
    ["P-1", "Copy paper A4", "pack", "T111", "1 234,50", "1"],
    ["P-1", "", "", "", "1200.00", "10"],
    ["P-2", "Stapler", "pcs", "", "99", ""],
]


class TestImport:
    def test_csv_import_creates_products_and_items(
        self, client_for, supplier_admin, price_list, category_tree
    ):
        response = upload(client_for(supplier_admin), price_list, csv_file(GOOD))
        assert response.status_code == 200, response.data
        assert response.data == {
            "dry_run": False,
            "rows": 3,
            "products_created": 2,
            "products_updated": 0,
            "items": 3,
        }
        assert items_of(price_list) == [
            ("P-1", Decimal("1200.00"), Decimal("10.000")),
            ("P-1", Decimal("1234.50"), Decimal("1.000")),
            ("P-2", Decimal("99.00"), Decimal("1.000")),
        ]
        paper = Product.objects.get(sku="P-1")
        assert (paper.name, paper.unit, paper.category.code) == ("Copy paper A4", "pack", "T111")

    def test_import_upserts_by_sku_and_replaces_items(
        self, client_for, supplier_admin, supplier_company, price_list, category_tree
    ):
        existing = ProductFactory(supplier=supplier_company, sku="P-1", name="Old name", unit="box")
        PriceListItemFactory(
            price_list=price_list, product=ProductFactory(supplier=supplier_company, sku="GONE")
        )
        response = upload(client_for(supplier_admin), price_list, csv_file(GOOD))
        assert response.status_code == 200, response.data
        assert response.data["products_updated"] == 1
        existing.refresh_from_db()
        assert (existing.name, existing.unit) == ("Copy paper A4", "pack")
        assert "GONE" not in {sku for sku, *_ in items_of(price_list)}
        assert Product.objects.filter(
            sku="GONE"
        ).exists()  # products are never deleted by an import

    def test_xlsx_import_with_russian_headers_and_semicolon_free_numbers(
        self, client_for, supplier_admin, price_list
    ):
        rows = [
            ["Артикул", "Наименование", "Ед. изм.", "Цена", "Мин. количество"],
            ["X-1", "Бумага", "пачка", 12.5, 1],
            ["X-1", "Бумага", "пачка", "11,75", 50],
        ]
        response = upload(client_for(supplier_admin), price_list, xlsx_file(rows))
        assert response.status_code == 200, response.data
        assert items_of(price_list) == [
            ("X-1", Decimal("11.75"), Decimal("50.000")),
            ("X-1", Decimal("12.50"), Decimal("1.000")),
        ]

    def test_ukrainian_headers_semicolons_and_cp1251(self, client_for, supplier_admin, price_list):
        rows = [["Артикул", "Назва", "Одиниця", "Ціна"], ["U-1", "Папір", "пачка", "1 000,00"]]
        file = csv_file(rows, delimiter=";", encoding="cp1251")
        response = upload(client_for(supplier_admin), price_list, file)
        assert response.status_code == 200, response.data
        assert Product.objects.get(sku="U-1").name == "Папір"
        assert items_of(price_list) == [("U-1", Decimal("1000.00"), Decimal("1.000"))]

    def test_dry_run_validates_only(self, client_for, supplier_admin, price_list, category_tree):
        before = state(price_list)
        response = upload(client_for(supplier_admin), price_list, csv_file(GOOD), dry_run=True)
        assert response.status_code == 200
        assert response.data["dry_run"] is True
        assert response.data["products_created"] == 2
        assert state(price_list) == before

    def test_every_problem_is_reported_and_nothing_is_written(
        self, client_for, supplier_admin, supplier_company, price_list, category_tree
    ):
        PriceListItemFactory(
            price_list=price_list, product=ProductFactory(supplier=supplier_company, sku="KEEP")
        )
        before = state(price_list)
        rows = [
            ["sku", "name", "unit", "category_code", "price", "min_quantity"],
            ["A", "Good", "pcs", "T111", "10.00", "1"],  # row 2: fine
            ["B", "Free", "pcs", "", "0", "1"],  # row 3: zero price
            ["C", "Minus", "pcs", "", "-5", "1"],  # row 4: negative
            ["D", "Nan", "pcs", "", "ten", "1"],  # row 5: not a number
            ["E", "Cat", "pcs", "NOPE", "1", "1"],  # row 6: unknown category
            ["A", "Good", "pcs", "T111", "9.00", "1"],  # row 7: duplicate (A, 1)
            ["", "No sku", "pcs", "", "1", "1"],  # row 8: empty SKU
            ["F", "", "", "", "1", "1"],  # row 9: new product without name and unit
            ["G", "Qty", "pcs", "", "1", "abc"],  # row 10: bad quantity
        ]
        response = upload(client_for(supplier_admin), price_list, csv_file(rows))
        assert response.status_code == 400
        error = response.data["error"]
        assert error["code"] == "import_invalid"
        report = {(p["row"], p["column"]) for p in error["report"]}
        assert report == {
            (3, "price"),
            (4, "price"),
            (5, "price"),
            (6, "category_code"),
            (7, "min_quantity"),
            (8, "sku"),
            (9, "name"),
            (9, "unit"),
            (10, "min_quantity"),
        }
        messages = {(p["row"], p["column"]): p["problem"] for p in error["report"]}
        assert "greater than zero" in messages[(3, "price")]
        assert "“ten” is not a number" in messages[(5, "price")]
        assert "NOPE" in messages[(6, "category_code")]
        assert "row 2" in messages[(7, "min_quantity")]
        assert "9 problem" in error["message"]
        assert state(price_list) == before

    def test_missing_required_columns(self, client_for, supplier_admin, price_list):
        before = state(price_list)
        response = upload(
            client_for(supplier_admin), price_list, csv_file([["sku", "qty"], ["A", "1"]])
        )
        assert response.status_code == 400
        missing = {p["column"] for p in response.data["error"]["report"]}
        assert missing == {"name", "price"}
        assert all(p["row"] == 1 for p in response.data["error"]["report"])
        assert state(price_list) == before

    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            ("prices.pdf", b"%PDF-1.4", "Unsupported file type"),
            ("prices.xls", b"\xd0\xcf\x11\xe0", ".xls"),
            ("prices.xlsx", b"sku,name,price\n", "not an Excel workbook"),
            ("prices.csv", b"", "empty"),
        ],
    )
    def test_wrong_file_type(self, client_for, supplier_admin, price_list, name, content, expected):
        response = upload(client_for(supplier_admin), price_list, SimpleUploadedFile(name, content))
        assert response.status_code == 400
        assert response.data["error"]["code"] in ("import_invalid", "invalid")
        error = response.data["error"]
        texts = [p["problem"] for p in error.get("report", [])]
        texts += [m for msgs in error.get("fields", {}).values() for m in msgs]
        text = " ".join(texts)
        assert expected in text
        assert not PriceListItem.objects.exists()

    def test_too_many_rows(self, client_for, supplier_admin, price_list, settings):
        settings.PRICE_LIST_IMPORT_MAX_ROWS = 3
        rows = [["sku", "name", "unit", "price"]] + [[f"S{i}", "n", "pcs", "1"] for i in range(4)]
        response = upload(client_for(supplier_admin), price_list, csv_file(rows))
        assert response.status_code == 400
        assert "more than 3 rows" in response.data["error"]["report"][0]["problem"]
        assert not Product.objects.exists()

    def test_conflicting_values_for_one_sku(self, client_for, supplier_admin, price_list):
        rows = [
            ["sku", "name", "unit", "price", "min_quantity"],
            ["A", "One", "pcs", "1", "1"],
            ["A", "Two", "pcs", "1", "5"],
        ]
        response = upload(client_for(supplier_admin), price_list, csv_file(rows))
        assert response.status_code == 400
        assert response.data["error"]["report"][0]["row"] == 3
        assert response.data["error"]["report"][0]["column"] == "name"
        assert not Product.objects.exists()

    def test_procurement_officer_may_not_import(self, client_for, supplier_company, price_list):
        officer = member(supplier_company, MembershipRole.PROCUREMENT_OFFICER)
        response = upload(client_for(officer), price_list, csv_file(GOOD))
        assert response.status_code == 403
        assert not Product.objects.exists()

    def test_foreign_price_list_is_404(self, client_for, supplier_admin, other_supplier):
        foreign = PriceListFactory(supplier=other_supplier)
        response = upload(client_for(supplier_admin), foreign, csv_file(GOOD))
        assert response.status_code == 404
        assert not Product.objects.exists()


class TestExport:
    @pytest.fixture
    def filled(self, supplier_company, price_list, category_tree):
        paper = ProductFactory(
            supplier=supplier_company,
            sku="P-1",
            name='Папір, A4 "Extra"',
            unit="pack",
            category=category_tree["leaf"],
            description="80 g/m²",
        )
        stapler = ProductFactory(supplier=supplier_company, sku="P-2", name="Stapler", unit="pcs")
        PriceListItemFactory(price_list=price_list, product=paper, price=Decimal("1234.50"))
        PriceListItemFactory(
            price_list=price_list,
            product=paper,
            price=Decimal("1200.00"),
            min_quantity=Decimal("10.5"),
        )
        PriceListItemFactory(price_list=price_list, product=stapler, price=Decimal("0.01"))
        return price_list

    def test_csv_export_content(self, client_for, supplier_admin, filled):
        response = client_for(supplier_admin).get(url(filled, "export") + "?file_format=csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == [
            "sku",
            "name",
            "unit",
            "category_code",
            "price",
            "min_quantity",
            "description",
        ]
        assert ["P-1", 'Папір, A4 "Extra"', "pack", "T111", "1234.50", "1", "80 g/m²"] in rows

    def test_xlsx_export_content(self, client_for, supplier_admin, filled):
        response = client_for(supplier_admin).get(url(filled, "export") + "?file_format=xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = list(sheet.iter_rows(values_only=True))
        assert values[0][0] == "sku"
        assert len(values) == 4

    def test_unknown_format_is_400(self, client_for, supplier_admin, filled):
        response = client_for(supplier_admin).get(url(filled, "export") + "?file_format=pdf")
        assert response.status_code == 400
        assert response.data["error"]["code"] == "unsupported_format"

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_round_trip(self, client_for, supplier_admin, supplier_company, filled, file_format):
        client = client_for(supplier_admin)
        exported = client.get(url(filled, "export") + f"?file_format={file_format}")
        before_items = items_of(filled)
        before_products = sorted(
            Product.objects.values_list("sku", "name", "unit", "category__code", "description")
        )
        # Import into a fresh price list of the same supplier: the same items come out.
        target = PriceListFactory(supplier=supplier_company)
        file = SimpleUploadedFile(f"export.{file_format}", exported.content)
        response = upload(client, target, file)
        assert response.status_code == 200, response.data
        assert response.data["products_updated"] == 2
        assert items_of(target) == before_items
        assert (
            sorted(
                Product.objects.values_list("sku", "name", "unit", "category__code", "description")
            )
            == before_products
        )
