"""The supplier pages through the test client (``frontend/supplier_views.py``,
``frontend/supplier_catalogue_views.py``): who reaches which page (a stranger is sent to log in;
another company's admin finds nothing there, 404, by GET and by POST, and nothing is written),
the top bar's "My catalogue", the profile (description, categories ticked or found, regions as
ISO codes with the service's message on the field for a bad one), the certificates (added with
a file, a bad file or period refused on its field, changed, removed, the file downloaded by who
may read the profile), and the public supplier profile with what each reader may see of it.
The products, price lists and import are in ``test_supplier_catalogue_pages.py``."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.companies.models import Membership, MembershipRole, VerificationStatus
from suppliers.models import Certificate, SupplierProfile
from tests.factories import CompanyFactory, member
from tests.suppliers.factories import CertificateFactory, ProductFactory

from .supplier_helpers import PDF, as_, field_errors, html, section, written

# The supplier pages' fixtures (a profile, certificate, products, price list; the other company).
pytest_plugins = ["tests.frontend.supplier_fixtures"]

pytestmark = pytest.mark.django_db


def routes(company, certificate, product, price_list, item) -> list[tuple[str, str]]:
    """Every page of a supplier's own with ids in it, and how it is reached."""
    c, pl = company.pk, price_list.pk
    return [
        ("get", f"/my-catalogue/{c}/"),
        ("post", f"/my-catalogue/{c}/"),
        ("get", f"/my-catalogue/{c}/certificates/"),
        ("post", f"/my-catalogue/{c}/certificates/"),
        ("get", f"/my-catalogue/{c}/certificates/{certificate.pk}/"),
        ("post", f"/my-catalogue/{c}/certificates/{certificate.pk}/"),
        ("post", f"/my-catalogue/{c}/certificates/{certificate.pk}/delete/"),
        ("get", f"/my-catalogue/{c}/products/"),
        ("get", f"/my-catalogue/{c}/products/new/"),
        ("post", f"/my-catalogue/{c}/products/new/"),
        ("get", f"/my-catalogue/{c}/products/{product.pk}/"),
        ("post", f"/my-catalogue/{c}/products/{product.pk}/"),
        ("post", f"/my-catalogue/{c}/products/{product.pk}/delete/"),
        ("get", f"/my-catalogue/{c}/price-lists/"),
        ("get", f"/my-catalogue/{c}/price-lists/new/"),
        ("post", f"/my-catalogue/{c}/price-lists/new/"),
        ("get", f"/my-catalogue/{c}/price-lists/{pl}/"),
        ("post", f"/my-catalogue/{c}/price-lists/{pl}/"),
        ("post", f"/my-catalogue/{c}/price-lists/{pl}/delete/"),
        ("post", f"/my-catalogue/{c}/price-lists/{pl}/items/"),
        ("post", f"/my-catalogue/{c}/price-lists/{pl}/items/{item.pk}/"),
        ("post", f"/my-catalogue/{c}/price-lists/{pl}/items/{item.pk}/delete/"),
        ("get", f"/my-catalogue/{c}/price-lists/{pl}/import/"),
        ("post", f"/my-catalogue/{c}/price-lists/{pl}/import/"),
        ("get", f"/my-catalogue/{c}/price-lists/{pl}/export/?file_format=xlsx"),
    ]


# What a browser would post to each route: enough to pass the forms, so that only the
# supplier's scoping can refuse it.
POSTED = {
    "name": "Hijacked",
    "sku": "HIJACK",
    "unit": "pcs",
    "kind": "retail",
    "currency": "EUR",
    "valid_from": "2027-01-01",
    "description": "Hijacked",
    "regions": "PL",
    "is_active": "on",
    "price": "1",
    "min_quantity": "1",
    "item-1-price": "1",
    "new-price": "1",
}


# --- Who reaches what ------------------------------------------------------------------------


def test_a_stranger_is_sent_to_log_in_everywhere(
    client, supplier_company, certificate, product, price_list, item
):
    pages = [
        *routes(supplier_company, certificate, product, price_list, item),
        ("get", "/my-catalogue/"),
        ("get", "/my-catalogue/categories/?category_search=paper"),
        ("get", f"/suppliers/{supplier_company.pk}/"),
        ("get", f"/suppliers/{supplier_company.pk}/certificates/{certificate.pk}/file/"),
    ]
    before = written()
    for method, url in pages:
        response = getattr(client, method)(url, POSTED if method == "post" else None)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert written() == before


