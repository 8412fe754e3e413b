"""Database helpers used by migrations."""

from django.db import migrations


def immutable_table(table: str) -> migrations.RunPython:
    """A migration operation that makes ``table`` append-only on PostgreSQL.

    Updates and deletes raise in the database itself, so no code path (raw SQL, bulk
    ``QuerySet.update``, the admin) can rewrite the audit trail. On SQLite the ORM guard in
    ``ImmutableModel`` is the only protection.
    """

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            """
            CREATE OR REPLACE FUNCTION tradefloor_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'rows of % are append-only', TG_TABLE_NAME
                    USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql;
            """,
            params=None,
        )
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION tradefloor_refuse_change();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return migrations.RunPython(forward, backward)


def postgres_only(forward_sql: str, backward_sql: str) -> migrations.RunPython:
    """A migration operation that runs SQL on PostgreSQL only (an extension, an index of an
    operator class SQLite does not have); nothing elsewhere."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forward_sql, params=None)

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(backward_sql, params=None)

    return migrations.RunPython(forward, backward)
