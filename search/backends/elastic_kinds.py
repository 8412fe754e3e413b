"""The supplier directory and the catalogue on Elasticsearch: the search body of a supplier or
product ``SearchQuery`` and the facets of its answer, with the database backend's semantics
(``database.DatabaseBackend._filters``, ``database_facets``).

* **Words** and **pages** as the tenders' (``elastic_query``): every word must match its
  haystack prefix or the Russian/Ukrainian analyses of the title and the description; 3 in the
  title, 1 elsewhere.
* **Typos**: as the tenders' (``elastic_query.typo_word_query``): when nothing matches, each
  word may also be a haystack word within AUTO edits of it (in its script or in Latin; the
  first letter right); every word must still match, ranked as any search (3 in the title, 1
  elsewhere): the database's rule, with its closest indexed words (``SearchWord``) as
  Elasticsearch's fuzzy terms.
* **Who may read**: everyone reads the public documents, and every supplier and product
  document is public (only verified suppliers' are indexed: ``search.documents``).
* **Filters**: a supplier's category and region are its tags (``tags.category``, each
  category with its ancestors; ``tags.region``, each subdivision with its country); its
  standing ``band``. A product's category takes its subtree (``category_tree``); its
  supplier, currency and region are terms; the price range reaches into its lowest and
  highest price. A filter the kind does not have (a deadline, a supplier's price) matches
  nothing, as on the database.
* **Facets** are disjunctive (each a ``filter`` aggregation with every filter but its own); the
  buckets are made by ``database_facets.facets_of`` from the aggregations' counts, so labels,
  order, the 100 shown and the chosen ones are the database's. The supplier's category facet
  counts its tags (one level below the chosen categories, and the chosen ones); the product's
  as a tender's (``summed_category_facet``).
* **Sorts**: suppliers and products have no publication date nor deadline; the newest, the
  deadline and (suppliers) the prices sort by id, the last first, as the database's
  ``NULLS LAST, object_id DESC`` does.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _
from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from marketplace.categories.models import Category

from ..query import Kind, SearchQuery, Sort
from ..results import Bucket, Facet
from .database import _codes, _ids
from .database_facets import COLUMNS, Counts, facets_of
from .elastic_query import (
    FACET_SIZE,
    Categories,
    all_but,
    category_aggs,
    date_filters,
    paged,
    price_aggs,
    price_and_deadline,
    query_words_with_forms,
    typo_word_query,
    word_query,
)

# The analysed fields besides the title.
ANALYSED = ("description",)
# The indexed field of each facet (and filter) of a kind; the category and the price are
# aggregated apart.
FIELDS = {
    Kind.SUPPLIERS: {"category": "tags.category", "region": "tags.region", "band": "band"},
    Kind.PRODUCTS: {
        "category": "category_tree",
        "supplier": "supplier",
        "currency": "currency",
        "region": "region",
    },
}
# The filters the database applies to any kind (``DatabaseBackend._filters``), besides the
# category and the region: the ids' and the codes'.
ID_FILTERS = ("platform", "supplier")
CODE_FILTERS = ("currency", "status", "band")


def _values(name: str, chosen: tuple[str, ...]) -> list[int] | list[str]:
    """A filter's values as indexed: ids as numbers, currencies and regions in capitals."""
    if name in ID_FILTERS:
        return _ids(chosen)
    return _codes(chosen, upper=name in ("currency", "region"))


def catalogue_filters(query: SearchQuery, categories: Categories) -> dict[str, Query]:
    """The filters the reader chose, by facet (each left out of its own facet's counts)."""
    fields = FIELDS[query.kind]
    f = query.filters
    out: dict[str, Query] = {}
    if f.get("category"):
        out["category"] = (
            Q("terms", **{fields["category"]: list(categories.chosen)})
            if categories.chosen
            else Q("match_none")
        )
    for name in ("region", *ID_FILTERS, *CODE_FILTERS):
        if not f.get(name):
            continue
        values = _values(name, f[name])
        field = fields.get(name, name)
        out[name] = Q("terms", **{field: values}) if values else Q("match_none")
    out.update(price_and_deadline(query))
    return out


