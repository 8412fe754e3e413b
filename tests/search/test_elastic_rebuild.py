"""Keeping the Elasticsearch indices: the rebuild (a new index per kind, loaded, then the alias
swapped), ``manage.py search_index --rebuild``, and the deployment's
``search_index --if-needed`` (``infra/bin/release``): a kind built when its alias is missing,
rebuilt when the body its index was made with (mapping, analysis, settings: the hash in its
``_meta``) is not the one this code makes or when a first write made it (only what was written
since), left as it is otherwise; nothing without ``ELASTICSEARCH_URL``. Through the fake cluster (``fake_elasticsearch``), and the tests that
take ``cluster`` also against the suite's cluster (docs/search.md).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from elasticsearch.dsl import Keyword

from search import services
from search.backends import elastic_index
from search.backends.elastic_index import BODY_HASH, REBUILT, body_hash
from search.query import Kind, search_query, tender_query

from . import test_elastic_backend as tenders
from .test_elastic_backend import _dead_url, _published

# test_elastic_backend.py's fixtures.
fake, es, cluster, world = tenders.fake, tenders.es, tenders.cluster, tenders.world

pytestmark = pytest.mark.django_db

KINDS = (Kind.TENDERS, Kind.SUPPLIERS, Kind.PRODUCTS)


def test_the_rebuild_loads_a_new_index_and_swaps_the_alias(world, es, fake):
    first = _published(world, "Дизель перший")
    second = _published(world, "Дизель другий")
    fake.requests.clear()
    seen: list[int] = []
    with override_settings(ELASTICSEARCH_URL=fake.url):
        written = services.index_rebuild(to=es, progress=seen.append, kinds=(Kind.TENDERS,))
    assert written == 2 and seen == [2]

    steps = [(r.method, r.path) for r in fake.requests]
    new = steps[0][1].lstrip("/")
    assert new.startswith("tf-tenders-2") and new != "tf-tenders-initial"
    assert steps == [
        ("PUT", f"/{new}"),
        ("PUT", "/_bulk"),
        ("PUT", f"/{new}/_settings"),
        ("POST", f"/{new}/_refresh"),
        ("GET", "/_alias/tf-tenders"),
        ("POST", "/_aliases"),
        ("DELETE", "/tf-tenders-initial"),
    ]
    create, load, settle, _refresh, _get, swap, _delete = fake.requests
    assert create.body["settings"]["refresh_interval"] == "-1"
    assert [a["index"]["_index"] for a in load.body[::2]] == [new, new]
    assert sorted(a["index"]["_id"] for a in load.body[::2]) == sorted(
        [str(first.pk), str(second.pk)]
    )
    assert settle.body == {"index": {"refresh_interval": None}}  # back to the default
    assert swap.body == {
        "actions": [
            {"remove": {"index": "tf-tenders-initial", "alias": "tf-tenders"}},
            {"add": {"index": new, "alias": "tf-tenders"}},
        ]
    }
    assert fake.aliases == {"tf-tenders": {new}} and set(fake.indices) == {new}
    assert sorted(es.search(tender_query({"q": "дизель"}), user=None).ids) == sorted(
        [first.pk, second.pk]
    )


def test_a_failed_rebuild_leaves_the_alias_where_it_was(world, es, fake):
    _published(world, "Дизель")
    fake.requests.clear()

    def broken():
        yield {"kind": "tenders", "id": 1, "title": "x", "text": " x "}
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        es.rebuild(Kind.TENDERS, broken())
    assert fake.requests[-1].method == "DELETE"
    assert fake.aliases == {"tf-tenders": {"tf-tenders-initial"}}
    assert set(fake.indices) == {"tf-tenders-initial"}


def test_the_command_rebuilds_both_indices_with_a_progress_bar(world, es, fake):
    _published(world, "Дизель")
    out = StringIO()
    with override_settings(ELASTICSEARCH_URL=fake.url):
        call_command("search_index", "--rebuild", stdout=out)
    assert "database" in out.getvalue() and "elasticsearch" in out.getvalue()
    # One alias swap per kind (tenders, suppliers, products).
    assert len(fake.calls("POST", "_aliases")) == 3


def test_the_rebuild_works_on_a_real_or_fake_cluster_too(world, cluster):
    tender = _published(world, "Дизель")
    assert services.index_rebuild(to=cluster, kinds=(Kind.TENDERS,)) == 1
    assert cluster.search(tender_query({"q": "dizel"}), user=None).ids == [tender.pk]
    assert len(cluster._indices_of(cluster.alias(Kind.TENDERS))) == 1


# --- search_index --if-needed -----------------------------------------------------------------


def _if_needed() -> str:
    out = StringIO()
    call_command("search_index", "--if-needed", stdout=out)
    return out.getvalue()


def _writes(fake) -> list[tuple[str, str]]:
    """The requests that changed the cluster (anything but a look)."""
    return [(r.method, r.path) for r in fake.requests if r.method not in ("HEAD", "GET")]


def test_if_needed_builds_what_is_missing_then_does_nothing(world, es, fake):
    with override_settings(ELASTICSEARCH_URL=""):  # before Elasticsearch: the database's only
        tender = _published(world, "Дизельне паливо")
    assert fake.requests == []

    first = _if_needed()
    assert "tenders: no index: built (1 documents)" in first
    assert "suppliers: no index: built" in first and "products: no index: built" in first
    assert set(fake.aliases) == {f"tf-{kind}" for kind in KINDS}
    for kind in KINDS:
        (name,) = fake.aliases[f"tf-{kind}"]
        assert name.startswith(f"tf-{kind}-2")  # a rebuild's index, loaded before the alias
        assert fake.indices[name].mappings["_meta"] == {BODY_HASH: body_hash(kind), REBUILT: True}
        assert es.index_state(kind) == "current"
    assert es.search(tender_query({"q": "dizel"}), user=None).ids == [tender.pk]

    fake.requests.clear()
    second = _if_needed()
    assert [line for line in second.splitlines() if ":" in line] == [
        f"{kind}: up to date" for kind in KINDS
    ]
    assert _writes(fake) == []  # only looked: an alias and a mapping per kind
    assert sorted({(r.method, r.path) for r in fake.requests}) == sorted(
        [("HEAD", f"/_alias/tf-{kind}") for kind in KINDS]
        + [("GET", f"/tf-{kind}/_mapping") for kind in KINDS]
    )


def test_the_index_a_first_write_made_is_loaded_whole(world, es, fake):
    """A first write makes its kind's index (``<alias>-initial``) with this body's hash, but
    with only what is written since: the next release loads it whole."""
    with override_settings(ELASTICSEARCH_URL=""):
        before = _published(world, "Дизель старий")
    after = _published(world, "Дизель новий")
    assert fake.indices["tf-tenders-initial"].mappings["_meta"] == {
        BODY_HASH: body_hash(Kind.TENDERS),
        REBUILT: False,
    }
    assert es.search(tender_query({"q": "дизель"}), user=None).ids == [after.pk]
    assert es.index_state(Kind.TENDERS) == "partial"
    assert "tenders: made by a first write, never loaded whole: rebuilt (2 documents)" in (
        _if_needed()
    )
    assert "tf-tenders-initial" not in fake.indices
    assert sorted(es.search(tender_query({"q": "дизель"}), user=None).ids) == sorted(
        [before.pk, after.pk]
    )
    assert es.index_state(Kind.TENDERS) == "current"


def test_a_changed_mapping_rebuilds_that_kind_only(world, es, fake, monkeypatch):
    _published(world, "Дизель")
    services.index_if_needed()
    before = {kind: set(fake.aliases[f"tf-{kind}"]) for kind in KINDS}
    products = elastic_index.MAPPINGS[Kind.PRODUCTS]

    def with_sku(*, ukrainian: str = ""):
        m = products(ukrainian=ukrainian)
        m.field("sku", Keyword())
        return m

    monkeypatch.setitem(elastic_index.MAPPINGS, Kind.PRODUCTS, with_sku)
    assert [es.index_state(kind) for kind in KINDS] == ["current", "current", "changed"]
    fake.requests.clear()
    out = _if_needed()
    assert "tenders: up to date" in out and "suppliers: up to date" in out
    assert "products: its mapping or settings changed: rebuilt" in out
    named = [path for _method, path in _writes(fake) if path not in ("/_aliases", "/_bulk")]
    assert named and all(path.startswith("/tf-products-") for path in named), named
    (swap,) = fake.calls("POST", "_aliases")
    assert {a[next(iter(a))]["alias"] for a in swap.body["actions"]} == {"tf-products"}
    for kind in (Kind.TENDERS, Kind.SUPPLIERS):
        assert fake.aliases[f"tf-{kind}"] == before[kind]
    (new,) = fake.aliases["tf-products"]
    assert new not in before[Kind.PRODUCTS] and set(fake.indices) >= {new}
    assert "sku" in fake.indices[new].mappings["properties"]
    assert fake.indices[new].mappings["_meta"][BODY_HASH] == body_hash(Kind.PRODUCTS)
    assert services.index_if_needed()[Kind.PRODUCTS] == ("current", 0)
    # Other settings (the Ukrainian plugin's analyzer) change every kind's body.
    with override_settings(ELASTICSEARCH_UKRAINIAN_ANALYZER="ukrainian"):
        assert [es.index_state(kind) for kind in KINDS] == ["changed"] * 3


def test_an_index_made_before_the_hash_was_kept_is_rebuilt(es, fake):
    es.client.indices.create(
        index="tf-suppliers-old",
        mappings={"dynamic": False, "properties": {"id": {"type": "long"}}},
        aliases={"tf-suppliers": {}},
    )
    assert es.index_state(Kind.SUPPLIERS) == "changed"
    assert services.index_if_needed()[Kind.SUPPLIERS] == ("changed", 0)
    assert "tf-suppliers-old" not in fake.indices
    assert es.index_state(Kind.SUPPLIERS) == "current"


def test_if_needed_does_nothing_without_elasticsearch(world):
    _published(world, "Дизель")
    with override_settings(ELASTICSEARCH_URL=""):
        assert _if_needed() == "ELASTICSEARCH_URL is not set: nothing to build.\n"
        assert services.index_if_needed() == {}


def test_if_needed_on_a_cluster_that_is_down_says_so():
    with (
        override_settings(ELASTICSEARCH_URL=_dead_url(), ELASTICSEARCH_MAX_RETRIES=0),
        pytest.raises(CommandError, match="search_index --if-needed` again"),
    ):
        _if_needed()


def test_if_needed_works_on_a_real_or_fake_cluster_too(world, cluster):
    tender = _published(world, "Дизель")  # the tenders' index made by this first write
    states = services.index_if_needed(to=cluster)
    assert states[Kind.TENDERS] == ("partial", 1)
    assert services.index_if_needed(to=cluster) == dict.fromkeys(KINDS, ("current", 0))
    assert cluster.search(tender_query({"q": "dizel"}), user=None).ids == [tender.pk]
    products = cluster.search(search_query({}, kind=Kind.PRODUCTS), user=None)
    assert products.backend == "elasticsearch"
