"""What people are told, from the domain events: each reader in its language, once per thing,
by the channels it chose; a losing supplier hears its own rank and never who won."""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from auctions.models import Lot, LotStatus
from auctions.tenders import applications
from marketplace.events.models import EventDelivery
from marketplace.events.services import deliveries_retry
from notifications import mail as notification_mail
from notifications import reminders, services
from notifications.models import Kind, Mode, Notification, TenderSubscription
from tests.auctions.factories import World
from tests.events.test_auction_events import run_to_award

pytestmark = pytest.mark.django_db(transaction=True)


def told(user, kind=None) -> list[Notification]:
    query = Notification.objects.filter(user=user)
    if kind:
        query = query.filter(kind=kind)
    return list(query.order_by("id"))


def test_a_tender_to_its_award_tells_each_person_its_part_in_its_language():
    w = World()
    w.supplier_bidder.language = "uk"
    w.supplier_bidder.save()
    _tender, lot, _alpha, _beta = run_to_award(w)

    admitted = told(w.supplier_bidder, Kind.APPLICATION_DECIDED)
    assert len(admitted) == 1 and admitted[0].title == f"Допуск до аукціону: {lot.title}"
    assert told(w.other_admin, Kind.QUESTION_ANSWERED)  # the asker
    assert not told(w.supplier_admin, Kind.QUESTION_ANSWERED)

    (won,) = told(w.supplier_admin, Kind.AUCTION_RESULT)
    assert won.title.startswith("You won") and "98000.00 UAH" in won.body
    assert won.url == f"/lots/{lot.pk}/"
    (lost,) = told(w.other_admin, Kind.AUCTION_RESULT)
    assert "final rank was 2 of 2" in lost.body
    for text in (lost.title, lost.body):
        assert w.supplier.legal_name not in text and "98000" not in text
    assert not told(w.officer, Kind.AUCTION_RESULT)

    # E-mails went out at once (the default), in each reader's language, with a link.
    to_bidder = [m for m in mail.outbox if m.to == [w.supplier_bidder.email]]
    assert any(m.subject == f"Допуск до аукціону: {lot.title}" for m in to_bidder)
    assert all("/notifications/settings/" in m.body for m in mail.outbox)
    assert Notification.objects.filter(email_mode=Mode.INSTANT, emailed_at=None).count() == 0


def test_an_event_delivered_again_tells_nobody_twice():
    w = World()
    run_to_award(w)
    before = Notification.objects.count()
    mails = len(mail.outbox)
    listener = EventDelivery.objects.filter(listener="notifications.auction_result")
    assert listener.exists()
    deliveries_retry(delivery_ids=listener.values_list("pk", flat=True))  # done: not again
    # A second delivery of the same event by hand (as after a crash before the done mark).
    from notifications.listeners import auction_result

    with transaction.atomic():
        auction_result(listener.first().event)
    assert Notification.objects.count() == before
    assert len(mail.outbox) == mails


def test_preferences_choose_the_channels_and_the_digest_gathers_the_rest():
    w = World()
    services.preference_set(
        user=w.supplier_admin, kind=Kind.APPLICATION_DECIDED, channel="email", mode=Mode.DIGEST
    )
    services.preference_set(
        user=w.supplier_admin, kind=Kind.AUCTION_RESULT, channel="email", mode=Mode.OFF
    )
    services.preference_set(
        user=w.supplier_admin, kind=Kind.AUCTION_RESULT, channel="in_app", mode=Mode.OFF
    )
    run_to_award(w)
    to_admin = [m for m in mail.outbox if m.to == [w.supplier_admin.email]]
    assert to_admin == []  # one digest later, nothing at once
    assert not told(w.supplier_admin, Kind.AUCTION_RESULT)  # both channels off: not made
    assert told(w.supplier_bidder, Kind.AUCTION_RESULT)  # another person's choice is its own
    mail.outbox.clear()
    assert notification_mail.digests_send() >= 1
    digest = [m for m in mail.outbox if m.to == [w.supplier_admin.email]]
    assert len(digest) == 1 and "Admitted to the auction" in digest[0].body
    mail.outbox.clear()
    assert notification_mail.digests_send() == 0  # each notification goes in one digest only


