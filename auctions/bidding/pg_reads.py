"""What a batch of bids reads under the lot's lock, on PostgreSQL in one round trip.

The bid path (``place``) needs, before it checks a batch: the lot (locked) with its tender, the bids
already made with the batch's client ids (resends), the admitted applications with their
standings, suppliers, proxies and the suppliers' participation status in the lot's platform
(``supplier_participation``, as ``participation.admitted`` annotates it), which bidders hold a
bidding role in their supplier, and ids for the new bids. Through the ORM that is five
statements, each built and compiled in Python and each a round trip to the server. Here they
are fixed SQL sent together in psycopg's pipeline mode: the server runs them in order (so every
read after the first sees the lot locked), and the rows come back at once. The instances are
built as the ORM builds them (``Model.from_db`` with each field's converters, related objects in
the same caches as ``select_related``), so the engine's code cannot tell the difference; on
other databases (the embedded SQLite) the ORM reads them (``store.OrmStore``).
"""

from __future__ import annotations

import contextlib
from functools import cache
from typing import TypeVar

from django.db import connection, connections
from django.db.models import Model

from marketplace.companies.models import Company, Membership
from marketplace.platforms.models import PlatformMembership

from ..lock_objects import lot_lock_statement
from ..models import Application, ApplicationStatus, Bid, Lot, ProxyBid, Tender
from ..participation import SUPPLIER_FIELDS
from .batch import BatchReads

_M = TypeVar("_M", bound=Model)


def read(*, lot_id: int, items: list, roles) -> BatchReads | None:
    """``items``: the batch's ``BidItem``s. Inside the batch's transaction. None: no such lot."""
    connection.ensure_connection()
    # A resend is looked up here for a single bid only (``place._bids_locked`` says why).
    wanted = []
    if len(items) == 1 and items[0].client_bid_id:
        wanted = [(items[0].application_id, items[0].client_bid_id)]
    users = sorted({i.user.pk for i in items if i.check_member})
    q = _queries()
    with contextlib.ExitStack() as stack:
        # psycopg's errors as Django's: a previous lot's write of the same transaction
        # (``place.bids_place_lots``) is sent, and may fail, with these reads.
        stack.enter_context(connection.wrap_database_errors)
        stack.enter_context(connection.connection.pipeline())
        lock, earlier, admitted, members, ids = (
            stack.enter_context(connection.cursor()) for _ in range(5)
        )
        lock.execute(q["lock"], [lot_id])
        if wanted:
            _execute_unprepared(earlier, q["earlier"], _earlier_params(lot_id, wanted))
        admitted.execute(q["admitted"], [lot_id, ApplicationStatus.ADMITTED])
        if users:
            members.execute(
                q["members"], [users, [str(r) for r in roles], lot_id, ApplicationStatus.ADMITTED]
            )
        ids.execute(q["ids"], [max(2, len(items) + 1)])
        lot_row = lock.fetchone()
        earlier_rows = earlier.fetchall() if wanted else []
        admitted_rows = admitted.fetchall()
        member_rows = members.fetchall() if users else []
        bid_ids = [row[0] for row in ids.fetchall()]
    if lot_row is None:
        return None
    build = _Builder()
    lot_fields, tender_fields = q["lot_fields"], q["tender_fields"]
    lot = build(Lot, lot_fields, lot_row[: len(lot_fields)])
    lot._state.fields_cache["tender"] = build(Tender, tender_fields, lot_row[len(lot_fields) :])
    return BatchReads(
        lot=lot,
        earlier=_by_client_id(build, q, earlier_rows),
        applications=[_application(q, build, row) for row in admitted_rows],
        members={(u, c) for u, c in member_rows},
        bid_ids=bid_ids,
    )


def earlier(*, lot_id: int, pairs: list[tuple[int, str]]) -> dict:
    """The lot's bids made with these (application id, client bid id) pairs: a batch's refused
    bids that are resends of committed ones (``place._answer_resends``)."""
    if not pairs:
        return {}
    q = _queries()
    with connection.wrap_database_errors, connection.cursor() as cursor:
        _execute_unprepared(cursor, q["earlier"], _earlier_params(lot_id, pairs))
        return _by_client_id(_Builder(), q, cursor.fetchall())


def _earlier_params(lot_id: int, pairs: list[tuple[int, str]]) -> list:
    return [[a for a, _c in pairs], [c for _a, c in pairs], lot_id]


def _execute_unprepared(cursor, sql: str, params: list) -> None:
    """Run ``sql`` planned for this call, not prepared (logged as Django logs its queries).
    For the resend lookup: a connection's generic plan, made while the bids table was small
    (before statistics), scans all of a lot's bids instead of probing the unique index (lot,
    application, client id) per pair, and a busy lot has thousands (3.7 ms a call measured)."""
    debug = getattr(cursor, "debug_sql", None)  # Django's CursorDebugWrapper, when logging
    with debug(sql, params) if debug else contextlib.nullcontext():
        cursor.cursor.execute(sql, params, prepare=False)


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
    with a hundred bidders reads some 3,000 values a batch)."""

    def __init__(self) -> None:
        self.db = connections[connection.alias]
        self.plans: dict[int, tuple[list, list]] = {}

    def __call__(self, model: type[_M], fields: list, values) -> _M:
        plan = self.plans.get(id(fields))  # the field lists live in ``_queries``'s cache
        if plan is None:
            converting = []
            for index, field in enumerate(fields):
                converters = field.get_db_converters(self.db)
                if converters:
                    converting.append((index, converters, field.cached_col))
            plan = self.plans[id(fields)] = ([f.attname for f in fields], converting)
        attnames, converting = plan
        if converting:
            values = list(values)
            for index, converters, column in converting:
                value = values[index]
                for converter in converters:
                    value = converter(value, column, self.db)
                values[index] = value
        return model.from_db(self.db.alias, attnames, values)


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
    app_fields, app_cols = columns(Application, "a")
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
        # The lot's bids with these (application id, client bid id) pairs, given as arrays;
        # the unique index's condition is repeated so that the index applies.
        "earlier": (
            f"SELECT {bid_cols} FROM {table[Bid]} b "  # noqa: S608 (only names)
            "JOIN unnest(%s::bigint[], %s::text[]) AS w (application_id, client_bid_id) "
            "ON b.application_id = w.application_id AND b.client_bid_id = w.client_bid_id "
            "WHERE b.lot_id = %s AND NOT (b.client_bid_id = '')"
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
            "WHERE a.lot_id = %s AND a.status = %s ORDER BY a.id"
        ),
        # The batch's bidders' bidding roles in any of the lot's admitted suppliers.
        "members": (
            f"SELECT m.user_id, m.company_id FROM {table[Membership]} m "  # noqa: S608
            "WHERE m.user_id = ANY(%s) AND m.role = ANY(%s) AND m.company_id IN "
            f"(SELECT supplier_id FROM {table[Application]} WHERE lot_id = %s AND status = %s)"
        ),
        # Ids for the batch's bids (a refused bid leaves a gap, as a rolled-back insert does).
        "ids": (
            f"SELECT nextval(pg_get_serial_sequence('{Bid._meta.db_table}', 'id')) "  # noqa: S608
            "FROM generate_series(1, %s)"
        ),
    }
