"""The CRM scenario of `make bench` (``python -m infra.bench.crm <json>``, run in the stack's
environment on its migrated database).

Seeds one workspace set-based (INSERT ... SELECT over generate_series, the timeline's secondary
indexes dropped during the load and rebuilt after, ANALYZE at the end): an account manager and
nine more owners, 20 tags, ``accounts`` accounts (a fifth with Cyrillic names, stages, segments,
owners and tags spread), ``contacts`` contacts, ``timeline`` timeline entries (a few accounts
very busy: the busiest holds a twentieth of them, spread over the whole time range like
every account's) and the default sales pipeline with
``opportunities`` opportunities over its stages.

Then measures, each ``n`` times after ``warmup`` calls, the real HTTP API through Django's test
client in this process (URL routing, middleware, DRF token authentication, the selector, the
serialiser and the JSON rendering: all a request meets but the socket and Daphne), against a
baseline run in the same process: the minimal psycopg query returning the same rows. Prints
one JSON line: {"seed": {...}, "cases": {name: {"ours": {p50,p95,p99}, "baseline": {...}}}}.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable

OWNERS = 10
TAGS = 20
CYRILLIC = [
    "Ромашка",
    "Агросвіт",
    "Техноторг",
    "Будмонтаж",
    "Укрпостач",
    "Металург",
    "Зерновий Дім",
    "Енергосервіс",
]
LATIN = [
    "Acme",
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark Supply",
    "Blue River",
    "Danube Logistics",
    "Carpathian Steel",
    "Black Sea Grain",
]
FORMS = ["LLC", "Ltd", "GmbH", "S.A.", "Sp. z o.o."]
STAGES = ["prospect", "onboarding", "active", "dormant", "lost"]
SEGMENTS = ["customer", "supplier", "both"]
KINDS = ["activity", "event", "document", "stage", "note"]


def _arr(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))], 3)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(ordered), 3),
    }


def measure(fn: Callable[[], object], *, n: int, warmup: int) -> dict:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


# --- seed --------------------------------------------------------------------------------------


def seed(*, accounts: int, contacts: int, timeline: int, opportunities: int) -> dict:
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from crm.models import Tag
    from crm.pipelines import default_pipeline
    from marketplace.companies.models import MembershipRole
    from tests.factories import CompanyFactory, member

    started = time.monotonic()
    workspace = CompanyFactory(legal_name="Bench CRM Ltd")
    manager = member(workspace, MembershipRole.ACCOUNT_MANAGER)
    owners = [manager.pk] + [
        member(workspace, MembershipRole.ACCOUNT_MANAGER).pk for _ in range(OWNERS - 1)
    ]
    token = Token.objects.get_or_create(user=manager)[0].key
    Tag.objects.bulk_create([Tag(workspace=workspace, name=f"tag-{i:02d}") for i in range(TAGS)])
    pipeline = default_pipeline(workspace_id=workspace.pk)
    stage_ids = list(pipeline.stages.order_by("position").values_list("pk", flat=True))
    ws = workspace.pk
    busiest_share = max(1, timeline // 20)
    busy_share = max(1, timeline // 80)  # each of the next four
    spread = max(0, timeline - busiest_share - 4 * busy_share)
    timings: dict = {}
    with connection.cursor() as c:

        def step(name: str, sql: str, params: list | None = None) -> None:
            t = time.monotonic()
            c.execute(sql, params or [])
            timings[name] = round(time.monotonic() - t, 2)

        # Foreign-key triggers off for the load (a superuser's session; skipped otherwise).
        with contextlib.suppress(Exception):  # not a superuser: the load checks its keys
            c.execute("SET session_replication_role = replica")
        step(
            "accounts",
            f"""
            INSERT INTO crm_account (workspace_id, company_id, name, name_key, country,
                registration_number, tax_id, website, domain, email, phone, address, city,
                owner_id, segment, stage, notes, custom, created_by_id, created_at, updated_at)
            SELECT %(ws)s, NULL, name, lower(core), CASE WHEN cyr THEN 'UA' ELSE 'PL' END,
                lpad((10000000 + i)::text, 8, '0'), lpad((3000000000 + i)::text, 10, '0'),
                'https://' || dom, dom, 'office@' || dom, '+38044' || lpad(i::text, 7, '0'),
                i || ' Main St', CASE WHEN cyr THEN 'Київ' ELSE 'Warszawa' END,
                (%(owners)s::bigint[])[1 + i %% {OWNERS}],
                (%(segments)s::text[])[1 + (i / 7) %% 3],
                (%(stages)s::text[])[1 + (i / 3) %% 5],
                '', '{{}}'::jsonb, %(manager)s,
                now() - (i %% 1000) * interval '1 day', now()
            FROM (
                SELECT i, cyr, core,
                    CASE WHEN cyr THEN 'ТОВ «' || core || '»' ELSE core || ' ' || form END AS name,
                    'c' || i || '.example.' || CASE WHEN cyr THEN 'ua' ELSE 'pl' END AS dom
                FROM (
                    SELECT i, i %% 5 = 0 AS cyr,
                        CASE WHEN i %% 5 = 0
                            THEN ({_arr(CYRILLIC)})[1 + (i / 5) %% {len(CYRILLIC)}] || ' ' || i
                            ELSE ({_arr(LATIN)})[1 + i %% {len(LATIN)}] || ' ' || i
                        END AS core,
                        ({_arr(FORMS)})[1 + i %% {len(FORMS)}] AS form
                    FROM generate_series(1, %(n)s) AS i
                ) AS g
            ) AS s
            """,
            {
                "ws": ws,
                "owners": owners,
                "segments": SEGMENTS,
                "stages": STAGES,
                "manager": manager.pk,
                "n": accounts,
            },
        )
        c.execute("SELECT min(id), max(id) FROM crm_account WHERE workspace_id = %s", [ws])
        first, last = c.fetchone()
        step(
            "account_tags",
            """
            INSERT INTO crm_account_tags (account_id, tag_id)
            SELECT a.id, t.ids[1 + (a.id * 7) %% cardinality(t.ids)]
            FROM crm_account a,
                (SELECT array_agg(id ORDER BY id) AS ids FROM crm_tag WHERE workspace_id = %s) t
            WHERE a.workspace_id = %s AND a.id %% 5 <> 0
            """,
            [ws, ws],
        )
        step(
            "contacts",
            """
            INSERT INTO crm_contact (workspace_id, account_id, first_name, last_name, position,
                emails, phones, language, consent, consent_at, user_id, notes, custom,
                created_by_id, created_at, updated_at)
            SELECT %s, %s + (i %% %s), (ARRAY['Olena','Taras','Anna','Piotr','Ірина'])[1 + i %% 5],
                'Surname' || i, 'Buyer', jsonb_build_array('p' || i || '@example.com'),
                '[]'::jsonb, 'uk', i %% 2 = 0, NULL, NULL, '', '{}'::jsonb, NULL, now(), now()
            FROM generate_series(1, %s) AS i
            """,
            [ws, first, last - first + 1, contacts],
        )
        # The timeline's secondary indexes are rebuilt after the load (much faster than
        # maintaining them row by row), from their own definitions.
        c.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = 'crm_timelineentry'::regclass AND NOT x.indisprimary
            """
        )
        indexes = c.fetchall()
        for name, _definition in indexes:
            c.execute(f'DROP INDEX "{name}"')
        step(
            "timeline",
            f"""
            INSERT INTO crm_timelineentry (workspace_id, account_id, contact_id, kind, type,
                title, body, url, payload, event_id, activity_id, document_id, actor_id, at)
            SELECT %(ws)s, account_id, NULL,
                (%(kinds)s::text[])[1 + i %% 5], 'bench.entry', 'Entry ' || i, '', '',
                '{{}}'::jsonb, NULL, NULL, NULL, (%(owners)s::bigint[])[1 + i %% {OWNERS}],
                now() - ((i::bigint * 7919) %% %(n)s) * interval '1 second'
                    - random() * interval '1 second'
            FROM (
                SELECT i, CASE
                    WHEN i <= %(busiest)s THEN %(first)s
                    WHEN i <= %(busiest)s + 4 * %(busy)s
                        THEN %(first)s + 1 + (i - %(busiest)s - 1) / %(busy)s
                    ELSE %(first)s + ((i::bigint * 2654435761) %% %(span)s)
                END AS account_id
                FROM generate_series(1, %(n)s) AS i
            ) AS g
            """,
            {
                "ws": ws,
                "kinds": KINDS,
                "owners": owners,
                "busiest": busiest_share,
                "busy": busy_share,
                "first": first,
                "span": last - first + 1,
                "n": busiest_share + 4 * busy_share + spread,
            },
        )
        t = time.monotonic()
        for _name, definition in indexes:
            c.execute(definition)
        timings["timeline_indexes"] = round(time.monotonic() - t, 2)
        step(
            "opportunities",
            """
            INSERT INTO crm_opportunity (workspace_id, account_id, pipeline_id, stage_id, title,
                amount, currency, probability, expected_close, owner_id, competitors, status,
                lost_reason, lost_note, lot_id, tender_id, auction_outcome, won_amount, position,
                custom, closed_at, created_by_id, created_at, updated_at)
            SELECT %(ws)s, %(first)s + (i * 37) %% %(span)s, %(pipeline)s,
                (%(stages)s::bigint[])[1 + i %% cardinality(%(stages)s::bigint[])],
                'Deal ' || i, (1000 + i * 17 %% 900000)::numeric(18, 2),
                (ARRAY['UAH','EUR','USD'])[1 + i %% 3], NULL,
                current_date + (i %% 180), (%(owners)s::bigint[])[1 + i %% 10], '[]'::jsonb,
                'open', '', '', NULL, NULL, '{}'::jsonb, NULL, i, '{}'::jsonb, NULL, NULL,
                now(), now()
            FROM generate_series(1, %(n)s) AS i
            """,
            {
                "ws": ws,
                "first": first,
                "span": last - first + 1,
                "pipeline": pipeline.pk,
                "stages": stage_ids,
                "owners": owners,
                "n": opportunities,
            },
        )
        c.execute("RESET session_replication_role")
        # VACUUM too: the visibility map set, and no autovacuum of the fresh tables during the
        # measurements.
        step("vacuum_analyze", "VACUUM ANALYZE")
    return {
        "workspace": ws,
        "manager": manager.pk,
        "owners": owners,
        "token": token,
        "pipeline": pipeline.pk,
        "busiest_account": first,
        "busiest_entries": busiest_share,
        "accounts": accounts,
        "contacts": contacts,
        "timeline": busiest_share + 4 * busy_share + spread,
        "opportunities": opportunities,
        "steps_s": timings,
        "seconds": round(time.monotonic() - started, 1),
    }


