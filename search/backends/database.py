"""The database backend, the embedded default: ``SearchEntry`` rows searched by word prefix.

Every word of the query must match a word of the document (its stem, or its Latin stem, or its
unit: ``search.text``) as a prefix. On PostgreSQL the words are the ``terms`` tsvector with its
GIN index (``'дизе':*``); on SQLite, `` stem`` in the haystack (``LIKE``). When nothing
matches, each word may also be one of the indexed words closest to it (``SearchWord``, by
trigram word similarity: on PostgreSQL through the vocabulary's trigram index, on SQLite in
Python), so "дизельнк палво" finds "Дизельне паливо" and "dizle" finds "дизель", with a notice.

Who may read what is the tenders' own rule (``tender_list_for_page``) read from the indexed
columns with the reader's ids (``search.readers``), as the Elasticsearch backend does: the
public ones of an active platform, the reader's companies' own, its platforms', the open
tenders of platforms its suppliers take part in, those its suppliers are invited to. The
index follows each change of these through the domain events (``search.listeners``).

A search is one statement whatever its facets (``database_facets``): the total, every
facet's counts and the page together, the text matched and the visibility checked once. With
words it reads the word table (``SearchText``, whose rows carry their entry's columns: the word
index finds them, nothing is read twice); without, the narrow entries. Its statements are
planned for their own words each time, never prepared (``_planned_each_time``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
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

from auctions.models import Participation, TenderStatus
from crm.dedup import pg_trgm_available, trigrams
from marketplace.categories.models import Category
from marketplace.platforms.models import Platform
from suppliers.models import Product

from ..models import SearchEntry, SearchTag, SearchText, SearchWord
from ..query import Kind, SearchQuery, Sort
from ..readers import Reader, reader_of
from ..results import SearchResult
from ..text import MAX_QUERY_CHARS, MAX_QUERY_WORDS, haystack, latin, query_terms, words
from .database_facets import chosen_facets, count_matches, facets_of

TYPO_THRESHOLD = 0.35
CLOSE_WORDS = 20  # the closest indexed words a mistyped word may stand for


def _entry_values(document: dict) -> dict:
    return {
        "title": document["title"][:300],
        "title_words": haystack(document["title"]),
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
        "public": bool(document.get("public")),
        "buyer_id": document.get("buyer"),
        "participation": document.get("participation") or "",
    }


def _haystack(document: dict) -> str:
    """The document's words, and the title's once more, marked (``title:word``), for the
    suggestions, which look for words of titles only."""
    return (
        document["text"] + " ".join("title:" + w for w in haystack(document["title"]).split()) + " "
    )


def _words_of(document: dict) -> set[str]:
    """The document's words for the typo search's vocabulary (not the marked ones)."""
    return {w for w in document["text"].split() if ":" not in w and len(w) <= 64}


def _tags(document: dict) -> dict[str, list[str]]:
    """The document's several-valued facets, and a tender's invited suppliers."""
    tags = {name: list(values) for name, values in (document.get("tags") or {}).items()}
    if document.get("invited"):
        tags["invited"] = [str(i) for i in document["invited"]]
    return tags


def _visible_q(query: SearchQuery, reader: Reader) -> Q:
    """What ``reader`` may read of ``query.kind``. Suppliers and products: the verified
    suppliers' (the only ones indexed: ``search.documents``). Tenders: ``search.readers``."""
    if query.kind != Kind.TENDERS:
        return Q(public=True)
    q = ~Q(status=TenderStatus.CANCELLED) if query.hide_cancelled else Q()
    if reader.staff:
        return q
    # The public ones, unless their platform was closed since they were indexed.
    may = Q(public=True) & ~Q(platform_id__in=_closed_platforms())
    if reader.companies:
        may |= Q(buyer_id__in=reader.companies)
    if reader.platforms:
        may |= Q(platform_id__in=reader.platforms)
    if reader.open_platforms:
        may |= Q(participation=Participation.OPEN, platform_id__in=reader.open_platforms)
    if reader.suppliers:
        invited = SearchTag.objects.filter(
            entry=OuterRef("pk"), name="invited", value__in=[str(s) for s in reader.suppliers]
        )
        may |= Q(participation=Participation.INVITATION) & Q(Exists(invited))
    return q & may


def _closed_platforms() -> list[int]:
    return list(Platform.objects.filter(is_active=False).values_list("pk", flat=True))


def _visible(query: SearchQuery, user, *, words: bool) -> QuerySet:
    """What ``user`` may read of ``query.kind``: the word table's rows for a search with words
    (each carries its entry's columns), the entries for one without."""
    reader = reader_of(user) if query.kind == Kind.TENDERS else Reader()
    model = SearchText if words else SearchEntry
    return model.objects.filter(kind=query.kind).filter(_visible_q(query, reader))


