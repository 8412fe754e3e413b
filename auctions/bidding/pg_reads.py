"""What a batch of bids reads under the lot's lock, on PostgreSQL in one round trip.

The bid path (``place``) needs, before it checks a batch: the lot (locked) with its tender, the bids
already made with the batch's client ids (resends), the admitted applications with their
standings, suppliers, proxies and the suppliers' participation status in the lot's platform
(``supplier_participation``, as ``participation.admitted`` annotates it), which bidders hold a
bidding role in their supplier, and ids for the new bids. Through the ORM that is five
statements per lot, each built and compiled in Python and each a round trip to the server. Here
they are fixed SQL sent together in psycopg's pipeline mode, five for all the lots of a
transaction (a bid worker's group commit takes dozens), after a sixth that has the transaction
run its prepared statements on their generic plans (``GENERIC``): the server runs them in order
(so every read after the lock sees the lots locked), and the rows come back at once. The
instances are built as the ORM builds them (``Model.from_db``, or what it would leave, with each
field's converters; related objects in the same caches as ``select_related``; an application's
columns the bid path never reads deferred, as ``QuerySet.defer`` leaves them), so the engine's
code cannot tell the difference; on other databases (the embedded SQLite) the ORM reads them
(``store.OrmStore``).
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import TypeVar

from django.db import connection, connections
from django.db.models import DateTimeField, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from psycopg import ClientCursor
from psycopg.types.datetime import TimestamptzLoader

from marketplace.companies.models import Company, Membership
from marketplace.platforms.models import PlatformMembership

from ..lock_objects import lot_lock_statement
from ..models import Application, ApplicationStatus, Bid, Lot, ProxyBid, Tender
from ..participation import SUPPLIER_FIELDS
from .batch import BatchReads

_M = TypeVar("_M", bound=Model)

# The bid path's statements are fixed text, prepared by the connection after a few calls
# (``prepare_threshold``), and meant to be planned once. PostgreSQL's default
# (``plan_cache_mode = auto``) plans a prepared statement again on every call when its generic
# plan's estimate exceeds the custom plans' (an array parameter's length is unknown to it): with
# statistics, the standings' read (six tables) took 0.64 ms to plan a batch, the roles' and the
# lock's 0.13 and 0.19 ms, each to run in 0.02-0.1 ms (pg_stat_statements, ``make bench``'s hot
# lot). A bid transaction uses the generic plans: set for it alone (``SET LOCAL``), first, when
# it is a transaction of its own (the websocket's bids, the API's); inside a caller's
# transaction (a test's, a management command's) it keeps PostgreSQL's choice, as the caller's
# statements after it would take the setting too (a test's hypothesis examples share one
# transaction: every later ORM statement would run on a generic plan).
GENERIC = "SET LOCAL plan_cache_mode = force_generic_plan"

# An application's columns the bid path never reads: left in the database (the instances have
# them deferred, as ``QuerySet.defer`` leaves them). A batch reads every admitted application of
# its lot, and these are most of the row's cost to convert: two timestamps and two JSON
# documents of each.
UNREAD_APPLICATION = frozenset(
    {
        "submitted_by",
        "terms_accepted_at",
        "criteria_values",
        "delivery_basis",
        "reason",
        "decided_by",
        "decided_at",
    }
)


def read(*, lot_id: int, items: list, roles) -> BatchReads | None:
    """``items``: the batch's ``BidItem``s. Inside the batch's transaction. None: no such lot."""
    return read_lots([(lot_id, items)], roles=roles)[0]


def read_lots(batches: list[tuple[int, list]], *, roles) -> list[BatchReads | None]:
    """``read`` for several lots' batches (distinct lots) in one round trip and six statements
    whatever their number (the first sets the plans' mode): the lots locked in the order of
    their ids by the second, and each later statement reading every lot's rows after it (the
    server runs them in order, each with a snapshot taken after the locks). Each lot's reads or
    None (no such lot), in the order given."""
    connection.ensure_connection()
    q = _queries()
    lot_ids = [lot_id for lot_id, _items in batches]
    # A resend is looked up here for a lot's single bid only (``place._bids_locked`` says why).
    wanted = [
        (lot_id, items[0].application_id, items[0].client_bid_id)
        for lot_id, items in batches
        if len(items) == 1 and items[0].client_bid_id
    ]
    users = sorted({i.user.pk for _lot, items in batches for i in items if i.check_member})
    counts = [max(2, len(items) + 1) for _lot, items in batches]
    admitted_status = ApplicationStatus.ADMITTED
    with contextlib.ExitStack() as stack:
        # psycopg's errors as Django's: a write queued earlier in the same transaction (a lot
        # given twice to ``place.bids_commit``) is sent, and may fail, with these reads.
        stack.enter_context(connection.wrap_database_errors)
        stack.enter_context(connection.connection.pipeline())
        mode, lock, earlier, admitted, members, ids = (
            stack.enter_context(connection.cursor()) for _ in range(6)
        )
        for cursor in (lock, earlier, admitted):
            _native_timestamps(cursor)
        # The transaction's prepared statements run on their generic plans (``GENERIC``), if
        # the transaction is the bid path's own (its atomic block the outermost: no savepoint).
        # In a caller's transaction the setting would outlive the bid path.
        if not connection.savepoint_ids:
            mode.execute(GENERIC)
        lock.execute(q["lock"], [lot_ids])
        if wanted:
            _execute_literal(earlier, q["earlier"], _earlier_params(wanted))
        admitted.execute(q["admitted"], [lot_ids, admitted_status])
        if users:
            members.execute(
                q["members"], [users, [str(r) for r in roles], lot_ids, admitted_status]
            )
        ids.execute(q["ids"], [sum(counts)])
        lot_rows = lock.fetchall()
        earlier_rows = earlier.fetchall() if wanted else []
        admitted_rows = admitted.fetchall()
        member_rows = members.fetchall() if users else []
        bid_ids = [row[0] for row in ids.fetchall()]
    build = _Builder()
    lot_fields, tender_fields, af = q["lot_fields"], q["tender_fields"], q["application_fields"]
    lot_id_at = [f.attname for f in lot_fields].index("id")
    lot_of_application = [f.attname for f in af].index("lot_id")
    rows_of: dict[int, tuple] = {row[lot_id_at]: row for row in lot_rows}
    earlier_of: dict[int, list] = {}
    for row in earlier_rows:
        earlier_of.setdefault(row[0], []).append(row[1:])
    admitted_of: dict[int, list] = {}
    for row in admitted_rows:
        admitted_of.setdefault(row[lot_of_application], []).append(row)
    members_found = {(u, c) for u, c in member_rows}
    out: list[BatchReads | None] = []
    start = 0
    for (lot_id, _items), count in zip(batches, counts, strict=True):
        taken, start = bid_ids[start : start + count], start + count
        row = rows_of.get(lot_id)
        if row is None:
            out.append(None)
            continue
        lot = build(Lot, lot_fields, row[: len(lot_fields)])
        lot._state.fields_cache["tender"] = build(Tender, tender_fields, row[len(lot_fields) :])
        out.append(
            BatchReads(
                lot=lot,
                earlier=_by_client_id(build, q, earlier_of.get(lot_id, [])),
                applications=[_application(q, build, r) for r in admitted_of.get(lot_id, [])],
                members=members_found,
                bid_ids=taken,
            )
        )
    return out


def earlier(*, lot_id: int, pairs: list[tuple[int, str]]) -> dict:
    """The lot's bids made with these (application id, client bid id) pairs: a batch's refused
    bids that are resends of committed ones (``place._answer_resends``)."""
    if not pairs:
        return {}
    q = _queries()
    with connection.wrap_database_errors, connection.cursor() as cursor:
        _native_timestamps(cursor)
        _execute_literal(cursor, q["earlier"], _earlier_params([(lot_id, *p) for p in pairs]))
        return _by_client_id(_Builder(), q, [row[1:] for row in cursor.fetchall()])


def _earlier_params(wanted: list[tuple[int, int, str]]) -> list:
    """(lot id, application id, client bid id) triples as the statement's three arrays."""
    return [[w[0] for w in wanted], [w[1] for w in wanted], [w[2] for w in wanted]]


