"""The supplier directory and the catalogue pages: the search with its facets as links, for
signed-in people."""

from __future__ import annotations

import pytest

from tests.search.test_suppliers_products import catalogue  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_directory_finds_suppliers_by_what_they_sell_and_narrows_by_region(client, catalogue):  # noqa: F811
    client.force_login(catalogue["steel"][1])
    html = client.get("/suppliers/", {"q": "diesel"}).content.decode()
    assert "2 suppliers" in html
    assert "Baltic Trade OÜ" in html and "ТОВ «Дизель Постач»" in html and "ТОВ «Сталь»" not in html
    assert 'href="?q=diesel&amp;region=UA"' in html
    narrowed = client.get("/suppliers/", {"q": "diesel", "region": "UA"}).content.decode()
    assert "ТОВ «Дизель Постач»" in narrowed and "Baltic Trade OÜ" not in narrowed
    assert 'data-suggest="/api/search/suggest/?kind=suppliers"' in html


def test_the_catalogue_lists_products_with_prices_and_suppliers(client, catalogue):  # noqa: F811
    client.force_login(catalogue["fuel"][1])
    html = client.get("/catalogue/", {"q": "дизель"}).content.decode()
    assert "Дизельне паливо Євро5" in html and "41,000.00" in html
    company = catalogue["fuel"][0]
    assert f'href="/suppliers/{company.pk}/"' in html
    assert "No product matches." in client.get("/catalogue/", {"q": "цемент"}).content.decode()


def test_both_pages_ask_to_log_in(client):
    for url in ("/suppliers/", "/catalogue/"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_directory_shows_each_suppliers_platform_wide_standing(client, catalogue):  # noqa: F811
    from decimal import Decimal

    from django.utils import timezone

    from marketplace.standings.models import Band, SupplierStanding

    company = catalogue["steel"][0]
    SupplierStanding.objects.create(
        buyer=None,
        supplier=company,
        score=Decimal("84.60"),
        band=Band.EXCELLENT,
        period_label="12 months",
        updated_at=timezone.now(),
    )
    client.force_login(catalogue["fuel"][1])
    html = client.get("/suppliers/", {"q": "арматура"}).content.decode()
    assert 'data-standing="excellent"' in html and "Excellent 85" in html
    assert html.count("data-standing=") == 1  # the others have none
