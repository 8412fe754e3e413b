"""The Elasticsearch backend: (a) the request bodies it builds, compared with the JSON we mean;
(b) the whole path through a local server that answers as Elasticsearch 9 does
(``fake_elasticsearch``): indexing, searching into a ``SearchResult``, typos as the database;
(c) the cluster away (down, 500, timeout): ``BackendUnavailable``, the API's 503, the pages'
fallback to the database; (d) hostile input: a valid body, never an error.

The tests that take ``cluster`` run against the fake, and also against the cluster the suite
runs against when ``ELASTICSEARCH_URL`` is set (docs/search.md). The rebuild and
``search_index`` are ``test_elastic_rebuild.py``'s.
"""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from auctions.models import Participation, TenderStatus
from auctions.tenders import drafting, invitations
from marketplace.platforms.models import PlatformKind
from search import selectors, services
from search.backends import BackendUnavailable, backend
from search.backends.database import DatabaseBackend
from search.backends.elastic import ElasticBackend
from search.backends.elastic_index import index_body, tender_index, unit_rules
from search.backends.elastic_query import (
    Categories,
    tender_search,
    visibility,
)
from search.query import Kind, SearchQuery, tender_query
from search.readers import Reader, reader_of
from tests.auctions.factories import World, lot_data
from tests.factories import PlatformFactory, PlatformMembershipFactory

from .fake_elasticsearch import FakeElasticsearch

pytestmark = pytest.mark.django_db

URL = "/api/search/tenders/"
# The suite run against a cluster (ELASTICSEARCH_URL; tests/conftest.py, docs/search.md).
REAL = bool(settings.ELASTICSEARCH_URL)


@pytest.fixture
def fake():
    server = FakeElasticsearch().start()
    yield server
    server.stop()


@pytest.fixture
def world():
    return World()


@pytest.fixture
def es(fake):
    """Elasticsearch configured at the fake server (its own prefix; no refresh asked), whose
    recorded requests the test reads."""
    with override_settings(
        ELASTICSEARCH_URL=fake.url, ELASTICSEARCH_INDEX_PREFIX="tf", ELASTICSEARCH_REFRESH="false"
    ):
        yield ElasticBackend(fake.url)


# The whole-path cases run against the fake server, and also against the cluster the suite runs
# against when there is one (ELASTICSEARCH_URL: no Elasticsearch can be installed on the CI
# machines).
@pytest.fixture(params=["fake", "real"] if REAL else ["fake"])
def cluster(request):
    """Elasticsearch configured at the fake server, or at the suite's cluster (with the test's
    own index prefix, every write visible at once, the indices deleted afterwards:
    tests/conftest.py)."""
    if request.param == "real":
        yield ElasticBackend(settings.ELASTICSEARCH_URL)
        return
    server = FakeElasticsearch().start()
    with override_settings(
        ELASTICSEARCH_URL=server.url,
        ELASTICSEARCH_INDEX_PREFIX="tf",
        ELASTICSEARCH_REFRESH="wait_for",
    ):
        yield ElasticBackend(server.url)
    server.stop()


def _published(world, title, *, lots=None, **overrides):
    kwargs = world.tender_kwargs(title=title, **overrides)
    kwargs["lots"] = lots or [lot_data(title=title)]
    tender = drafting.tender_create(actor=world.officer, **kwargs)
    tender = drafting.tender_publish(actor=world.officer, tender=tender)
    services.tender_reindex(tender_id=tender.pk)
    return tender


