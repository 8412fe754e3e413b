"""Every branch of the account list's text filter gets an index on PostgreSQL, so the planner
ORs bitmap index scans instead of reading every account of the workspace (docs/benchmarks.md,
"CRM at scale"): trigrams of the upper-cased e-mail (Django's icontains writes
``UPPER(email) LIKE UPPER('%...%')``) beside those of the folded name (0002), and prefix
indexes for the identifiers that do not depend on the database's collation (the domain has
one already: Django gives an indexed varchar its ``varchar_pattern_ops`` twin)."""

from django.db import migrations

from marketplace.core.db import postgres_only


class Migration(migrations.Migration):

    dependencies = [
        ("crm", "0002_constraints_and_search"),
    ]

    operations = [
        postgres_only(
            "CREATE INDEX IF NOT EXISTS crm_account_email_trgm ON crm_account "
            "USING gin (upper(email) gin_trgm_ops); "
            "CREATE INDEX IF NOT EXISTS crm_account_tax_id_prefix ON crm_account "
            "(workspace_id, tax_id varchar_pattern_ops); "
            "CREATE INDEX IF NOT EXISTS crm_account_registration_prefix ON crm_account "
            "(workspace_id, registration_number varchar_pattern_ops);",
            "DROP INDEX IF EXISTS crm_account_registration_prefix; "
            "DROP INDEX IF EXISTS crm_account_tax_id_prefix; "
            "DROP INDEX IF EXISTS crm_account_email_trgm;",
        ),
    ]