def test_preferences_refuse_what_a_channel_cannot_do():
    w = World()
    from marketplace.core.exceptions import ApplicationError

    for kwargs in (
        {"kind": "nope", "channel": "email", "mode": "off"},
        {"kind": Kind.OUTBID, "channel": "sms", "mode": "off"},
        {"kind": Kind.OUTBID, "channel": "in_app", "mode": "digest"},
    ):
        with pytest.raises(ApplicationError) as refused:
            services.preference_set(user=w.officer, **kwargs)
        assert refused.value.code == "invalid_preference" and refused.value.fields


def test_a_subscription_tells_the_suppliers_that_may_take_part_of_each_matching_tender_once():
    w = World()
    wanted = TenderSubscription.objects.create(
        company=w.supplier,
        name="Diesel in Ukraine",
        keywords="diesel",
        regions=["UA-30"],
        budget_min=Decimal("1000"),
        budget_max=Decimal("500000"),
        currency="UAH",
    )
    wanted.categories.set([w.root])  # the tender's category is below it
    TenderSubscription.objects.create(company=w.other_supplier, name="Furniture", keywords="sofa")
    TenderSubscription.objects.create(company=w.outsider, name="Everything")  # cannot take part
    TenderSubscription.objects.create(
        company=w.other_supplier, name="Big only", budget_min=Decimal("1000000"), currency="UAH"
    )
    TenderSubscription.objects.create(company=w.supplier, name="Also diesel", keywords="WINTER")
    tender = w.published()
    (match,) = told(w.supplier_admin, Kind.TENDER_MATCH)
    assert tender.title in match.title
    assert "Diesel in Ukraine" in match.body and "Also diesel" in match.body
    assert told(w.supplier_bidder, Kind.TENDER_MATCH)
    assert not told(w.other_admin, Kind.TENDER_MATCH)
    assert not told(w.outsider_admin, Kind.TENDER_MATCH)
    # Digest by default: no e-mail at once.
    assert not [m for m in mail.outbox if "matches your subscription" in m.body]
    # Two of its subscriptions match: told once.
    assert len(told(w.supplier_admin, Kind.TENDER_MATCH)) == 1


def test_an_auction_about_to_start_is_told_once_to_its_buyer_and_admitted_suppliers():
    w = World()
    tender = w.published()
    lot = tender.lots.get()
    application = w.apply(lot, w.supplier)
    w.apply(lot, w.other_supplier)  # submitted, never admitted: not told
    applications.application_admit(actor=w.officer, application=application)
    now = timezone.now()
    Lot.objects.filter(pk=lot.pk).update(
        status=LotStatus.AUCTION_SCHEDULED, starts_at=now + timedelta(minutes=10)
    )
    w.officer.time_zone = "Europe/Kyiv"  # the officer reads times in Kyiv's, the rest in UTC
    w.officer.save(update_fields=["time_zone"])
    assert reminders.auction_reminders_send(now=now) > 0
    (supplier_told,) = told(w.supplier_bidder, Kind.AUCTION_SOON)
    (officer_told,) = told(w.officer, Kind.AUCTION_SOON)
    starts = now + timedelta(minutes=10)
    assert f"{starts.astimezone(UTC):%Y-%m-%d %H:%M} UTC" in supplier_told.body
    kyiv = starts.astimezone(ZoneInfo("Europe/Kyiv"))
    assert f"{kyiv:%Y-%m-%d %H:%M} {kyiv.tzname()}" in officer_told.body
    assert not told(w.other_admin, Kind.AUCTION_SOON)
    assert reminders.auction_reminders_send(now=now + timedelta(minutes=1)) == 0
    # Rescheduled: told again about the new time.
    Lot.objects.filter(pk=lot.pk).update(starts_at=now + timedelta(minutes=14))
    assert reminders.auction_reminders_send(now=now + timedelta(minutes=2)) > 0
    # Not yet within 15 minutes: nothing.
    Lot.objects.filter(pk=lot.pk).update(starts_at=now + timedelta(hours=2))
    assert reminders.auction_reminders_send(now=now + timedelta(minutes=3)) == 0
