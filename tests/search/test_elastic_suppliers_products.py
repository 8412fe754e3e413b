"""The supplier directory and the catalogue on Elasticsearch: (a) the request bodies and the
mappings, compared with the JSON we mean; (b) the whole path through the fake cluster
(``fake_elasticsearch``): indexing through the kinds' aliases, the same answers as the database
backend (ids, totals, facets, notices) for words, Latin, typos, every filter, the facets, the
sorts and the pages, the listeners' writes, the rebuild of the new aliases; (c) the cluster
away: the pages fall back to the database, the API answers 503.

The tests that take ``cluster`` run against the fake, and also against the cluster the suite
runs against when ``ELASTICSEARCH_URL`` is set (docs/search.md).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.companies.models import Company, MembershipRole, VerificationStatus
from marketplace.standings.models import Band, SupplierStanding
from search import selectors, services
from search.backends import BackendUnavailable, backend
from search.backends.database import DatabaseBackend
from search.backends.elastic import ElasticBackend
from search.backends.elastic_index import index_body, kind_index
from search.backends.elastic_kinds import catalogue_search
from search.backends.elastic_query import Categories
from search.query import Kind, SearchQuery, search_query
from suppliers import services as supplier_services
from suppliers.models import PriceList
from tests.factories import CategoryFactory, CompanyFactory, member

from .test_elastic_backend import _dead_url, cluster, es, fake  # noqa: F401 (fixtures)
from .test_suppliers_products import api, catalogue, names  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

NOTICE = "Nothing matched every word; these are the closest titles."


@pytest.fixture
def shelves(catalogue):  # noqa: F811
    """``catalogue`` (three suppliers, a product each) and more: a pipes category under metal,
    a pipe maker, more products of the fuel supplier (one without a price), standing bands,
    Baltic's country Estonia. Indexed wherever the search is configured (take ``cluster``
    or ``es`` first)."""
    fuel, fuel_admin = catalogue["fuel"]
    steel, steel_admin = catalogue["steel"]
    both, _both_admin = catalogue["both"]
    pipes = CategoryFactory(code="M1", name_en="Pipes", name_uk="Труби", parent=catalogue["metal"])
    fuel_prices = PriceList.objects.get(supplier=fuel)
    for sku, name, unit, category, price in (
        ("D-2", "Дизельне паливо зимове", "т", catalogue["diesel"], "43000"),
        ("G-1", "Бензин А-95", "л", catalogue["fuels"], "52"),
        ("H-1", "Мазут топковий", "т", catalogue["fuels"], None),
    ):
        product = supplier_services.product_create(
            actor=fuel_admin, supplier=fuel, sku=sku, name=name, unit=unit, category=category
        )
        if price:
            supplier_services.price_list_item_create(
                actor=fuel_admin, price_list=fuel_prices, product=product, price=Decimal(price)
            )
    pipe = supplier_services.product_create(
        actor=steel_admin, supplier=steel, sku="P-530", name="Труба сталева 530", unit="м",
        category=pipes,
    )  # fmt: skip
    supplier_services.price_list_item_create(
        actor=steel_admin,
        price_list=PriceList.objects.get(supplier=steel),
        product=pipe,
        price=Decimal("1200000"),
    )
    maker = CompanyFactory(legal_name="ТОВ «Трубний завод»", is_buyer=False)
    supplier_services.supplier_profile_update(
        actor=member(maker, MembershipRole.COMPANY_ADMIN),
        company=maker,
        description="Сталеві труби великого діаметра",
        categories=[pipes],
        regions=["UA-46"],
    )
    for company, band in ((steel, Band.EXCELLENT), (fuel, Band.AVERAGE)):
        SupplierStanding.objects.create(
            buyer=None,
            supplier=company,
            score=Decimal("90"),
            band=band,
            period_label="12 months",
            updated_at=timezone.now(),
        )
    Company.objects.filter(pk=both.pk).update(country="EE")
    for company in (fuel, steel, both, maker):
        services.supplier_reindex(company_id=company.pk)
    return {**catalogue, "pipes": pipes, "maker": maker}


# --- (a) the request bodies and the mappings ------------------------------------------------


def _word(word: str, forms: list[str]) -> dict:
    """One word of the query: in the title (3), or in the haystack or the description (1)."""

    def analysed(field):
        return [{"match": {f"{field}.{lang}": {"query": word}}} for lang in ("ru", "uk")]

    def scored(field, also, boost):
        prefixes = [{"prefix": {field: {"value": f}}} for f in forms]
        return {"constant_score": {"filter": {"bool": {"should": prefixes + also}}, "boost": boost}}

    return {
        "dis_max": {
            "queries": [
                scored("title_text", analysed("title"), 3.0),
                scored("text", analysed("description"), 1.0),
            ]
        }
    }


PUBLIC = {"term": {"public": True}}


def only(*filters):
    return {"bool": {"filter": list(filters)}}


def test_a_supplier_query_body_words_tags_band_facets_and_page():
    query = search_query(
        {
            "q": "Дизель",
            "category": "7",
            "region": "ua",
            "band": "excellent",
            "page": "2",
            "page_size": "5",
        },
        kind=Kind.SUPPLIERS,
    )
    body = catalogue_search(query, Categories(chosen=("F0",), counted=("F0/F1",))).to_dict()
    category = {"terms": {"tags.category": ["F0"]}}
    region = {"terms": {"tags.region": ["UA"]}}
    band = {"terms": {"band": ["excellent"]}}
    assert body == {
        "query": {"bool": {"must": [_word("дизель", ["dize", "дизе"])], "filter": [PUBLIC]}},
        "post_filter": only(category, region, band),
        "aggs": {
            "category": {
                "filter": only(region, band),
                "aggs": {
                    "tags": {
                        "terms": {
                            "field": "tags.category",
                            "include": ["F0", "F0/F1"],
                            "size": 2,
                        }
                    }
                },
            },
            "region": {
                "filter": only(category, band),
                "aggs": {
                    "values": {"terms": {"field": "tags.region", "size": 200}},
                    "chosen": {"terms": {"field": "tags.region", "include": ["UA"], "size": 1}},
                },
            },
            "band": {
                "filter": only(category, region),
                "aggs": {
                    "values": {"terms": {"field": "band", "size": 200}},
                    "chosen": {"terms": {"field": "band", "include": ["excellent"], "size": 1}},
                },
            },
        },
        # No publication date on a supplier: the last indexed first among equals.
        "sort": [{"_score": {"order": "desc"}}, {"id": {"order": "desc"}}],
        "track_total_hits": True,
        "from": 5,
        "size": 5,
        "_source": False,
    }


def test_a_product_query_body_supplier_currency_price_and_sort():
    query = search_query(
        {"supplier": "12,x", "currency": "uah", "price_max": "500", "sort": "price"},
        kind=Kind.PRODUCTS,
    )
    body = catalogue_search(query, Categories(counted=("F0", "M0"))).to_dict()
    supplier = {"terms": {"supplier": [12]}}
    currency = {"terms": {"currency": ["UAH"]}}
    price = {"bool": {"filter": [{"range": {"price_min": {"lte": "500"}}}]}}
    assert body["query"] == {"bool": {"filter": [PUBLIC]}}
    assert body["post_filter"] == only(supplier, currency, price)
    assert body["aggs"]["category"] == {
        "filter": only(supplier, currency, price),
        "aggs": {
            "children": {"terms": {"field": "category_tree", "include": ["F0", "M0"], "size": 2}}
        },
    }
    assert body["aggs"]["supplier"] == {
        "filter": only(currency, price),
        "aggs": {
            "values": {"terms": {"field": "supplier", "size": 200}},
            "chosen": {"terms": {"field": "supplier", "include": [12], "size": 1}},
        },
    }
    assert body["aggs"]["region"] == {
        "filter": only(supplier, currency, price),
        "aggs": {"values": {"terms": {"field": "region", "size": 200}}},
    }
    assert body["aggs"]["price"]["filter"] == only(supplier, currency)
    assert body["aggs"]["price"]["aggs"]["ranges"]["range"]["field"] == "price_min"
    assert set(body["aggs"]) == {"category", "supplier", "currency", "region", "price"}
    assert body["sort"] == [
        {"price_min": {"order": "asc", "missing": "_last"}},
        {"id": {"order": "desc"}},
    ]
    newest = catalogue_search(
        search_query({"q": "дизель", "sort": "newest"}, kind=Kind.PRODUCTS), Categories()
    ).to_dict()
    assert newest["sort"] == [{"id": {"order": "desc"}}]
    # A filter the kind lacks matches nothing, as on the database.
    deadline = catalogue_search(
        SearchQuery(kind=Kind.PRODUCTS, deadline="week"), Categories()
    ).to_dict()
    assert deadline["post_filter"] == only({"range": {"deadline": {"gte": "now", "lt": "now+7d"}}})


def test_a_typo_body_takes_each_words_prefixes_or_its_close_words():
    query = search_query({"q": "армтура т"}, kind=Kind.PRODUCTS)
    body = catalogue_search(query, Categories(), typo=True).to_dict()

    def either(field, forms, fuzzy):
        return {
            "bool": {
                "should": [{"prefix": {field: {"value": f}}} for f in forms]
                + [
                    {"match": {field: {"query": s, "fuzziness": "AUTO", "prefix_length": 1}}}
                    for s in fuzzy
                ]
            }
        }

    def word(forms, fuzzy):
        return {
            "dis_max": {
                "queries": [
                    {
                        "constant_score": {
                            "filter": either("title_text", forms, fuzzy),
                            "boost": 3.0,
                        }
                    },
                    {"constant_score": {"filter": either("text", forms, fuzzy), "boost": 1.0}},
                ]
            }
        }

    assert body["query"]["bool"]["must"] == [
        word(["armtu", "армту"], ["армтура", "armtura"]),
        word(["unit:t"], []),  # a unit is its unit, never a close word
    ]


def test_each_kind_has_its_mapping():
    suppliers = kind_index(Kind.SUPPLIERS, "tf-suppliers-1").to_dict()["mappings"]
    assert suppliers["dynamic"] is False
    props = suppliers["properties"]
    assert props["tags"] == {
        "type": "object",
        "properties": {"category": {"type": "keyword"}, "region": {"type": "keyword"}},
    }
    assert {name: props[name]["type"] for name in ("region", "band", "status", "public")} == {
        "region": "keyword",
        "band": "keyword",
        "status": "keyword",
        "public": "boolean",
    }
    assert props["title"]["fields"]["uk"]["analyzer"] == "tf_ukrainian"
    assert props["description"]["fields"]["ru"]["analyzer"] == "tf_russian"
    assert props["text"]["analyzer"] == props["title_text"]["analyzer"] == "tf_haystack"
    assert "lots" not in props and "deadline" not in props
    products = kind_index(Kind.PRODUCTS, "tf-products-1").to_dict()["mappings"]["properties"]
    assert {name: products[name]["type"] for name in products} == {
        "id": "long",
        "kind": "keyword",
        "title": "text",
        "description": "text",
        "text": "text",
        "title_text": "text",
        "public": "boolean",
        "category": "keyword",
        "category_path": "keyword",
        "category_tree": "keyword",
        "supplier": "long",
        "currency": "keyword",
        "price_min": "scaled_float",
        "price_max": "scaled_float",
        "region": "keyword",
        "status": "keyword",
    }
    with override_settings(ELASTICSEARCH_UKRAINIAN_ANALYZER="ukrainian"):
        plugin = kind_index(Kind.PRODUCTS, "x").to_dict()["mappings"]["properties"]
    assert plugin["title"]["fields"]["uk"]["analyzer"] == "ukrainian"


# --- (b) the whole path ------------------------------------------------------------------------


def test_suppliers_and_products_are_written_through_their_aliases(es, fake, catalogue):  # noqa: F811
    company = catalogue["both"][0]
    created = {r.path for r in fake.calls("PUT") if r.path != "/_bulk"}
    assert created == {"/tf-suppliers-initial", "/tf-products-initial"}
    assert fake.aliases == {
        "tf-suppliers": {"tf-suppliers-initial"},
        "tf-products": {"tf-products-initial"},
    }
    writes = fake.calls("PUT", "_bulk")
    assert all(w.params == {"require_alias": "true"} for w in writes)
    supplier = fake.indices["tf-suppliers-initial"].docs[str(company.pk)]
    assert supplier["public"] is True and supplier["kind"] == "suppliers"
    assert supplier["tags"] == {
        "category": ["F0", "M0"],
        "region": ["EE", "LV"],
    }
    (product,) = [
        d for d in fake.indices["tf-products-initial"].docs.values() if d["supplier"] == company.pk
    ]
    assert (product["currency"], product["price_min"], product["category_tree"]) == (
        "EUR",
        "1.20",
        ["F0"],
    )
    assert " diesel " in product["text"] and product["title_text"] == " diesel fuel en 590 "


def _differences(kind: str, cases: list[dict], user=None) -> list[str]:
    database, elastic = DatabaseBackend(), backend()
    assert elastic.name == "elasticsearch"
    out = []
    for params in cases:
        query = search_query(params, kind=kind)
        mine, theirs = elastic.search(query, user=user), database.search(query, user=user)
        for what in ("total", "ids", "facets", "notice"):
            if getattr(mine, what) != getattr(theirs, what):
                out.append(
                    f"{params} {what}: elasticsearch {getattr(mine, what)!r}, "
                    f"database {getattr(theirs, what)!r}"
                )
    return out


def test_suppliers_answer_as_the_database_does(cluster, shelves):  # noqa: F811
    fuels, metal = shelves["fuels"].pk, shelves["metal"].pk
    cases: list[dict] = [
        {},
        {"q": "дизель"},
        {"q": "DIESEL"},
        {"q": "dizel"},  # Latin: "Дизель"
        {"q": "tov"},  # Latin: every "ТОВ"
        {"q": "постач"},
        {"q": "арматура"},  # a product's name
        {"q": "армтура"},  # a typo
        {"q": "зззззз"},
        {"q": "зззззз дизель"},  # a word with nothing close: nothing, as on the database
        {"category": str(fuels)},
        {"category": str(shelves["diesel"].pk)},
        {"category": str(metal)},
        {"category": f"{fuels},{metal}"},
        {"category": "999999"},
        {"region": "UA"},
        {"region": "ua-30"},
        {"region": "EE,UA-46"},
        {"band": "excellent"},
        {"band": "average,excellent"},
        {"q": "тов", "region": "UA", "band": "excellent"},
        {"q": "тов", "category": str(metal), "region": "UA"},
        {"sort": "newest"},
        {"sort": "price"},
        {"sort": "-price"},
        {"sort": "deadline"},
        {"page": "2", "page_size": "2"},
        {"page": "3", "page_size": "3"},
        {"price_min": "10"},  # no prices in the directory: nothing
        {"deadline": "week"},
    ]
    assert _differences(Kind.SUPPLIERS, cases) == []
    assert _differences(Kind.SUPPLIERS, cases[:4], user=shelves["steel"][1]) == []


def test_products_answer_as_the_database_does(cluster, shelves):  # noqa: F811
    fuels, diesel = shelves["fuels"].pk, shelves["diesel"].pk
    fuel, steel = shelves["fuel"][0].pk, shelves["steel"][0].pk
    cases: list[dict] = [
        {},
        {"q": "дизельне"},
        {"q": "dizelne"},
        {"q": "дизельне паливо"},
        {"q": "zimove"},
        {"q": "тонна"},  # the unit "т"
        {"q": "дизель постач"},  # the supplier's name
        {"q": "армтура"},
        {"q": "дизельнк палво"},
        {"q": "зззззз"},
        {"category": str(fuels)},
        {"category": str(diesel)},
        {"category": str(shelves["metal"].pk)},  # Metal 1, Pipes 1: equal counts
        {"category": str(shelves["pipes"].pk)},
        {"category": f"{fuels},{diesel}"},
        {"supplier": str(fuel)},
        {"supplier": f"{fuel},{steel}"},
        {"supplier": "abc"},
        {"currency": "uah"},
        {"currency": "EUR,UAH"},
        {"region": "UA"},
        {"region": "EE"},
        {"price_min": "100", "price_max": "50000"},
        {"price_max": "100"},
        {"price_min": "1000000"},
        {"sort": "price"},
        {"sort": "-price"},
        {"sort": "newest"},
        {"sort": "deadline"},
        {"q": "паливо", "sort": "-price", "currency": "UAH"},
        {"q": "паливо", "category": str(fuels), "supplier": str(fuel)},
        {"page": "2", "page_size": "2"},
        {"page": "3", "page_size": "2"},
        {"deadline": "week"},
    ]
    assert _differences(Kind.PRODUCTS, cases) == []


def test_the_apis_answer_from_elasticsearch(cluster, shelves):  # noqa: F811
    user = shelves["steel"][1]
    response = api(user, "suppliers", q="dizel")
    assert response.json()["backend"] == "elasticsearch"
    assert names(response) == ["ТОВ «Дизель Постач»"]
    diesel = str(shelves["diesel"].pk)
    body = api(user, "products", q="дизельне", category=diesel, sort="-price").json()
    assert body["backend"] == "elasticsearch"
    assert [(r["name"], r["price_min"]) for r in body["results"]] == [
        ("Дизельне паливо зимове", "43000.00"),
        ("Дизельне паливо Євро5", "41000.00"),
    ]
    typo = api(user, "products", q="армтура").json()
    assert [r["name"] for r in typo["results"]] == ["Арматура А500С"]
    assert typo["notice"] == NOTICE
    facets = {f["name"]: f for f in api(user, "suppliers").json()["facets"]}
    # A subdivision counts for its country too.
    assert {b["value"]: b["count"] for b in facets["region"]["buckets"]} == {
        "UA": 3,
        "UA-30": 1,
        "UA-46": 1,
        "EE": 1,
        "LV": 1,
    }
    assert [(b["label"], b["count"]) for b in facets["band"]["buckets"]] == [
        ("Average", 1),
        ("Excellent", 1),
    ]


def test_only_public_documents_are_searched(cluster, shelves):  # noqa: F811
    """Every supplier and product document is public; one that is not (none is made so) is not
    found by anyone."""
    hidden = {
        "kind": Kind.SUPPLIERS,
        "id": 10**9,
        "title": "Дизель таємний",
        "description": "",
        "text": " дизель dizel таємний taiemnyi ",
        "tags": {"category": [], "region": []},
        "region": "UA",
        "band": "",
        "status": "verified",
        "public": False,
    }
    cluster.index([hidden])
    for user in (None, shelves["steel"][1]):
        ids = cluster.search(SearchQuery(kind=Kind.SUPPLIERS, text="дизель"), user=user).ids
        assert ids == [shelves["fuel"][0].pk]


def test_an_unverified_supplier_and_a_deleted_product_leave_the_index(es, fake, shelves):  # noqa: F811
    company, admin = shelves["steel"]
    product = company.products.get(sku="S-1")
    product.price_items.all().delete()
    supplier_services.product_delete(actor=admin, product=product)
    services.supplier_reindex(company_id=company.pk)
    # Gone from Elasticsearch too (the database's index says which products went).
    assert es.search(SearchQuery(kind=Kind.PRODUCTS, text="арматура"), user=None).ids == []
    assert str(product.pk) not in fake.indices["tf-products-initial"].docs
    fuel, _admin = shelves["fuel"]
    fuel.verification_status = VerificationStatus.PENDING
    fuel.save()
    services.supplier_reindex(company_id=fuel.pk)
    assert str(fuel.pk) not in fake.indices["tf-suppliers-initial"].docs
    assert not any(
        d["supplier"] == fuel.pk for d in fake.indices["tf-products-initial"].docs.values()
    )


@pytest.mark.django_db(transaction=True)
def test_a_change_reaches_elasticsearch_through_the_events(es, fake):  # noqa: F811
    company = CompanyFactory(legal_name="ТОВ «Нові Труби»", is_buyer=False)
    admin = member(company, MembershipRole.COMPANY_ADMIN)
    with transaction.atomic():
        supplier_services.supplier_profile_update(
            actor=admin, company=company, description="Сталеві труби"
        )
        product = supplier_services.product_create(
            actor=admin, supplier=company, sku="T-1", name="Труба 530 мм", unit="м"
        )
    assert str(company.pk) in fake.indices["tf-suppliers-initial"].docs
    assert es.search(SearchQuery(kind=Kind.PRODUCTS, text="truba"), user=None).ids == [product.pk]
    response = api(admin, "suppliers", q="труби")
    assert response.json()["backend"] == "elasticsearch"
    assert names(response) == ["ТОВ «Нові Труби»"]
    with transaction.atomic():
        supplier_services.product_delete(actor=admin, product=product)
    assert es.search(SearchQuery(kind=Kind.PRODUCTS, text="truba"), user=None).ids == []


def test_the_rebuild_swaps_the_suppliers_and_products_aliases(es, fake, catalogue):  # noqa: F811
    fake.requests.clear()
    seen: list[int] = []
    written = services.index_rebuild(
        to=es, progress=seen.append, kinds=(Kind.SUPPLIERS, Kind.PRODUCTS)
    )
    assert written == 6 and seen == [3, 3]
    for kind in ("suppliers", "products"):
        alias = f"tf-{kind}"
        steps = [(r.method, r.path) for r in fake.requests if f"/{alias}" in r.path]
        new = steps[0][1].lstrip("/")
        assert new.startswith(f"{alias}-2")
        assert steps == [
            ("PUT", f"/{new}"),
            ("PUT", f"/{new}/_settings"),
            ("POST", f"/{new}/_refresh"),
            ("GET", f"/_alias/{alias}"),
            ("DELETE", f"/{alias}-initial"),
        ]
        (create,) = [r for r in fake.requests if r.path == f"/{new}"]
        assert create.body["settings"]["refresh_interval"] == "-1"
        assert "tags" in create.body["mappings"]["properties"] or kind == "products"
        assert fake.aliases[alias] == {new}
    swaps = [r.body["actions"] for r in fake.calls("POST", "_aliases")]
    assert [[a for a in actions if "remove" in a] for actions in swaps] == [
        [{"remove": {"index": "tf-suppliers-initial", "alias": "tf-suppliers"}}],
        [{"remove": {"index": "tf-products-initial", "alias": "tf-products"}}],
    ]
    assert set(fake.indices) == set().union(*fake.aliases.values())
    query = search_query({"q": "diesel"}, kind=Kind.SUPPLIERS)
    assert sorted(es.search(query, user=None).ids) == sorted(
        [catalogue["fuel"][0].pk, catalogue["both"][0].pk]
    )


def test_the_rebuild_works_on_a_real_or_fake_cluster_too(cluster, catalogue):  # noqa: F811
    assert services.index_rebuild(to=cluster, kinds=(Kind.SUPPLIERS, Kind.PRODUCTS)) == 6
    for kind in (Kind.SUPPLIERS, Kind.PRODUCTS):
        assert len(cluster._indices_of(cluster.alias(kind))) == 1
    products = cluster.search(search_query({"q": "dizel"}, kind=Kind.PRODUCTS), user=None)
    assert products.total == 1 and products.backend == "elasticsearch"


# --- (c) the cluster away ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.SUPPLIERS, Kind.PRODUCTS])
def test_the_apis_answer_503_and_the_pages_fall_back(catalogue, kind):  # noqa: F811
    user = catalogue["steel"][1]
    page = {Kind.SUPPLIERS: "frontend:supplier-directory", Kind.PRODUCTS: "frontend:catalogue"}[
        kind
    ]
    with override_settings(ELASTICSEARCH_URL=_dead_url(), ELASTICSEARCH_MAX_RETRIES=0):
        response = api(user, kind, q="арматура")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "search_unavailable"
        result = selectors.search(search_query({"q": "арматура"}, kind=kind), user=user)
        client = Client()
        client.force_login(user)
        html = client.get(reverse(page), {"q": "арматура"}).content.decode()
        # Autocomplete is the database's own (search.selectors.suggest), whatever the cluster
        # does.
        typed = {Kind.SUPPLIERS: "стал", Kind.PRODUCTS: "арм"}[kind]
        suggested = APIClient()
        suggested.force_authenticate(user)
        rows = suggested.get("/api/search/suggest/", {"kind": kind, "q": typed}).json()
    assert (result.backend, len(result.ids)) == ("database", 1)
    assert "search engine is not answering" in result.notice
    assert "search engine is not answering" in html
    expected = {Kind.SUPPLIERS: "ТОВ «Сталь»", Kind.PRODUCTS: "Арматура А500С"}[kind]
    assert [r["title"] for r in rows] == [expected]


@pytest.mark.parametrize("status", [500, 400])
def test_an_error_answer_is_unavailable(es, fake, status):  # noqa: F811
    for kind in (Kind.SUPPLIERS, Kind.PRODUCTS):
        fake.fail_next(status, count=5)
        with pytest.raises(BackendUnavailable):
            es.search(SearchQuery(kind=kind, text="дизель"), user=None)
        fake.canned.clear()


def test_a_missing_alias_is_unavailable_and_the_fallback_answers(es, fake, catalogue):  # noqa: F811
    user = catalogue["steel"][1]
    del fake.aliases["tf-products"]
    with pytest.raises(BackendUnavailable, match="index_not_found"):
        es.search(SearchQuery(kind=Kind.PRODUCTS), user=None)
    result = selectors.search(search_query({"q": "арматура"}, kind=Kind.PRODUCTS), user=user)
    assert result.backend == "database" and result.notice
    assert api(user, "products").status_code == 503
    assert api(user, "suppliers").status_code == 200


def test_a_cluster_that_is_down_refuses_the_writes():
    engine = ElasticBackend(_dead_url())
    for kind in (Kind.SUPPLIERS, Kind.PRODUCTS):
        with pytest.raises(BackendUnavailable):
            engine.index([{"kind": kind, "id": 1, "title": "x", "text": " x ", "public": True}])
        with pytest.raises(BackendUnavailable):
            engine.rebuild(kind, [])


def test_the_indexed_body_of_a_supplier_keeps_its_tags():
    body = index_body(
        {
            "kind": "suppliers",
            "id": 3,
            "title": "ТОВ «Сталь»",
            "category": None,
            "category_path": "",
            "tags": {"category": ["M0"], "region": ["UA"]},
            "public": True,
        }
    )
    assert body["tags"] == {"category": ["M0"], "region": ["UA"]}
    assert body["title_text"] == " тов tov сталь stal "
    assert body["category_tree"] == [] and body["category"] is None


def test_a_deep_page_answers_the_total_and_no_hits(es, catalogue):  # noqa: F811
    deep = SearchQuery(kind=Kind.PRODUCTS, page=500, page_size=100)
    result = es.search(deep, user=None)
    assert (result.total, result.ids) == (3, [])
    assert [f.name for f in result.facets] == [
        "category",
        "supplier",
        "currency",
        "region",
        "price",
    ]
