"""One query model for every backend: what is searched, filtered, counted, sorted and paged.

``tender_query`` reads it from a request's parameters, refusing what no person means with a
400 that names the field (a page past ``MAX_PAGE``, a price that is not a number), and
cutting what only harms (a text past ``text.MAX_QUERY_CHARS`` characters is cut there; Lucene
syntax, quotes and operators are plain words: nothing in the text is an instruction)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from marketplace.core.exceptions import ApplicationError

from .text import MAX_QUERY_CHARS

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 500  # deeper than anyone reads; a deeper page is refused, not computed


class Kind:
    TENDERS = "tenders"
    SUPPLIERS = "suppliers"
    PRODUCTS = "products"


class Sort:
    RELEVANCE = "relevance"
    DEADLINE = "deadline"  # the applications deadline, the soonest first
    PRICE = "price"  # the lowest start price first
    PRICE_DESC = "-price"
    NEWEST = "newest"

    ALL = (RELEVANCE, DEADLINE, PRICE, PRICE_DESC, NEWEST)


# The facets a tender search counts, and the filters it takes (each: one or more values).
TENDER_FACETS = ("category", "platform", "currency", "status", "region", "deadline", "price")
TENDER_FILTERS = ("category", "platform", "currency", "status", "region")
# The supplier directory: categories and regions it serves, its standing band.
SUPPLIER_FILTERS = ("category", "region", "band")
# The catalogue: category, supplier, the price list's currency, the supplier's country.
PRODUCT_FILTERS = ("category", "supplier", "currency", "region")
FILTERS = {"tenders": TENDER_FILTERS, "suppliers": SUPPLIER_FILTERS, "products": PRODUCT_FILTERS}
# The deadline facet's ranges: the applications deadline within 7 / 30 days, later, passed.
DEADLINE_RANGES = ("week", "month", "later", "passed")


@dataclass(frozen=True)
class SearchQuery:
    kind: str
    text: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    deadline: str | None = None  # one of DEADLINE_RANGES
    deadline_from: date | None = None
    deadline_to: date | None = None
    sort: str = Sort.RELEVANCE
    page: int = 1
    page_size: int = PAGE_SIZE
    # The landing page lists what one may still take part in: cancelled tenders are left out
    # unless a status is chosen (the API shows every status unless one is chosen).
    hide_cancelled: bool = False

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def _invalid(name: str, message: str) -> ApplicationError:
    return ApplicationError(message, code="invalid_search", fields={name: [message]})


def _int(params, name: str, default: int, low: int, high: int, message: str) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _invalid(name, message)
    return int(raw)


def _decimal(params, name: str) -> Decimal | None:
    raw = (params.get(name) or "").strip().replace(",", ".").replace(" ", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0 or value > Decimal(10) ** 15:
        raise _invalid(name, _("A price is a number of zero or more."))
    return value


def _date(params, name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, _("A date is written as YYYY-MM-DD.")) from None


def _values(params, name: str) -> tuple[str, ...]:
    getlist = getattr(params, "getlist", None)
    raw = getlist(name) if getlist else [params.get(name)]
    out: list[str] = []
    for value in raw:
        for part in str(value or "").split(","):
            part = part.strip()[:64]
            # A filter's value is a code or an id: a control character (a NUL byte, which no
            # database column may hold) is no value anyone chose.
            if part and part.isprintable() and part not in out:
                out.append(part)
    return tuple(out[:20])


def tender_query(params, *, hide_cancelled: bool = False) -> SearchQuery:
    return search_query(params, kind=Kind.TENDERS, hide_cancelled=hide_cancelled)


def search_query(params, *, kind: str, hide_cancelled: bool = False) -> SearchQuery:
    """The search of ``kind`` a request's parameters ask for (``q``; the kind's filters,
    ``FILTERS``, each repeatable or comma-separated; ``price_min``, ``price_max``, ``deadline``
    (week, month, later, passed), ``deadline_from``, ``deadline_to``, ``sort``, ``page``,
    ``page_size``)."""
    sort = (params.get("sort") or Sort.RELEVANCE).strip()
    if sort not in Sort.ALL:
        raise _invalid("sort", _("Sort by one of: %(options)s.") % {"options": ", ".join(Sort.ALL)})
    deadline = (params.get("deadline") or "").strip() or None
    if deadline is not None and deadline not in DEADLINE_RANGES:
        raise _invalid(
            "deadline",
            _("The deadline is one of: %(options)s.") % {"options": ", ".join(DEADLINE_RANGES)},
        )
    price_min, price_max = _decimal(params, "price_min"), _decimal(params, "price_max")
    if price_min is not None and price_max is not None and price_min > price_max:
        raise _invalid("price_max", _("The highest price is below the lowest."))
    return SearchQuery(
        kind=kind,
        text=(params.get("q") or "")[:MAX_QUERY_CHARS],
        filters={name: v for name in FILTERS[kind] if (v := _values(params, name))},
        price_min=price_min,
        price_max=price_max,
        deadline=deadline,
        deadline_from=_date(params, "deadline_from"),
        deadline_to=_date(params, "deadline_to"),
        sort=sort,
        hide_cancelled=hide_cancelled and not _values(params, "status"),
        page=_int(
            params,
            "page",
            1,
            1,
            MAX_PAGE,
            _("The page is a number from 1 to %(max)s.") % {"max": MAX_PAGE},
        ),
        page_size=_int(
            params,
            "page_size",
            PAGE_SIZE,
            1,
            MAX_PAGE_SIZE,
            _("The page size is from 1 to %(max)s.") % {"max": MAX_PAGE_SIZE},
        ),
    )
