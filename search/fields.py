"""The haystack's words as PostgreSQL's ``tsvector``, computed by the database itself.

The words ``search.text.haystack`` makes are the lexemes, taken as they are
(``array_to_tsvector``: no parser, no dictionary), so a query's prefix ``'дизе':*`` matches
exactly what ``LIKE '% дизе%'`` matches in the haystack, but through a GIN index of the words
instead of a trigram index and a recheck of every candidate's whole text. Other databases
(SQLite under ``make run``) keep a NULL and search the haystack with ``LIKE``."""

from __future__ import annotations

from django.db import models
from django.db.models import Func


class TermsField(models.Field):
    """``tsvector`` on PostgreSQL; an unused text column elsewhere."""

    description = "the haystack's words as a tsvector (PostgreSQL)"

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


class HaystackTerms(Func):
    """``array_to_tsvector(array_remove(string_to_array(haystack, ' '), ''))`` on PostgreSQL
    (every function immutable, as a stored generated column needs); NULL elsewhere."""

    arity = 1
    output_field = TermsField()

    def as_sql(self, compiler, connection, **extra_context):
        return "NULL", []

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"array_to_tsvector(array_remove(string_to_array({sql}, ' '), ''))", params