def _native_timestamps(cursor) -> None:
    """The cursor's timestamps parsed by psycopg's own loader (in C with psycopg's binary
    package), not Django's: Django's subclasses psycopg's pure-Python class (to set its time
    zone), so every timestamp the ORM reads is parsed in Python, 4-5 µs each, and a batch on a
    lot of sixteen bidders reads some eighty (a tenth of a bid worker's time in ``make bench``'s
    hot lot). The builder then sets Django's time zone on them (``_Builder``), as Django's loader
    does: the values are the ORM's, tzinfo included. Only for rows the builder builds."""
    cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


def _execute_literal(cursor, sql: str, params: list) -> None:
    """Run ``sql`` with its values in its text (psycopg quotes them), not prepared, so it is
    planned for these values whatever the transaction's ``plan_cache_mode`` (logged as Django
    logs its queries). For the resend lookup: a generic plan made while the bids table was small
    (before statistics) scans all of a lot's bids instead of probing the unique index (lot,
    application, client id) per pair, and a busy lot has thousands (3.7 ms a call measured)."""
    text = ClientCursor(cursor.cursor.connection).mogrify(sql, params)
    debug = getattr(cursor, "debug_sql", None)  # Django's CursorDebugWrapper, when logging
    with debug(text, None) if debug else contextlib.nullcontext():
        cursor.cursor.execute(text, prepare=False)