def _api(user=None, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(URL, params)


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [r["title"] for r in response.json()["results"]]


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


# --- (a) the request bodies -----------------------------------------------------------------


def _word(word: str, forms: list[str]) -> dict:
    def analysed(fields):
        return [
            {"match": {f"{f}.{lang}": {"query": word}}} for f in fields for lang in ("ru", "uk")
        ]

    return {
        "dis_max": {
            "queries": [
                {
                    "constant_score": {
                        "filter": {
                            "bool": {
                                "should": [{"prefix": {"title_text": {"value": f}}} for f in forms]
                                + analysed(["title"])
                            }
                        },
                        "boost": 3.0,
                    }
                },
                {
                    "constant_score": {
                        "filter": {
                            "bool": {
                                "should": [{"prefix": {"text": {"value": f}}} for f in forms]
                                + analysed(["description", "lots"])
                            }
                        },
                        "boost": 1.0,
                    }
                },
            ]
        }
    }


PUBLIC_ONLY = {
    "bool": {
        "should": [{"term": {"public": True}}],
        "minimum_should_match": 1,
        "must_not": [{"term": {"status": "draft"}}],
    }
}
WEEK = {"range": {"deadline": {"gte": "now", "lt": "now+7d"}}}


def test_a_typical_query_body_text_filters_facets_sort_and_page():
    query = tender_query(
        {
            "q": "Дизельне тонна",
            "currency": "uah",
            "price_min": "1000",
            "deadline": "week",
            "deadline_from": "2026-01-01",
            "sort": "deadline",
            "page": "2",
            "page_size": "10",
        }
    )
    body = tender_search(query, Reader(), Categories(counted=("TR000000", "TX000000"))).to_dict()
    currency = {"terms": {"currency": ["UAH"]}}
    price = {"bool": {"filter": [{"range": {"price_max": {"gte": "1000"}}}]}}

    def only(*filters):
        return {"bool": {"filter": list(filters)}}

    assert body == {
        "query": {
            "bool": {
                "must": [
                    _word("дизельне", ["dizel", "дизель"]),
                    _word("тонна", ["unit:t"]),
                ],
                "filter": [
                    PUBLIC_ONLY,
                    {"range": {"deadline": {"gte": "2026-01-01", "time_zone": "UTC"}}},
                ],
            }
        },
        "post_filter": only(currency, price, WEEK),
        "aggs": {
            "category": {
                "filter": only(currency, price, WEEK),
                "aggs": {
                    "children": {
                        "terms": {
                            "field": "category_tree",
                            "include": ["TR000000", "TX000000"],
                            "size": 2,
                        }
                    }
                },
            },
            **{
                name: {
                    "filter": only(*[f for n, f in own if n != name]),
                    "aggs": {"values": {"terms": {"field": name, "size": 200}}},
                }
                for own in [[("currency", currency), ("price", price), ("deadline", WEEK)]]
                for name in ("platform", "currency", "status", "region")
            },
            "deadline": {
                "filter": only(currency, price),
                "aggs": {
                    "ranges": {
                        "filters": {
                            "filters": {
                                "week": WEEK,
                                "month": {"range": {"deadline": {"gte": "now", "lt": "now+30d"}}},
                                "later": {"range": {"deadline": {"gte": "now+30d"}}},
                                "passed": {"range": {"deadline": {"lt": "now"}}},
                            }
                        }
                    }
                },
            },
            "price": {
                "filter": only(currency, WEEK),
                "aggs": {
                    "ranges": {
                        "range": {
                            "field": "price_min",
                            "ranges": [
                                {"key": "0", "to": 100000},
                                {"key": "1", "from": 100000, "to": 1000000},
                                {"key": "2", "from": 1000000, "to": 10000000},
                                {"key": "3", "from": 10000000},
                            ],
                        }
                    }
                },
            },
        },
        "sort": [{"deadline": {"order": "asc", "missing": "_last"}}, {"id": {"order": "desc"}}],
        "track_total_hits": True,
        "from": 10,
        "size": 10,
        "_source": False,
    }


def test_no_words_sorts_newest_and_a_chosen_category_counts_its_children():
    query = tender_query({"category": "7", "q": "*"})
    body = tender_search(
        query, Reader(), Categories(chosen=("TR",), counted=("TR/A", "TR/B"))
    ).to_dict()
    assert body["query"] == {"bool": {"filter": [PUBLIC_ONLY]}}
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"category_tree": ["TR"]}}]}}
    assert body["aggs"]["category"] == {
        "filter": {"match_all": {}},
        "aggs": {
            "children": {
                "terms": {"field": "category_tree", "include": ["TR/A", "TR/B"], "size": 2}
            },
            "chosen": {"terms": {"field": "category_path", "include": ["TR"], "size": 1}},
        },
    }
    assert body["sort"] == [
        {"published_at": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "desc"}},
    ]
    relevance = tender_search(tender_query({"q": "цемент"}), Reader(), Categories()).to_dict()
    assert relevance["sort"][0] == {"_score": {"order": "desc"}}


