"""Two brands on two host names: on each, only its platform's tenders, in the pages (the list,
the search, a tender's and a lot's pages, the public results) and in the API (the tender list
and detail, the search, a lot); on Tradefloor's own host everything is as before."""

from __future__ import annotations

import pytest

from .brand_world import HOST_A, HOST_B, Brands, api, api_client, page_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = Brands()
    world.t = world.tenders()
    return world


def titles(response) -> str:
    return response.content.decode()


def test_each_host_lists_only_its_platforms_tenders_on_the_pages(w):
    for host, mine, others in (
        (HOST_A, "TENDER-A", ("TENDER-B", "TENDER-PUBLIC")),
        (HOST_B, "TENDER-B", ("TENDER-A", "TENDER-PUBLIC")),
    ):
        page = titles(page_client(w.supplier_admin, host).get("/"))
        assert mine in page
        for other in others:
            assert other not in page
        # Asking the search for another platform changes nothing: the host decides.
        other_id = w.b.pk if host == HOST_A else w.a.pk
        page = titles(page_client(w.supplier_admin, host).get("/", {"platform": other_id}))
        assert mine in page and all(o not in page for o in others)


def test_tradefloor_own_host_is_as_before(w):
    visitor = titles(page_client().get("/"))
    assert "TENDER-PUBLIC" in visitor
    assert "TENDER-A" not in visitor and "TENDER-B" not in visitor  # dedicated: private
    supplier = titles(page_client(w.supplier_admin).get("/"))
    assert all(t in supplier for t in ("TENDER-A", "TENDER-B", "TENDER-PUBLIC"))
    assert "Brand A" not in supplier and "brand.css" not in supplier
    assert page_client().get(f"/tenders/{w.t['public'].pk}/").status_code == 200


def test_another_platforms_tender_lot_and_results_are_not_found_on_a_brand_host(w):
    c = page_client(w.supplier_admin, HOST_A)
    assert c.get(f"/tenders/{w.t['a'].pk}/").status_code == 200
    for tender in (w.t["b"], w.t["public"]):
        assert c.get(f"/tenders/{tender.pk}/").status_code == 404
        lot = tender.lots.get()
        assert c.get(f"/lots/{lot.pk}/").status_code == 404
        assert c.get(f"/lots/{lot.pk}/results/").status_code == 404
    # A visitor on the brand host: the public tender is not there either.
    assert page_client(host=HOST_A).get(f"/tenders/{w.t['public'].pk}/").status_code == 404


def test_the_api_on_a_brand_host_answers_only_its_platforms_tenders(w):
    c = api_client(w.supplier_admin, HOST_B)
    listed = c.get(api("tender-list")).json()["results"]
    assert [t["title"] for t in listed] == ["TENDER-B"]
    assert c.get(api("tender-detail", tender_id=w.t["b"].pk)).status_code == 200
    for tender in (w.t["a"], w.t["public"]):
        answer = c.get(api("tender-detail", tender_id=tender.pk))
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "tender_not_found"
        assert c.get(api("lot-detail", lot_id=tender.lots.get().pk)).status_code == 404
        assert c.get(api("tender-ocds", tender_id=tender.pk)).status_code == 404
    found = c.get("/api/search/tenders/", {"platform": w.a.pk}).json()
    assert [r["title"] for r in found["results"]] == ["TENDER-B"]
    # The same person on Tradefloor's own host sees all three.
    own = api_client(w.supplier_admin).get(api("tender-list")).json()["results"]
    assert {t["title"] for t in own} == {"TENDER-A", "TENDER-B", "TENDER-PUBLIC"}
    anyone = api_client().get("/api/search/tenders/").json()
    assert [r["title"] for r in anyone["results"]] == ["TENDER-PUBLIC"]


def test_a_brand_host_shows_its_brand_and_the_public_api_names_it(w):
    page = titles(page_client(host=HOST_A).get("/"))
    assert 'id="brand-name"' in page and "Brand A" in page
    assert f"/brand.css?v={w.brand_a.version}" in page
    assert 'id="brand-footer"' in page
    assert api_client(host=HOST_A).get(api("host-brand")).json()["display_name"] == "Brand A"
    assert api_client().get(api("host-brand")).status_code == 404


def test_a_port_and_capitals_in_the_host_still_find_the_brand(w):
    page = titles(page_client(host="A.LOCALHOST:8000").get("/"))
    assert "Brand A" in page


def test_an_unknown_host_is_tradefloors_own(w):
    page = titles(page_client(host="unknown.localhost").get("/"))
    assert "TENDER-PUBLIC" in page and "Brand" not in page