def test_another_companys_admin_finds_nothing_and_writes_nothing(
    client, other_admin, supplier_company, certificate, product, price_list, item
):
    as_(client, other_admin)
    before = written()
    for method, url in routes(supplier_company, certificate, product, price_list, item):
        response = getattr(client, method)(url, POSTED if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert written() == before


def test_a_supplier_s_ids_under_the_other_company_are_not_found(
    client, other_admin, other_company, certificate, product, price_list, item
):
    """The other admin's own company in the address, the supplier's objects' ids after it."""
    as_(client, other_admin)
    before = written()
    for method, url in routes(other_company, certificate, product, price_list, item):
        if url.rstrip("/").endswith(
            (f"/my-catalogue/{other_company.pk}", "certificates", "products", "new", "price-lists")
        ):
            continue  # the other company's own lists and forms: its own, not the supplier's
        response = getattr(client, method)(url, POSTED if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert written() == before


def test_the_top_bar_offers_my_catalogue_to_the_suppliers_people(
    client, supplier_admin, buyer_admin, supplier_company
):
    page = html(as_(client, supplier_admin).get(f"/suppliers/{supplier_company.pk}/"))
    assert 'href="/my-catalogue/">My catalogue</a>' in page
    # One supplier company: straight to it.
    entry = client.get("/my-catalogue/")
    assert entry["Location"] == f"/my-catalogue/{supplier_company.pk}/"
    # Two: the choice.
    second = CompanyFactory(legal_name="Second Supply LLC", is_supplier=True)
    Membership.objects.create(user=supplier_admin, company=second, role=MembershipRole.BIDDER)
    choice = html(client.get("/my-catalogue/"))
    assert "Second Supply LLC" in section(choice, "supplier-companies")
    assert "Supplier Ltd" in section(choice, "supplier-companies")
    # A buyer's people: no link, and nothing to keep.
    buyers = html(as_(client, buyer_admin).get("/my-catalogue/"))
    assert "My catalogue</a>" not in buyers
    assert "not a member of any supplier company" in section(buyers, "no-supplier-companies")


# --- The profile -----------------------------------------------------------------------------


def test_the_admin_edits_the_profile(client, supplier_admin, supplier_company, profile, categories):
    as_(client, supplier_admin)
    page = html(client.get(f"/my-catalogue/{supplier_company.pk}/"))
    chosen = section(page, "categories-chosen")
    assert "T110 Copy paper" in chosen and "checked" in chosen
    assert 'value="UA-30"' in page and "Paper by the ton." in page
    saved = client.post(
        f"/my-catalogue/{supplier_company.pk}/",
        {
            "description": "Paper and fuel.",
            "categories": [categories["paper"].pk, categories["fuel"].pk],
            "regions": "ua-30, pl ;UA-46",
        },
    )
    assert saved.status_code == 302
    assert [str(m) for m in get_messages(saved.wsgi_request)] == ["The profile is saved."]
    profile = SupplierProfile.objects.get(company=supplier_company)
    assert profile.description == "Paper and fuel."
    assert sorted(c.code for c in profile.categories.all()) == ["T110", "T200"]
    assert sorted(r.code for r in profile.regions.all()) == ["PL", "UA-30", "UA-46"]
    regions = section(html(client.get(f"/my-catalogue/{supplier_company.pk}/")), "regions-named")
    assert "PL — Poland" in regions and "UA-46 — L" in regions  # Lvivska oblast


def test_a_bad_region_code_is_told_on_its_field_and_nothing_is_saved(
    client, supplier_admin, supplier_company, profile, categories
):
    as_(client, supplier_admin)
    before = written()
    refused = client.post(
        f"/my-catalogue/{supplier_company.pk}/",
        {
            "description": "Changed",
            "categories": [categories["fuel"].pk],
            "regions": "UA, Narnia, UA-99",
        },
    )
    assert refused.status_code == 400
    errors = field_errors(html(refused), "id_regions")
    assert "Not ISO 3166 country (UA) or subdivision (UA-30) codes: Narnia, UA-99." in errors
    assert written() == before
    # What was typed is kept: the description, the categories ticked.
    page = html(refused)
    assert "Changed" in page and "T200 Diesel fuel" in section(page, "categories-chosen")


def test_categories_are_found_to_tick_without_saving(
    client, supplier_admin, supplier_company, profile, categories
):
    as_(client, supplier_admin)
    before = written()
    found = client.post(
        f"/my-catalogue/{supplier_company.pk}/",
        {
            "description": "Typed, not saved",
            "categories": [categories["paper"].pk],
            "regions": "UA",
            "category_search": "diesel",
            "find": "1",
        },
    )
    assert found.status_code == 200
    page = html(found)
    assert "T200 Diesel fuel" in section(page, "categories-found")
    assert "T110" not in section(page, "categories-found")
    assert "Typed, not saved" in page
    assert written() == before
    # As the person types (htmx): the boxes alone, those ticked before kept ticked.
    options = html(
        client.get(
            "/my-catalogue/categories/",
            {
                "category_search": "supplies",
                "categories": [categories["paper"].pk, categories["fuel"].pk],
                "shown": [categories["paper"].pk],
            },
        )
    )
    assert f'value="{categories["root"].pk}" id="category-{categories["root"].pk}">' in options
    assert f'value="{categories["fuel"].pk}" id="category-{categories["fuel"].pk}" checked>' in (
        options
    )
    assert f'value="{categories["paper"].pk}"' not in options
    assert "No category found." in html(
        client.get("/my-catalogue/categories/", {"category_search": "zzzz"})
    )


def test_a_bidder_reads_the_profile_but_is_refused_a_change(
    client, bidder, supplier_company, profile
):
    as_(client, bidder)
    page = html(client.get(f"/my-catalogue/{supplier_company.pk}/"))
    assert "Paper by the ton." in section(page, "profile-figures")
    assert 'id="profile-form"' not in page
    before = written()
    refused = client.post(
        f"/my-catalogue/{supplier_company.pk}/", {"description": "x", "regions": "PL"}
    )
    assert refused.status_code == 403
    assert "does not allow you to edit its profile" in section(html(refused), "refusal")
    assert written() == before


# --- Certificates ----------------------------------------------------------------------------


def test_a_certificate_is_added_with_its_file_changed_and_removed(
    client, supplier_admin, supplier_company, profile
):
    as_(client, supplier_admin)
    url = f"/my-catalogue/{supplier_company.pk}/certificates/"
    added = client.post(
        url,
        {
            "name": "ДСТУ 1234",
            "issuer": "UkrSEPRO",
            "number": "UA-77",
            "valid_from": "2026-01-01",
            "valid_until": "2029-01-01",
            "file": SimpleUploadedFile("dstu.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert added.status_code == 302 and added["Location"] == url
    cert = Certificate.objects.get(name="ДСТУ 1234")
    assert (cert.issuer, cert.number, cert.valid_until) == ("UkrSEPRO", "UA-77", date(2029, 1, 1))
    assert cert.original_file_name == "dstu.pdf" and cert.file_name
    row = section(html(client.get(url)), f"certificate-{cert.pk}")
    assert "ДСТУ 1234" in row and "dstu.pdf" in row
    download = client.get(f"/suppliers/{supplier_company.pk}/certificates/{cert.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    # Changed: the number and the period; the file kept.
    changed = client.post(
        f"{url}{cert.pk}/",
        {"name": "ДСТУ 1234", "number": "UA-78", "valid_from": "2026-01-01"},
    )
    assert changed.status_code == 302
    cert.refresh_from_db()
    assert (cert.number, cert.valid_until, cert.original_file_name) == ("UA-78", None, "dstu.pdf")
    removed = client.post(f"{url}{cert.pk}/delete/")
    assert removed.status_code == 302
    assert not Certificate.objects.filter(pk=cert.pk).exists()


def test_a_bad_certificate_is_told_on_its_field_and_not_written(
    client, supplier_admin, supplier_company, profile
):
    as_(client, supplier_admin)
    url = f"/my-catalogue/{supplier_company.pk}/certificates/"
    before = written()
    wrong_type = client.post(
        url,
        {"name": "Scan", "file": SimpleUploadedFile("scan.exe", b"MZ", content_type="x/y")},
    )
    assert wrong_type.status_code == 400
    assert "Upload the certificate as PDF, JPEG or PNG." in field_errors(
        html(wrong_type), "id_file"
    )
    backwards = client.post(
        url, {"name": "Scan", "valid_from": "2027-01-01", "valid_until": "2026-01-01"}
    )
    assert backwards.status_code == 400
    assert "The end date cannot be before the start date." in field_errors(
        html(backwards), "id_valid_until"
    )
    nameless = client.post(url, {"name": ""})
    assert nameless.status_code == 400
    assert "This field is required." in field_errors(html(nameless), "id_name")
    assert written() == before


def test_a_bidder_reads_the_certificates_and_changes_none(
    client, bidder, supplier_company, certificate
):
    as_(client, bidder)
    url = f"/my-catalogue/{supplier_company.pk}/certificates/"
    page = html(client.get(url))
    assert "ISO 9001" in section(page, f"certificate-{certificate.pk}")
    assert 'id="certificate-form"' not in page and 'id="certificates-read-only"' in page
    before = written()
    assert client.post(url, {"name": "Mine"}).status_code == 403
    assert client.post(f"{url}{certificate.pk}/delete/").status_code == 403
    assert written() == before


# --- The public profile ----------------------------------------------------------------------


def test_the_public_profile_shows_a_buyer_what_it_may_see(
    client, buyer_admin, supplier_company, profile, certificate, product, price_list, item
):
    hidden = ProductFactory(supplier=supplier_company, sku="OLD-1", name="Retired", is_active=False)
    with_file = CertificateFactory(
        profile=profile,
        name="EN 643",
        file_name="certificates/x.pdf",
        original_file_name="en643.pdf",
        valid_until=None,
    )
    page = html(as_(client, buyer_admin).get(f"/suppliers/{supplier_company.pk}/"))
    assert section(page, "supplier-name") == "Supplier Ltd"
    assert "Verified supplier" in section(page, "supplier-verification")
    assert "Paper by the ton." in section(page, "supplier-description")
    assert "T110 Copy paper" in section(page, "supplier-categories")
    assert "(UA-30)" in section(page, "supplier-regions")
    cert_row = section(page, f"certificate-{certificate.pk}")
    assert "ISO 9001" in cert_row and "Q-1" in cert_row and "2028" in cert_row
    assert "Download" not in cert_row  # no file
    assert f"/suppliers/{supplier_company.pk}/certificates/{with_file.pk}/file/" in section(
        page, f"certificate-{with_file.pk}"
    )
    products = section(page, "supplier-products")
    assert "A4-80" in products and "Copy paper A4 80 g" in products
    assert "OLD-1" not in products and hidden.name not in page
    # Price lists are the supplier's own: a buyer sees none of them.
    assert "Wholesale 2027" not in page
    assert "private to its company" in section(page, "supplier-price-lists-private")
    assert 'id="supplier-edit"' not in page


def test_the_suppliers_own_people_see_everything_on_the_public_profile(
    client, officer, supplier_company, profile, product, price_list, item
):
    ProductFactory(supplier=supplier_company, sku="OLD-1", name="Retired", is_active=False)
    page = html(as_(client, officer).get(f"/suppliers/{supplier_company.pk}/"))
    assert "OLD-1" in section(page, "supplier-products")
    assert "Wholesale 2027" in section(page, "supplier-price-lists")
    assert 'id="supplier-edit"' in page


def test_the_public_profile_finds_products_by_text(client, buyer_admin, supplier_company, product):
    ProductFactory(supplier=supplier_company, sku="DF-1", name="Diesel fuel EN 590")
    page = html(as_(client, buyer_admin).get(f"/suppliers/{supplier_company.pk}/", {"q": "590"}))
    assert "DF-1" in section(page, "supplier-products") and "A4-80" not in page


def test_an_unverified_supplier_is_not_there_for_others(
    client, buyer_admin, supplier_company, certificate
):
    supplier_company.verification_status = VerificationStatus.PENDING
    supplier_company.save()
    as_(client, buyer_admin)
    assert client.get(f"/suppliers/{supplier_company.pk}/").status_code == 404
    file_url = f"/suppliers/{supplier_company.pk}/certificates/{certificate.pk}/file/"
    assert client.get(file_url).status_code == 404
    # Its own people still read it, told it is not public yet.
    own = member(supplier_company)
    page = html(as_(client, own).get(f"/suppliers/{supplier_company.pk}/"))
    assert "only your company sees this profile" in section(page, "supplier-verification")


def test_a_buyer_company_or_an_unknown_id_is_not_a_supplier_page(
    client, buyer_admin, buyer_company
):
    as_(client, buyer_admin)
    assert client.get(f"/suppliers/{buyer_company.pk}/").status_code == 404
    assert client.get("/suppliers/99999999/").status_code == 404
    assert client.get(f"/suppliers/{2**63}/").status_code == 404