# --- the cases ---------------------------------------------------------------------------------

ACCOUNT_COLUMNS = (
    "a.id, a.name, a.name_key, a.country, a.registration_number, a.tax_id, a.website, a.domain, "
    "a.email, a.phone, a.address, a.city, a.owner_id, a.segment, a.stage, a.notes, a.custom, "
    "a.created_at, a.updated_at, u.id, u.email, c.id, c.legal_name"
)
ACCOUNT_FROM = (
    "FROM crm_account a LEFT JOIN users_user u ON u.id = a.owner_id "
    "LEFT JOIN companies_company c ON c.id = a.company_id"
)
TAGS_SQL = (
    "SELECT at.account_id, t.id, t.name FROM crm_account_tags at JOIN crm_tag t "
    "ON t.id = at.tag_id WHERE at.account_id = ANY(%s) ORDER BY t.name"
)


def cases(info: dict) -> dict[str, tuple[str, Callable, Callable]]:
    """name -> (what, ours, baseline): ours calls the API, baseline runs the bare SQL."""
    import psycopg
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from crm.models import TimelineEntry
    from crm.timeline_selectors import cursor_make

    db = settings.DATABASES["default"]
    pg = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=True,
    )
    client = Client(HTTP_AUTHORIZATION=f"Token {info['token']}", HTTP_HOST="127.0.0.1")
    ws, owner, busiest = info["workspace"], info["owners"][3], info["busiest_account"]

    def api(url: str, params: dict) -> Callable:
        def call() -> object:
            response = client.get(url, params, secure=True)
            if response.status_code != 200:
                raise RuntimeError(
                    f"{url} {params}: {response.status_code} {response.content[:300]!r}"
                )
            return response.content

        return call

    def sql(query: str, params: list, then: Callable | None = None) -> Callable:
        def call() -> object:
            rows = pg.execute(query, params).fetchall()
            if then is not None:
                then(rows)
            return rows

        return call

    def with_tags(rows: list) -> None:
        pg.execute(TAGS_SQL, [[r[0] for r in rows]]).fetchall()

    accounts_url = reverse("api:crm-accounts", kwargs={"workspace_id": ws})
    timeline_url = reverse(
        "api:crm-account-timeline", kwargs={"workspace_id": ws, "account_id": busiest}
    )
    board_url = reverse(
        "api:crm-pipeline-board", kwargs={"workspace_id": ws, "pipeline_id": info["pipeline"]}
    )
    # The deep page starts after the entry half way down the busiest account's timeline.
    deep_offset = info["busiest_entries"] // 2
    at, pk = pg.execute(
        "SELECT at, id FROM crm_timelineentry WHERE account_id = %s ORDER BY at DESC, id DESC "
        "OFFSET %s LIMIT 1",
        [busiest, deep_offset],
    ).fetchone()
    cursor = cursor_make(TimelineEntry(pk=pk, at=at))
    text = "ромашка"
    like = f"%{text}%"
    timeline_sql = (
        "SELECT e.*, u.id, u.email FROM crm_timelineentry e LEFT JOIN users_user u "
        "ON u.id = e.actor_id WHERE e.account_id = %s {extra} ORDER BY e.at DESC, e.id DESC "
        "LIMIT 51"
    )
    return {
        "accounts_text": (
            f"account list, q={text!r} (name, folded name, e-mail, identifiers, domain), page 1",
            api(accounts_url, {"q": text}),
            sql(
                f"SELECT {ACCOUNT_COLUMNS} {ACCOUNT_FROM} WHERE a.workspace_id = %s AND "
                "(a.name_key LIKE %s OR upper(a.email) LIKE upper(%s) OR a.tax_id LIKE %s "
                "OR a.registration_number LIKE %s OR a.domain LIKE %s) "
                "ORDER BY upper(a.name), a.name, a.id LIMIT 50",
                [ws, like, like, text.upper() + "%", text.upper() + "%", text + "%"],
                with_tags,
            ),
        ),
        "accounts_stage_owner": (
            "account list, stage=active & owner, page 1",
            api(accounts_url, {"stage": "active", "owner": owner}),
            sql(
                f"SELECT {ACCOUNT_COLUMNS} {ACCOUNT_FROM} WHERE a.workspace_id = %s AND "
                "a.stage = 'active' AND a.owner_id = %s ORDER BY a.name, a.id LIMIT 50",
                [ws, owner],
                with_tags,
            ),
        ),
        "timeline_first": (
            f"busiest account's timeline ({info['busiest_entries']:,} entries), first page",
            api(timeline_url, {}),
            sql(timeline_sql.format(extra=""), [busiest]),
        ),
        "timeline_deep": (
            f"the same, page after entry {deep_offset:,} (keyset)",
            api(timeline_url, {"cursor": cursor}),
            sql(
                timeline_sql.format(
                    extra="AND e.at <= %s AND (e.at < %s OR (e.at = %s AND e.id < %s))"
                ),
                [busiest, at, at, at, pk],
            ),
        ),
        "board": (
            f"pipeline board, {info['opportunities']:,} opportunities, 50 cards a stage",
            api(board_url, {}),
            sql(
                "SELECT stage_id, currency, count(*), sum(amount), "
                "sum(amount * coalesce(o.probability, s.probability)) FROM crm_opportunity o "
                "JOIN crm_stage s ON s.id = o.stage_id WHERE o.workspace_id = %s AND "
                "o.pipeline_id = %s GROUP BY 1, 2 ORDER BY 1, 2",
                [ws, info["pipeline"]],
                lambda _rows: pg.execute(
                    "SELECT o.*, a.name, u.email FROM crm_opportunity o JOIN crm_account a "
                    "ON a.id = o.account_id LEFT JOIN users_user u ON u.id = o.owner_id "
                    "WHERE o.id = ANY(%s) ORDER BY o.stage_id, o.position, o.id",
                    [
                        [
                            r[0]
                            for r in pg.execute(
                                "SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY "
                                "stage_id ORDER BY position, id) AS r FROM crm_opportunity "
                                "WHERE workspace_id = %s AND pipeline_id = %s) x WHERE r <= 50",
                                [ws, info["pipeline"]],
                            ).fetchall()
                        ]
                    ],
                ).fetchall(),
            ),
        ),
    }