class _TermsMatch(Func):
    """``terms @@ '<query>'::tsquery`` (PostgreSQL): the GIN index of the words answers it."""

    template = "%(expressions)s::tsquery"
    arg_joiner = " @@ "
    output_field = BooleanField()


def _lexeme(form: str) -> str:
    return "'" + form.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery(terms: list[tuple[str, ...]], *, prefix: str = "") -> str:
    """Every term (any of its forms) as a prefix of a word: ``('дизе':* | 'dize':*) & ...``."""
    return " & ".join(
        "(" + " | ".join(f"{_lexeme(prefix + form)}:*" for form in forms) + ")" for forms in terms
    )


def _words_q(terms: list[tuple[str, ...]], *, prefix: str = "") -> Q:
    """The rows of the word table (``SearchText``) with every term as the prefix of one of
    their words (of their title's, with ``prefix="title:"``): on PostgreSQL through the word
    index (``terms``), elsewhere by ``LIKE`` in the haystack."""
    if connection.vendor == "postgresql":
        return Q(_TermsMatch(F("terms"), Value(_tsquery(terms, prefix=prefix))))
    q = Q()
    for forms in terms:
        any_form = Q()
        for form in forms:
            any_form |= Q(haystack__contains=" " + prefix + form)
        q &= any_form
    return q


def _in_title_q(forms: tuple[str, ...]) -> Q:
    """Any of a term's forms is the prefix of a word of the title (the entry's own column)."""
    q = Q()
    for form in forms:
        q |= Q(title_words__contains=" " + form)
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


def _order(query: SearchQuery, terms) -> str:
    """The page's order (``database_facets.ORDERS``): the chosen one; by relevance only with
    words to weigh, else the newest first."""
    if query.sort in (Sort.DEADLINE, Sort.PRICE, Sort.PRICE_DESC):
        return query.sort
    return "relevance" if terms and query.sort == Sort.RELEVANCE else "newest"


def _relevance(terms) -> Any:
    """A word found in the title counts 3, elsewhere 1."""
    score: Any = Value(0, output_field=IntegerField())
    for forms in terms:
        score = score + Case(When(_in_title_q(forms), then=Value(3)), default=Value(1))
    return score


class _WordSimilar(Func):
    """``a <% b``: pg_trgm's word similarity of ``a`` in ``b`` reaches
    ``pg_trgm.word_similarity_threshold`` (served by the haystack's trigram index)."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()


@contextmanager
def _planned_each_time() -> Iterator[None]:
    """The statements of a search planned for their own values, never prepared: the
    connections prepare a statement run five times (``DB_PREPARE_THRESHOLD``, for the bid
    path), and PostgreSQL may then plan it once for any values, blind to how many documents the
    query's words match (a generic plan read every product for 'дизель': 370 ms instead of
    30)."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = saved


