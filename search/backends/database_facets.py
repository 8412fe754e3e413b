"""The database backend's counts: the total and every facet of a search in one statement.

The matches (the reader's visible documents that hold every word) are a common table
expression with a flag per filter set: ``ok_all`` (every filter) and ``ok_<facet>`` (every
filter but the facet's own: the facets are disjunctive, so choosing one currency still counts
the others) for each facet that has a choice. Each facet is then a ``GROUP BY`` of that
expression under its flag, all joined by ``UNION ALL``: the text is matched and the visibility
checked once per search, not once per facet. The deadline's and the price's ranges are
columns of the expression (``CASE``), grouped like the others; a supplier's categories and
regions are its tags (``SearchTag``), grouped through a join.

The buckets are then made in Python from ``(facet, key, count)`` rows: names for the ids, the
category tree one level below the chosen category."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pycountry
from django.db import connection
from django.db.models import BooleanField, Case, CharField, F, Q, Value, When
from django.utils.translation import gettext as _

from auctions.models import TenderStatus
from marketplace.categories.models import Category
from marketplace.companies.models import Company
from marketplace.platforms.models import Platform
from marketplace.standings.models import Band

from ..models import SearchTag
from ..query import DEADLINE_RANGES, Kind, SearchQuery
from ..results import Bucket, Facet

# The price facet's ranges (in each document's own currency): below 100,000, to 1 M, to 10 M,
# more.
PRICE_EDGES = (Decimal("100000"), Decimal("1000000"), Decimal("10000000"))

# The most buckets a facet shows (the most frequent; a chosen value always): as Elasticsearch's
# terms aggregations do (``elastic_query.FACET_SIZE``).
FACET_SIZE = 100

# Each kind's facets: name -> the grouped column ("tag" for a supplier's several values).
COLUMNS = {
    Kind.TENDERS: {
        "category": "category_path",
        "platform": "platform_id",
        "currency": "currency",
        "status": "status",
        "region": "region",
        "deadline": "deadline_range",
        "price": "price_range",
    },
    Kind.SUPPLIERS: {"category": "tag", "region": "tag", "band": "band"},
    Kind.PRODUCTS: {
        "category": "category_path",
        "supplier": "supplier_id",
        "currency": "currency",
        "region": "region",
        "price": "price_range",
    },
}


# The page's orders (``object_id`` last: a stable order for equal keys). ``relevance`` is a
# column the caller adds to the matches.
ORDERS = {
    "relevance": "relevance DESC, published_at DESC NULLS LAST, object_id DESC",
    "newest": "published_at DESC NULLS LAST, object_id DESC",
    "deadline": "deadline ASC NULLS LAST, object_id DESC",
    "price": "price_min ASC NULLS LAST, object_id DESC",
    "-price": "price_max DESC NULLS LAST, object_id DESC",
}
PAGE = "~page"


@dataclass
class Counts:
    total: int = 0
    groups: dict[str, Counter] = field(default_factory=dict)
    page: list[int] = field(default_factory=list)  # the page's ids, in order

    def of(self, facet: str) -> Counter:
        return self.groups.get(facet, Counter())


def chosen_facets(query: SearchQuery) -> set[str]:
    """The facets whose filter the query sets."""
    chosen = {name for name, values in query.filters.items() if values}
    if query.price_min is not None or query.price_max is not None:
        chosen.add("price")
    if query.deadline:
        chosen.add("deadline")
    return chosen & set(COLUMNS[query.kind])


def _ranges(now) -> dict[str, Case]:
    deadline = Case(
        When(deadline__lt=now, then=Value("passed")),
        When(deadline__lt=now + timedelta(days=7), then=Value("week")),
        When(deadline__lt=now + timedelta(days=30), then=Value("month")),
        When(deadline__isnull=False, then=Value("later")),
        default=Value(""),
        output_field=CharField(),
    )
    price = Case(
        When(price_min__isnull=True, then=Value("")),
        *[When(price_min__lt=edge, then=Value(str(i))) for i, edge in enumerate(PRICE_EDGES)],
        default=Value(str(len(PRICE_EDGES))),
        output_field=CharField(),
    )
    return {"deadline_range": deadline, "price_range": price}


def _flag(q: Q) -> Case:
    # CASE, not the bare condition: a condition that can match nothing (a category that does
    # not exist) is then FALSE, where Django would write an integer.
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def _grouping_sets(grouped: dict[str, str], flag) -> str:
    """Every facet's counts in one pass over the matches (PostgreSQL's ``GROUPING SETS``; one
    ``GROUP BY`` per facet reads the matches once per facet): one set per facet's column, each
    counted under its own flag, as ``(facet, key, count)`` rows."""
    names = list(grouped)
    cols = [grouped[n] for n in names]
    bits = len(cols)
    # GROUPING(c1, ..., cn) has a bit per column, the first the highest; a set's own column's
    # bit is 0, the others' 1.
    masks = {n: (2**bits - 1) ^ (1 << (bits - 1 - i)) for i, n in enumerate(names)}
    mask = f"GROUPING({', '.join(cols)})"
    facet = " ".join(f"WHEN {masks[n]} THEN '{n}'" for n in names)
    key = ", ".join(f"CAST({c} AS TEXT)" for c in cols)
    count = " ".join(
        f"WHEN {masks[n]} THEN COUNT(*)" + (f" FILTER (WHERE {flag(n)})" if flag(n) else "")
        for n in names
    )
    sets = ", ".join(f"({c})" for c in cols)
    return (
        f"SELECT CASE {mask} {facet} END, COALESCE({key}), CASE {mask} {count} END "  # noqa: S608
        f"FROM m GROUP BY GROUPING SETS ({sets})"
    )


def count_matches(
    matched,
    query: SearchQuery,
    *,
    every: Q,
    without: dict[str, Q],
    now,
    order: str,
    grouping_sets: bool | None = None,
) -> Counts:
    """The total under ``every`` filter, each facet's counts under ``without[facet]`` (every
    filter but its own, for the facets that have a choice) and the page's ids in ``order``
    (``ORDERS``), in one statement. ``grouping_sets``: the facets in one pass (``GROUPING
    SETS``), by default on PostgreSQL; else a ``GROUP BY`` each (SQLite has no grouping
    sets)."""
    columns = COLUMNS[query.kind]
    flags: dict[str, object] = {}
    if every:
        flags["ok_all"] = _flag(every)
    for name, q in without.items():
        flags[f"ok_{name}"] = _flag(q) if q else True

    def flag(name: str) -> str | None:
        if f"ok_{name}" in flags:
            return None if flags[f"ok_{name}"] is True else f"ok_{name}"
        return "ok_all" if "ok_all" in flags else None

    ranges = {k: v for k, v in _ranges(now).items() if k in columns.values()}
    plain = sorted({c for c in columns.values() if c != "tag"} - set(ranges))
    sorted_by = ["object_id", "published_at", "deadline", "price_min", "price_max"]
    if order == "relevance":
        sorted_by.append("relevance")
    # ``entry_pk``: the entry's id, whether the matches are entries or the word table's rows.
    cte = matched.annotate(**ranges, **{k: v for k, v in flags.items() if v is not True}).values(
        *sorted({*plain, *sorted_by}),
        *ranges,
        *[k for k, v in flags.items() if v is not True],
        entry_pk=F("pk"),
    )
    cte_sql, params = cte.query.sql_with_params()

    def where(name: str | None, *more: str) -> str:
        conditions = [c for c in (name, *more) if c]
        return f" WHERE {' AND '.join(conditions)}" if conditions else ""

    # Only this module's names and the compiled matches (with their parameters) are in the SQL.
    parts = [
        f"SELECT CAST('' AS TEXT), CAST(NULL AS TEXT), COUNT(*) FROM m{where(flag('all'))}"  # noqa: S608
    ]
    grouped = {name: column for name, column in columns.items() if column != "tag"}
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    if grouping_sets:
        parts.append(_grouping_sets(grouped, flag))
    else:
        for name, column in grouped.items():
            parts.append(
                f"SELECT '{name}', CAST({column} AS TEXT), COUNT(*) FROM m"  # noqa: S608
                f"{where(flag(name))} GROUP BY {column}"
            )
    tagged = [name for name, column in columns.items() if column == "tag"]
    if tagged:
        either = " OR ".join(
            f"(t.name = '{name}'{' AND m.' + flag(name) if flag(name) else ''})"  # type: ignore[operator]
            for name in tagged
        )
        table = SearchTag._meta.db_table
        if connection.vendor == "postgresql":
            # Each match's own tags through the tags' index (``OFFSET 0`` keeps the subquery a
            # loop over the matches: joined, the planner hashed every tag of the kind).
            tags = (
                f"m CROSS JOIN LATERAL (SELECT name, value FROM {table} "  # noqa: S608
                "WHERE entry_id = m.entry_pk OFFSET 0) t"
            )
        else:  # SQLite has no LATERAL
            tags = f"{table} t JOIN m ON t.entry_id = m.entry_pk"
        parts.append(
            f"SELECT t.name, t.value, COUNT(*) FROM {tags} "  # noqa: S608
            f"WHERE {either} GROUP BY t.name, t.value"
        )
    by = ORDERS[order]
    parts.append(
        f"SELECT '{PAGE}', CAST(object_id AS TEXT), ROW_NUMBER() OVER (ORDER BY {by}) "  # noqa: S608
        f"FROM (SELECT * FROM m{where(flag('all'))} ORDER BY {by} "
        f"LIMIT {int(query.page_size)} OFFSET {int(query.offset)}) p"
    )
    sql = f"WITH m AS ({cte_sql}) " + " UNION ALL ".join(parts)
    counts = Counts()
    page: list[tuple[int, int]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, key, n in cursor.fetchall():
            if facet == "":
                counts.total = n
            elif facet == PAGE:
                page.append((n, int(key)))
            elif key is not None and key != "" and n:  # (a grouping set counts 0 too)
                counts.groups.setdefault(facet, Counter())[key] = n
    counts.page = [object_id for _n, object_id in sorted(page)]
    return counts


# --- the buckets ------------------------------------------------------------------------------


def _ordered(counter: Counter, chosen: set[str] = frozenset()) -> list[tuple[str, int]]:  # type: ignore[assignment]
    ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [kv for i, kv in enumerate(ranked) if i < FACET_SIZE or kv[0] in chosen]


def facets_of(counts: Counts, query: SearchQuery, chosen: list[Category]) -> list[Facet]:
    f = query.filters
    kind = query.kind
    out = [category_facet(counts.of("category"), chosen, summed=kind != Kind.SUPPLIERS)]
    if kind == Kind.TENDERS:
        out.append(_named("platform", _("Platform"), counts, f, _platform_names))
    if kind == Kind.PRODUCTS:
        out.append(_named("supplier", _("Supplier"), counts, f, _supplier_names))
    if kind in (Kind.TENDERS, Kind.PRODUCTS):
        out.append(_plain("currency", _("Currency"), counts, f, lambda k: k))
    if kind == Kind.TENDERS:
        statuses = dict(TenderStatus.choices)
        out.append(_plain("status", _("Status"), counts, f, lambda k: str(statuses.get(k, k))))
    out.append(
        _plain("region", _("Region"), counts, f, _region if kind == Kind.SUPPLIERS else _country)
    )
    if kind == Kind.SUPPLIERS:
        bands = dict(Band.choices)
        out.append(_plain("band", _("Standing"), counts, f, lambda k: str(bands.get(k, k))))
    if kind == Kind.TENDERS:
        out.append(deadline_facet(counts.of("deadline"), query))
    if kind in (Kind.TENDERS, Kind.PRODUCTS):
        out.append(price_facet(counts.of("price")))
    return out


def _plain(name, label, counts: Counts, filters: dict, label_of) -> Facet:
    chosen = set(filters.get(name, ()))
    return Facet(
        name,
        label,
        [Bucket(k, label_of(k), n, k in chosen) for k, n in _ordered(counts.of(name), chosen)],
    )


def _named(name, label, counts: Counts, filters: dict, names_of) -> Facet:
    shown = _ordered(counts.of(name), set(filters.get(name, ())))
    names = names_of([int(k) for k, _n in shown if k.isdigit()])
    return _plain(name, label, counts, filters, lambda k: names.get(int(k), k))


def _platform_names(ids: list[int]) -> dict[int, str]:
    return dict(Platform.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}


def _supplier_names(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(Company.objects.filter(pk__in=ids).values_list("pk", "legal_name"))


def category_facet(counter: Counter, chosen: list[Category], *, summed: bool) -> Facet:
    """Counts one level below each chosen category (the top level when none is chosen).

    ``summed``: the counts are per document's own category (tenders, products: one each), so a
    bucket adds up its subtree's. Otherwise (suppliers) they are per category tag, each tag
    with its ancestors, so a bucket's own count already counts each supplier once."""
    keys: Counter = Counter()
    parents: list[Category | None] = list(chosen) or [None]
    for path, n in counter.items():
        parts = path.split("/")
        for parent in parents:
            if parent is None:
                key = parts[0]
            elif path.startswith(parent.path + "/"):
                key = "/".join(parts[: parent.path.count("/") + 2])
            elif path == parent.path:
                key = path
            else:
                continue
            if summed or key == path:
                keys[key] += n
    by_path = {c.path: c for c in Category.objects.filter(path__in=list(keys))} if keys else {}
    chosen_ids = {c.pk for c in chosen}
    buckets = [
        Bucket(str(by_path[p].pk), str(by_path[p].name), n, by_path[p].pk in chosen_ids)
        for p, n in sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))  # equal counts by path
        if p in by_path
    ]
    return Facet("category", _("Category"), buckets)


