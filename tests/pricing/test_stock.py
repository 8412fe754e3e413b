"""A supplier's stock: the bulk upsert (idempotent, all or nothing), the file import with bad
rows refused by row number, the API's permission matrix, the supplier's stock page, and the
award comparison page showing each bidder's stock (stale flagged)."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import MembershipRole
from suppliers import stock
from suppliers.models import StockLevel, Warehouse
from suppliers.stock_io import StockRow
from tests.auctions.test_award_scenarios import Closed
from tests.factories import member
from tests.suppliers.factories import ProductFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def kit(supplier_company, supplier_admin):
    warehouse = stock.warehouse_create(
        actor=supplier_admin, supplier=supplier_company, name="Kyiv-1", city="Kyiv", country="ua"
    )
    product = ProductFactory(supplier=supplier_company, sku="S-1", unit="kg")
    return {"warehouse": warehouse, "product": product, "actor": supplier_admin}


def test_the_upsert_is_idempotent(supplier_company, kit):
    rows = [StockRow(None, "S-1", "kyiv-1", Decimal("5"), TODAY)]
    first = stock.stock_upsert(
        actor=kit["actor"], supplier=supplier_company, rows=rows, today=TODAY
    )
    again = stock.stock_upsert(
        actor=kit["actor"], supplier=supplier_company, rows=rows, today=TODAY
    )
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    assert StockLevel.objects.get().quantity == Decimal("5") and kit["warehouse"].country == "UA"


def test_bad_rows_are_refused_with_their_row_numbers(supplier_company, kit):
    data = (
        b"sku;warehouse;quantity;counted_on\n"
        b"S-1;Kyiv-1;12,5;31.05.2026\n"
        b"NOPE;Kyiv-1;1;\n"
        b"S-1;Lviv;1;2026-05-01\n"
        b"S-1;Kyiv-1;-3;2026-05-01\n"
        b"S-1;Kyiv-1;2;tomorrow\n"
    )
    with pytest.raises(stock.StockImportError) as caught:
        stock.stock_import(
            actor=kit["actor"], supplier=supplier_company, data=data, filename="s.csv", today=TODAY
        )
    where = {(p.row, p.column) for p in caught.value.report}
    assert {(3, "sku"), (4, "warehouse"), (5, "quantity"), (6, "counted_on")} <= where
    assert not StockLevel.objects.exists()
    good = b"sku,warehouse,quantity,counted_on\nS-1,Kyiv-1,12.5,31.05.2026\n"
    result = stock.stock_import(
        actor=kit["actor"], supplier=supplier_company, data=good, filename="s.csv", today=TODAY
    )
    assert result.created == 1
    level = StockLevel.objects.get()
    assert (level.quantity, level.counted_on) == (Decimal("12.5"), datetime.date(2026, 5, 31))


def test_an_xlsx_file_is_read(supplier_company, kit):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["SKU", "Склад", "Остаток", "Дата"])
    book.active.append(["S-1", "Kyiv-1", 7, datetime.date(2026, 5, 20)])
    buffer = io.BytesIO()
    book.save(buffer)
    result = stock.stock_import(
        actor=kit["actor"],
        supplier=supplier_company,
        data=buffer.getvalue(),
        filename="s.xlsx",
        today=TODAY,
    )
    assert result.created == 1 and StockLevel.objects.get().quantity == 7


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (MembershipRole.COMPANY_ADMIN, 200),
        (MembershipRole.ACCOUNT_MANAGER, 200),
        (MembershipRole.BIDDER, 200),
        (MembershipRole.PROCUREMENT_OFFICER, 403),
    ],
)
def test_the_stock_api_matrix(supplier_company, kit, client_for, role, expected):
    url = reverse("api:supplier-stock", kwargs={"company_id": supplier_company.pk})
    client = client_for(member(supplier_company, role))
    body = {
        "rows": [{"sku": "S-1", "warehouse": "Kyiv-1", "quantity": "3", "counted_on": "2026-05-01"}]
    }
    assert client.put(url, body, format="json").status_code == expected
    assert StockLevel.objects.count() == (1 if expected == 200 else 0)
    assert client.get(url).status_code == 200


def test_another_company_does_not_find_the_stock(
    supplier_company, kit, client_for, buyer_admin, api_client
):
    url = reverse("api:supplier-stock", kwargs={"company_id": supplier_company.pk})
    assert client_for(buyer_admin).get(url).status_code == 404
    assert api_client.get(url).status_code in (401, 403)
    wh = reverse(
        "api:supplier-warehouse",
        kwargs={"company_id": supplier_company.pk, "warehouse_id": kit["warehouse"].pk},
    )
    assert client_for(buyer_admin).delete(wh).status_code == 404
    assert Warehouse.objects.exists()


def test_the_api_reports_bad_rows(supplier_company, kit, client_for):
    url = reverse("api:supplier-stock", kwargs={"company_id": supplier_company.pk})
    body = {
        "rows": [
            {"sku": "NOPE", "warehouse": "Kyiv-1", "quantity": "3", "counted_on": "2026-05-01"}
        ]
    }
    r = client_for(kit["actor"]).put(url, body, format="json")
    assert r.status_code == 400 and r.json()["error"]["report"][0]["row"] == 1


def test_the_stock_page_uploads_and_shows(supplier_company, kit):
    page = Client()
    page.force_login(kit["actor"])
    url = reverse("frontend:supplier-stock", args=[supplier_company.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("s.csv", b"sku,warehouse,quantity\nNOPE,Kyiv-1,1\n")
    r = page.post(url, {"action": "import", "file": bad})
    assert r.status_code == 400 and 'id="stock-report"' in r.content.decode()
    good = SimpleUploadedFile("s.csv", b"sku,warehouse,quantity\nS-1,Kyiv-1,4\n")
    assert page.post(url, {"action": "import", "file": good}).status_code == 302
    html = page.get(url).content.decode()
    assert "Kyiv-1" in html and 'id="stock-levels"' in html
    outsider = Client()
    outsider.force_login(member(ProductFactory().supplier))
    assert outsider.get(url).status_code == 404


def test_the_award_page_shows_each_bidders_stock():
    t = Closed()
    supplier = t.suppliers[0]
    admin = member(supplier, MembershipRole.COMPANY_ADMIN)
    product = ProductFactory(supplier=supplier, sku="DIESEL", category=t.tender.category, unit="t")
    fresh = stock.warehouse_create(actor=admin, supplier=supplier, name="Odesa tank")
    old = stock.warehouse_create(actor=admin, supplier=supplier, name="Lviv tank")
    today = timezone.localdate()
    stock.stock_upsert(
        actor=admin,
        supplier=supplier,
        rows=[
            StockRow(None, "DIESEL", fresh.name, Decimal("40"), today),
            StockRow(None, "DIESEL", old.name, Decimal("2"), today - datetime.timedelta(days=90)),
        ],
    )
    assert product.stock.count() == 2
    page = Client()
    page.force_login(t.officer)
    html = page.get(f"/tenders/{t.tender.pk}/award-scenarios/").content.decode()
    assert 'id="bidder-stock"' in html
    assert "DIESEL" in html and "42 t" in html and "Odesa tank" in html
    assert "stock-stale" in html
    assert "No stock counted in this category." in html  # the other two bidders
