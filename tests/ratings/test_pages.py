"""The ratings' pages render the real figures, each for those who may read them."""

from __future__ import annotations

import pytest
from django.test import Client

from crm.pipeline_opportunities import account_for_company
from ratings import services
from tests.ratings.helpers import full_world

pytestmark = pytest.mark.django_db


def _browser(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def world():
    w, order = full_world()
    services.pair_recompute(buyer_id=w.buyer.pk, supplier_id=w.supplier.pk)
    w.order = order
    return w


def test_the_supplier_page_shows_its_score_and_what_lowered_it(world):
    w = world
    response = _browser(w.supplier_admin).get(f"/ratings/suppliers/{w.supplier.pk}/?period=month")
    assert response.status_code == 200
    html = response.content.decode()
    assert "48.89" in html and "Warning" in html
    assert "On-time delivery −25.00" in html
    assert "88.89" in html  # the responsiveness score
    assert _browser(w.other_admin).get(f"/ratings/suppliers/{w.supplier.pk}/").status_code == 404


def test_the_buyer_page_lists_its_suppliers_and_saves_weights(world):
    w = world
    browser = _browser(w.officer)
    response = browser.get(f"/ratings/buyers/{w.buyer.pk}/?period=year")
    assert response.status_code == 200
    assert w.supplier.legal_name in response.content.decode()
    assert "48.89" in response.content.decode()
    weights = {
        "form": "weights",
        "weight_price": "50",
        "weight_win_rate": "10",
        "weight_on_time": "25",
        "weight_quality": "25",
        "weight_responsiveness": "10",
        "weight_reliability": "10",
    }
    response = browser.post(f"/ratings/buyers/{w.buyer.pk}/", weights)
    assert response.status_code == 400
    assert "they sum to 130" in response.content.decode()
    response = browser.post(f"/ratings/buyers/{w.buyer.pk}/", {**weights, "weight_price": "20"})
    assert response.status_code == 302
    assert _browser(w.supplier_admin).get(f"/ratings/buyers/{w.buyer.pk}/").status_code == 404


def test_the_review_form_from_the_order_page(world):
    w = world
    browser = _browser(w.officer)
    order_page = browser.get(f"/orders/{w.order.pk}/").content.decode()
    assert f"/ratings/orders/{w.order.pk}/review/" in order_page
    response = browser.post(
        f"/ratings/orders/{w.order.pk}/review/",
        {"quality": "5", "delivery": "3", "communication": "4", "documents": "4", "comment": "OK"},
    )
    assert response.status_code == 302
    page = _browser(w.supplier_admin).get(f"/ratings/orders/{w.order.pk}/review/")
    assert page.status_code == 200 and "4.00 / 5" in page.content.decode()
    assert "review-form" not in page.content.decode()  # the supplier reads, never writes


def test_the_admission_page_and_the_crm_account_show_the_badge(world):
    w = world
    lot = w.published(title="Second tender").lots.get()
    w.apply(lot, w.supplier)
    page = _browser(w.officer).get(f"/tenders/{lot.tender_id}/manage/")
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    assert 'data-standing="warning"' in html and "Warning 49" in html
    # The CRM account of the supplier, in the buyer's CRM: the same badge.
    account = account_for_company(workspace_id=w.buyer.pk, company=w.supplier, segment="supplier")
    page = _browser(w.officer).get(f"/crm/{w.buyer.pk}/accounts/{account.pk}/")
    assert page.status_code == 200
    assert 'id="rating-standing"' in page.content.decode()
    assert "Rating: Warning 49" in page.content.decode()
