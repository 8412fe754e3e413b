"""What a batch of bids writes, on PostgreSQL in one statement (the sibling of ``pg_reads``).

The batch's new bids, their events, the standings it changed and the lots' rows (a transaction of
several lots writes them all: ``pg_store.flush_together``) go to the server as ONE statement: the
first three as data-modifying ``WITH`` parts, the lots' update last
(PostgreSQL runs every part, all or none). Each table's rows travel as one JSON document,
turned back into rows of the table's own type by ``json_populate_recordset``, so the server
converts each value to its column's type and the text does not depend on the number of rows
(the connection prepares it once, PostgreSQL plans it once).

Why JSON and not one array per column: psycopg dumps an array element by element in Python and
Django prepares every value through its field and the connection; for a batch of eight that was
a sixth of the bid worker's time. Here each value becomes a JSON scalar through one small
function chosen per field when the statement is first built, and the document is encoded by the
C encoder of the standard library.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache

from django.db import connection
from django.db.models import Field, Model

from ..models import Application, Bid, Lot, LotEvent


def _text(value):
    return None if value is None else str(value)


def _iso(value):
    return None if value is None else value.isoformat()


def _same(value):
    return value


# A field's value as a JSON scalar PostgreSQL reads back as the column's type, per internal type.
# Decimal as its exact text; a datetime with its offset; a JSON field's value as it is (nested:
# stored as the ORM stores it, json.dumps of the value, since no field here has an encoder).
_CONVERTERS: dict[str, Callable] = {
    "AutoField": _same,
    "BigAutoField": _same,
    "IntegerField": _same,
    "BigIntegerField": _same,
    "SmallIntegerField": _same,
    "PositiveIntegerField": _same,
    "PositiveSmallIntegerField": _same,
    "PositiveBigIntegerField": _same,
    "ForeignKey": _same,
    "OneToOneField": _same,
    "BooleanField": _same,
    "CharField": _text,
    "TextField": _text,
    "DecimalField": _text,
    "DateTimeField": _iso,
}


def _column(model: type[Model], name: str) -> Field:
    """``model``'s column ``name`` (``get_field`` also finds relations, which have none)."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _converter(field: Field) -> Callable:
    kind = field.get_internal_type()
    if kind == "JSONField" and getattr(field, "encoder", None) is None:
        return _same
    if kind not in _CONVERTERS:  # a new column type on the bid path: teach it here
        raise TypeError(f"batch_writes cannot write {field.model.__name__}.{field.name} ({kind})")
    return _CONVERTERS[kind]


class _Table:
    """One table's columns as the batch writes them: names, attributes, converters."""

    def __init__(self, model: type[Model], fields: Iterable[Field]):
        qn = connection.ops.quote_name
        self.fields = list(fields)
        self.table = qn(model._meta.db_table)
        self.columns = [f.column for f in self.fields]
        self.quoted = [qn(c) for c in self.columns]
        self.pairs = [(f.column, f.attname, _converter(f)) for f in self.fields]

    def document(self, rows: Iterable[Model]) -> str:
        return json.dumps(
            [
                {column: convert(getattr(row, attname)) for column, attname, convert in self.pairs}
                for row in rows
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def insert(self) -> str:
        columns = ", ".join(self.quoted)
        return (
            f"INSERT INTO {self.table} ({columns}) SELECT {columns} "  # noqa: S608 (only names)
            f"FROM json_populate_recordset(NULL::{self.table}, %s::json)"
        )


@cache
def _bids() -> _Table:
    return _Table(Bid, Bid._meta.concrete_fields)


@cache
def _events() -> _Table:
    return _Table(LotEvent, [f for f in LotEvent._meta.concrete_fields if not f.primary_key])


@cache
def _standings() -> _Table:
    return _Table(
        Application,
        [_column(Application, n) for n in ("id", "current_amount", "current_at")],
    )


@cache
def _lot(names: tuple[str, ...]) -> _Table:
    return _Table(Lot, [Lot._meta.pk, *(_column(Lot, n) for n in names)])


def write(
    *,
    bids: list[Bid],
    events: list[LotEvent],
    standings: list[Application],
    lots: list[Lot],
    lot_fields: Iterable[str] = (),
) -> None:
    """Write the batch in one statement (inside the batch's transaction, the lots locked): a
    transaction's lots share it (``place.bids_commit``), each with the same ``lot_fields``."""
    parts: list[str] = []
    params: list[str] = []
    if bids:
        parts.append(_bids().insert())
        params.append(_bids().document(bids))
    if events:
        parts.append(_events().insert())
        params.append(_events().document(events))
    if standings:
        t = _standings()
        parts.append(
            f"UPDATE {t.table} AS a SET current_amount = v.current_amount, "  # noqa: S608
            f"current_at = v.current_at FROM json_populate_recordset(NULL::{t.table}, %s::json) "
            "AS v WHERE a.id = v.id"
        )
        params.append(t.document(standings))
    if lots:
        t = _lot(tuple(sorted(lot_fields)))
        sets = ", ".join(f"{q} = v.{q}" for q in t.quoted[1:])
        parts.append(
            f"UPDATE {t.table} AS l SET {sets} FROM json_populate_recordset(NULL::{t.table}, "  # noqa: S608
            f"%s::json) AS v WHERE l.{t.quoted[0]} = v.{t.quoted[0]}"
        )
        params.append(t.document(lots))
    if not parts:
        return
    head = ", ".join(f"w{i} AS ({part})" for i, part in enumerate(parts[:-1]))
    with connection.cursor() as cursor:
        cursor.execute((f"WITH {head} " if head else "") + parts[-1], params)