def test_the_visibility_filter_of_each_reader(world):
    dedicated = PlatformFactory(kind=PlatformKind.DEDICATED, owner=world.supplier)
    assert visibility(reader_of(None)).to_dict() == PUBLIC_ONLY
    assert visibility(reader_of(world.staff)).to_dict() == {
        "bool": {"must_not": [{"term": {"status": "draft"}}]}
    }
    # A buyer's member: the public tenders and its company's own.
    assert visibility(reader_of(world.officer)).to_dict() == {
        "bool": {
            "should": [{"term": {"public": True}}, {"terms": {"buyer": [world.buyer.pk]}}],
            "minimum_should_match": 1,
            "must_not": [{"term": {"status": "draft"}}],
        }
    }
    # A trading supplier: open tenders of the platforms it takes part in or owns, and the
    # invitation tenders it is invited to (its own company's tenders too, as any member).
    assert visibility(reader_of(world.supplier_admin)).to_dict() == {
        "bool": {
            "should": [
                {"term": {"public": True}},
                {"terms": {"buyer": [world.supplier.pk]}},
                {
                    "bool": {
                        "filter": [
                            {"term": {"participation": "open"}},
                            {"terms": {"platform": sorted([world.platform.pk, dedicated.pk])}},
                        ]
                    }
                },
                {
                    "bool": {
                        "filter": [
                            {"term": {"participation": "invitation"}},
                            {"terms": {"invited": [world.supplier.pk]}},
                        ]
                    }
                },
            ],
            "minimum_should_match": 1,
            "must_not": [{"term": {"status": "draft"}}],
        }
    }
    # Not verified: no supplier's view, only the public and its own.
    unverified = visibility(reader_of(world.unverified_admin)).to_dict()
    assert len(unverified["bool"]["should"]) == 2
    # A platform's administrator: every tender of that platform.
    admin = visibility(reader_of(world.platform_admin)).to_dict()
    assert {"terms": {"platform": [world.platform.pk]}} in admin["bool"]["should"]


def test_the_index_has_the_analyzers_and_the_unit_synonyms():
    body = tender_index("tf-tenders-1").to_dict()
    analysis = body["settings"]["analysis"]
    assert analysis["analyzer"]["tf_russian"]["filter"] == [
        "lowercase",
        "tf_units",
        "tf_russian_stop",
        "tf_russian_stem",
    ]
    assert analysis["filter"]["tf_russian_stem"] == {"type": "stemmer", "language": "russian"}
    assert analysis["filter"]["tf_russian_stop"] == {"type": "stop", "stopwords": "_russian_"}
    assert "та" in analysis["filter"]["tf_ukrainian_stop"]["stopwords"]
    assert analysis["filter"]["tf_units"]["type"] == "synonym"
    assert analysis["filter"]["tf_units"]["synonyms"] == unit_rules()
    assert "т, тонна, тонни, тонн, тонны, тонну, tonne, tonnes, ton, tons, t => unit_t" in (
        unit_rules()
    )
    assert "м3, куб, m3, cubic => unit_m3" in unit_rules()  # м³ folded to м3, once
    props = body["mappings"]["properties"]
    assert body["mappings"]["dynamic"] is False
    assert props["title"]["fields"]["uk"]["analyzer"] == "tf_ukrainian"
    assert props["text"]["analyzer"] == "tf_haystack"
    assert props["price_min"] == {"type": "scaled_float", "scaling_factor": 100}
    with override_settings(ELASTICSEARCH_UKRAINIAN_ANALYZER="ukrainian"):
        plugin = tender_index("x").to_dict()
    assert plugin["mappings"]["properties"]["title"]["fields"]["uk"]["analyzer"] == "ukrainian"
    assert "tf_ukrainian" not in plugin["settings"]["analysis"]["analyzer"]


