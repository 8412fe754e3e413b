"""The database backend, the embedded default: ``SearchEntry`` rows searched by word prefix.

Every word of the query must match a word of the document (its stem, or its Latin stem, or its
unit: ``search.text``) as a prefix, `` stem`` in the haystack (an index on PostgreSQL: a
trigram GIN index serves ``LIKE '% stem%'``). When nothing matches, the closest titles by
trigram similarity answer instead (typos: "дизельн паливо", "dizle"), on PostgreSQL in SQL
(``word_similarity``), on SQLite in Python over at most ``TYPO_SCAN`` titles.

Who may read what is the tenders' own rule (``tender_list_for_page``), applied as a subquery:
the database answers only what the reader may see, facets included. The facets are
disjunctive: each counts with every filter but its own, so choosing one currency still shows
the others' counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pycountry
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from auctions.models import TenderStatus
from auctions.tenders.selectors import tender_list_for_page
from crm.dedup import pg_trgm_available, trigrams
from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.platforms.models import Platform
from marketplace.standings.models import Band
from suppliers.models import Product
from suppliers.selectors import supplier_companies_visible

from ..models import SearchEntry, SearchTag
from ..query import DEADLINE_RANGES, Kind, SearchQuery, Sort
from ..results import Bucket, Facet, SearchResult
from ..text import haystack, latin, query_terms, words

TYPO_SCAN = 5000
TYPO_THRESHOLD = 0.35
# The price facet's ranges (in each tender's own currency): below 100,000, to 1 M, to 10 M, more.
PRICE_EDGES = (Decimal("100000"), Decimal("1000000"), Decimal("10000000"))


def _entry_values(document: dict) -> dict:
    return {
        "title": document["title"][:300],
        # The title's words once more, marked, so that relevance can count them higher.
        "haystack": document["text"]
        + " ".join("title:" + w for w in haystack(document["title"]).split())
        + " ",
        "category_id": document.get("category"),
        "category_path": document.get("category_path") or "",
        "platform_id": document.get("platform"),
        "currency": document.get("currency") or "",
        "status": document.get("status") or "",
        "region": document.get("region") or "",
        "price_min": document.get("price_min"),
        "price_max": document.get("price_max"),
        "deadline": parse_datetime(document["deadline"]) if document.get("deadline") else None,
        "published_at": parse_datetime(document["published_at"])
        if document.get("published_at")
        else None,
        "band": document.get("band") or "",
        "supplier_id": document.get("supplier"),
        "document": document,
    }


def _visible(query: SearchQuery, user) -> QuerySet[SearchEntry]:
    """What ``user`` may read of ``query.kind``, by each kind's own rule: the tenders' page
    rule; the directory's verified suppliers (indexed only those) and their products."""
    qs = SearchEntry.objects.filter(kind=query.kind)
    if query.kind == Kind.TENDERS:
        if query.hide_cancelled:
            qs = qs.exclude(status=TenderStatus.CANCELLED)
        return qs.filter(object_id__in=tender_list_for_page(user=user).values("pk"))
    suppliers = supplier_companies_visible(user=user).values("pk")
    if query.kind == Kind.SUPPLIERS:
        return qs.filter(object_id__in=suppliers)
    return qs.filter(supplier_id__in=suppliers)


def _text_q(terms: list[tuple[str, ...]]) -> Q:
    q = Q()
    for forms in terms:
        any_form = Q()
        for form in forms:
            any_form |= Q(haystack__contains=" " + form)
        q &= any_form
    return q


# The facets a kind has several values of per document (``SearchTag``).
TAGGED = {Kind.SUPPLIERS: ("category", "region")}


