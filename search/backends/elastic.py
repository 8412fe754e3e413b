"""The Elasticsearch backend (``ELASTICSEARCH_URL``): the same documents, queries and results
as the database backend, on a cluster (docs/search.md).

Each kind (tenders, suppliers, products) lives in an index of its own behind an alias
(``<prefix>-tenders``, ``<prefix>-suppliers``, ``<prefix>-products``); every read and write
goes through the alias (writes with ``require_alias``, so a missing alias is never
auto-created as an index). ``rebuild`` loads a new index of a kind
(``<prefix>-<kind>-<timestamp>``) and moves the alias to it in one atomic ``_aliases`` call,
then deletes the old one: searches never see a half index. ``index_state`` says whether a
kind's index is missing, was made with another body or holds only what was written since a
first write made it (``search_index --if-needed``, the release step, rebuilds those). The analyzers and mappings are ``elastic_index``'s, the
requests ``elastic_query``'s (tenders) and ``elastic_kinds``'s (suppliers, products).

Whatever goes wrong on the way (the cluster down, a timeout, an error answer, an answer we
cannot read) is ``BackendUnavailable``: the pages fall back to the database with a notice, the
API answers 503. No Elasticsearch error reaches the reader.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

import pycountry
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError
from elasticsearch.dsl import Search
from elasticsearch.helpers import BulkIndexError, bulk

from auctions.models import TenderStatus
from marketplace.platforms.models import Platform

from ..query import DEADLINE_RANGES, Kind, SearchQuery
from ..readers import Reader, reader_of
from ..results import Bucket, Facet, SearchResult
from .base import BackendUnavailable
from .elastic_index import body_hash, built_with, index_body, kind_index
from .elastic_kinds import (
    agg_buckets,
    catalogue_facets,
    catalogue_search,
    summed_category_facet,
)
from .elastic_query import (
    Categories,
    categories_of,
    query_words_with_forms,
    tender_search,
)

log = logging.getLogger(__name__)

BATCH = 500
# A kind's index as ``index_state`` finds it.
MISSING, CHANGED, PARTIAL, CURRENT = "missing", "changed", "partial", "current"


@functools.lru_cache(maxsize=16)
def _client(url: str, timeout: float, retries: int) -> Elasticsearch:
    """One client (and its connection pool) per cluster, shared by the threads."""
    return Elasticsearch(url, request_timeout=timeout, max_retries=retries, retry_on_timeout=False)


@contextmanager
def _answering(what: str) -> Iterator[None]:
    """Any failure of the cluster as ``BackendUnavailable``."""
    try:
        yield
    except BulkIndexError as exc:
        first = exc.errors[0] if exc.errors else {}
        raise BackendUnavailable(
            f"elasticsearch: {what}: {len(exc.errors)} failed, {first}"
        ) from exc
    except (ApiError, TransportError) as exc:
        raise BackendUnavailable(f"elasticsearch: {what}: {exc}") from exc
    except (KeyError, TypeError, ValueError) as exc:  # an answer not as Elasticsearch answers
        raise BackendUnavailable(f"elasticsearch: {what}: unexpected answer: {exc!r}") from exc


def _batches(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


class ElasticBackend:
    name = "elasticsearch"
    # The kinds the cluster holds (a kind it did not hold would be written and searched in the
    # database only: search.selectors asks the database for it).
    kinds: tuple[str, ...] = (Kind.TENDERS, Kind.SUPPLIERS, Kind.PRODUCTS)

    def __init__(self, url: str, *, client: Elasticsearch | None = None):
        self.url = url
        self.client = client or _client(
            url, float(settings.ELASTICSEARCH_TIMEOUT), int(settings.ELASTICSEARCH_MAX_RETRIES)
        )
        self.prefix = settings.ELASTICSEARCH_INDEX_PREFIX

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    # --- writing ---------------------------------------------------------------------------

    def _refresh_param(self) -> dict[str, Any]:
        refresh = str(settings.ELASTICSEARCH_REFRESH).lower()
        return {} if refresh in ("", "false") else {"refresh": refresh}

    def _ensure_alias(self, kind: str) -> None:
        """The kind's alias and an index behind it, created on the first write to a cluster
        that never had a rebuild (a fixed name, so that two workers create it once)."""
        alias = self.alias(kind)
        if self.client.indices.exists_alias(name=alias):
            return
        index = kind_index(kind, f"{alias}-initial")
        index.aliases(**{alias: {}})
        try:
            index.create(using=self.client)
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise

    def _bulk(self, actions: list[dict], **params: Any) -> int:
        written, _errors = bulk(self.client, actions, chunk_size=BATCH, **params)
        return written

    def index(self, documents: Iterable[dict]) -> int:
        by_kind: dict[str, list[dict]] = {}
        for document in documents:
            if document["kind"] not in self.kinds:
                continue
            by_kind.setdefault(document["kind"], []).append(document)
        written = 0
        with _answering("index"):
            for kind, docs in by_kind.items():
                self._ensure_alias(kind)
                written += self._bulk(
                    [
                        {"_index": self.alias(kind), "_id": str(d["id"]), "_source": index_body(d)}
                        for d in docs
                    ],
                    require_alias=True,
                    **self._refresh_param(),
                )
        return written

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids or kind not in self.kinds:
            return
        alias = self.alias(kind)
        with _answering("remove"):
            self._ensure_alias(kind)
            self._bulk(
                [{"_op_type": "delete", "_index": alias, "_id": str(i)} for i in ids],
                ignore_status=(404,),
                require_alias=True,
                **self._refresh_param(),
            )

    def _indices_of(self, alias: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    def rebuild(
        self,
        kind: str,
        documents: Iterable[dict],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Every document of ``kind`` into a new index, then the alias moved to it atomically
        and the old index deleted; the number written. A failure leaves the alias where it
        was (and deletes the half-built index)."""
        if kind not in self.kinds:
            return 0
        alias = self.alias(kind)
        name = f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        written = 0
        with _answering("rebuild"):
            kind_index(kind, name, loading=True).create(using=self.client)
            try:
                for batch in _batches(documents, BATCH):
                    written += self._bulk(
                        [
                            {"_index": name, "_id": str(d["id"]), "_source": index_body(d)}
                            for d in batch
                        ]
                    )
                    if progress:
                        progress(len(batch))
                self.client.indices.put_settings(
                    index=name, settings={"index": {"refresh_interval": None}}
                )
                self.client.indices.refresh(index=name)
                old = self._indices_of(alias)
                actions: list[dict] = [{"remove": {"index": o, "alias": alias}} for o in old]
                actions.append({"add": {"index": name, "alias": alias}})
                self.client.indices.update_aliases(actions=actions)
            except BaseException:
                try:
                    self.client.indices.delete(index=name, ignore_unavailable=True)
                except (ApiError, TransportError):
                    log.warning("search: could not delete the half-built index %s", name)
                raise
            for o in old:
                self.client.indices.delete(index=o, ignore_unavailable=True)
        log.info("search: %s now points at %s (%d documents)", alias, name, written)
        return written

    def index_state(self, kind: str) -> str:
        """``missing`` (no alias); ``changed`` (its index was made with another body than
        ``kind_index`` makes now: another mapping, analysis or settings, or before the body's
        hash was kept); ``partial`` (made by a first write, ``_ensure_alias``: only the documents
        written since are in it); else ``current``."""
        alias = self.alias(kind)
        with _answering("index state"):
            if not self.client.indices.exists_alias(name=alias):
                return MISSING
            built = self.client.indices.get_mapping(index=alias).body
            made = [built_with(b.get("mappings") or {}) for b in built.values()]
        if not made or any(digest != body_hash(kind) for digest, _rebuilt in made):
            return CHANGED
        return CURRENT if all(rebuilt for _digest, rebuilt in made) else PARTIAL

    def refresh(self, kind: str) -> None:
        """Make every write so far visible (the tests; a cluster refreshes each second)."""
        with _answering("refresh"):
            self.client.indices.refresh(index=self.alias(kind))

    # --- reading ---------------------------------------------------------------------------

    def _run(self, kind: str, search: Search) -> dict:
        with _answering("search"):
            response = self.client.search(index=self.alias(kind), body=search.to_dict())
            body = response.body
            int(body["hits"]["total"]["value"])  # an answer without a total is not one
            return body

    def search(self, query: SearchQuery, *, user) -> SearchResult:
        tenders = query.kind == Kind.TENDERS
        # Suppliers and products are public: no reader's ids to read.
        reader = reader_of(user) if tenders else Reader()
        categories = categories_of(query)

        def request(typo: bool = False) -> Search:
            if tenders:
                return tender_search(query, reader, categories, typo=typo)
            return catalogue_search(query, categories, typo=typo)

        body = self._run(query.kind, request())
        notice = ""
        if body["hits"]["total"]["value"] == 0 and query_words_with_forms(query.text):
            closest = self._run(query.kind, request(typo=True))
            if closest["hits"]["total"]["value"]:
                body = closest
                notice = _("Nothing matched every word; these are the closest titles.")
        with _answering("search"):
            return SearchResult(
                total=int(body["hits"]["total"]["value"]),
                ids=[int(hit["_id"]) for hit in body["hits"]["hits"]],
                facets=(_facets if tenders else catalogue_facets)(
                    body.get("aggregations") or {}, query, categories
                ),
                backend=self.name,
                notice=notice,
            )