def _by_client_id(build: _Builder, q: dict, rows: list) -> dict:
    return {
        (b.application_id, b.client_bid_id): b
        for b in (build(Bid, q["bid_fields"], row) for row in rows)
    }


def _application(q: dict, build: _Builder, row: tuple) -> Application:
    af, sf, pf = q["application_fields"], q["supplier_fields"], q["proxy_fields"]
    application = build(Application, af, row[: len(af)])
    supplier = build(Company, sf, row[len(af) : len(af) + len(sf)])
    application._state.fields_cache["supplier"] = supplier
    application.supplier_participation = row[-1]  # the last column, as the ORM annotates it
    proxy_row = row[len(af) + len(sf) : -1]
    if proxy_row[0] is None:  # no proxy: cached as select_related caches it (access raises)
        application._state.fields_cache["proxy"] = None
    else:
        proxy = build(ProxyBid, pf, proxy_row)
        proxy._state.fields_cache["application"] = application
        application._state.fields_cache["proxy"] = proxy
    return application


class _Builder:
    """Instances from rows as the ORM makes them: each field's converters, then ``from_db``.
    The converters of a list of fields are looked up once per read, not once per value (a lot
    with a hundred bidders reads some 3,000 values a batch). A model whose instances
    ``Model.__init__`` would only fill (``_plain``) gets its values straight into the
    instance's ``__dict__``, as ``__init__`` leaves them: that call, a ``setattr`` per field,
    was two thirds of building a lot's standings (13 µs an instance; a batch on a lot of 64
    bidders builds 130)."""

    def __init__(self) -> None:
        self.db = connections[connection.alias]
        self.plans: dict[int, tuple[list, list, bool]] = {}
        self.time_zone = self.db.timezone  # Django's loader's (None without USE_TZ)

    def _django_time_zone(self, value, _expression, _connection):
        """A timestamp as Django's loader leaves it: in the connection's time zone (psycopg's
        loader put it there), with Django's tzinfo object (``_native_timestamps``)."""
        if value is None or value.tzinfo is self.time_zone:  # (UTC: psycopg's is Django's)
            return value
        return value.replace(tzinfo=self.time_zone)

    def __call__(self, model: type[_M], fields: list, values) -> _M:
        plan = self.plans.get(id(fields))  # the field lists live in ``_queries``'s cache
        if plan is None:
            converting = []
            for index, field in enumerate(fields):
                converters = field.get_db_converters(self.db)
                if isinstance(field, DateTimeField):  # parsed by psycopg's own loader
                    converters = [self._django_time_zone, *converters]
                if converters:
                    converting.append((index, converters, field.cached_col))
            plan = ([f.attname for f in fields], converting, _plain(model))
            self.plans[id(fields)] = plan
        attnames, converting, plain = plan
        if converting:
            values = list(values)
            for index, converters, column in converting:
                value = values[index]
                for converter in converters:
                    value = converter(value, column, self.db)
                values[index] = value
        if not plain:
            return model.from_db(self.db.alias, attnames, values)
        instance = model.__new__(model)
        state = ModelState()
        state.adding, state.db = False, self.db.alias  # as ``from_db`` leaves them
        instance.__dict__.update(zip(attnames, values, strict=True), _state=state)
        return instance