def deadline_facet(counter: Counter, query: SearchQuery) -> Facet:
    """The ranges overlap (within a month counts those within a week): the statement counts
    disjoint ones, added up here."""
    labels = {
        "week": _("Applications close within a week"),
        "month": _("Within a month"),
        "later": _("In more than a month"),
        "passed": _("Applications closed"),
    }
    numbers = {
        "week": counter["week"],
        "month": counter["week"] + counter["month"],
        "later": counter["later"],
        "passed": counter["passed"],
    }
    buckets = [
        Bucket(name, str(labels[name]), numbers[name], query.deadline == name)
        for name in DEADLINE_RANGES
    ]
    return Facet("deadline", _("Deadline"), [b for b in buckets if b.count or b.selected])


def price_facet(counter: Counter) -> Facet:
    labels = [
        _("below 100,000"),
        _("100,000 to 1 million"),
        _("1 to 10 million"),
        _("10 million and more"),
    ]
    buckets = [Bucket(str(i), str(label), counter[str(i)]) for i, label in enumerate(labels)]
    return Facet("price", _("Start price"), [b for b in buckets if b.count])


def _region(code: str) -> str:
    if "-" in code:
        subdivision = pycountry.subdivisions.get(code=code)
        return subdivision.name if subdivision else code
    return _country(code)


def _country(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return country.name if country else code