def test_the_indexed_body_adds_the_title_haystack_and_the_category_tree():
    body = index_body(
        {"kind": "tenders", "id": 3, "title": "Дизель", "category": 5, "category_path": "A/B/C"}
    )
    assert body["title_text"] == " дизель dizel "
    assert body["category_tree"] == ["A", "A/B", "A/B/C"]
    assert body["category"] == "5"


# --- (b) the whole path --------------------------------------------------------------------


def test_a_published_tender_is_indexed_through_the_alias(world, es, fake):
    tender = _published(
        world, "Дизельне паливо", lots=[lot_data(title="Дизельне паливо", unit="т")]
    )
    head, create, write = fake.requests[:3]
    assert (head.method, head.path) == ("HEAD", "/_alias/tf-tenders")
    assert (create.method, create.path) == ("PUT", "/tf-tenders-initial")
    assert create.body["aliases"] == {"tf-tenders": {}}
    assert "tf_russian" in create.body["settings"]["analysis"]["analyzer"]
    assert write.path == "/_bulk" and write.params == {"require_alias": "true"}
    action, source = write.body
    assert action == {"index": {"_index": "tf-tenders", "_id": str(tender.pk)}}
    assert source["title"] == "Дизельне паливо" and " dizelne " in source["text"]
    assert source["public"] is True and source["invited"] == []
    assert fake.aliases == {"tf-tenders": {"tf-tenders-initial"}}
    # The next write finds the alias and creates nothing.
    services.tender_reindex(tender_id=tender.pk)
    assert [r.method for r in fake.requests[3:]] == ["HEAD", "PUT"]
    assert (
        fake.requests[0].headers.get("accept", "").startswith("application/vnd.elasticsearch+json")
    )


@pytest.mark.parametrize("q", ["дизель", "ДИЗЕЛЬНЕ", "dizel", "Dizelne palivo", "тонна", "tonne"])
def test_a_word_finds_its_forms_in_any_script_and_unit_name(world, cluster, q):
    _published(world, "Дизельне паливо ДП-Л", lots=[lot_data(title="Дизельне паливо", unit="т")])
    _published(world, "Бензин А-95", lots=[lot_data(title="Бензин", unit="л")])
    response = _api(q=q)
    assert response.json()["backend"] == "elasticsearch"
    assert _titles(response) == ["Дизельне паливо ДП-Л"]


def test_the_title_ranks_first_and_every_word_must_match(world, cluster):
    _published(world, "Цемент М500", description="Доставка дизельним транспортом")
    _published(world, "Дизельне паливо")
    _published(world, "Бензин")
    assert _titles(_api(q="дизельне")) == ["Дизельне паливо", "Цемент М500"]
    assert _titles(_api(q="дизельне цемент")) == ["Цемент М500"]


def test_a_typo_answers_the_closest_with_the_databases_notice(world, cluster):
    _published(world, "Дизельне паливо")
    _published(world, "Бензин А-95")
    response = _api(q="дизельнк палво")
    assert _titles(response) == ["Дизельне паливо"]
    assert response.json()["notice"] == "Nothing matched every word; these are the closest titles."
    assert _titles(_api(q="зззззз")) == []


