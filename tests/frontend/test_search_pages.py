"""The landing page is the tender search: words in any script or in Latin, the facets with their
counts as links that narrow and widen it, a notice for the closest titles, and a bad parameter
told on the page instead of a broken one."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auctions.tenders import drafting
from search import services
from tests.auctions.factories import World, lot_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = World()
    for title, currency, price in (
        ("Дизельне паливо", "UAH", "50000"),
        ("Дизель зимовий", "EUR", "2000000"),
        ("Цемент М500", "UAH", "500000"),
    ):
        kwargs = w.tender_kwargs(title=title, currency=currency)
        kwargs["lots"] = [lot_data(title=title, start_price=Decimal(price), reserve_price=None)]
        tender = drafting.tender_publish(
            actor=w.officer, tender=drafting.tender_create(actor=w.officer, **kwargs)
        )
        services.tender_reindex(tender_id=tender.pk)
    return w


def rows(response) -> list[str]:
    return [t.title for t in response.context["page"].object_list]


def test_words_in_latin_find_the_tenders_and_the_facets_narrow_them(client, world):
    response = client.get("/", {"q": "dizel"})
    assert sorted(rows(response)) == ["Дизель зимовий", "Дизельне паливо"]
    html = response.content.decode()
    assert "2 tenders" in html
    currency = next(f for f in response.context["facets"] if f.name == "currency")
    assert {(b.value, b.count) for b in currency.buckets} == {("UAH", 1), ("EUR", 1)}
    assert 'href="?q=dizel&amp;currency=EUR"' in html
    narrowed = client.get("/?q=dizel&currency=EUR")
    assert rows(narrowed) == ["Дизель зимовий"]
    # The chosen value is marked and its link widens the search again.
    assert 'href="?q=dizel" aria-current="true" class="selected">EUR' in narrowed.content.decode()


def test_the_price_facet_sets_a_range(client, world):
    html = client.get("/", {"q": "дизель"}).content.decode()
    assert 'href="?q=%D0%B4%D0%B8%D0%B7%D0%B5%D0%BB%D1%8C&amp;price_max=100000"' in html
    assert rows(client.get("/?q=дизель&price_max=100000")) == ["Дизельне паливо"]


def test_a_typo_shows_the_closest_with_a_notice_and_a_bad_page_is_told(client, world):
    response = client.get("/", {"q": "цимент"})
    assert rows(response) == ["Цемент М500"]
    assert "closest titles" in response.content.decode()
    response = client.get("/", {"q": "цемент", "page": "100000"})
    assert response.status_code == 200
    assert "The page is a number from 1 to 500." in response.content.decode()
    assert rows(response) == ["Цемент М500"]


def test_the_page_speaks_the_readers_language(client, world):
    html = client.get("/", {"q": "дизель"}, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    assert "Валюта" in html and "Пошук тендерів" in html