class DatabaseBackend:
    name = "database"

    # --- writing ---------------------------------------------------------------------------

    def index(self, documents: Iterable[dict]) -> int:
        written = 0
        vocabulary: set[tuple[str, str]] = set()
        with transaction.atomic():
            for document in documents:
                values = _entry_values(document)
                entry, _created = SearchEntry.objects.update_or_create(
                    kind=document["kind"], object_id=document["id"], defaults=values
                )
                SearchText.objects.update_or_create(
                    entry=entry,
                    defaults={
                        **values,
                        "kind": entry.kind,
                        "object_id": entry.object_id,
                        "haystack": _haystack(document),
                    },
                )
                vocabulary |= {(entry.kind, w) for w in _words_of(document)}
                tags = [
                    SearchTag(entry=entry, name=name, value=value[:500])
                    for name, values in _tags(document).items()
                    for value in values
                ]
                SearchTag.objects.filter(entry=entry).delete()
                SearchTag.objects.bulk_create(tags)
                written += 1
            SearchWord.objects.bulk_create(
                [SearchWord(kind=k, word=w) for k, w in sorted(vocabulary)],
                ignore_conflicts=True,
            )
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

    def _filters(self, query: SearchQuery, now, chosen: list[Category], *, without: str = "") -> Q:
        q = Q()
        f = query.filters
        if without != "category" and f.get("category"):
            paths = [c.path for c in chosen]
            if not paths:
                q &= Q(pk__in=[])
            elif query.kind == Kind.SUPPLIERS:  # tags, each with its ancestors
                tagged = SearchTag.objects.filter(
                    name="category", value__in=paths, entry=OuterRef("pk")
                )
                q &= Q(Exists(tagged))
            else:
                q &= _category_q(paths)
        if without != "region" and f.get("region"):
            codes = _codes(f["region"], upper=True)
            if query.kind == Kind.SUPPLIERS:
                tagged = SearchTag.objects.filter(
                    name="region", value__in=codes, entry=OuterRef("pk")
                )
                q &= Q(Exists(tagged))
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
        with _planned_each_time():
            return self._search(query, user=user)

    def _search(self, query: SearchQuery, *, user) -> SearchResult:
        now = timezone.now()
        terms = query_terms(query.text)
        visible = _visible(query, user, words=bool(terms))
        chosen = list(Category.objects.filter(pk__in=_ids(query.filters.get("category", ()))))
        every = self._filters(query, now, chosen)
        without = {
            name: self._filters(query, now, chosen, without=name) for name in chosen_facets(query)
        }
        matched = visible.filter(_words_q(terms)) if terms else visible
        order = _order(query, terms)
        if order == "relevance":
            matched = matched.annotate(relevance=_relevance(terms))
        counts = count_matches(matched, query, every=every, without=without, now=now, order=order)
        typo = False
        if terms and not counts.total:
            # Nothing holds every word: each word may also be one of the indexed words closest
            # to it.
            close = self._typo_terms(query.kind, query.text)
            if close != terms:
                matched = visible.filter(_words_q(close))
                order = _order(query, close)
                if order == "relevance":
                    matched = matched.annotate(relevance=_relevance(close))
                counts = count_matches(
                    matched, query, every=every, without=without, now=now, order=order
                )
                typo = counts.total > 0
        notice = _("Nothing matched every word; these are the closest titles.") if typo else ""
        return SearchResult(
            total=counts.total,
            ids=counts.page,
            facets=facets_of(counts, query, chosen),
            backend=self.name,
            notice=notice,
        )

    def suggest(self, kind: str, text: str, *, user, limit: int = 10) -> list[dict]:
        terms = query_terms(text)
        if not terms:
            return []
        qs = (
            _visible(SearchQuery(kind=kind), user, words=True)
            .filter(_words_q(terms, prefix="title:"))
            .order_by("title", "pk")
        )
        with _planned_each_time():
            rows = list(qs.values_list("object_id", "title")[:limit])
        return [{"id": i, "title": t} for i, t in rows]

    def _typo_terms(self, kind: str, text: str) -> list[tuple[str, ...]]:
        """The query's terms, each word's forms joined by the indexed words closest to it
        (``_close_words``): a mistyped word then matches what it was meant to be."""
        terms = [
            (word, query_terms(word)[0])
            for word in words(text[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_WORDS]
            if query_terms(word)
        ]
        close = self._close_words(
            kind, [word for word, forms in terms if not forms[0].startswith("unit:")]
        )
        return [tuple(sorted({*forms, *close.get(word, ())})) for word, forms in terms]

    def _close_words(self, kind: str, typed: list[str]) -> dict[str, list[str]]:
        """For each word, the indexed words of ``kind`` closest to it as typed and to its Latin
        form (each on its own: together, each half would dilute the other's likeness), by
        trigram word similarity: pg_trgm's ``word_similarity`` on PostgreSQL, through the
        vocabulary's trigram index (the threshold set once per search); the same measure in
        Python elsewhere, over the vocabulary read once."""
        wanted = {word: {word, latin(word)} - {""} for word in typed}
        if not wanted:
            return {}
        if connection.vendor == "postgresql" and pg_trgm_available(for_text=" ".join(typed)):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                    [str(TYPO_THRESHOLD)],
                )
            vocabulary = SearchWord.objects.filter(kind=kind)
            return {
                word: [
                    close
                    for form in forms
                    for close in vocabulary.filter(_WordSimilar(Value(form), F("word")))
                    .annotate(
                        closeness=Func(
                            Value(form),
                            F("word"),
                            function="word_similarity",
                            output_field=FloatField(),
                        )
                    )
                    .order_by("-closeness", "word")
                    .values_list("word", flat=True)[:CLOSE_WORDS]
                ]
                for word, forms in wanted.items()
            }
        known = list(SearchWord.objects.filter(kind=kind).values_list("word", flat=True))
        out = {}
        for word, forms in wanted.items():
            ranked = sorted((-max(_word_closeness(f, f" {w} ") for f in forms), w) for w in known)
            out[word] = [w for closeness, w in ranked[:CLOSE_WORDS] if -closeness >= TYPO_THRESHOLD]
        return out


def _ids(values: Iterable[str]) -> list[int]:
    return [int(v) for v in values if str(v).isdigit() and 0 < int(v) < 2**63]


def _codes(values: Iterable[str], *, upper: bool) -> list[str]:
    return [v.upper() if upper else v for v in values]


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