def test_typos_in_tenders_follow_the_databases_rule(world, cluster):
    """One rule on both backends: every word must match, a mistyped word also by the indexed
    words close to it; a word with nothing close finds nothing, whatever the others find."""
    diesel = _published(world, "Дизельне паливо", description="Постачання автоцистернами")
    petrol = _published(world, "Бензин А-95", lots=[lot_data(title="Бензин", unit="л")])
    cement = _published(world, "Цемент М500", description="Доставка дизельним транспортом")
    expected = {
        "дизельнк палво": [diesel.pk],
        "dizelne palvo": [diesel.pk],
        "бнзин": [petrol.pk],
        "цмент доставка": [cement.pk],
        "зззззз дизель": [],  # half the words used to be enough on Elasticsearch
        "палво бензин": [],  # no tender holds both
        "зззззз": [],
    }
    database, elastic = DatabaseBackend(), backend()
    for q, ids in expected.items():
        query = tender_query({"q": q})
        mine, theirs = elastic.search(query, user=None), database.search(query, user=None)
        assert mine.ids == ids, q
        assert (mine.total, mine.ids, mine.notice) == (theirs.total, theirs.ids, theirs.notice), q
        assert mine.facets == theirs.facets, q
        assert bool(mine.notice) == bool(ids), q


def test_readers_see_what_the_tenders_rule_lets_them(world, cluster):
    dedicated = PlatformFactory(kind=PlatformKind.DEDICATED, owner=world.buyer)
    PlatformMembershipFactory(platform=dedicated, company=world.buyer)
    PlatformMembershipFactory(platform=dedicated, company=world.supplier)
    _published(world, "Дизель для своїх", platform=dedicated)
    invited = _published(world, "Дизель за запрошенням", participation=Participation.INVITATION)
    invitations.tender_invitation_create(
        actor=world.officer, tender=invited, supplier=world.supplier
    )
    services.tender_reindex(tender_id=invited.pk)
    _published(world, "Дизель для всіх")

    everyone = ["Дизель для всіх", "Дизель для своїх", "Дизель за запрошенням"]
    assert _titles(_api(q="дизель")) == ["Дизель для всіх"]
    assert sorted(_titles(_api(world.supplier_admin, q="дизель"))) == everyone
    assert _titles(_api(world.other_admin, q="дизель")) == ["Дизель для всіх"]
    assert sorted(_titles(_api(world.officer, q="дизель"))) == everyone
    assert sorted(_titles(_api(world.staff, q="дизель"))) == everyone
    facets = {f["name"]: f for f in _api(q="дизель").json()["facets"]}
    assert sum(b["count"] for b in facets["platform"]["buckets"]) == 1
    # The same answers as the database's.
    database, elastic = DatabaseBackend(), backend()
    for user in (None, world.supplier_admin, world.other_admin, world.officer):
        query = tender_query({"q": "дизель"})
        assert sorted(elastic.search(query, user=user).ids) == sorted(
            database.search(query, user=user).ids
        )


@pytest.fixture
def three(world):
    now = timezone.now()
    out = []
    for title, currency, price, days in (
        ("Дизель А", "UAH", "50000", 3),
        ("Дизель Б", "EUR", "2000000", 20),
        ("Дизель В", "UAH", "500000", 60),
    ):
        out.append(
            _published(
                world,
                title,
                currency=currency,
                lots=[lot_data(title=title, start_price=Decimal(price), reserve_price=None)],
                applications_deadline=now + timedelta(days=days),
                auction_start=now + timedelta(days=days + 1),
            )
        )
    return out


