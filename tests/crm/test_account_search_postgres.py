"""The account list's text filter on PostgreSQL: every branch of it (folded name, e-mail,
identifiers, domain) has an index, so a rare word is found without reading the workspace, even
when all its matches sort after everything else (the case that made PostgreSQL walk the name
index to the end: docs/benchmarks.md, "CRM at scale"). The plan is checked, not the clock. At a
test's 40,000 rows, reading the table costs the planner about what the indexes do and its
choice flips with ANALYZE's sample, so the test leaves it only bitmap scans: if a branch had no
index, the plan would have to read the table. And the page is sorted by an expression no index
provides, so no plan can walk the name index and filter (the benchmark's 100,000 rows show the
planner choosing the indexes by itself)."""

from __future__ import annotations

import pytest
from django.db import connection

from crm.account_selectors import account_list
from crm.models import Account
from tests.crm.activities_factories import CrmWorld, api, client
from tests.crm.test_timeline_postgres import rows_scanned

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TOTAL = 40_000
EVERY = 50  # one account in fifty is "ТОВ «Ромашка N»"; Cyrillic sorts after Latin
RARE = TOTAL // EVERY


def fill(w: CrmWorld) -> None:
    table = Account._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (workspace_id, name, name_key, country, registration_number,
                                 tax_id, website, domain, email, phone, address, city, segment,
                                 stage, notes, custom, created_at, updated_at)
            SELECT %s,
                   CASE WHEN g %% %s = 0 THEN 'ТОВ «Ромашка ' || g || '»'
                        ELSE 'Globex ' || g || ' GmbH' END,
                   CASE WHEN g %% %s = 0 THEN 'ромашка ' || g ELSE 'globex ' || g END,
                   'UA', '', lpad(g::text, 8, '0'), '', 'globex' || g || '.example',
                   'sales' || g || '@globex' || g || '.example', '', '', '', 'customer',
                   'active', '', '{{}}'::jsonb, now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [w.ws, EVERY, EVERY, TOTAL],
        )
        cursor.execute(f"ANALYZE {table}")


def test_a_rare_word_is_found_through_the_indexes_not_by_reading_the_workspace():
    w = CrmWorld()
    fill(w)
    with connection.cursor() as cursor:
        # Until the test rolls back: only bitmap scans (see above).
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
    for text in ("ромашка", "РОМАШКА", "Ромашка"):
        accounts = account_list(user=w.manager, workspace_id=w.ws, q=text)
        plan = accounts[:50].explain(analyze=True)
        assert "crm_account_name_key_trgm" in plan and "BitmapOr" in plan, plan
        assert "Sort Key: (upper((crm_account.name)" in plan, plan
        assert rows_scanned(plan) <= 2 * RARE, plan
        names = [a.name for a in accounts[:50]]
        assert len(names) == 50 and all("Ромашка" in n for n in names), names
        assert names == sorted(names, key=str.upper)
        assert accounts.count() == RARE

    # Each of the other branches finds its rows through its own index too.
    for text, index in (
        ("SALES123@", "crm_account_email_trgm"),
        ("00000123", "crm_account_tax_id_prefix"),
        ("globex777.", "crm_account_domain_"),  # Django's varchar_pattern_ops twin
    ):
        accounts = account_list(user=w.manager, workspace_id=w.ws, q=text)
        plan = accounts[:50].explain(analyze=True)
        assert index in plan, plan
        assert rows_scanned(plan) <= 2 * RARE, plan
        assert accounts.exists(), text

    # Upper-case Cyrillic through the API (UPPER() folds Cyrillic in the test database's
    # UTF-8 character classes, as it does in production).
    url = api("crm-accounts", workspace_id=w.ws)
    response = client(w.manager).get(url, {"q": "ТОВ «РОМАШКА 700»"})
    assert response.status_code == 200, response.content
    found = {a["name"] for a in response.json()["results"]}
    assert found == {"ТОВ «Ромашка 700»", "ТОВ «Ромашка 7000»"}