def _plain(model: type[Model]) -> bool:
    """Does ``Model.__init__`` only set the fields' values on this model's instances? Its own
    ``__init__`` or ``from_db``, or a receiver of ``pre_init`` or ``post_init`` (an image
    field's dimensions, say), would do more: such a model is built by ``from_db``. (Setting
    an attribute stores it in ``__dict__`` for every field of a model without those: a foreign
    key's id descriptor also clears a cached related object, which a new instance has not.)"""
    return (
        model.__init__ is Model.__init__
        and model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


@cache
def _queries() -> dict:
    """The statements' text, built once per process from the models (column names quoted)."""
    qn = connection.ops.quote_name

    def columns(model, alias: str, names=None) -> tuple[list, str]:
        if names is None:
            fields = list(model._meta.concrete_fields)
        else:
            fields = [model._meta.get_field(n) for n in names]
        return fields, ", ".join(f"{alias}.{qn(f.column)}" for f in fields)

    lot_fields, lot_cols = columns(Lot, "l")
    tender_fields, tender_cols = columns(Tender, "t")
    bid_fields, bid_cols = columns(Bid, "b")
    app_fields, app_cols = columns(
        Application,
        "a",
        [f.name for f in Application._meta.concrete_fields if f.name not in UNREAD_APPLICATION],
    )
    supplier_fields, supplier_cols = columns(Company, "s", SUPPLIER_FIELDS)
    proxy_fields, proxy_cols = columns(ProxyBid, "p")
    table = {
        m: qn(m._meta.db_table)
        for m in (Lot, Tender, Bid, Application, Company, ProxyBid, Membership, PlatformMembership)
    }
    return {
        "lot_fields": lot_fields,
        "tender_fields": tender_fields,
        "bid_fields": bid_fields,
        "application_fields": app_fields,
        "supplier_fields": supplier_fields,
        "proxy_fields": proxy_fields,
        "lock": lot_lock_statement(
            columns=f"{lot_cols}, {tender_cols}",
            join=f"JOIN {table[Tender]} t ON t.id = l.tender_id",
        ),
        # The bids with these (lot id, application id, client bid id), given as arrays, each
        # with its lot's id first; the unique index's condition is repeated so that the index
        # applies.
        "earlier": (
            f"SELECT b.lot_id, {bid_cols} FROM {table[Bid]} b "  # noqa: S608 (only names)
            "JOIN unnest(%s::bigint[], %s::bigint[], %s::text[]) "
            "AS w (lot_id, application_id, client_bid_id) "
            "ON b.lot_id = w.lot_id AND b.application_id = w.application_id "
            "AND b.client_bid_id = w.client_bid_id "
            "WHERE NOT (b.client_bid_id = '')"
        ),
        # With each supplier's participation status in the lot's platform, last (NULL: none;
        # one row at most per platform and company).
        "admitted": (
            f"SELECT {app_cols}, {supplier_cols}, {proxy_cols}, pm.status "  # noqa: S608
            f"FROM {table[Application]} a "
            f"JOIN {table[Company]} s ON s.id = a.supplier_id "
            f"LEFT JOIN {table[ProxyBid]} p ON p.application_id = a.id "
            f"JOIN {table[Lot]} lo ON lo.id = a.lot_id "
            f"JOIN {table[Tender]} tn ON tn.id = lo.tender_id "
            f"LEFT JOIN {table[PlatformMembership]} pm "
            "ON pm.platform_id = tn.platform_id AND pm.company_id = a.supplier_id "
            "WHERE a.lot_id = ANY(%s) AND a.status = %s ORDER BY a.lot_id, a.id"
        ),
        # The batch's bidders' bidding roles in any of the lots' admitted suppliers.
        "members": (
            f"SELECT m.user_id, m.company_id FROM {table[Membership]} m "  # noqa: S608
            "WHERE m.user_id = ANY(%s) AND m.role = ANY(%s) AND m.company_id IN "
            f"(SELECT supplier_id FROM {table[Application]} "
            "WHERE lot_id = ANY(%s) AND status = %s)"
        ),
        # Ids for the batch's bids (a refused bid leaves a gap, as a rolled-back insert does).
        "ids": (
            f"SELECT nextval(pg_get_serial_sequence('{Bid._meta.db_table}', 'id')) "  # noqa: S608
            "FROM generate_series(1, %s)"
        ),
    }