# --- facets -------------------------------------------------------------------------------------


def _facets(aggs: dict, query: SearchQuery, categories: Categories) -> list[Facet]:
    f = query.filters
    facets = [summed_category_facet(aggs, categories)]

    platforms = [
        (str(b["key"]), int(b["doc_count"])) for b in agg_buckets(aggs, "platform", "values")
    ]
    names = dict(
        Platform.objects.filter(pk__in=[int(k) for k, _ in platforms if k.isdigit()]).values_list(
            "pk", "name"
        )
    )
    facets.append(
        Facet(
            "platform",
            _("Platform"),
            [
                Bucket(k, names.get(int(k), k) if k.isdigit() else k, n, k in f.get("platform", ()))
                for k, n in platforms
            ],
        )
    )
    facets.append(
        Facet(
            "currency",
            _("Currency"),
            [
                Bucket(
                    str(b["key"]),
                    str(b["key"]),
                    int(b["doc_count"]),
                    b["key"] in f.get("currency", ()),
                )
                for b in agg_buckets(aggs, "currency", "values")
            ],
        )
    )
    statuses = dict(TenderStatus.choices)
    facets.append(
        Facet(
            "status",
            _("Status"),
            [
                Bucket(
                    str(b["key"]),
                    str(statuses.get(b["key"], b["key"])),
                    int(b["doc_count"]),
                    b["key"] in f.get("status", ()),
                )
                for b in agg_buckets(aggs, "status", "values")
            ],
        )
    )
    facets.append(
        Facet(
            "region",
            _("Region"),
            [
                Bucket(
                    str(b["key"]),
                    _country(str(b["key"])),
                    int(b["doc_count"]),
                    b["key"] in f.get("region", ()),
                )
                for b in agg_buckets(aggs, "region", "values")
            ],
        )
    )
    facets.append(_deadline_facet(aggs, query))
    facets.append(_price_facet(aggs))
    return facets


def _deadline_facet(aggs: dict, query: SearchQuery) -> Facet:
    labels = {
        "week": _("Applications close within a week"),
        "month": _("Within a month"),
        "later": _("In more than a month"),
        "passed": _("Applications closed"),
    }
    counts = aggs.get("deadline", {}).get("ranges", {}).get("buckets", {})
    buckets = [
        Bucket(
            name,
            str(labels[name]),
            int(counts.get(name, {}).get("doc_count", 0)),
            query.deadline == name,
        )
        for name in DEADLINE_RANGES
    ]
    return Facet("deadline", _("Deadline"), [b for b in buckets if b.count or b.selected])


def _price_facet(aggs: dict) -> Facet:
    labels = [
        _("below 100,000"),
        _("100,000 to 1 million"),
        _("1 to 10 million"),
        _("10 million and more"),
    ]
    counts = {str(b["key"]): int(b["doc_count"]) for b in agg_buckets(aggs, "price", "ranges")}
    buckets = [Bucket(str(i), str(label), counts.get(str(i), 0)) for i, label in enumerate(labels)]
    return Facet("price", _("Start price"), [b for b in buckets if b.count])


def _country(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code