def _tag_paths_q(paths: Iterable[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(name="category", value=path) | Q(name="category", value__startswith=path + "/")
    return q


def _category_q(paths: Iterable[str]) -> Q:
    q = Q()
    for path in paths:
        q |= Q(category_path=path) | Q(category_path__startswith=path + "/")
    return q


def _deadline_q(name: str, now) -> Q:
    if name == "week":
        return Q(deadline__gte=now, deadline__lt=now + timedelta(days=7))
    if name == "month":
        return Q(deadline__gte=now, deadline__lt=now + timedelta(days=30))
    if name == "later":
        return Q(deadline__gte=now + timedelta(days=30))
    return Q(deadline__lt=now)  # passed


def _price_bucket_q(index: int) -> Q:
    low = PRICE_EDGES[index - 1] if index > 0 else None
    high = PRICE_EDGES[index] if index < len(PRICE_EDGES) else None
    q = Q()
    if low is not None:
        q &= Q(price_min__gte=low)
    if high is not None:
        q &= Q(price_min__lt=high)
    return q


class _WordSimilar(Func):
    """``a <% b``: pg_trgm's word similarity of ``a`` in ``b`` reaches
    ``pg_trgm.word_similarity_threshold`` (served by the haystack's trigram index)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


class DatabaseBackend:
    name = "database"

    # --- writing ---------------------------------------------------------------------------

    def index(self, documents: Iterable[dict]) -> int:
        written = 0
        with transaction.atomic():
            for document in documents:
                entry, _created = SearchEntry.objects.update_or_create(
                    kind=document["kind"],
                    object_id=document["id"],
                    defaults=_entry_values(document),
                )
                tags = [
                    SearchTag(entry=entry, name=name, value=value[:500])
                    for name, values in (document.get("tags") or {}).items()
                    for value in values
                ]
                SearchTag.objects.filter(entry=entry).delete()
                SearchTag.objects.bulk_create(tags)
                written += 1
        return written

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()

    def stale_supplier_products(self, supplier_id: int) -> list[int]:
        """The supplier's indexed products that are gone from its catalogue."""
        indexed = SearchEntry.objects.filter(kind=Kind.PRODUCTS, supplier_id=supplier_id)
        return list(
            indexed.exclude(
                object_id__in=Product.objects.filter(supplier_id=supplier_id).values("pk")
            ).values_list("object_id", flat=True)
        )

    def stale_ids(self, kind: str, keep: set[int]) -> list[int]:
        """The indexed ids of ``kind`` a rebuild did not write (gone, or drafts again)."""
        indexed = SearchEntry.objects.filter(kind=kind).values_list("object_id", flat=True)
        return [i for i in indexed if i not in keep]

    # --- reading ---------------------------------------------------------------------------

    def _filters(self, query: SearchQuery, now, *, without: str = "") -> Q:
        q = Q()
        f = query.filters
        tagged = TAGGED.get(query.kind, ())
        if without != "category" and f.get("category"):
            paths = list(
                Category.objects.filter(pk__in=_ids(f["category"])).values_list("path", flat=True)
            )
            if not paths:
                q &= Q(pk__in=[])
            elif "category" in tagged:
                q &= Q(Exists(SearchTag.objects.filter(_tag_paths_q(paths), entry=OuterRef("pk"))))
            else:
                q &= _category_q(paths)
        if without != "region" and f.get("region"):
            codes = _codes(f["region"], upper=True)
            if "region" in tagged:
                q &= Q(
                    Exists(
                        SearchTag.objects.filter(
                            name="region", value__in=codes, entry=OuterRef("pk")
                        )
                    )
                )
            else:
                q &= Q(region__in=codes)
        for name, column in (
            ("platform", "platform_id"),
            ("supplier", "supplier_id"),
            ("currency", "currency"),
            ("status", "status"),
            ("band", "band"),
        ):
            if without != name and f.get(name):
                values: list[int] | list[str] = (
                    _ids(f[name])
                    if name in ("platform", "supplier")
                    else _codes(f[name], upper=name == "currency")
                )
                q &= Q(**{f"{column}__in": values})
        if without != "price":
            if query.price_min is not None:
                q &= Q(price_max__gte=query.price_min)
            if query.price_max is not None:
                q &= Q(price_min__lte=query.price_max)
        if without != "deadline" and query.deadline:
            q &= _deadline_q(query.deadline, now)
        if query.deadline_from:
            q &= Q(deadline__date__gte=query.deadline_from)
        if query.deadline_to:
            q &= Q(deadline__date__lte=query.deadline_to)
        return q

    def search(self, query: SearchQuery, *, user) -> SearchResult:
        now = timezone.now()
        visible = _visible(query, user)
        terms = query_terms(query.text)
        matched = visible.filter(_text_q(terms)) if terms else visible
        qs = matched.filter(self._filters(query, now))
        typo = False
        if terms and not qs.exists():
            ids = self._closest(visible.filter(self._filters(query, now)), query.text)
            qs = visible.filter(object_id__in=ids)
            typo = bool(ids)
        total = qs.count()
        ordered = self._ordered(qs, query, terms)
        ids = list(
            ordered.values_list("object_id", flat=True)[
                query.offset : query.offset + query.page_size
            ]
        )
        facets = self._facets(
            visible.filter(_text_q(terms)) if terms and not typo else (qs if typo else visible),
            query,
            now,
        )
        notice = _("Nothing matched every word; these are the closest titles.") if typo else ""
        return SearchResult(total=total, ids=ids, facets=facets, backend=self.name, notice=notice)

    def suggest(self, kind: str, text: str, *, user, limit: int = 10) -> list[dict]:
        terms = query_terms(text)
        if not terms:
            return []
        title_q = Q()
        for forms in terms:
            any_form = Q()
            for form in forms:
                any_form |= Q(haystack__contains=" title:" + form)
            title_q &= any_form
        qs = _visible(SearchQuery(kind=kind), user).filter(title_q).order_by("title", "pk")
        return [{"id": i, "title": t} for i, t in qs.values_list("object_id", "title")[:limit]]

    def _ordered(self, qs: QuerySet[SearchEntry], query: SearchQuery, terms) -> QuerySet:
        if query.sort == Sort.DEADLINE:
            return qs.order_by(F("deadline").asc(nulls_last=True), "-object_id")
        if query.sort == Sort.PRICE:
            return qs.order_by(F("price_min").asc(nulls_last=True), "-object_id")
        if query.sort == Sort.PRICE_DESC:
            return qs.order_by(F("price_max").desc(nulls_last=True), "-object_id")
        if query.sort == Sort.NEWEST or not terms:
            return qs.order_by(F("published_at").desc(nulls_last=True), "-object_id")
        # Relevance: a word in the title counts more than one elsewhere; then the newest.
        score: Any = Value(0, output_field=IntegerField())
        for forms in terms:
            in_title = Q()
            for form in forms:
                in_title |= Q(haystack__contains=" title:" + form)
            score = score + Case(When(in_title, then=Value(3)), default=Value(1))
        return qs.annotate(relevance=score).order_by(
            "-relevance", F("published_at").desc(nulls_last=True), "-object_id"
        )

    def _closest(self, qs: QuerySet[SearchEntry], text: str) -> list[int]:
        """The documents whose words come closest to the query's (trigram word similarity over
        the haystack, which holds every word in its own script and in Latin). The query is
        compared as typed and in Latin, each on its own: together, each half would dilute the
        other's likeness."""
        typed = [w for w in words(text)[:12] if len(w) > 1]
        phrasings = {" ".join(typed), " ".join(latin(w) for w in typed)} - {""}
        best: dict[int, float] = {}
        for wanted in phrasings:
            for object_id, closeness in self._closeness(qs, wanted):
                best[object_id] = max(closeness, best.get(object_id, 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], -kv[0]))
        return [i for i, closeness in ranked if closeness >= TYPO_THRESHOLD][:100]

    def _closeness(self, qs: QuerySet[SearchEntry], wanted: str) -> list[tuple[int, float]]:
        if connection.vendor == "postgresql" and pg_trgm_available(for_text=wanted):
            # ``wanted <% haystack`` is word_similarity >= the session's threshold, which the
            # trigram index answers; word_similarity() alone is computed for every row.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                    [str(TYPO_THRESHOLD)],
                )
            rows = (
                qs.filter(_WordSimilar(Value(wanted), F("haystack")))
                .annotate(
                    closeness=Func(
                        Value(wanted),
                        F("haystack"),
                        function="word_similarity",
                        output_field=FloatField(),
                    )
                )
                .order_by("-closeness", "-object_id")
                .values_list("object_id", "closeness")[:100]
            )
            return list(rows)
        return [
            (object_id, _word_closeness(wanted, hay))
            for object_id, hay in qs.values_list("object_id", "haystack")[:TYPO_SCAN]
        ]

    # --- facets -----------------------------------------------------------------------------

    def _facets(self, base: QuerySet[SearchEntry], query: SearchQuery, now) -> list[Facet]:
        if query.kind == Kind.SUPPLIERS:
            return self._supplier_facets(base, query, now)
        if query.kind == Kind.PRODUCTS:
            return self._product_facets(base, query, now)
        return self._tender_facets(base, query, now)

    def _supplier_facets(self, base, query: SearchQuery, now) -> list[Facet]:
        f = query.filters
        categories = self._tag_category_facet(
            base.filter(self._filters(query, now, without="category")), f
        )
        regions = Counter(
            dict(
                SearchTag.objects.filter(
                    name="region",
                    entry__in=base.filter(self._filters(query, now, without="region")),
                )
                .values("value")
                .annotate(n=Count("entry", distinct=True))
                .values_list("value", "n")
            )
        )
        bands = dict(Band.choices)
        return [
            categories,
            Facet(
                "region",
                _("Region"),
                [
                    Bucket(k, _region(k), n, k in f.get("region", ()))
                    for k, n in sorted(regions.items(), key=lambda kv: (-kv[1], kv[0]))
                ],
            ),
            Facet(
                "band",
                _("Standing"),
                [
                    Bucket(k, str(bands.get(k, k)), n, k in f.get("band", ()))
                    for k, n in self._counts(base, query, now, "band", "band").items()
                    if k
                ],
            ),
        ]

    def _product_facets(self, base, query: SearchQuery, now) -> list[Facet]:
        f = query.filters
        suppliers = self._counts(base, query, now, "supplier", "supplier_id")
        names = dict(
            Company.objects.filter(pk__in=[k for k in suppliers if k]).values_list(
                "pk", "legal_name"
            )
        )
        return [
            self._category_facet(base.filter(self._filters(query, now, without="category")), f),
            Facet(
                "supplier",
                _("Supplier"),
                [
                    Bucket(str(k), names.get(k, str(k)), n, str(k) in f.get("supplier", ()))
                    for k, n in suppliers.items()
                    if k
                ],
            ),
            Facet(
                "currency",
                _("Currency"),
                [
                    Bucket(k, k, n, k in f.get("currency", ()))
                    for k, n in self._counts(base, query, now, "currency", "currency").items()
                    if k
                ],
            ),
            Facet(
                "region",
                _("Region"),
                [
                    Bucket(k, _country(k), n, k in f.get("region", ()))
                    for k, n in self._counts(base, query, now, "region", "region").items()
                    if k
                ],
            ),
            self._price_facet(base.filter(self._filters(query, now, without="price"))),
        ]

    def _tag_category_facet(self, qs, filters: dict) -> Facet:
        """The category facet of a kind with several categories per document: each document
        counts once per category one level below the chosen one."""
        pairs = SearchTag.objects.filter(name="category", entry__in=qs).values_list(
            "entry_id", "value"
        )
        return self._category_buckets(pairs, filters)

    def _tender_facets(self, base: QuerySet[SearchEntry], query: SearchQuery, now) -> list[Facet]:
        f = query.filters
        facets = [
            self._category_facet(base.filter(self._filters(query, now, without="category")), f)
        ]
        platforms = self._counts(base, query, now, "platform", "platform_id")
        names = dict(
            Platform.objects.filter(pk__in=[k for k in platforms if k]).values_list("pk", "name")
        )
        facets.append(
            Facet(
                "platform",
                _("Platform"),
                [
                    Bucket(str(k), names.get(k, str(k)), n, str(k) in f.get("platform", ()))
                    for k, n in platforms.items()
                    if k
                ],
            )
        )
        facets.append(
            Facet(
                "currency",
                _("Currency"),
                [
                    Bucket(k, k, n, k in f.get("currency", ()))
                    for k, n in self._counts(base, query, now, "currency", "currency").items()
                    if k
                ],
            )
        )
        statuses = dict(TenderStatus.choices)
        facets.append(
            Facet(
                "status",
                _("Status"),
                [
                    Bucket(k, str(statuses.get(k, k)), n, k in f.get("status", ()))
                    for k, n in self._counts(base, query, now, "status", "status").items()
                    if k
                ],
            )
        )
        facets.append(
            Facet(
                "region",
                _("Region"),
                [
                    Bucket(k, _country(k), n, k in f.get("region", ()))
                    for k, n in self._counts(base, query, now, "region", "region").items()
                    if k
                ],
            )
        )
        facets.append(
            self._deadline_facet(
                base.filter(self._filters(query, now, without="deadline")), query, now
            )
        )
        facets.append(self._price_facet(base.filter(self._filters(query, now, without="price"))))
        return facets

    def _counts(self, base, query, now, name: str, column: str) -> dict:
        rows = (
            base.filter(self._filters(query, now, without=name))
            .values(column)
            .annotate(n=Count("pk"))
            .order_by("-n", column)
        )
        return {row[column]: row["n"] for row in rows}

    def _category_facet(self, qs: QuerySet[SearchEntry], filters: dict) -> Facet:
        """Counts one level below the chosen category (the top level when none is chosen),
        each counting its whole subtree."""
        return self._category_buckets(qs.values_list("pk", "category_path"), filters)

    def _category_buckets(self, pairs, filters: dict) -> Facet:
        chosen = list(Category.objects.filter(pk__in=_ids(filters.get("category", ()))))
        keys: dict[str, set] = {}
        for entry_id, path in pairs:
            if not path:
                continue
            parts = path.split("/")
            parents: list[Category | None] = list(chosen) or [None]
            for parent in parents:
                key = None
                if parent is None:
                    key = parts[0]
                elif path.startswith(parent.path + "/"):
                    key = "/".join(parts[: parent.path.count("/") + 2])
                elif path == parent.path:
                    key = path
                if key:
                    keys.setdefault(key, set()).add(entry_id)
        counts = Counter({k: len(v) for k, v in keys.items()})
        by_path = {c.path: c for c in Category.objects.filter(path__in=list(counts))}
        chosen_ids = {str(c.pk) for c in chosen}
        buckets = [
            Bucket(str(by_path[p].pk), str(by_path[p].name), n, str(by_path[p].pk) in chosen_ids)
            for p, n in counts.most_common()
            if p in by_path
        ]
        return Facet("category", _("Category"), buckets)

    def _deadline_facet(self, qs, query: SearchQuery, now) -> Facet:
        labels = {
            "week": _("Applications close within a week"),
            "month": _("Within a month"),
            "later": _("In more than a month"),
            "passed": _("Applications closed"),
        }
        buckets = [
            Bucket(
                name,
                str(labels[name]),
                qs.filter(_deadline_q(name, now)).count(),
                query.deadline == name,
            )
            for name in DEADLINE_RANGES
        ]
        return Facet("deadline", _("Deadline"), [b for b in buckets if b.count or b.selected])

    def _price_facet(self, qs) -> Facet:
        labels = [
            _("below 100,000"),
            _("100,000 to 1 million"),
            _("1 to 10 million"),
            _("10 million and more"),
        ]
        buckets = [
            Bucket(str(i), str(label), qs.filter(_price_bucket_q(i)).count())
            for i, label in enumerate(labels)
        ]
        return Facet("price", _("Start price"), [b for b in buckets if b.count])


def _ids(values: Iterable[str]) -> list[int]:
    return [int(v) for v in values if str(v).isdigit() and 0 < int(v) < 2**63]


def _codes(values: Iterable[str], *, upper: bool) -> list[str]:
    return [v.upper() if upper else v for v in values]


def _region(code: str) -> str:
    if "-" in code:
        subdivision = pycountry.subdivisions.get(code=code)
        return subdivision.name if subdivision else code
    return _country(code)


def _country(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code


def _word_closeness(wanted: str, hay: str) -> float:
    """How close the query's words come to the document's, as pg_trgm's ``word_similarity``
    measures it on PostgreSQL: for each query word, the greatest share of its trigrams found in
    one word of the document; the mean over the query's words."""
    doc = [trigrams(w) for w in hay.split() if ":" not in w]
    shares = []
    for word in wanted.split():
        own = trigrams(word)
        if not own:
            continue
        shares.append(max((len(own & d) / len(own) for d in doc), default=0.0))
    return sum(shares) / len(shares) if shares else 0.0