def _catalogue_aggs(
    search: Search, query: SearchQuery, filters: dict[str, Query], categories: Categories
) -> None:
    fields = FIELDS[query.kind]
    if query.kind == Kind.SUPPLIERS:
        # The tags hold each category's ancestors: a tag's count is its subtree's suppliers,
        # each once.
        paths = sorted({*categories.counted, *categories.chosen})
        cat = search.aggs.bucket("category", A("filter", filter=all_but(filters, "category")))
        cat.bucket(
            "tags", "terms", field=fields["category"], include=paths, size=max(1, len(paths))
        )
    else:
        category_aggs(search, filters, categories)
    for name in COLUMNS[query.kind]:
        if name in ("category", "price"):
            continue
        agg = search.aggs.bucket(name, A("filter", filter=all_but(filters, name)))
        agg.bucket("values", "terms", field=fields[name], size=FACET_SIZE)
        # A chosen value is shown however rare (database_facets._ordered).
        chosen = _values(name, query.filters.get(name, ()))
        if chosen:
            agg.bucket("chosen", "terms", field=fields[name], include=chosen, size=len(chosen))
    if "price" in COLUMNS[query.kind]:
        price_aggs(search, filters)


def _sort(query: SearchQuery, relevance: bool) -> list[Any]:
    last_first: dict[str, Any] = {"id": {"order": "desc"}}
    if query.kind == Kind.PRODUCTS and query.sort == Sort.PRICE:
        return [{"price_min": {"order": "asc", "missing": "_last"}}, last_first]
    if query.kind == Kind.PRODUCTS and query.sort == Sort.PRICE_DESC:
        return [{"price_max": {"order": "desc", "missing": "_last"}}, last_first]
    if query.sort == Sort.RELEVANCE and relevance:
        return [{"_score": {"order": "desc"}}, last_first]
    return [last_first]


def catalogue_search(query: SearchQuery, categories: Categories, *, typo: bool = False) -> Search:
    """The search of a supplier or product ``query`` (``typo``: the words fuzzily)."""
    pairs = query_words_with_forms(query.text)
    if pairs and typo:
        must = [typo_word_query(word, forms) for word, forms in pairs]
    else:
        must = [word_query(word, forms, elsewhere=ANALYSED) for word, forms in pairs]
    public = Q("term", public=True)
    search = Search().query(Q("bool", must=must, filter=[public, *date_filters(query)]))
    filters = catalogue_filters(query, categories)
    if filters:
        search = search.post_filter(Q("bool", filter=list(filters.values())))
    _catalogue_aggs(search, query, filters, categories)
    return paged(search, query, _sort(query, relevance=bool(pairs)))


# --- facets -------------------------------------------------------------------------------------


def agg_buckets(aggs: dict, name: str, inner: str) -> list[dict]:
    return list(aggs.get(name, {}).get(inner, {}).get("buckets", []))


def _counter(rows: list[dict]) -> Counter:
    """A terms aggregation's buckets as the database counts them: by the value as text, the
    most frequent first, the empty value left out."""
    counts: Counter = Counter()
    for b in sorted(rows, key=lambda b: (-int(b["doc_count"]), str(b["key"]))):
        key, n = str(b["key"]), int(b["doc_count"])
        if key and n:
            counts[key] = n
    return counts


def catalogue_facets(aggs: dict, query: SearchQuery, categories: Categories) -> list[Facet]:
    """The facets of a supplier or product search, as ``database_facets.facets_of`` makes them
    from the aggregations' counts."""
    counts = Counts()
    for name in COLUMNS[query.kind]:
        if name == "price":
            counts.groups[name] = Counter(
                {str(b["key"]): int(b["doc_count"]) for b in agg_buckets(aggs, name, "ranges")}
            )
        elif name != "category":
            counts.groups[name] = _counter(
                agg_buckets(aggs, name, "values") + agg_buckets(aggs, name, "chosen")
            )
    if query.kind == Kind.SUPPLIERS:
        counts.groups["category"] = _counter(agg_buckets(aggs, "category", "tags"))
        chosen = list(Category.objects.filter(path__in=categories.chosen))
        return facets_of(counts, query, chosen)
    # The category counted apart: each product has one, counted as a tender's.
    category = summed_category_facet(aggs, categories)
    return [category if f.name == "category" else f for f in facets_of(counts, query, [])]


def summed_category_facet(aggs: dict, categories: Categories) -> Facet:
    """The category facet of documents with one category each (tenders, products): one level
    below the chosen categories (each counting its subtree) and the chosen ones themselves with
    the documents right in them, as the database backend counts."""
    counts: Counter[str] = Counter()
    for b in agg_buckets(aggs, "category", "children") + agg_buckets(aggs, "category", "chosen"):
        counts[str(b["key"])] += int(b["doc_count"])
    by_path = {c.path: c for c in Category.objects.filter(path__in=list(counts))}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return Facet(
        "category",
        _("Category"),
        [
            Bucket(str(by_path[p].pk), str(by_path[p].name), n, p in categories.chosen)
            for p, n in ranked
            if p in by_path and n
        ],
    )