def slowest_query(call: Callable) -> dict:
    """The queries one API call runs (their count and time), and the plan of the slowest:
    EXPLAIN (ANALYZE, BUFFERS) of the SQL Django sent."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    ms, slowest = max(queries)
    with connection.cursor() as c:
        c.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest}")
        plan = [row[0] for row in c.fetchall()]
    return {
        "queries": len(queries),
        "sql_ms": round(sum(q[0] for q in queries), 2),
        "slowest_ms": round(ms, 2),
        "slowest_sql": slowest,
        "plan": plan,
    }


def main(argv: list[str]) -> int:
    config = json.loads(argv[0]) if argv else {}
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    from django.conf import settings

    from marketplace.core.gc_tuning import tune_for_serving

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    info = seed(
        accounts=int(config.get("accounts", 100_000)),
        contacts=int(config.get("contacts", 300_000)),
        timeline=int(config.get("timeline", 2_000_000)),
        opportunities=int(config.get("opportunities", 5_000)),
    )
    n, warmup = int(config.get("n", 200)), int(config.get("warmup", 20))
    # The measuring process stands in for a Daphne process, so its collector is tuned as
    # marketplace/asgi.py tunes Daphne's (BENCH_CRM_GC=cpython measures it untuned).
    gc_tuned = config.get("gc") != "cpython" and tune_for_serving()
    results = {}
    for name, (what, ours, baseline) in cases(info).items():
        results[name] = {
            "what": what,
            "ours": measure(ours, n=n, warmup=warmup),
            "baseline": measure(baseline, n=n, warmup=warmup),
            "slowest_query": slowest_query(ours),
        }
    info.pop("token")
    print(json.dumps({"seed": info, "gc_tuned": gc_tuned, "cases": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
