"""The Elasticsearch backend's requests: who the reader is, what they may read, and the search
body of a ``SearchQuery`` (``elasticsearch.dsl``), with the database backend's semantics.

* **Words**: every word of the query must match, as ``search.text.query_terms`` reads it: its
  stem or its Latin stem a prefix of a word of the haystack (``text``), or its unit's name; the
  Russian and Ukrainian analyses of the title, description and lots count as a match too. A
  word scores 3 when it is in the title, else 1 (each a ``constant_score``, the word's best of
  them by ``dis_max``), as the database ranks; the newest first among equals.
* **Typos**: when nothing matches, each word may also be a haystack word within AUTO edits of
  it (``typo_word_query``, every kind's); every word must still match, as on the database.
* **Filters** are the ``post_filter``; each facet is a ``filter`` aggregation with every filter
  but its own (disjunctive facets), so choosing a currency still counts the others.
* **Who may read** is a ``filter`` of the query, from the indexed visibility fields, with the
  ids the tenders' own selectors give (``tender_list_for_page``'s rule).

Nothing the reader typed becomes query syntax: the words are ``search.text``'s folded words,
in ``prefix``, ``match`` and ``term`` queries, never a ``query_string``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from elasticsearch.dsl import A, Q, Search
from elasticsearch.dsl.query import Query

from auctions.models import Participation, TenderStatus
from marketplace.categories.models import Category

from ..query import DEADLINE_RANGES, TENDER_FILTERS, SearchQuery, Sort
from ..readers import Reader
from ..text import MAX_QUERY_CHARS, MAX_QUERY_WORDS, latin, query_terms, words
from .database import _codes, _ids
from .database_facets import PRICE_EDGES

# Elasticsearch's index.max_result_window: a page past it answers the total and the facets
# with no hits.
MAX_RESULT_WINDOW = 10_000
MAX_WORD = 64  # a longer "word" is cut there for the analysed and fuzzy queries
FACET_SIZE = 200
TITLE, ELSEWHERE = 3.0, 1.0
LANGUAGE_FIELDS = ("ru", "uk")


def visibility(reader: Reader) -> Query:
    """What ``reader`` may read: never a draft (none is indexed; this says it again); staff
    everything; everyone the public tenders; a member its companies' own, an administrator
    its platforms', a supplier the open tenders of its platforms and its invitations."""
    not_draft = [Q("term", status=TenderStatus.DRAFT.value)]
    if reader.staff:
        return Q("bool", must_not=not_draft)
    may: list[Query] = [Q("term", public=True)]
    if reader.companies:
        may.append(Q("terms", buyer=list(reader.companies)))
    if reader.platforms:
        may.append(Q("terms", platform=list(reader.platforms)))
    if reader.open_platforms:
        may.append(
            Q(
                "bool",
                filter=[
                    Q("term", participation=Participation.OPEN.value),
                    Q("terms", platform=list(reader.open_platforms)),
                ],
            )
        )
    if reader.suppliers:
        may.append(
            Q(
                "bool",
                filter=[
                    Q("term", participation=Participation.INVITATION.value),
                    Q("terms", invited=list(reader.suppliers)),
                ],
            )
        )
    return Q("bool", should=may, minimum_should_match=1, must_not=not_draft)


# --- words ------------------------------------------------------------------------------------