def test_facets_filters_sorts_and_pages_as_the_database_answers(world, cluster, three):
    body = _api(q="дизель", currency="UAH").json()
    assert body["count"] == 2 and body["backend"] == "elasticsearch"
    facets = {
        f["name"]: {b["value"]: (b["label"], b["count"], b["selected"]) for b in f["buckets"]}
        for f in body["facets"]
    }
    assert facets["currency"] == {"UAH": ("UAH", 2, True), "EUR": ("EUR", 1, False)}
    assert facets["deadline"] == {
        "week": ("Applications close within a week", 1, False),
        "month": ("Within a month", 1, False),
        "later": ("In more than a month", 1, False),
    }
    assert facets["price"] == {
        "0": ("below 100,000", 1, False),
        "1": ("100,000 to 1 million", 1, False),
    }
    assert facets["status"] == {TenderStatus.PUBLISHED: ("Published", 2, False)}
    assert facets["platform"] == {str(world.platform.pk): ("Tenders platform", 2, False)}
    assert facets["region"] == {"UA": ("Ukraine", 2, False)}
    assert facets["category"] == {str(world.root.pk): ("Fuels", 2, False)}
    chosen = _api(q="дизель", category=str(world.root.pk)).json()
    categories = {
        b["value"]: (b["label"], b["count"], b["selected"]) for b in chosen["facets"][0]["buckets"]
    }
    assert categories == {str(world.category.pk): ("Diesel", 3, False)}

    assert _titles(_api(q="дизель", sort="deadline")) == ["Дизель А", "Дизель Б", "Дизель В"]
    assert _titles(_api(q="дизель", sort="price")) == ["Дизель А", "Дизель В", "Дизель Б"]
    assert _titles(_api(q="дизель", sort="-price")) == ["Дизель Б", "Дизель В", "Дизель А"]
    assert sorted(_titles(_api(q="дизель", deadline="month"))) == ["Дизель А", "Дизель Б"]
    assert _titles(_api(q="дизель", deadline="later")) == ["Дизель В"]
    assert _titles(_api(q="дизель", price_min="100000", price_max="1000000")) == ["Дизель В"]
    page = _api(q="дизель", sort="deadline", page="2", page_size="2").json()
    assert (page["count"], [r["title"] for r in page["results"]]) == (3, ["Дизель В"])
    # Every answer equals the database backend's.
    database, elastic = DatabaseBackend(), backend()
    for params in (
        {"q": "дизель", "currency": "UAH"},
        {"q": "дизель", "sort": "price"},
        {"q": "дизель", "deadline": "month", "sort": "deadline"},
        {"category": str(world.root.pk)},
        {"q": "dizel", "price_max": "600000"},
    ):
        mine, theirs = (
            elastic.search(tender_query(params), user=None),
            database.search(tender_query(params), user=None),
        )
        assert (mine.total, mine.ids) == (theirs.total, theirs.ids), params
        assert mine.facets == theirs.facets, params


def test_the_landing_page_leaves_the_cancelled_tenders_out_as_the_database(world, cluster):
    kept = _published(world, "Дизель відкритий")
    cancelled = _published(world, "Дизель скасований")
    drafting.tender_cancel(actor=world.officer, tender=cancelled, reason="Не потрібен")
    services.tender_reindex(tender_id=cancelled.pk)
    database, elastic = DatabaseBackend(), backend()
    for params, hide, expected in (
        ({"q": "дизель"}, True, [kept.pk]),
        ({"q": "дизель"}, False, [kept.pk, cancelled.pk]),
        ({"q": "дизель", "status": TenderStatus.CANCELLED}, True, [cancelled.pk]),
    ):
        query = tender_query(params, hide_cancelled=hide)
        mine, theirs = elastic.search(query, user=None), database.search(query, user=None)
        assert sorted(mine.ids) == sorted(expected), params
        assert (mine.total, mine.ids, mine.facets) == (theirs.total, theirs.ids, theirs.facets)


def test_a_removed_tender_is_deleted_from_the_index(world, es, fake):
    tender = _published(world, "Дизель")
    es.remove(Kind.TENDERS, [tender.pk, 999999])
    delete = fake.calls("PUT", "_bulk")[-1]
    assert delete.body == [
        {"delete": {"_index": "tf-tenders", "_id": str(tender.pk)}},
        {"delete": {"_index": "tf-tenders", "_id": "999999"}},
    ]
    assert es.search(SearchQuery(kind=Kind.TENDERS, text="дизель"), user=None).ids == []


# --- (c) the cluster away ---------------------------------------------------------------------


def test_a_cluster_that_is_down_is_unavailable():
    engine = ElasticBackend(_dead_url())
    with pytest.raises(BackendUnavailable):
        engine.search(tender_query({"q": "дизель"}), user=None)
    with pytest.raises(BackendUnavailable):
        engine.index([{"kind": "tenders", "id": 1, "title": "x", "text": " x "}])
    with pytest.raises(BackendUnavailable):
        engine.rebuild(Kind.TENDERS, [])


