"""Rows of fixed SQL made into values as the ORM makes them.

The connect path of the live room (a crowd reconnecting at once) reads with statements built
once per process instead of querysets compiled per call (``auctions.realtime.connect_reads``,
``marketplace.core.ws_tokens``). Their values must be what the ORM would hand over: SQLite
keeps datetimes and decimals as text and booleans as integers, PostgreSQL's come typed. Here
each field's converters (the backend's, then the field's, as ``SQLCompiler`` applies them) are
looked up once per (database vendor, model, fields) and applied to a row.

These helpers run in the event loop too (``loop_db``), so they never touch
``django.db.connection``: in an async thread Django's connection handler keeps its wrappers
per *context*, so each socket's task would make a ``DatabaseWrapper`` of its own and keep it
for the socket's life (3.5 KiB per idle socket, ``make bench``'s idle). They use one
unconnected wrapper of the process instead, for its operations, names and converters only.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model


@cache
def _wrapper() -> BaseDatabaseWrapper:
    """The default database's backend, never connected: its operations, names, converters."""
    return connections.create_connection(DEFAULT_DB_ALIAS)


def vendor() -> str:
    """The default database's vendor (``postgresql``, ``sqlite``...)."""
    return _wrapper().vendor


def quote_name(name: str) -> str:
    return _wrapper().ops.quote_name(name)


def columns(model: type[Model], alias: str, names: Iterable[str]) -> str:
    """``alias.column, ...`` for these fields, quoted for the connection's database."""
    return ", ".join(f"{alias}.{quote_name(_field(model, n).column)}" for n in names)


def table(model: type[Model]) -> str:
    return quote_name(model._meta.db_table)


def convert(model: type[Model], names: tuple[str, ...], row) -> list:
    """``row``'s values (one per field in ``names``) as the ORM converts them."""
    connection = _wrapper()
    plan = _plan(connection.vendor, model, names)
    values = list(row)
    for index, column, converters in plan:
        value = values[index]
        if value is None:
            continue
        for converter in converters:
            value = converter(value, column, connection)
        values[index] = value
    return values


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    if not isinstance(field, Field):  # a relation's other side, a generic key: no column
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


@cache
def _plan(vendor: str, model: type[Model], names: tuple[str, ...]) -> tuple:
    plan = []
    connection = _wrapper()
    for index, name in enumerate(names):
        column = _field(model, name).get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            plan.append((index, column, tuple(converters)))
    return tuple(plan)
