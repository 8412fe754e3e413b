"""The auction scheduler's pass (``auctions.scheduler.tick``) on an explicit clock, the outage
rule, and the ``run_scheduler`` command's loop."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError

from auctions import lifecycle, notices, scheduler
from auctions.bidding.place import bid_place
from auctions.events import chain_verify
from auctions.management.commands import run_scheduler
from auctions.models import Application, Bid, Lot, LotEvent, LotStatus
from auctions.states import lot_transition
from marketplace.companies.models import MembershipRole
from tests.factories import member

from .engine_setup import Auction

pytestmark = pytest.mark.django_db

S = timedelta(seconds=1)


def status_changes(lot) -> list[tuple[str, str]]:
    return [
        (e.payload["from"], e.payload["to"])
        for e in LotEvent.objects.filter(lot=lot, kind="status_changed").order_by("seq")
    ]


def snapshot(lot) -> tuple:
    lot.refresh_from_db()
    return (
        lot.status,
        lot.starts_at,
        lot.ends_at,
        lot.event_seq,
        lot.bid_count,
        LotEvent.objects.filter(lot=lot).count(),
    )


def live(**rules) -> tuple[Auction, object]:
    """A started auction and the moment it started."""
    return live_started(Auction(**rules))


def live_started(a: Auction) -> tuple[Auction, object]:
    t0 = a.lot.starts_at + S
    result = scheduler.tick(now=t0)
    assert result["started"] == [a.lot.pk]
    a.refresh()
    return a, t0


# --- starting and closing -----------------------------------------------------------------


def test_tick_starts_a_due_lot_and_leaves_one_not_yet_due():
    a = Auction()
    later = Auction()
    Lot.objects.filter(pk=later.lot.pk).update(starts_at=a.lot.starts_at + 60 * S)
    t0 = a.lot.starts_at + S
    before = snapshot(later.lot)

    result = scheduler.tick(now=t0)

    assert result["started"] == [a.lot.pk]
    assert result["errors"] == [] and result["suspended"] == []
    a.refresh()
    assert a.lot.status == LotStatus.LIVE
    assert a.lot.ends_at == t0 + timedelta(seconds=a.lot.duration_seconds)
    assert a.lot.last_scheduler_tick == t0
    assert snapshot(later.lot) == before, "a lot not yet due is left alone"


def test_tick_closes_an_ended_lot_with_its_final_ranking():
    a, t0 = live()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=t0 + S)
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="98000", now=t0 + 2 * S)
    end = a.lot.ends_at

    assert scheduler.tick(now=end - S)["closed"] == []
    result = scheduler.tick(now=end)

    assert result["closed"] == [a.lot.pk]
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    assert a.lot.closed_at == end
    closing = LotEvent.objects.filter(lot=a.lot, kind="status_changed").last()
    assert [(r["application"], r["amount"]) for r in closing.payload["ranking"]] == [
        (a.applications[1].pk, "98000.00"),
        (a.applications[0].pk, "99000.00"),
    ]
    assert chain_verify(lot_id=a.lot.pk)[0]


def test_a_lot_without_bids_fails_at_its_end():
    a, _t0 = live()
    assert scheduler.tick(now=a.lot.ends_at)["closed"] == [a.lot.pk]
    a.refresh()
    assert a.lot.status == LotStatus.FAILED


def test_a_lot_extended_by_a_late_bid_is_left_open_until_its_new_end():
    a, _t0 = live()
    end = a.lot.ends_at
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=end - 10 * S)
    a.refresh()
    assert a.lot.ends_at == end + 180 * S  # soft close: the end moves 180 s
    before = snapshot(a.lot)

    result = scheduler.tick(now=end + S)

    assert result["closed"] == []
    assert snapshot(a.lot) == before
    assert scheduler.tick(now=a.lot.ends_at)["closed"] == [a.lot.pk]


def test_two_ticks_close_once():
    a, _t0 = live()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=_t0 + S)
    end = a.lot.ends_at

    first = scheduler.tick(now=end + S)
    after_first = snapshot(a.lot)
    second = scheduler.tick(now=end + 2 * S)

    assert first["closed"] == [a.lot.pk]
    assert all(v == [] for v in second.values())
    assert snapshot(a.lot) == after_first
    assert status_changes(a.lot) == [("auction_scheduled", "live"), ("live", "closed")]


def test_in_the_rounds_format_the_end_of_the_pause_calls_the_first_turn():
    a = Auction(auction_format="rounds", rounds=2, turn_seconds=60, first_pause_seconds=30)
    for i, app in enumerate(a.applications):
        Application.objects.filter(pk=app.pk).update(initial_amount=Decimal(99000 - 1000 * i))
    a, t0 = live_started(a)
    assert a.lot.ends_at == t0 + 30 * S

    result = scheduler.tick(now=a.lot.ends_at)

    assert result["advanced"] == [a.lot.pk] and result["closed"] == []
    a.refresh()
    assert a.lot.status == LotStatus.LIVE
    assert (a.lot.current_round, a.lot.current_turn) == (1, 1)
    assert a.lot.ends_at == t0 + 90 * S
    assert LotEvent.objects.filter(lot=a.lot, kind="turn_started").count() == 1


def test_lots_are_taken_oldest_due_first_within_the_batch():
    lots = [Auction() for _ in range(3)]
    base = lots[0].lot.starts_at
    for i, a in enumerate(lots):
        Lot.objects.filter(pk=a.lot.pk).update(starts_at=base - (3 - i) * S)  # 0 is oldest

    first = scheduler.tick(now=base, batch=2)
    second = scheduler.tick(now=base, batch=2)

    assert first["started"] == [lots[0].lot.pk, lots[1].lot.pk]
    assert second["started"] == [lots[2].lot.pk]


def test_one_failing_lot_does_not_stop_the_pass(monkeypatch):
    bad, good = Auction(), Auction()
    real_start = scheduler.lot_start

    def start(*, lot_id, **kw):
        if lot_id == bad.lot.pk:
            raise RuntimeError("broken lot")
        return real_start(lot_id=lot_id, **kw)

    monkeypatch.setattr(scheduler, "lot_start", start)
    before = snapshot(bad.lot)

    result = scheduler.tick(now=max(bad.lot.starts_at, good.lot.starts_at) + S)

    assert result["errors"] == [bad.lot.pk]
    assert result["started"] == [good.lot.pk]
    assert snapshot(bad.lot) == before
    assert scheduler.tick(now=good.lot.starts_at + 2 * S, exclude=[bad.lot.pk])["errors"] == []


# --- applications deadline ----------------------------------------------------------------


def published_lot(a: Auction) -> Lot:
    return Lot.objects.create(
        tender=a.tender,
        number=2,
        title="Petrol A-95",
        quantity=Decimal("10"),
        unit="t",
        start_price=Decimal("50000"),
        status=LotStatus.PUBLISHED,
    )


def test_applications_close_when_the_deadline_has_passed():
    a = Auction()
    lot = published_lot(a)
    now = a.tender.applications_deadline + S

    result = scheduler.tick(now=now)

    assert lot.pk in result["applications_closed"]
    lot.refresh_from_db()
    assert lot.status == LotStatus.APPLICATIONS_CLOSED
    assert scheduler.tick(now=now)["applications_closed"] == []


# --- the outage rule ----------------------------------------------------------------------


def test_a_close_121_seconds_late_suspends_and_reschedules_keeping_the_bids(
    django_capture_on_commit_callbacks,
):
    a, t0 = live()
    bid_place(lot_id=a.lot.pk, user=a.bidders[0], amount="99000", now=t0 + S)
    bid_place(lot_id=a.lot.pk, user=a.bidders[1], amount="98000", now=t0 + 2 * S)
    a.refresh()
    end, best, bids = a.lot.ends_at, a.lot.best_amount, list(Bid.objects.filter(lot=a.lot))
    outsider = member(a.companies[2], MembershipRole.ACCOUNT_MANAGER)  # not a bidder: no mail
    now = end + 121 * S
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        result = scheduler.tick(now=now)

    assert result["suspended"] == [a.lot.pk] and result["closed"] == []
    a.refresh()
    assert a.lot.status == LotStatus.AUCTION_SCHEDULED
    assert a.lot.starts_at == now + 600 * S
    assert a.lot.paused_remaining == timedelta(seconds=180)  # the soft-close window
    assert a.lot.ends_at == a.lot.starts_at + 180 * S
    assert a.lot.closed_at is None
    assert a.lot.best_amount == best and a.lot.bid_count == 2
    assert list(Bid.objects.filter(lot=a.lot)) == bids
    assert status_changes(a.lot)[1:] == [("live", "suspended"), ("suspended", "auction_scheduled")]
    suspended = LotEvent.objects.filter(lot=a.lot, kind="status_changed").order_by("seq")[1]
    assert suspended.payload["reason"] == "scheduler outage of 121 seconds"
    assert suspended.payload["missed"] == "close"

    # the participants were told: the admitted suppliers' bidders and the buyer's officer
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([*(b.email for b in a.bidders), a.officer.email])
    assert outsider.email not in recipients
    message = mail.outbox[0]
    assert a.lot.title in message.subject
    assert "121 seconds" in message.body
    assert a.lot.starts_at.strftime("%Y-%m-%d %H:%M:%S") in message.body
    assert "All bids are kept" in message.body

    # not closed by a second pass either; nobody can bid while it waits
    assert all(v == [] for v in scheduler.tick(now=now + S).values())
    assert a.lot.status == LotStatus.AUCTION_SCHEDULED

    # at the new start it goes live again for the final phase, from the same standing
    restart = a.lot.starts_at
    assert scheduler.tick(now=restart - S)["restarted"] == []
    assert scheduler.tick(now=restart + S)["restarted"] == [a.lot.pk]
    a.refresh()
    assert a.lot.status == LotStatus.LIVE
    assert a.lot.ends_at == restart + 180 * S
    assert a.lot.paused_remaining is None and a.lot.best_amount == best
    bid_place(lot_id=a.lot.pk, user=a.bidders[2], amount="97000", now=restart + 2 * S)

    # and it can close, with the bids from before and after the outage
    a.refresh()
    assert scheduler.tick(now=a.lot.ends_at)["closed"] == [a.lot.pk]
    a.refresh()
    assert a.lot.status == LotStatus.CLOSED
    closing = LotEvent.objects.filter(lot=a.lot, kind="status_changed").last()
    assert [r["amount"] for r in closing.payload["ranking"]] == ["97000.00", "98000.00", "99000.00"]
    assert chain_verify(lot_id=a.lot.pk)[0]


def test_a_close_exactly_120_seconds_late_still_closes():
    a, _t0 = live()
    result = scheduler.tick(now=a.lot.ends_at + 120 * S)
    assert result["closed"] == [a.lot.pk] and result["suspended"] == []


def test_a_start_missed_by_the_outage_is_rescheduled_and_then_runs_its_whole_duration(
    django_capture_on_commit_callbacks,
):
    a = Auction()
    now = a.lot.starts_at + 121 * S
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert scheduler.tick(now=now)["suspended"] == [a.lot.pk]
    a.refresh()
    assert a.lot.status == LotStatus.AUCTION_SCHEDULED
    assert a.lot.starts_at == now + 600 * S
    assert a.lot.paused_remaining is None and a.lot.ends_at is None
    assert len(mail.outbox) == 4
    assert "now starts at" in mail.outbox[0].body

    start = a.lot.starts_at + S
    assert scheduler.tick(now=start)["started"] == [a.lot.pk]
    a.refresh()
    assert a.lot.ends_at == start + timedelta(seconds=a.lot.duration_seconds)


def test_a_restart_missed_again_is_rescheduled_again_with_its_final_phase(settings):
    settings.AUCTION_SCHEDULER_MAX_LAG_SECONDS = 30
    settings.AUCTION_RESCHEDULE_NOTICE_SECONDS = 60
    a, _t0 = live(soft_close_window_seconds=0)
    now = a.lot.ends_at + 31 * S
    assert scheduler.tick(now=now)["suspended"] == [a.lot.pk]
    a.refresh()
    assert a.lot.starts_at == now + 60 * S
    assert a.lot.paused_remaining == timedelta(minutes=5)  # no soft close: five minutes

    again = a.lot.starts_at + 31 * S
    assert scheduler.tick(now=again)["suspended"] == [a.lot.pk]
    a.refresh()
    assert a.lot.starts_at == again + 60 * S
    assert a.lot.paused_remaining == timedelta(minutes=5)
    assert scheduler.tick(now=a.lot.starts_at)["restarted"] == [a.lot.pk]


def test_suspend_for_outage_leaves_a_lot_that_is_not_late_alone():
    a, _t0 = live()
    before = snapshot(a.lot)
    lifecycle.lot_suspend_for_outage(lot_id=a.lot.pk, now=a.lot.ends_at + 120 * S)
    assert snapshot(a.lot) == before


def test_restart_after_outage_ignores_a_lot_that_was_not_live():
    a = Auction()
    before = snapshot(a.lot)
    lifecycle.lot_restart_after_outage(lot_id=a.lot.pk, now=a.lot.starts_at + S)
    assert snapshot(a.lot) == before


def test_a_paused_lot_is_not_touched():
    a, _t0 = live()
    lot = Lot.objects.get(pk=a.lot.pk)
    lot_transition(lot=lot, to=LotStatus.PAUSED, reason="Power cut at the buyer")
    lot.save()
    before = snapshot(a.lot)
    assert all(v == [] for v in scheduler.tick(now=a.lot.ends_at + 300 * S).values())
    assert snapshot(a.lot) == before


# --- the command --------------------------------------------------------------------------


def test_run_scheduler_once_starts_due_lots():
    a = Auction()
    call_command("run_scheduler", "--once")
    a.refresh()
    assert a.lot.status == LotStatus.LIVE


def test_the_loop_survives_a_database_error_and_stops_when_asked(monkeypatch):
    stop = threading.Event()
    calls = []
    closed = []

    def fake_tick(**kw):
        calls.append(kw)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        if len(calls) == 2:
            return {"started": [], "closed": [], "errors": [7]}
        stop.set()
        return {"started": [], "closed": [], "errors": []}

    monkeypatch.setattr(scheduler, "tick", fake_tick)
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    monkeypatch.setattr(
        run_scheduler.Command, "_close_connections", staticmethod(lambda: closed.append(1))
    )

    run_scheduler.Command().loop(stop=stop, interval=0.001, batch=5)

    assert len(calls) == 3
    assert closed == [1], "the broken connection was closed before retrying"
    assert calls[1]["exclude"] == [] and calls[2]["exclude"] == [7], "a failing lot backs off"


def test_the_notice_is_written_in_each_participant_s_language(django_capture_on_commit_callbacks):
    a = Auction()
    type(a.bidders[0]).objects.filter(pk=a.bidders[0].pk).update(language="uk")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        scheduler.tick(now=a.lot.starts_at + 130 * S)

    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[a.bidders[0].email].subject.startswith("Аукціон перенесено")
    assert by_person[a.bidders[1].email].subject.startswith("Auction rescheduled")


def test_a_failing_mail_server_does_not_undo_the_suspension(
    django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(notices, "send_mail", refuse)
    a = Auction()

    with django_capture_on_commit_callbacks(execute=True):
        result = scheduler.tick(now=a.lot.starts_at + 200 * S)

    assert result["suspended"] == [a.lot.pk] and result["errors"] == []
    a.refresh()
    assert a.lot.status == LotStatus.AUCTION_SCHEDULED
    assert status_changes(a.lot) == [
        ("auction_scheduled", "suspended"),
        ("suspended", "auction_scheduled"),
    ]
