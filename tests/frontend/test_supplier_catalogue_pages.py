"""The supplier's catalogue pages through the test client
(``frontend/supplier_catalogue_views.py``): products listed 50 a page and found by text, made,
changed and removed (a SKU met twice, or a product still priced, refused with the service's
message and nothing written); price lists made, changed and removed, their items added, changed
and removed one by one (a price of zero, a tier met twice, another company's product refused on
their fields); the CSV/XLSX import with its row-by-row report (nothing written on failure),
checked first or written at once; the export in both formats. A procurement officer of the
supplier reads all of it and changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.core import spreadsheets
from suppliers.models import PriceList, PriceListItem, Product
from tests.suppliers.factories import PriceListFactory, ProductFactory

from .supplier_helpers import as_, field_errors, html, section, written

# The supplier pages' fixtures (a profile, certificate, products, price list; the other company).
pytest_plugins = ["tests.frontend.supplier_fixtures"]

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def base(company) -> str:
    return f"/my-catalogue/{company.pk}/"


def csv_file(text: str, name: str = "prices.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def items_of(price_list) -> list[tuple]:
    return list(
        PriceListItem.objects.filter(price_list=price_list)
        .order_by("product__sku", "min_quantity")
        .values_list("product__sku", "min_quantity", "price")
    )


# --- Products --------------------------------------------------------------------------------


def test_products_are_listed_fifty_a_page_and_found_by_text(
    client, supplier_admin, supplier_company
):
    for n in range(55):
        ProductFactory(supplier=supplier_company, sku=f"P-{n:03d}", name=f"Bolt M{n}")
    ProductFactory(supplier=supplier_company, sku="Z-1", name="Гайка M8", description="оцинкована")
    as_(client, supplier_admin)
    url = base(supplier_company) + "products/"
    first = html(client.get(url))
    assert "56 products" in section(first, "products-count")
    assert "P-000" in first and "P-049" in first and "P-050" not in first
    second = html(client.get(url, {"page": 2}))
    assert "P-050" in second and "Z-1" in second and "P-000" not in second
    found = html(client.get(url, {"q": "оцинк"}))
    assert "Z-1" in section(found, "products") and "P-001" not in found
    assert "No product matches “nothing”" in html(client.get(url, {"q": "nothing"}))


def test_a_product_is_made_changed_and_removed(
    client, supplier_admin, supplier_company, categories
):
    as_(client, supplier_admin)
    url = base(supplier_company) + "products/"
    made = client.post(
        url + "new/",
        {
            "sku": " DF-590 ",
            "name": "Дизельне паливо",
            "unit": "l",
            "category": categories["fuel"].pk,
            "is_active": "on",
        },
    )
    assert made.status_code == 302 and made["Location"] == url
    product = Product.objects.get(supplier=supplier_company)
    assert (product.sku, product.name, product.category_id, product.is_active) == (
        "DF-590",
        "Дизельне паливо",
        categories["fuel"].pk,
        True,
    )
    changed = client.post(
        f"{url}{product.pk}/", {"sku": "DF-590", "name": "Diesel", "unit": "t", "category": ""}
    )
    assert changed.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.unit, product.category_id, product.is_active) == (
        "Diesel",
        "t",
        None,
        False,
    )
    assert client.post(f"{url}{product.pk}/delete/").status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()


def test_a_sku_met_twice_is_told_on_its_field(client, supplier_admin, supplier_company, product):
    as_(client, supplier_admin)
    url = base(supplier_company) + "products/"
    other = ProductFactory(supplier=supplier_company, sku="B-2")
    before = written()
    twice = client.post(url + "new/", {"sku": "A4-80", "name": "Again", "unit": "pcs"})
    assert twice.status_code == 409
    assert "A product with SKU “A4-80” already exists." in field_errors(html(twice), "id_sku")
    renamed = client.post(f"{url}{other.pk}/", {"sku": "A4-80", "name": "x", "unit": "pcs"})
    assert renamed.status_code == 409
    assert "already exists" in field_errors(html(renamed), "id_sku")
    unitless = client.post(url + "new/", {"sku": "C-3", "name": "No unit"})
    assert unitless.status_code == 400
    assert "This field is required." in field_errors(html(unitless), "id_unit")
    assert written() == before


def test_a_priced_product_is_not_removed(client, supplier_admin, supplier_company, item):
    as_(client, supplier_admin)
    before = written()
    refused = client.post(base(supplier_company) + f"products/{item.product_id}/delete/")
    assert refused.status_code == 409
    assert "This product is in a price list." in section(html(refused), "refusal")
    assert written() == before


# --- Price lists and their items -------------------------------------------------------------


def test_a_price_list_is_made_changed_and_removed(client, supplier_admin, supplier_company):
    as_(client, supplier_admin)
    url = base(supplier_company) + "price-lists/"
    made = client.post(
        url + "new/",
        {"name": "Retail 2027", "kind": "retail", "currency": "EUR", "valid_from": "2027-02-01"},
    )
    price_list = PriceList.objects.get(supplier=supplier_company)
    assert made["Location"] == f"{url}{price_list.pk}/"
    assert (price_list.kind, price_list.currency, price_list.valid_until) == ("retail", "EUR", None)
    listed = section(html(client.get(url)), f"price-list-{price_list.pk}")
    assert "Retail 2027" in listed and "Retail" in listed and "EUR" in listed
    changed = client.post(
        f"{url}{price_list.pk}/",
        {
            "name": "Retail spring",
            "kind": "small_wholesale",
            "currency": "UAH",
            "valid_from": "2027-02-01",
            "valid_until": "2027-05-31",
        },
    )
    assert changed.status_code == 302
    price_list.refresh_from_db()
    assert (price_list.name, price_list.kind, price_list.valid_until) == (
        "Retail spring",
        "small_wholesale",
        date(2027, 5, 31),
    )
    assert client.post(f"{url}{price_list.pk}/delete/").status_code == 302
    assert not PriceList.objects.filter(pk=price_list.pk).exists()


def test_a_price_list_ending_before_it_starts_is_told_on_its_field(
    client, supplier_admin, supplier_company, price_list
):
    as_(client, supplier_admin)
    before = written()
    for url in (
        base(supplier_company) + "price-lists/new/",
        base(supplier_company) + f"price-lists/{price_list.pk}/",
    ):
        refused = client.post(
            url,
            {
                "name": "Backwards",
                "kind": "retail",
                "currency": "UAH",
                "valid_from": "2027-05-01",
                "valid_until": "2027-01-01",
            },
        )
        assert refused.status_code == 400, url
        assert "The end date cannot be before the start date." in field_errors(
            html(refused), "id_valid_until"
        )
    assert written() == before


def test_items_are_added_changed_and_removed(
    client, supplier_admin, supplier_company, price_list, product
):
    as_(client, supplier_admin)
    url = base(supplier_company) + f"price-lists/{price_list.pk}/"
    page = html(client.get(url))
    assert f'<option value="{product.pk}">A4-80 Copy paper A4 80 g</option>' in page
    added = client.post(
        url + "items/", {"new-product": product.pk, "new-min_quantity": "", "new-price": "1 250,50"}
    )
    assert added.status_code == 302 and added["Location"] == url
    tier = client.post(
        url + "items/", {"new-product": product.pk, "new-min_quantity": "100", "new-price": "990"}
    )
    assert tier.status_code == 302
    assert items_of(price_list) == [
        ("A4-80", Decimal("1.000"), Decimal("1250.50")),
        ("A4-80", Decimal("100.000"), Decimal("990.00")),
    ]
    first = PriceListItem.objects.get(price_list=price_list, min_quantity=1)
    row = section(html(client.get(url)), f"item-{first.pk}")
    assert 'value="1250.5"' in row and "Copy paper A4 80 g" in row
    changed = client.post(
        f"{url}items/{first.pk}/",
        {f"item-{first.pk}-min_quantity": "10", f"item-{first.pk}-price": "1200"},
    )
    assert changed.status_code == 302
    first.refresh_from_db()
    assert (first.min_quantity, first.price) == (Decimal(10), Decimal(1200))
    assert client.post(f"{url}items/{first.pk}/delete/").status_code == 302
    assert items_of(price_list) == [("A4-80", Decimal("100.000"), Decimal("990.00"))]


def test_a_bad_item_is_told_on_its_field_and_not_written(
    client, supplier_admin, supplier_company, price_list, item, other_company
):
    as_(client, supplier_admin)
    url = base(supplier_company) + f"price-lists/{price_list.pk}/"
    theirs = ProductFactory(supplier=other_company, sku="THEIRS")
    before = written()
    free = client.post(
        url + "items/", {"new-product": item.product_id, "new-min_quantity": "5", "new-price": "0"}
    )
    assert free.status_code == 400
    assert "The price must be greater than zero." in field_errors(html(free), "id_new-price")
    twice = client.post(
        url + "items/",
        {"new-product": item.product_id, "new-min_quantity": "10", "new-price": "3"},
    )
    assert twice.status_code == 409
    assert "already has a price for this minimum quantity" in field_errors(
        html(twice), "id_new-min_quantity"
    )
    foreign = client.post(
        url + "items/", {"new-product": theirs.pk, "new-min_quantity": "", "new-price": "3"}
    )
    assert foreign.status_code == 400
    assert "No such product in your catalogue." in field_errors(html(foreign), "id_new-product")
    words = client.post(
        f"{url}items/{item.pk}/",
        {f"item-{item.pk}-min_quantity": "-1", f"item-{item.pk}-price": "ten"},
    )
    assert words.status_code == 400
    assert "Enter a number." in field_errors(html(words), f"id_item-{item.pk}-price")
    negative = client.post(
        f"{url}items/{item.pk}/",
        {f"item-{item.pk}-min_quantity": "-1", f"item-{item.pk}-price": "3"},
    )
    assert negative.status_code == 400
    assert "The minimum quantity must be greater than zero." in field_errors(
        html(negative), f"id_item-{item.pk}-min_quantity"
    )
    assert written() == before


def test_a_bidder_keeps_the_catalogue_an_officer_only_reads_it(
    client, bidder, officer, supplier_company, price_list, item, product
):
    url = base(supplier_company)
    as_(client, bidder)
    made = client.post(url + "products/new/", {"sku": "BID-1", "name": "By a bidder", "unit": "kg"})
    assert made.status_code == 302
    as_(client, officer)
    products = html(client.get(url + "products/"))
    assert "BID-1" in products and 'id="product-new"' not in products
    page = html(client.get(url + f"price-lists/{price_list.pk}/"))
    assert "A4-80" in section(page, "items") and 'id="item-add"' not in page
    assert "UAH" in section(page, f"item-{item.pk}")
    before = written()
    for target, data in (
        ("products/new/", {"sku": "OFF-1", "name": "x", "unit": "kg"}),
        (f"products/{product.pk}/", {"sku": "A4-80", "name": "x", "unit": "kg"}),
        (f"price-lists/{price_list.pk}/items/{item.pk}/delete/", {}),
        (f"price-lists/{price_list.pk}/delete/", {}),
    ):
        refused = client.post(url + target, data)
        assert refused.status_code == 403, target
        assert "does not allow you to change its catalogue" in section(html(refused), "refusal")
    imported = client.post(
        url + f"price-lists/{price_list.pk}/import/",
        {"file": csv_file("sku,name,price\nA,B,1\n"), "action": "import"},
    )
    assert imported.status_code == 403
    assert written() == before


# --- Import and export -----------------------------------------------------------------------


def test_a_file_with_problems_shows_the_report_and_writes_nothing(
    client, supplier_admin, supplier_company, price_list, item
):
    as_(client, supplier_admin)
    url = base(supplier_company) + f"price-lists/{price_list.pk}/import/"
    assert 'id="import-form"' in html(client.get(url))
    before = written()
    bad = "sku,name,unit,category_code,price,min_quantity\n"
    bad += "A4-80,Copy paper A4 80 g,pack,,ten,1\n"
    bad += "NEW-1,New thing,,,5,1\n"
    bad += "NEW-2,Other,kg,NOPE,5,1\n"
    bad += ",No SKU,kg,,5,1\n"
    refused = client.post(url, {"file": csv_file(bad), "action": "import"})
    assert refused.status_code == 400
    page = html(refused)
    assert "The file has 4 problem(s); nothing was imported." in section(page, "import-invalid")
    report = section(page, "import-report")
    rows = [
        [cell.strip() for cell in row.split("</td><td>")] for row in report.split("<tr><td>")[1:]
    ]
    assert rows[0][:2] == ["2", "price"] and "“ten” is not a number." in rows[0][2]
    assert rows[1][:2] == ["3", "unit"]
    assert rows[2][:2] == ["4", "category_code"] and "“NOPE”" in rows[2][2]
    assert rows[3][:2] == ["5", "sku"]
    assert written() == before
    # Not a spreadsheet at all: a problem of the whole file.
    garbage = client.post(url, {"file": SimpleUploadedFile("x.pdf", b"%PDF"), "action": "check"})
    assert garbage.status_code == 400
    assert "<td>—</td><td>—</td>" in html(garbage)
    assert written() == before


def test_a_good_file_is_checked_then_imported(
    client, supplier_admin, supplier_company, price_list, item
):
    as_(client, supplier_admin)
    url = base(supplier_company) + f"price-lists/{price_list.pk}/import/"
    good = "артикул;назва;од. вим.;ціна;мін. кількість\n"
    good += "A4-80;Copy paper A4 80 g;pack;240,00;1\n"
    good += "A4-80;;;220,00;50\n"
    good += "NEW-1;Скоби 24/6;pack;12,5;\n"
    before = written()
    checked = client.post(url, {"file": csv_file(good), "action": "check"})
    assert checked.status_code == 200
    banner = section(html(checked), "import-valid")
    assert "All the file's 3 rows are valid." in banner
    assert "Products to add: 1; to update: 1." in banner
    assert written() == before
    done = client.post(url, {"file": csv_file(good), "action": "import"})
    assert done.status_code == 302
    assert done["Location"] == base(supplier_company) + f"price-lists/{price_list.pk}/"
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "The price list now holds the file's 3 items. Products added: 1; updated: 1."
    ]
    assert items_of(price_list) == [
        ("A4-80", Decimal("1.000"), Decimal("240.00")),
        ("A4-80", Decimal("50.000"), Decimal("220.00")),
        ("NEW-1", Decimal("1.000"), Decimal("12.50")),
    ]
    assert Product.objects.get(supplier=supplier_company, sku="NEW-1").name == "Скоби 24/6"


def test_an_xlsx_file_is_imported_and_the_price_list_exported(
    client, supplier_admin, supplier_company, price_list, item
):
    as_(client, supplier_admin)
    url = base(supplier_company) + f"price-lists/{price_list.pk}/"
    data = spreadsheets.write_xlsx(
        ["sku", "name", "unit", "price", "min_quantity"],
        [["X-1", "Box", "pcs", 3.5, 1], ["A4-80", "", "", 199, 10]],
    )
    done = client.post(
        url + "import/",
        {"file": SimpleUploadedFile("p.xlsx", data, content_type=XLSX), "action": "import"},
    )
    assert done.status_code == 302
    assert items_of(price_list) == [
        ("A4-80", Decimal("10.000"), Decimal("199.00")),
        ("X-1", Decimal("1.000"), Decimal("3.50")),
    ]
    csv = client.get(url + "export/", {"file_format": "csv"})
    assert csv["Content-Disposition"] == f'attachment; filename="price-list-{price_list.pk}.csv"'
    text = csv.content.decode("utf-8-sig").splitlines()
    assert text[0] == "sku,name,unit,category_code,price,min_quantity,description"
    assert text[1].startswith("A4-80,Copy paper A4 80 g,pack,T110,199.00,10,")
    xlsx = client.get(url + "export/", {"file_format": "xlsx"})
    assert xlsx["Content-Type"] == XLSX
    table = spreadsheets.read_table(data=xlsx.content, filename="x.xlsx")
    assert [str(c) for c in table[2][:2]] == ["X-1", "Box"]
    assert client.get(url + "export/", {"file_format": "pdf"}).status_code == 400


def test_another_price_list_of_another_supplier_stays_apart(
    client, supplier_admin, supplier_company, other_company
):
    """A price list id of the other company under my company's address: not found."""
    theirs = PriceListFactory(supplier=other_company)
    as_(client, supplier_admin)
    url = base(supplier_company) + f"price-lists/{theirs.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url + "export/").status_code == 404
    assert client.post(url + "import/", {"file": csv_file("sku,name,price\n")}).status_code == 404