def query_words_with_forms(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each word of the query that counts, with the prefixes that match it (``query_terms``)."""
    out = []
    for word in words(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_WORDS]:
        terms = query_terms(word)
        if terms:
            out.append((word[:MAX_WORD], terms[0]))
    return out


def _analysed(fields: tuple[str, ...], word: str) -> list[Query]:
    return [
        Q("match", **{f"{field}.{language}": {"query": word}})
        for field in fields
        for language in LANGUAGE_FIELDS
    ]


def word_query(
    word: str, forms: tuple[str, ...], elsewhere: tuple[str, ...] = ("description", "lots")
) -> Query:
    """One word: in the title (3) or anywhere (1); ``elsewhere``: the kind's analysed fields
    besides the title."""
    in_title = [Q("prefix", title_text={"value": f}) for f in forms] + _analysed(("title",), word)
    anywhere = [Q("prefix", text={"value": f}) for f in forms] + _analysed(elsewhere, word)
    return Q(
        "dis_max",
        queries=[
            Q("constant_score", filter=Q("bool", should=in_title), boost=TITLE),
            Q("constant_score", filter=Q("bool", should=anywhere), boost=ELSEWHERE),
        ],
    )


def typo_word_query(word: str, forms: tuple[str, ...]) -> Query:
    """One word of a search with typos (every kind): its own prefixes, or a haystack word within
    AUTO edits of it as typed or in Latin (the first letter right; a unit's name: its unit
    only), in the title (3) or anywhere (1). Every word must still match: the database's rule,
    with its closest indexed words (``SearchWord``) as Elasticsearch's fuzzy terms."""
    fuzzy = [] if forms[0].startswith("unit:") else [word, latin(word)[:MAX_WORD]]

    def any_of(field: str) -> Query:
        return Q(
            "bool",
            should=[
                *(Q("prefix", **{field: {"value": f}}) for f in forms),
                *(
                    Q("match", **{field: {"query": s, "fuzziness": "AUTO", "prefix_length": 1}})
                    for s in dict.fromkeys(fuzzy)
                    if s
                ),
            ],
        )

    return Q(
        "dis_max",
        queries=[
            Q("constant_score", filter=any_of("title_text"), boost=TITLE),
            Q("constant_score", filter=any_of("text"), boost=ELSEWHERE),
        ],
    )


# --- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Categories:
    """The chosen categories' paths, and the paths the category facet counts: one level below
    each chosen category (the top level when none is)."""

    chosen: tuple[str, ...] = ()
    counted: tuple[str, ...] = ()


def categories_of(query: SearchQuery) -> Categories:
    chosen = list(
        Category.objects.filter(pk__in=_ids(query.filters.get("category", ()))).values_list(
            "pk", "path"
        )
    )
    if chosen:
        counted = Category.objects.filter(parent_id__in=[pk for pk, _ in chosen])
    else:
        counted = Category.objects.filter(parent__isnull=True)
    return Categories(
        chosen=tuple(sorted(path for _, path in chosen)),
        counted=tuple(sorted(counted.values_list("path", flat=True))),
    )


def _price(value: Decimal) -> str:
    return format(value, "f")


def deadline_range(name: str) -> Query:
    if name == "week":
        return Q("range", deadline={"gte": "now", "lt": "now+7d"})
    if name == "month":
        return Q("range", deadline={"gte": "now", "lt": "now+30d"})
    if name == "later":
        return Q("range", deadline={"gte": "now+30d"})
    return Q("range", deadline={"lt": "now"})  # passed


def facet_filters(query: SearchQuery, categories: Categories) -> dict[str, Query]:
    """The filters the reader chose, by facet (each left out of its own facet's counts)."""
    out: dict[str, Query] = {}
    f = query.filters
    if f.get("category"):
        out["category"] = (
            Q("terms", category_tree=list(categories.chosen))
            if categories.chosen
            else Q("match_none")
        )
    for name in TENDER_FILTERS:
        if name == "category" or not f.get(name):
            continue
        values: list[int] | list[str] = (
            _ids(f[name]) if name == "platform" else _codes(f[name], upper=name != "status")
        )
        out[name] = Q("terms", **{name: values}) if values else Q("match_none")
    out.update(price_and_deadline(query))
    return out


def price_and_deadline(query: SearchQuery) -> dict[str, Query]:
    """The price range (the documents whose prices reach into it) and the deadline's range,
    when chosen: filters of every kind (a document without the field matches neither)."""
    out: dict[str, Query] = {}
    prices: list[Query] = []
    if query.price_min is not None:
        prices.append(Q("range", price_max={"gte": _price(query.price_min)}))
    if query.price_max is not None:
        prices.append(Q("range", price_min={"lte": _price(query.price_max)}))
    if prices:
        out["price"] = Q("bool", filter=prices)
    if query.deadline:
        out["deadline"] = deadline_range(query.deadline)
    return out


def date_filters(query: SearchQuery) -> list[Query]:
    """``deadline_from`` and ``deadline_to``, whole days in the site's time zone."""
    bounds: dict[str, Any] = {}
    if query.deadline_from:
        bounds["gte"] = query.deadline_from.isoformat()
    if query.deadline_to:
        bounds["lt"] = (query.deadline_to + timedelta(days=1)).isoformat()
    if not bounds:
        return []
    return [Q("range", deadline={**bounds, "time_zone": settings.TIME_ZONE})]


def all_but(filters: dict[str, Query], name: str) -> Query:
    others = [q for key, q in filters.items() if key != name]
    return Q("bool", filter=others) if others else Q("match_all")


def category_aggs(search: Search, filters: dict[str, Query], categories: Categories) -> None:
    """The category facet of documents with one category each: one level below the chosen
    categories (``children``, each counting its subtree through ``category_tree``) and the
    chosen ones themselves (``chosen``, the documents right in them)."""
    cat = search.aggs.bucket("category", A("filter", filter=all_but(filters, "category")))
    cat.bucket(
        "children",
        "terms",
        field="category_tree",
        include=list(categories.counted),
        size=max(1, len(categories.counted)),
    )
    if categories.chosen:
        cat.bucket(
            "chosen",
            "terms",
            field="category_path",
            include=list(categories.chosen),
            size=len(categories.chosen),
        )


def price_aggs(search: Search, filters: dict[str, Query]) -> None:
    """The price facet: the lowest price in ``PRICE_EDGES``' ranges."""
    edges = [int(e) for e in PRICE_EDGES]
    ranges: list[dict[str, Any]] = []
    for i in range(len(edges) + 1):
        bucket: dict[str, Any] = {"key": str(i)}
        if i > 0:
            bucket["from"] = edges[i - 1]
        if i < len(edges):
            bucket["to"] = edges[i]
        ranges.append(bucket)
    price = search.aggs.bucket("price", A("filter", filter=all_but(filters, "price")))
    price.bucket("ranges", "range", field="price_min", ranges=ranges)


def _facet_aggs(search: Search, filters: dict[str, Query], categories: Categories) -> None:
    category_aggs(search, filters, categories)
    for name in ("platform", "currency", "status", "region"):
        agg = search.aggs.bucket(name, A("filter", filter=all_but(filters, name)))
        agg.bucket("values", "terms", field=name, size=FACET_SIZE)
    deadline = search.aggs.bucket("deadline", A("filter", filter=all_but(filters, "deadline")))
    deadline.bucket(
        "ranges", "filters", filters={name: deadline_range(name) for name in DEADLINE_RANGES}
    )
    price_aggs(search, filters)


def _sort(query: SearchQuery, relevance: bool) -> list[Any]:
    newest: list[Any] = [
        {"published_at": {"order": "desc", "missing": "_last"}},
        {"id": {"order": "desc"}},
    ]
    if query.sort == Sort.DEADLINE:
        return [{"deadline": {"order": "asc", "missing": "_last"}}, {"id": {"order": "desc"}}]
    if query.sort == Sort.PRICE:
        return [{"price_min": {"order": "asc", "missing": "_last"}}, {"id": {"order": "desc"}}]
    if query.sort == Sort.PRICE_DESC:
        return [{"price_max": {"order": "desc", "missing": "_last"}}, {"id": {"order": "desc"}}]
    if query.sort == Sort.NEWEST or not relevance:
        return newest
    return [{"_score": {"order": "desc"}}, *newest]


def tender_search(
    query: SearchQuery, reader: Reader, categories: Categories, *, typo: bool = False
) -> Search:
    """The search of ``query`` as ``reader`` may read it (``typo``: the words fuzzily)."""
    pairs = query_words_with_forms(query.text)
    if pairs and typo:
        must = [typo_word_query(word, forms) for word, forms in pairs]
    else:
        must = [word_query(word, forms) for word, forms in pairs]
    # The landing page leaves the cancelled tenders out (``hide_cancelled``), as the database.
    hidden = [~Q("term", status=TenderStatus.CANCELLED.value)] if query.hide_cancelled else []
    main = Q("bool", must=must, filter=[visibility(reader), *hidden, *date_filters(query)])
    filters = facet_filters(query, categories)
    search = Search().query(main)
    if filters:
        search = search.post_filter(Q("bool", filter=list(filters.values())))
    _facet_aggs(search, filters, categories)
    return paged(search, query, _sort(query, relevance=bool(pairs)))


def paged(search: Search, query: SearchQuery, sort: list[Any]) -> Search:
    """``search`` in ``sort``'s order, the query's page of ids (none past
    ``MAX_RESULT_WINDOW``: the total and the facets only), the total counted exactly."""
    start, size = query.offset, query.page_size
    if start + size > MAX_RESULT_WINDOW:
        start, size = 0, 0
    search = search.sort(*sort).source(False)
    return search.extra(track_total_hits=True, **{"from": start, "size": size})