@pytest.mark.parametrize("status", [500, 503, 400, 404])
def test_an_error_answer_is_unavailable_never_passed_through(es, fake, status):
    fake.fail_next(status, count=5)
    with pytest.raises(BackendUnavailable) as caught:
        es.search(tender_query({"q": "дизель"}), user=None)
    assert type(caught.value) is BackendUnavailable


def test_a_missing_index_and_an_odd_answer_are_unavailable(es, fake):
    with pytest.raises(BackendUnavailable, match="index_not_found"):
        es.search(tender_query({}), user=None)
    fake.answer_next(200, {"took": 1, "hits": {"hits": []}})  # no total
    with pytest.raises(BackendUnavailable, match="unexpected answer"):
        es.search(tender_query({}), user=None)


def test_a_server_that_is_not_elasticsearch_is_unavailable(fake):
    fake.product = ""
    with pytest.raises(BackendUnavailable, match="not Elasticsearch"):
        ElasticBackend(fake.url).index([{"kind": "tenders", "id": 1, "title": "x", "text": " x "}])


def test_a_timeout_is_unavailable(es, fake):
    fake.delay = 1.0
    with override_settings(ELASTICSEARCH_TIMEOUT=0.2, ELASTICSEARCH_MAX_RETRIES=0):
        engine = ElasticBackend(fake.url)
        with pytest.raises(BackendUnavailable):
            engine.search(tender_query({"q": "дизель"}), user=None)


def test_the_api_answers_503_and_the_pages_fall_back_to_the_database():
    with override_settings(ELASTICSEARCH_URL=_dead_url(), ELASTICSEARCH_MAX_RETRIES=0):
        response = _api(q="дизель")
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "search_unavailable"
        result = selectors.search(tender_query({"q": "дизель"}), user=None, fallback=True)
    assert (result.backend, result.ids) == ("database", [])
    assert "search engine is not answering" in result.notice


def test_the_fallback_answers_what_the_database_has(world, fake):
    with override_settings(ELASTICSEARCH_URL=fake.url, ELASTICSEARCH_INDEX_PREFIX="tf"):
        tender = _published(world, "Дизельне паливо")
        fake.fail_next(500, count=10)
        result = selectors.search(tender_query({"q": "дизель"}), user=None, fallback=True)
    assert (result.backend, result.ids) == ("database", [tender.pk])
    assert result.notice


# --- (d) hostile input ------------------------------------------------------------------------

HOSTILE = [
    "д" * 10_000,
    "a " * 5_000,
    "title:* OR",
    '"unbalanced',
    "((( [ { \\ / ~ ^ ? *",
    "AND OR NOT -+!",
    '{"query": {"match_all": {}}}',
    "<script>alert(1)</script>",
    "🙂🔥",
    "",
]


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_makes_a_valid_body_and_an_answer(world, es, fake, text):
    _published(world, "Дизель")
    query = SearchQuery(kind=Kind.TENDERS, text=text)
    body = tender_search(query, Reader(), Categories()).to_dict()
    json.dumps(body)
    assert not _keys(body) & {"query_string", "simple_query_string", "regexp", "wildcard", "script"}
    assert len(json.dumps(body, ensure_ascii=False)) < 20_000
    result = es.search(query, user=None)  # the fake answers 400 to what it cannot parse
    assert result.backend == "elasticsearch"
    response = _api(q=text)
    assert response.status_code == 200, response.json()


def test_a_deep_page_answers_the_total_and_no_hits(world, es, fake):
    _published(world, "Дизель")
    deep = SearchQuery(kind=Kind.TENDERS, text="дизель", page=500, page_size=100)
    body = tender_search(deep, Reader(), Categories()).to_dict()
    assert (body["from"], body["size"]) == (0, 0)
    result = es.search(deep, user=None)
    assert (result.total, result.ids) == (1, [])
    last = SearchQuery(kind=Kind.TENDERS, page=500, page_size=20)
    assert tender_search(last, Reader(), Categories()).to_dict()["from"] == 9980
    response = _api(q="дизель", page="500", page_size="100")
    assert response.status_code == 200 and response.json()["results"] == []
