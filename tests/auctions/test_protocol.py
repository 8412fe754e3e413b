"""The lot's protocol: its content, the supplier's version, the three formats, the stored copy."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.utils import timezone, translation
from openpyxl import load_workbook
from pypdf import PdfReader

from auctions.bidding.place import bid_place, surrogate_bid_place
from auctions.bidding.proxy import proxy_set
from auctions.lifecycle import lot_award, lot_close, lot_pause, lot_resume
from auctions.models import Lot, LotEvent, LotProtocol, LotStatus, Tender
from auctions.protocol.record import protocol_build
from auctions.protocol.render import protocol_render_csv, protocol_render_pdf, protocol_render_xlsx
from auctions.protocol.storage import protocol_store
from auctions.protocol.tasks import protocol_generate, protocol_schedule
from marketplace.core.exceptions import ConflictError

from .engine_setup import Auction

pytestmark = pytest.mark.django_db

COMPETITORS = ("Canary Supplier 1", "Canary Supplier 3")
SURROGATE_NOTE = "Phoned in by Canary Supplier 3 at 10:42"
PAUSE_REASON = "Power cut at a supplier"


def finished_auction(
    *, award: bool = True, reveal: bool = False, cyrillic: bool = False, **lot_rules
) -> Auction:
    """Three suppliers; a manual bid, a proxy, a surrogate bid, a pause, a late bid extending the
    end, the close and (by default) the award. Final: #1 95000, #2 96000, #3 97000."""
    rules = {"soft_close_window_seconds": 120, "soft_close_extension_seconds": 60, **lot_rules}
    a = Auction(suppliers=3, **rules)
    base = timezone.now() - timedelta(hours=2)
    Lot.objects.filter(pk=a.lot.pk).update(starts_at=base - timedelta(seconds=1))
    if reveal:
        Tender.objects.filter(pk=a.tender.pk).update(reveal_identities=True)
    if cyrillic:
        Lot.objects.filter(pk=a.lot.pk).update(title="Дизельне паливо Євро-5")
        a.companies[1].legal_name = "ТОВ Нафтогаз-Схід"
        a.companies[1].save()
    a.start(now=base)
    lot_id = a.lot.pk
    bid_place(lot_id=lot_id, user=a.bidders[0], amount="99000", now=base + timedelta(minutes=1))
    # The proxy answers at once with 98000 (one step under the best).
    proxy_set(lot_id=lot_id, user=a.bidders[1], floor="95500", now=base + timedelta(minutes=2))
    # The buyer enters 97000 for the third supplier; the proxy answers with 96000.
    surrogate_bid_place(
        lot_id=lot_id,
        user=a.officer,
        application_id=a.applications[2].pk,
        amount="97000",
        reason=SURROGATE_NOTE,
        now=base + timedelta(minutes=3),
    )
    lot_pause(lot_id=lot_id, user=a.officer, reason=PAUSE_REASON, now=base + timedelta(minutes=5))
    lot_resume(lot_id=lot_id, user=a.officer, now=base + timedelta(minutes=15))
    a.refresh()
    # A late bid extends the end; the proxy's floor (95500) stops it from answering.
    bid_place(
        lot_id=lot_id, user=a.bidders[0], amount="95000", now=a.lot.ends_at - timedelta(seconds=30)
    )
    a.refresh()
    lot_close(lot_id=lot_id, now=a.lot.ends_at)
    if award:
        lot_award(lot_id=lot_id, user=a.officer)
    return a.refresh()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def csv_sections(content: bytes) -> dict[str, list[list[str]]]:
    """Title -> [heading row, data rows...] of the protocol's CSV."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in rows[2:]:
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def all_renderings(protocol) -> str:
    return "\n".join(
        [
            protocol_render_csv(protocol).decode("utf-8-sig"),
            "\n".join(
                str(c.value)
                for ws in load_workbook(io.BytesIO(protocol_render_xlsx(protocol))).worksheets
                for row in ws.iter_rows()
                for c in row
                if c.value is not None
            ),
            pdf_text(protocol_render_pdf(protocol)),
        ]
    )


def test_the_buyers_protocol_records_the_whole_auction():
    a = finished_auction()
    p = protocol_build(lot_id=a.lot.pk)
    assert p.full
    assert [(b.amount, b.kind) for b in p.bids] == [
        (Decimal("99000.00"), "manual"),
        (Decimal("98000.00"), "proxy"),
        (Decimal("97000.00"), "surrogate"),
        (Decimal("96000.00"), "proxy"),
        (Decimal("95000.00"), "manual"),
    ]
    assert [b.bidder.split(" (")[0] for b in p.bids] == [
        "Canary Supplier 1",
        "Canary Supplier 2",
        "Canary Supplier 3",
        "Canary Supplier 2",
        "Canary Supplier 1",
    ]
    surrogate = p.bids[2]
    assert a.officer.full_name in surrogate.entered_by and surrogate.note == SURROGATE_NOTE
    assert [b.rank for b in p.bids] == [1, 1, 1, 1, 1]
    bid_entries = LotEvent.objects.filter(lot=a.lot, kind="bid_placed").order_by("seq")
    assert [b.entry for b in p.bids] == [e.seq for e in bid_entries]

    kinds = [(e.kind, e.description) for e in p.events]
    assert ("proxy_set", "Canary Supplier 2 (Bidder #2) set a proxy floor") in kinds
    descriptions = " | ".join(d for _k, d in kinds)
    assert f"Paused: {PAUSE_REASON}" in descriptions
    assert "Resumed" in descriptions and "Extended from" in descriptions
    assert "The auction closed" in descriptions and "Awarded to Canary Supplier 1" in descriptions
    assert [e.kind for e in p.events].count("extended") == 1 == a.lot.extensions
    pause = next(e for e in p.events if "Paused" in e.description)
    assert pause.actor == a.officer.full_name

    assert [(r.rank, r.bidder.split(" (")[0], r.amount) for r in p.ranking] == [
        (1, "Canary Supplier 1", Decimal("95000.00")),
        (2, "Canary Supplier 2", Decimal("96000.00")),
        (3, "Canary Supplier 3", Decimal("97000.00")),
    ]
    assert p.ranking[1].savings == Decimal("4000.00")
    assert p.ranking[1].savings_percent == Decimal("4.00")
    assert (p.best_amount, p.savings, p.savings_percent) == (
        Decimal("95000.00"),
        Decimal("5000.00"),
        Decimal("5.00"),
    )
    assert p.award is not None and p.award.amount == Decimal("95000.00")
    assert p.award.bidder.startswith("Canary Supplier 1")

    assert p.chain.ok and p.chain.broken_entry is None
    assert p.chain.final_hash == a.lot.last_hash
    assert p.chain.entries == a.lot.event_seq == LotEvent.objects.filter(lot=a.lot).count()
    assert p.chain.final_hash == LotEvent.objects.filter(lot=a.lot).latest("seq").hash


def test_the_rendered_files_carry_the_same_content():
    a = finished_auction(reserve_price=Decimal("99500"))
    p = protocol_build(lot_id=a.lot.pk)
    text = all_renderings(p)
    for name in ("Canary Supplier 1", "Canary Supplier 2", "Canary Supplier 3", "Diesel fuel"):
        assert name in text
    assert a.lot.last_hash in text
    assert SURROGATE_NOTE in text and PAUSE_REASON in text
    assert "99,500.00 UAH" in text  # the reserve: in the buyer's version only


def test_a_suppliers_version_never_names_a_competitor():
    a = finished_auction(reserve_price=Decimal("99500"))
    p = protocol_build(lot_id=a.lot.pk, supplier_id=a.companies[1].pk)
    assert not p.full and not p.names_revealed
    text = all_renderings(p)
    assert "Canary Supplier 2 (your company)" in text
    for canary in COMPETITORS:
        assert canary not in text, canary
    assert "Bidder #1" in text and "Bidder #3" in text
    # Nothing only the buyer may see: its notes, its people, the reserve.
    assert SURROGATE_NOTE not in text
    assert a.officer.full_name not in text and a.officer.email not in text
    # The reserve as an amount, in any rendering ("99,500.00", "99500.00", "99500"), not the
    # digits inside a timestamp's fraction (".995000").
    assert not re.search(r"(?<![\d.])99,?500(?!\d)", text), "the reserve price is shown"
    for bidder in a.bidders:
        assert bidder.email not in text
    # The pause reason was shown to every participant live; it stays.
    assert PAUSE_REASON in text
    # Its own proxy is listed; the others' bids are there under labels.
    assert any(e.kind == "proxy_set" for e in p.events)
    assert [b.bidder for b in p.bids][:3] == [
        "Bidder #1",
        "Canary Supplier 2 (your company)",
        "Bidder #3",
    ]
    assert p.ranking[0].bidder == "Bidder #1" and p.award.bidder == "Bidder #1"
    assert p.award.reason == "" and p.award.awarded_by == ""
    assert p.chain.final_hash == a.lot.last_hash


def test_a_supplier_does_not_see_another_bidders_proxy():
    a = finished_auction()
    p = protocol_build(lot_id=a.lot.pk, supplier_id=a.companies[0].pk)
    assert not any(e.kind == "proxy_set" for e in p.events)
    # Its proxy's bids are still bids, shown as such under the label.
    assert [b.kind for b in p.bids if b.bidder == "Bidder #2"] == ["proxy", "proxy"]


def test_names_are_revealed_to_suppliers_when_the_tender_says_so():
    a = finished_auction(reveal=True)
    p = protocol_build(lot_id=a.lot.pk, supplier_id=a.companies[1].pk)
    assert p.names_revealed
    text = all_renderings(p)
    for canary in COMPETITORS:
        assert canary in text
    # What is the buyer's own stays the buyer's.
    assert SURROGATE_NOTE not in text and a.officer.full_name not in text


def test_no_protocol_before_the_close():
    a = Auction().start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000")
    with pytest.raises(ConflictError) as err:
        protocol_build(lot_id=a.lot.pk)
    assert err.value.code == "protocol_not_ready"
    assert protocol_store(lot_id=a.lot.pk) is None
    assert not LotProtocol.objects.exists()


def test_a_failed_lot_has_a_protocol_without_ranking():
    a = Auction().start()
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    a.refresh()
    assert a.lot.status == LotStatus.FAILED
    p = protocol_build(lot_id=a.lot.pk)
    assert p.bids == [] and p.ranking == [] and p.award is None
    assert p.savings is None and p.chain.ok
    sections = csv_sections(protocol_render_csv(p))
    assert sections["Final ranking"] == [
        ["Rank", "Bidder", "Amount (UAH)", "Offer made at", "Savings (UAH)", "Savings, %"]
    ]
    assert "No bids were placed." in pdf_text(protocol_render_pdf(p))


def test_the_csv_parses_back():
    a = finished_auction()
    sections = csv_sections(protocol_render_csv(protocol_build(lot_id=a.lot.pk)))
    assert list(sections) == [
        "Tender and lot",
        "Auction rules",
        "Participants",
        "Bids",
        "Course of the auction",
        "Final ranking",
        "Award",
        "Integrity of the record",
    ]
    head, *bids = sections["Bids"]
    assert head[:5] == ["No.", "Entry", "Time", "Bidder", "Amount (UAH)"]
    assert [Decimal(r[4]) for r in bids] == [
        Decimal(x) for x in (99000, 98000, 97000, 96000, 95000)
    ]
    assert [r[5] for r in bids] == [
        "Bid",
        "Proxy bid",
        "Surrogate bid entered by the buyer",
        "Proxy bid",
        "Bid",
    ]
    assert bids[0][2].endswith("+00:00")
    head, *ranking = sections["Final ranking"]
    assert [(r[0], r[2], r[-1]) for r in ranking] == [
        ("1", "95000.00", "5.00"),
        ("2", "96000.00", "4.00"),
        ("3", "97000.00", "3.00"),
    ]
    integrity = dict(sections["Integrity of the record"][1:])
    assert integrity["Final hash (SHA-256)"] == a.lot.last_hash
    assert integrity["Entries in the chain"] == str(a.lot.event_seq)
    summary = dict(sections["Tender and lot"][1:])
    assert summary["Start price"] == "100000.00" and summary["Currency"] == "UAH"
    assert summary["Savings, %"] == "5.00"


def test_the_xlsx_parses_back_with_numbers_in_the_currency():
    a = finished_auction()
    book = load_workbook(io.BytesIO(protocol_render_xlsx(protocol_build(lot_id=a.lot.pk))))
    assert "Bids" in book.sheetnames and "Final ranking" in book.sheetnames
    rows = list(book["Bids"].iter_rows(values_only=True))
    assert rows[0][:5] == ("No.", "Entry", "Time", "Bidder", "Amount (UAH)")
    assert [r[4] for r in rows[1:]] == [99000, 98000, 97000, 96000, 95000]
    assert book["Bids"]["E2"].number_format == '#,##0.00 "UAH"'
    ranking = list(book["Final ranking"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1].split(" (")[0]) for r in ranking] == [
        (1, "Canary Supplier 1"),
        (2, "Canary Supplier 2"),
        (3, "Canary Supplier 3"),
    ]


def test_text_that_looks_like_a_formula_stays_text():
    a = finished_auction(award=False)
    a.companies[0].legal_name = '=HYPERLINK("http://evil.example","x")'
    a.companies[0].save()
    p = protocol_build(lot_id=a.lot.pk)
    sections = csv_sections(protocol_render_csv(p))
    assert sections["Bids"][1][3].startswith("'=HYPERLINK")
    book = load_workbook(io.BytesIO(protocol_render_xlsx(p)))
    cell = book["Bids"]["D2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_pdf_renders_cyrillic():
    a = finished_auction(cyrillic=True)
    text = pdf_text(protocol_render_pdf(protocol_build(lot_id=a.lot.pk)))
    assert "Дизельне паливо Євро-5" in text
    assert "ТОВ Нафтогаз-Схід" in text
    supplier = pdf_text(
        protocol_render_pdf(protocol_build(lot_id=a.lot.pk, supplier_id=a.companies[1].pk))
    )
    assert "ТОВ Нафтогаз-Схід" in supplier and "Canary Supplier 1" not in supplier


def test_headings_and_money_follow_the_language():
    a = finished_auction()
    with translation.override("ru"):
        p = protocol_build(lot_id=a.lot.pk)
        sections = csv_sections(protocol_render_csv(p))
        text = pdf_text(protocol_render_pdf(p))
    assert p.language == "ru"
    assert "Итоговый рейтинг" in sections and "Ход аукциона" in sections
    assert "Участник №3" in text  # a supplier's label is in the buyer's version too
    assert "95\xa0000,00 UAH" in text or "95 000,00 UAH" in text


def test_the_stored_copy_is_written_once_per_chain_head(django_capture_on_commit_callbacks):
    a = finished_auction(award=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        protocol_schedule(a.lot.pk)
    assert len(callbacks) == 1
    stored = LotProtocol.objects.get(lot=a.lot)
    assert (stored.event_seq, stored.last_hash, stored.lot_status, stored.chain_ok) == (
        a.lot.event_seq,
        a.lot.last_hash,
        LotStatus.CLOSED,
        True,
    )
    content = storages["private"].open(stored.storage_name, "rb").read()
    assert hashlib.sha256(content).hexdigest() == stored.sha256 and len(content) == stored.size
    assert content.startswith(b"%PDF")
    # Again for the same head: the same copy.
    with django_capture_on_commit_callbacks(execute=True):
        protocol_schedule(a.lot.pk)
    assert LotProtocol.objects.filter(lot=a.lot).count() == 1
    assert protocol_store(lot_id=a.lot.pk) == stored
    # The award moves the head: a second copy, the first kept.
    lot_award(lot_id=a.lot.pk, user=a.officer)
    with django_capture_on_commit_callbacks(execute=True):
        protocol_schedule(a.lot.pk)
    a.refresh()
    copies = list(LotProtocol.objects.filter(lot=a.lot).order_by("event_seq"))
    assert [c.lot_status for c in copies] == [LotStatus.CLOSED, LotStatus.AWARDED]
    assert copies[1].last_hash == a.lot.last_hash
    assert "Awarded to" in pdf_text(storages["private"].open(copies[1].storage_name).read())


def test_a_worker_knows_the_task_by_its_name_from_before_the_package():
    """Messages queued before the protocol became a package carry the task's old automatic name:
    a fresh process that imports every app's tasks module, as a worker does, registers the task
    under that name."""
    name = "auctions.protocol_tasks.protocol_generate"
    assert protocol_generate.name == name
    code = (
        "import django; django.setup()\n"
        "from marketplace import celery_app\n"
        "celery_app.loader.import_default_modules()\n"
        f"print(celery_app.tasks[{name!r}].__module__)\n"
    )
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "auctions.protocol.tasks"


def test_the_task_skips_a_lot_that_is_not_finished(django_capture_on_commit_callbacks):
    a = Auction().start()
    with django_capture_on_commit_callbacks(execute=True):
        protocol_schedule(a.lot.pk)
    assert not LotProtocol.objects.exists()


def test_a_weighted_lot_shows_coefficients_and_weighted_amounts():
    a = Auction(weighted=True, step_reference="own")
    a.applications[0].coefficient = Decimal("1.285714285714")
    a.applications[1].coefficient = Decimal("1.428571428571")
    for app in a.applications[:2]:
        app.save()
    a.start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="46900")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="47900")
    a.refresh()
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    p = protocol_build(lot_id=a.lot.pk)
    # 47900 / 1.4286 = 33530 beats 46900 / 1.2857 = 36477.78.
    assert [(r.bidder.split(" (")[0], r.amount) for r in p.ranking] == [
        ("Canary Supplier 2", Decimal("47900.00")),
        ("Canary Supplier 1", Decimal("46900.00")),
    ]
    assert p.ranking[0].weighted.quantize(Decimal("0.01")) == Decimal("33530.00")
    assert all(b.weighted is not None for b in p.bids)
    sections = csv_sections(protocol_render_csv(p))
    assert "Weighted amount" in sections["Bids"][0]
    assert "Coefficient" in sections["Participants"][0]


def test_a_sealed_lot_lists_the_offers_and_the_opening():
    a = Auction(auction_format="sealed").start()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="96000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="95000")
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="94000.50")
    a.refresh()
    lot_close(lot_id=a.lot.pk, now=a.lot.ends_at)
    p = protocol_build(lot_id=a.lot.pk)
    sealed = LotEvent.objects.filter(lot=a.lot, kind="sealed_offer").order_by("seq")
    assert [b.entry for b in p.bids] == [e.seq for e in sealed]
    assert {b.kind for b in p.bids} == {"sealed"}
    assert [r.amount for r in p.ranking] == [Decimal("94000.50"), Decimal("95000.00")]
    assert any(e.kind == "offers_opened" and "(3)" in e.description for e in p.events)
    assert p.chain.ok


def test_the_course_of_a_lot_run_at_past_times_is_in_time_order():
    # As the demo's year of trading runs its lots (demo/history_demo.py): every step at the
    # time it is given. The applications' close and the scheduling once took the server's
    # clock instead, so a past lot's course read "applications closed" (today) before "the
    # auction started" (months ago).
    from auctions.lifecycle import lot_start
    from auctions.tenders import applications, drafting, scheduling
    from tests.auctions.factories import World, lot_data

    w = World()
    created = timezone.now() - timedelta(days=90)
    deadline = created + timedelta(days=5)
    kwargs = w.tender_kwargs(
        questions_deadline=deadline - timedelta(days=1),
        applications_deadline=deadline,
        auction_start=deadline + timedelta(days=1),
    )
    kwargs["lots"] = [lot_data(title="Lot 1", reserve_price=None, delivery_date=None)]
    tender = drafting.tender_create(actor=w.officer, now=created, **kwargs)
    drafting.tender_publish(actor=w.officer, tender=tender, now=created)
    lot = tender.lots.get()
    for company in (w.supplier, w.other_supplier):
        application = w.apply(lot, company, now=created + timedelta(days=1))
        applications.application_admit(
            actor=w.officer, application=application, now=deadline - timedelta(days=1)
        )
    scheduling.lot_applications_close(lot_id=lot.pk, now=deadline + timedelta(minutes=1))
    scheduling.lot_schedule(lot_id=lot.pk, now=deadline + timedelta(minutes=1))
    auction_at = deadline + timedelta(days=1)
    lot_start(lot_id=lot.pk, now=auction_at)
    bid_place(
        lot_id=lot.pk, user=w.other_admin, amount="99000", now=auction_at + timedelta(minutes=3)
    )
    lot.refresh_from_db()
    lot_close(lot_id=lot.pk, now=lot.ends_at + timedelta(seconds=1))
    lot_award(lot_id=lot.pk, user=w.officer)

    events = list(LotEvent.objects.filter(lot=lot).order_by("seq"))
    times = [e.created_at for e in events]
    assert times == sorted(times), [(e.seq, e.kind, e.created_at) for e in events]
    course = protocol_build(lot_id=lot.pk).events
    assert [e.at for e in course] == sorted(e.at for e in course)
    assert course[0].at == created  # published when it was
