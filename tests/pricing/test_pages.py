"""The pricing pages: the supplier's settings (editors change, others read, outsiders 404),
the buyer's prices (its own list only: the canary), the public profile's "prices for you", and
a commercial offer made with the prices resolved for the account."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from crm.documents import template_create
from crm.models import GeneratedDocument, TemplateKind
from marketplace.companies.models import MembershipRole
from marketplace.core import document_engine
from pricing import quotes
from suppliers.models import CustomerKind
from tests.factories import member

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_settings_page_matrix(world, buyer_admin):
    url = reverse("frontend:pricing-settings", args=[world["supplier"].pk])
    manager = _client(world["manager"])
    assert "Wholesale" in manager.get(url).content.decode()
    r = manager.post(url, {"action": "kind_add", "name": "Dealers"})
    assert r.status_code == 302 and CustomerKind.objects.filter(code="dealers").exists()
    bidder = _client(member(world["supplier"], MembershipRole.BIDDER))
    assert 'id="kind-add"' not in bidder.get(url).content.decode()
    assert bidder.post(url, {"action": "kind_add", "name": "Mine"}).status_code == 403
    assert not CustomerKind.objects.filter(code="mine").exists()
    assert _client(buyer_admin).get(url).status_code == 404


def test_the_buyer_page_shows_only_its_own_list(world, buyer_admin, other_buyer):
    url = reverse("frontend:pricing-buyer", args=[world["supplier"].pk])
    mine = _client(buyer_admin).get(url, {"lines": "P-1 10"}).content.decode()
    assert "Wholesale 2026" in mine and 'id="quote"' in mine and "900.00" in mine
    theirs = _client(member(other_buyer)).get(url).content.decode()
    assert "Retail 2026" in theirs and "Wholesale" not in theirs
    profile = (
        _client(member(other_buyer))
        .get(reverse("frontend:supplier", args=[world["supplier"].pk]))
        .content.decode()
    )
    assert 'id="prices-for-you"' in profile and "Wholesale" not in profile
    profile = (
        _client(buyer_admin)
        .get(reverse("frontend:supplier", args=[world["supplier"].pk]))
        .content.decode()
    )
    assert "Wholesale 2026" in profile


def test_a_commercial_offer_carries_the_resolved_prices(world, monkeypatch):
    template = template_create(
        user=world["manager"],
        workspace_id=world["supplier"].pk,
        name="Offer",
        kind=TemplateKind.OFFER,
        body="<p>{% for row in prices.rows %}{{ row.sku }}={{ row.price }};{% endfor %}</p>",
    )
    seen = {}

    def fake_render(**kwargs):
        seen.update(kwargs["context"])
        return b"%PDF-1.4 fake"

    monkeypatch.setattr("crm.documents.version_render", fake_render)
    lines = quotes.parse_lines(supplier=world["supplier"], text="P-1 12")
    document, quote = quotes.offer_generate(
        user=world["manager"],
        supplier_id=world["supplier"].pk,
        account_id=world["account_a"].pk,
        template_id=template.pk,
        lines=lines,
        on_date=__import__("datetime").date(2026, 6, 1),
    )
    assert GeneratedDocument.objects.filter(pk=document.pk, account=world["account_a"]).exists()
    assert quote.rows[0].price == Decimal("90.00")
    assert seen["prices"]["rows"][0]["sku"] == "P-1"
    assert "90" in seen["prices"]["rows"][0]["price"]
    assert seen["account"]  # the CRM's own context is still there
    html = document_engine.html_compile(template.versions.get().body)
    assert html is not None


def test_the_offer_page_prices_for_the_account(world):
    url = reverse("frontend:pricing-offer", args=[world["supplier"].pk])
    page = _client(world["manager"]).get(
        url, {"account": world["account_a"].pk, "lines": "P-1 10", "on_date": "2026-06-01"}
    )
    assert page.status_code == 200 and "900.00" in page.content.decode()
