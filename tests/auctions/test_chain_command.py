"""``manage.py verify_lot_chain``: an intact chain, a rewritten entry, a removed entry.

The event table is append-only. On SQLite only the ORM guards it, so a raw UPDATE rewrites an
entry; on PostgreSQL a trigger refuses it, and the tampering below first disables triggers for
its own connection (``session_replication_role = replica``, as a superuser could)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from auctions.events import chain_verify
from auctions.models import LotEvent, LotProtocol
from auctions.protocol.record import protocol_build
from auctions.protocol.render import protocol_render_csv
from auctions.protocol.storage import protocol_store

from .test_protocol import csv_sections, finished_auction

pytestmark = pytest.mark.django_db


def raw(sql: str, params: list) -> None:
    """Run ``sql`` past the append-only guard of the database in use."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(sql, params)
            return
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


def tamper_payload(lot_id: int, seq: int, payload: dict) -> None:
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    raw(
        f"UPDATE auctions_lotevent SET payload = %s{cast} WHERE lot_id = %s AND seq = %s",
        [json.dumps(payload), lot_id, seq],
    )


def verify(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify_lot_chain", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


def test_an_intact_chain_is_ok_with_its_count_and_final_hash():
    a = finished_auction()
    out, _err, code = verify(str(a.lot.pk))
    assert code == 0
    assert out.strip() == (
        f"lot {a.lot.pk}: OK, {a.lot.event_seq} entries, final hash {a.lot.last_hash}"
    )


def test_a_rewritten_amount_is_found_and_named():
    a, b = finished_auction(), finished_auction(award=False)
    event = LotEvent.objects.get(lot=a.lot, kind="bid_placed", payload__amount="95000.00")
    tamper_payload(a.lot.pk, event.seq, {**event.payload, "amount": "90000.00"})

    out, err, code = verify(str(a.lot.pk), str(b.lot.pk))
    assert code == 1
    lines = out.strip().splitlines()
    assert lines[0] == (
        f"lot {a.lot.pk}: BROKEN at entry {event.seq}: "
        f"entry {event.seq}: its content does not match its hash"
    )
    assert lines[1].startswith(f"lot {b.lot.pk}: OK, {b.lot.event_seq} entries")
    assert "1 of 2 lots failed the check." in err

    # The protocol says so too.
    p = protocol_build(lot_id=a.lot.pk)
    assert not p.chain.ok and p.chain.broken_entry == event.seq
    integrity = dict(csv_sections(protocol_render_csv(p))["Integrity of the record"][1:])
    assert integrity["The chain verifies"].startswith(
        f"No: the chain is broken at entry {event.seq}"
    )
    assert protocol_store(lot_id=a.lot.pk).chain_ok is False


def test_a_relinked_entry_is_found():
    a = finished_auction(award=False)
    event = LotEvent.objects.get(lot=a.lot, seq=3)
    raw(
        "UPDATE auctions_lotevent SET prev_hash = %s WHERE id = %s",
        ["f" * 64, event.pk],
    )
    out, _err, code = verify(str(a.lot.pk))
    assert code == 1
    assert "BROKEN at entry 3: entry 3: does not point to the previous entry's hash" in out


def test_a_removed_last_entry_is_found():
    a = finished_auction()
    raw("DELETE FROM auctions_lotevent WHERE lot_id = %s AND seq = %s", [a.lot.pk, a.lot.event_seq])
    out, _err, code = verify(str(a.lot.pk))
    assert code == 1
    assert f"BROKEN at entry {a.lot.event_seq}" in out and "entries missing" in out


def test_all_lots_and_unknown_ids():
    a, b = finished_auction(award=False), finished_auction(award=False)
    out, _err, code = verify("--all")
    assert code == 0
    assert [line.split(":")[0] for line in out.strip().splitlines()] == [
        f"lot {a.lot.pk}",
        f"lot {b.lot.pk}",
    ]
    out, err, code = verify(str(a.lot.pk), "999999")
    assert code == 1 and "lot 999999: no such lot" in err and f"lot {a.lot.pk}: OK" in out
    _out, err, code = verify()
    assert code == 2 and "--all" in err


@pytest.mark.postgres
def test_postgres_refuses_to_rewrite_or_remove_entries():
    a = finished_auction()
    protocol_store(lot_id=a.lot.pk)
    before = list(LotEvent.objects.filter(lot=a.lot).values_list("seq", "payload", "hash"))
    statements = [
        ("UPDATE auctions_lotevent SET payload = '{}'::jsonb WHERE lot_id = %s", [a.lot.pk]),
        ("DELETE FROM auctions_lotevent WHERE lot_id = %s", [a.lot.pk]),
        ("UPDATE auctions_lotprotocol SET sha256 = 'x' WHERE lot_id = %s", [a.lot.pk]),
    ]
    for sql, params in statements:
        with pytest.raises(DatabaseError) as err, transaction.atomic(), connection.cursor() as c:
            c.execute(sql, params)
        assert "append-only" in str(err.value)
    after = list(LotEvent.objects.filter(lot=a.lot).values_list("seq", "payload", "hash"))
    assert after == before
    assert chain_verify(lot_id=a.lot.pk)[0]
    assert LotProtocol.objects.get(lot=a.lot).sha256 != "x"


def test_the_chain_recomputes_by_the_documented_rule():
    """docs/protocol.md "Verifying by hand", independently of auctions.events."""
    import hashlib

    a = finished_auction()
    prev = "0" * 64
    for e in LotEvent.objects.filter(lot=a.lot).order_by("seq").values():
        body = json.dumps(
            {
                "seq": e["seq"],
                "kind": e["kind"],
                "at": e["created_at"].isoformat(),
                "actor": e["actor_id"],
                "payload": e["payload"],
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        digest = hashlib.sha256((prev + body).encode()).hexdigest()
        assert e["prev_hash"] == prev and e["hash"] == digest, e["seq"]
        prev = digest
    assert prev == a.lot.last_hash == protocol_build(lot_id=a.lot.pk).chain.final_hash
